/*
 * External scanner for the dfix Dockerfile grammar.
 *
 * It lexes the whole file, following the line rules of BuildKit's parser:
 * - parser directives (`# syntax=`, `# escape=`, `# check=`) are only recognised before any other line (a comment,
 *   a blank line or an instruction ends them);
 * - the escape character (backslash, or backtick after `# escape=``) followed by blanks at the end of a line
 *   continues the instruction, unless the character before it is the escape character too;
 * - inside a continuation, comment lines and blank lines are dropped by Docker, so they are tokens of their own;
 * - RUN, COPY and ADD (also after ONBUILD) may name heredocs (`<<EOF`, `<<-"EOF"`, `3<<EOF`), whose bodies follow
 *   the instruction's line.
 * Line endings are LF or CRLF; a lone CR inside a line is ordinary text. (The tree-sitter runtime skips a byte
 * order mark at the start of the file, as BuildKit strips one from the first line.)
 */

#include "tree_sitter/parser.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

enum TokenType {
  PARSER_DIRECTIVE,
  COMMENT,
  KEYWORD,
  FLAG,
  TEXT,
  HEREDOC_MARKER,
  LINE_CONTINUATION,
  CONTINUATION_COMMENT,
  HEREDOC_BODY,
  HEREDOC_END,
  LINE_END,
  BLANK,
  ERROR_SENTINEL,
};

#define MAX_HEREDOCS 8
#define MAX_HEREDOC_NAME 96 /* bytes of UTF-8 */
#define MAX_WORD 32

enum {
  DIRECTIVES_DONE = 1 << 0,   /* a non-directive line was seen */
  IN_INSTRUCTION = 1 << 1,    /* between an instruction's keyword and its line end */
  IN_CONTINUATION = 1 << 2,   /* the last physical line ended with a line continuation */
  ARGS_STARTED = 1 << 3,      /* flags are over: the rest is argument text */
  HEREDOC_CAPABLE = 1 << 4,   /* RUN, COPY or ADD (also as ONBUILD's instruction) */
  AFTER_HEREDOC_END = 1 << 5, /* a heredoc terminator was just emitted, its line end not yet consumed */
  ONBUILD_PENDING = 1 << 6,   /* ONBUILD: the keyword of its instruction is not read yet */
};

typedef struct {
  uint8_t len;
  bool chomp;
  char name[MAX_HEREDOC_NAME];
} Heredoc;

typedef struct {
  int32_t escape;
  uint8_t flags;
  uint8_t quote; /* open quote of the logical line (for heredoc detection): 0, '\'' or '"' */
  uint8_t heredoc_count;
  Heredoc heredocs[MAX_HEREDOCS];
} Scanner;

static inline bool has(Scanner *s, uint8_t f) { return (s->flags & f) != 0; }
static inline void set(Scanner *s, uint8_t f) { s->flags |= f; }
static inline void clear(Scanner *s, uint8_t f) { s->flags &= (uint8_t)~f; }

static inline void advance(TSLexer *lexer) { lexer->advance(lexer, false); }
static inline void skip(TSLexer *lexer) { lexer->advance(lexer, true); }
static inline bool at_eof(TSLexer *lexer) { return lexer->eof(lexer); }
static inline bool is_blank(int32_t c) { return c == ' ' || c == '\t'; }
static inline bool is_digit(int32_t c) { return c >= '0' && c <= '9'; }
/* Go's unicode.IsSpace for the characters that can occur inside a line. */
static inline bool is_space(int32_t c) {
  return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == 0x85 || c == 0xA0;
}
/* BuildKit's `[\t\v\f\r ]`, which separates an instruction's keyword from its arguments. */
static inline bool is_keyword_space(int32_t c) { return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r'; }
/* Go's regexp `\s` (BuildKit's directive pattern) inside a line. */
static inline bool is_directive_space(int32_t c) { return c == ' ' || c == '\t' || c == '\f' || c == '\r'; }

void *tree_sitter_dockerfile_external_scanner_create(void) {
  Scanner *s = calloc(1, sizeof(Scanner));
  s->escape = '\\';
  return s;
}

void tree_sitter_dockerfile_external_scanner_destroy(void *payload) { free(payload); }

unsigned tree_sitter_dockerfile_external_scanner_serialize(void *payload, char *buffer) {
  Scanner *s = payload;
  unsigned n = 0;
  buffer[n++] = (char)(s->escape == '`' ? '`' : '\\');
  buffer[n++] = (char)s->flags;
  buffer[n++] = (char)s->quote;
  unsigned count_at = n++;
  unsigned count = 0;
  for (unsigned i = 0; i < s->heredoc_count; i++) {
    Heredoc *h = &s->heredocs[i];
    if (n + 2 + h->len > TREE_SITTER_SERIALIZATION_BUFFER_SIZE) break;
    buffer[n++] = (char)h->len;
    buffer[n++] = (char)h->chomp;
    memcpy(&buffer[n], h->name, h->len);
    n += h->len;
    count++;
  }
  buffer[count_at] = (char)count;
  return n;
}

void tree_sitter_dockerfile_external_scanner_deserialize(void *payload, const char *buffer, unsigned length) {
  Scanner *s = payload;
  memset(s, 0, sizeof(Scanner));
  s->escape = '\\';
  if (length < 4) return;
  unsigned n = 0;
  s->escape = (uint8_t)buffer[n++];
  s->flags = (uint8_t)buffer[n++];
  s->quote = (uint8_t)buffer[n++];
  uint8_t count = (uint8_t)buffer[n++];
  for (unsigned i = 0; i < count && i < MAX_HEREDOCS && n + 2 <= length; i++) {
    Heredoc *h = &s->heredocs[i];
    h->len = (uint8_t)buffer[n++];
    h->chomp = buffer[n++] != 0;
    if (h->len > MAX_HEREDOC_NAME || n + h->len > length) break;
    memcpy(h->name, &buffer[n], h->len);
    n += h->len;
    s->heredoc_count = (uint8_t)(i + 1);
  }
}

/* At a CR: consume CRs and report whether the line ends there (an LF or the end of the file follows). */
static bool consume_crs_then_eol(TSLexer *lexer) {
  while (lexer->lookahead == '\r') advance(lexer);
  return lexer->lookahead == '\n' || at_eof(lexer);
}

/* Consume a line ending (CR* LF) if there is one. */
static void consume_line_end(TSLexer *lexer) {
  while (lexer->lookahead == '\r') advance(lexer);
  if (lexer->lookahead == '\n') advance(lexer);
}

/* The UTF-8 encoding of a code point; returns its length. */
static unsigned encode_utf8(int32_t c, char *out) {
  if (c < 0 || c > 0x10FFFF) c = 0xFFFD;
  if (c < 0x80) {
    out[0] = (char)c;
    return 1;
  }
  if (c < 0x800) {
    out[0] = (char)(0xC0 | (c >> 6));
    out[1] = (char)(0x80 | (c & 0x3F));
    return 2;
  }
  if (c < 0x10000) {
    out[0] = (char)(0xE0 | (c >> 12));
    out[1] = (char)(0x80 | ((c >> 6) & 0x3F));
    out[2] = (char)(0x80 | (c & 0x3F));
    return 3;
  }
  out[0] = (char)(0xF0 | (c >> 18));
  out[1] = (char)(0x80 | ((c >> 12) & 0x3F));
  out[2] = (char)(0x80 | ((c >> 6) & 0x3F));
  out[3] = (char)(0x80 | (c & 0x3F));
  return 4;
}

enum EscapeResult {
  ESCAPE_CONTINUES_LINE, /* escape, blanks, line end: a line continuation (the line end is not consumed) */
  ESCAPE_ESCAPES_NEXT,   /* the escape character was consumed; the next character is escaped */
  ESCAPE_THEN_BLANKS,    /* the escape character and blanks were consumed; more text follows */
  ESCAPE_IS_ESCAPED,     /* the escape character follows another one: it is consumed as text */
};

/*
 * The lexer is on the escape character, and the character before it on the line was `prev`. Advance over the
 * escape character and any blanks, and tell whether that reached the end of the line (or of the file), which makes
 * it a line continuation. Like BuildKit (whose pattern is `[^\]\[ \t]*$`), an escape character right after another
 * one never continues the line, however many escape characters precede it.
 */
static enum EscapeResult scan_escape(Scanner *s, TSLexer *lexer, int32_t prev) {
  advance(lexer);
  if (prev == s->escape) return ESCAPE_IS_ESCAPED;
  bool blanks = false;
  while (is_blank(lexer->lookahead)) {
    advance(lexer);
    blanks = true;
  }
  if (at_eof(lexer) || lexer->lookahead == '\n') return ESCAPE_CONTINUES_LINE;
  if (lexer->lookahead == '\r') return consume_crs_then_eol(lexer) ? ESCAPE_CONTINUES_LINE : ESCAPE_THEN_BLANKS;
  return blanks ? ESCAPE_THEN_BLANKS : ESCAPE_ESCAPES_NEXT;
}

/* The character before the lexer's position after an escape that did not continue the line. */
static int32_t prev_after_escape(Scanner *s, enum EscapeResult r) {
  return r == ESCAPE_THEN_BLANKS ? ' ' : s->escape;
}

static bool lower_equals(const char *word, unsigned len, const char *lit) {
  if (strlen(lit) != len) return false;
  for (unsigned i = 0; i < len; i++) {
    char c = word[i];
    if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
    if (c != lit[i]) return false;
  }
  return true;
}

static bool heredoc_keyword(const char *word, unsigned len) {
  return len <= MAX_WORD && (lower_equals(word, len, "run") || lower_equals(word, len, "copy") ||
                             lower_equals(word, len, "add"));
}

/* Advance over a character of a comment or directive line; the token ends after its last non-blank character. */
static void advance_in_comment(TSLexer *lexer) {
  bool blank = is_space(lexer->lookahead) || lexer->lookahead == '\r';
  advance(lexer);
  if (!blank) lexer->mark_end(lexer);
}

/* Scan to the end of the line (not consuming the line ending); the token ends at its last non-blank character. */
static void scan_rest_of_line(TSLexer *lexer) {
  while (!at_eof(lexer) && lexer->lookahead != '\n') {
    if (lexer->lookahead == '\r') {
      if (consume_crs_then_eol(lexer)) return;
      continue;
    }
    advance_in_comment(lexer);
  }
}

/*
 * `# key = value` with key escape, syntax or check, as BuildKit's directive pattern
 * `^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$`. The lexer is on '#'. Whatever the outcome, the token end is
 * marked after the last non-blank character consumed, so that a line that is no directive can be finished as a
 * comment.
 */
static bool scan_directive(Scanner *s, TSLexer *lexer) {
  advance_in_comment(lexer);
  while (is_directive_space(lexer->lookahead)) advance_in_comment(lexer);
  char key[16];
  unsigned key_len = 0;
  int32_t c = lexer->lookahead;
  if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) return false;
  while ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c)) {
    if (key_len < sizeof key) key[key_len] = (char)c;
    key_len++;
    advance_in_comment(lexer);
    c = lexer->lookahead;
  }
  if (key_len > sizeof key) return false;
  while (is_directive_space(lexer->lookahead)) advance_in_comment(lexer);
  if (lexer->lookahead != '=') return false;
  advance_in_comment(lexer);
  int32_t first = 0;
  unsigned value_len = 0;
  bool space_before = false;
  for (;;) {
    c = lexer->lookahead;
    if (at_eof(lexer) || c == '\n') break;
    if (c == '\r' && consume_crs_then_eol(lexer)) break;
    if (is_directive_space(lexer->lookahead)) {
      space_before = value_len > 0;
      advance(lexer);
      continue;
    }
    if (value_len == 0) first = lexer->lookahead;
    value_len += space_before ? 2 : 1;
    space_before = false;
    advance_in_comment(lexer);
  }
  if (value_len == 0) return false;
  bool is_escape = lower_equals(key, key_len, "escape");
  if (!is_escape && !lower_equals(key, key_len, "syntax") && !lower_equals(key, key_len, "check")) return false;
  if (is_escape && value_len == 1 && (first == '`' || first == '\\')) s->escape = first;
  return true;
}

/*
 * A word: non-blank characters up to a blank, a line end or a line continuation (the continuation is left
 * unconsumed in the token). Used for keywords and flags. A `flag` ends at Unicode white space outside quotes
 * (quotes with backslash escapes, as BuildKit's flag parser), a keyword at `[\t\v\f\r ]` (as BuildKit's
 * splitCommand). `prev` is the character before the word. Returns the number of characters, and stores the first
 * `cap` of them in `buf`.
 */
static unsigned scan_word(Scanner *s, TSLexer *lexer, char *buf, unsigned cap, bool flag, int32_t prev) {
  int32_t quote = 0;
  bool escaped = false;
  unsigned n = 0;
  lexer->mark_end(lexer);
  for (;;) {
    int32_t c = lexer->lookahead;
    if (at_eof(lexer) || c == '\n') break;
    if (c == '\r') {
      /* CRs consumed here are left out of the token when it ends before them */
      if (consume_crs_then_eol(lexer) || !flag) break;
      prev = '\r';
      escaped = false;
      n++;
      lexer->mark_end(lexer);
      continue;
    }
    if (flag ? quote == 0 && is_space(c) : is_keyword_space(c)) break;
    if (c == s->escape && !flag && prev != s->escape) {
      if (n > 0) {
        /* in a keyword, the escape character either continues the line or is followed by another character of
           the word; before blanks and more text (BuildKit would end the keyword after it) the keyword ends */
        enum EscapeResult r = scan_escape(s, lexer, prev);
        if (r != ESCAPE_ESCAPES_NEXT) break;
        prev = s->escape;
        if (buf && n < cap) buf[n] = (char)c;
        n++;
        lexer->mark_end(lexer);
        continue;
      }
      /* the escape character starts the line: a lone line continuation (returns 0, the line end not consumed), or
         a keyword that starts with it */
      advance(lexer);
      lexer->mark_end(lexer);
      bool blanks = false;
      while (is_blank(lexer->lookahead)) {
        advance(lexer);
        blanks = true;
      }
      if (at_eof(lexer) || lexer->lookahead == '\n') return 0;
      if (lexer->lookahead == '\r') {
        if (consume_crs_then_eol(lexer)) return 0;
        blanks = true;
      }
      if (buf && cap > 0) buf[0] = (char)c;
      if (blanks) return 1;
      prev = s->escape;
      n = 1;
      continue;
    }
    if (c == s->escape) {
      enum EscapeResult r = scan_escape(s, lexer, prev);
      if (r == ESCAPE_CONTINUES_LINE) break;
      prev = prev_after_escape(s, r);
      escaped = r != ESCAPE_THEN_BLANKS && c == '\\' && !escaped;
      if (buf && n < cap) buf[n] = (char)c;
      n++;
      lexer->mark_end(lexer);
      continue;
    }
    if (flag && !escaped) {
      if (quote == 0 && (c == '"' || c == '\'')) quote = c;
      else if (quote != 0 && c == quote) quote = 0;
    }
    escaped = c == '\\' && !escaped;
    if (buf && n < cap) buf[n] = c < 0x80 ? (char)c : '?';
    n++;
    prev = c;
    advance(lexer);
    lexer->mark_end(lexer);
  }
  return n;
}

enum MarkerResult {
  MARKER_FOUND,               /* a heredoc marker, recorded; the token end is marked after it */
  MARKER_NOT_FOUND,           /* what was consumed is text, which goes on */
  MARKER_NOT_FOUND_AT_CONTINUATION, /* no marker, and a line continuation follows: the text ends at the mark */
};

static void add_to_name(Heredoc *h, int32_t c, bool *ok) {
  char buf[4];
  unsigned n = encode_utf8(c, buf);
  if (h->len + n > MAX_HEREDOC_NAME) {
    *ok = false;
    return;
  }
  memcpy(&h->name[h->len], buf, n);
  h->len = (uint8_t)(h->len + n);
}

/*
 * The lexer is at `<` starting a word (after an optional file descriptor). Read the word and tell whether it is a
 * heredoc marker the way BuildKit decides: the raw word must match `^\d*<<-?[^<]*$` with a non-empty name, which
 * is the word with its quotes and backslash escapes removed. On success the marker is recorded. The token end is
 * marked after every non-blank character consumed; `last` receives the last character consumed.
 *
 * A line continuation ends the word before the escape character (BuildKit would join the next line to the word,
 * which a token cannot do; continuation lines are usually indented, which ends the word in BuildKit too). An escape
 * character followed by blanks inside the word (`<<A\ B`) is not supported: the word is then taken as text.
 */
static enum MarkerResult scan_heredoc_marker(Scanner *s, TSLexer *lexer, int32_t *last) {
  Heredoc h = {0};
  bool ok = true;
  int32_t quote = 0;
  bool escaped = false;
  int32_t prev = '<';
  advance(lexer);
  lexer->mark_end(lexer);
  *last = '<';
  if (lexer->lookahead != '<') return MARKER_NOT_FOUND;
  advance(lexer);
  lexer->mark_end(lexer);
  if (lexer->lookahead == '-') {
    h.chomp = true;
    prev = '-';
    advance(lexer);
    lexer->mark_end(lexer);
  }
  enum MarkerResult result = MARKER_FOUND;
  for (;;) {
    int32_t c = lexer->lookahead;
    if (at_eof(lexer) || c == '\n' || c == '\r') break;
    if (quote == 0 && !escaped && is_space(c)) break;
    bool may_continue = c == s->escape && prev != s->escape;
    advance(lexer);
    if (may_continue) {
      int32_t next = lexer->lookahead;
      if (at_eof(lexer) || is_blank(next) || next == '\n' || next == '\r') {
        while (is_blank(lexer->lookahead)) advance(lexer);
        if (at_eof(lexer) || lexer->lookahead == '\n' ||
            (lexer->lookahead == '\r' && consume_crs_then_eol(lexer))) {
          result = MARKER_NOT_FOUND_AT_CONTINUATION;
          break;
        }
        /* an escaped blank inside the word: not taken as a heredoc name */
        s->quote = (uint8_t)quote;
        *last = ' ';
        return MARKER_NOT_FOUND;
      }
    }
    /* `<` anywhere in the raw word makes it no marker */
    if (c == '<') ok = false;
    if (escaped) {
      add_to_name(&h, c, &ok);
      escaped = false;
    } else if (c == '\\' && quote != '\'') {
      escaped = true;
    } else if (quote == 0 && (c == '"' || c == '\'')) {
      quote = c;
    } else if (quote != 0 && c == quote) {
      quote = 0;
    } else {
      add_to_name(&h, c, &ok);
    }
    prev = c;
    if (!is_space(c)) lexer->mark_end(lexer);
  }
  *last = prev;
  if (!ok || h.len == 0 || quote != 0) {
    s->quote = (uint8_t)quote;
    return result == MARKER_FOUND ? MARKER_NOT_FOUND : result;
  }
  if (s->heredoc_count < MAX_HEREDOCS) s->heredocs[s->heredoc_count++] = h;
  return MARKER_FOUND;
}

/* The first word of ONBUILD's arguments is the keyword of its instruction, which decides about heredocs. */
typedef struct {
  bool active;
  unsigned len;
  char word[MAX_WORD];
} SubKeyword;

static void sub_keyword_add(SubKeyword *k, int32_t c) {
  if (!k->active) return;
  if (k->len < MAX_WORD) k->word[k->len] = c < 0x80 ? (char)c : '?';
  k->len++;
}

static void sub_keyword_end(Scanner *s, SubKeyword *k) {
  if (!k->active || k->len == 0) return;
  k->active = false;
  clear(s, ONBUILD_PENDING);
  if (heredoc_keyword(k->word, k->len)) set(s, HEREDOC_CAPABLE);
}

/*
 * Argument text on one physical line: up to a line end, a line continuation, or (in RUN, COPY and ADD) a heredoc
 * marker at the start of a word. Trailing blanks are left out of the token. `first` is a character of the token
 * that was already consumed (a lone `-`), or 0.
 */
static bool scan_text(Scanner *s, TSLexer *lexer, const bool *valid, int32_t first) {
  int32_t prev = first;   /* the character before the lexer on this line (for line continuations) */
  bool escaped = false;   /* the next character is escaped by a backslash (shell rules, for quotes) */
  bool word_start = first == 0;
  bool any = first != 0;
  SubKeyword sub = {.active = has(s, ONBUILD_PENDING)};
  if (first == '-') sub_keyword_add(&sub, first);
  lexer->mark_end(lexer);
  for (;;) {
    int32_t c = lexer->lookahead;
    if (at_eof(lexer) || c == '\n') break;
    if (c == '\r') {
      if (consume_crs_then_eol(lexer)) break;
      any = true;
      prev = '\r';
      escaped = false;
      word_start = false;
      sub_keyword_add(&sub, '\r');
      lexer->mark_end(lexer);
      continue;
    }
    if (c == s->escape) {
      enum EscapeResult r = scan_escape(s, lexer, prev);
      if (r == ESCAPE_CONTINUES_LINE) {
        if (!any && valid[LINE_CONTINUATION]) {
          /* the text is empty: this is the continuation itself */
          consume_line_end(lexer);
          lexer->mark_end(lexer);
          lexer->result_symbol = LINE_CONTINUATION;
          set(s, IN_CONTINUATION);
          return true;
        }
        break;
      }
      any = true;
      sub_keyword_add(&sub, c);
      prev = prev_after_escape(s, r);
      if (r == ESCAPE_THEN_BLANKS) {
        /* the escape character escaped a blank; further blanks separate words */
        escaped = false;
        word_start = s->quote == 0;
        sub_keyword_end(s, &sub);
      } else {
        escaped = c == '\\' && s->quote != '\'' && !escaped;
        word_start = false;
      }
      lexer->mark_end(lexer);
      continue;
    }
    if (is_space(c)) {
      advance(lexer);
      prev = c;
      word_start = s->quote == 0 && !escaped;
      escaped = false;
      if (word_start) sub_keyword_end(s, &sub);
      continue;
    }
    if (word_start && (c == '<' || is_digit(c)) && s->quote == 0 && has(s, HEREDOC_CAPABLE) &&
        valid[HEREDOC_MARKER]) {
      /* a heredoc marker, possibly with a file descriptor (`3<<EOF`) */
      bool digits = false;
      while (is_digit(lexer->lookahead)) {
        advance(lexer);
        digits = true;
      }
      if (lexer->lookahead == '<') {
        if (any) {
          /* end the text before this word; the marker is scanned on the next call */
          break;
        }
        int32_t last = 0;
        enum MarkerResult m = scan_heredoc_marker(s, lexer, &last);
        if (m == MARKER_FOUND) {
          lexer->result_symbol = HEREDOC_MARKER;
          return true;
        }
        /* not a marker: what was consumed is text */
        any = true;
        word_start = false;
        escaped = false;
        prev = last;
        if (m == MARKER_NOT_FOUND_AT_CONTINUATION) break;
        continue;
      }
      if (digits) {
        any = true;
        word_start = false;
        escaped = false;
        prev = '0';
        lexer->mark_end(lexer);
        continue;
      }
    }
    /* quote tracking for heredoc detection, with BuildKit's shell-word rules (backslash escapes) */
    if (s->quote == 0) {
      if ((c == '"' || c == '\'') && !escaped) s->quote = (uint8_t)c;
    } else if (c == s->quote && (s->quote == '\'' || !escaped)) {
      s->quote = 0;
    }
    escaped = c == '\\' && s->quote != '\'' && !escaped;
    advance(lexer);
    any = true;
    word_start = false;
    prev = c;
    sub_keyword_add(&sub, c);
    lexer->mark_end(lexer);
  }
  sub_keyword_end(s, &sub);
  if (!any) return false;
  lexer->result_symbol = TEXT;
  return true;
}

/*
 * Whether this line is the terminator of the first pending heredoc (after leading tabs for `<<-`). Consumes the
 * line's text, not its line ending. With `mark`, the token end is set after the terminator's text.
 */
static bool line_is_terminator(Scanner *s, TSLexer *lexer, bool mark) {
  Heredoc *h = &s->heredocs[0];
  if (h->chomp) {
    while (lexer->lookahead == '\t') advance(lexer);
  }
  unsigned i = 0;
  bool match = true;
  while (!at_eof(lexer) && lexer->lookahead != '\n' && lexer->lookahead != '\r') {
    char buf[4];
    unsigned n = encode_utf8(lexer->lookahead, buf);
    for (unsigned k = 0; k < n; k++, i++) {
      if (i >= h->len || buf[k] != h->name[i]) match = false;
    }
    advance(lexer);
  }
  if (i != h->len) match = false;
  if (match && mark) lexer->mark_end(lexer);
  if (lexer->lookahead == '\r' && !consume_crs_then_eol(lexer)) {
    /* BuildKit trims all trailing CR and LF; a CR not followed by LF is part of the line */
    match = false;
    while (!at_eof(lexer) && lexer->lookahead != '\n') advance(lexer);
  }
  return match;
}

static void pop_heredoc(Scanner *s) {
  if (s->heredoc_count == 0) return;
  memmove(&s->heredocs[0], &s->heredocs[1], sizeof(Heredoc) * (s->heredoc_count - 1));
  s->heredoc_count--;
}

/* Heredoc content (whole lines, with their line endings) or the terminator line (without its line ending). */
static bool scan_heredoc(Scanner *s, TSLexer *lexer, const bool *valid) {
  if (has(s, AFTER_HEREDOC_END)) {
    /* the line ending after the previous terminator belongs to no token */
    while (lexer->lookahead == '\r') skip(lexer);
    if (lexer->lookahead == '\n') skip(lexer);
    clear(s, AFTER_HEREDOC_END);
  }
  lexer->mark_end(lexer);
  bool body = false;
  for (;;) {
    if (at_eof(lexer)) {
      /* an unterminated heredoc: the body runs to the end of the file. Without any body, an empty one still makes
         the parser expect the terminator, so that it is reported MISSING instead of no error at all (and a short
         last line is not taken for an ERROR) */
      lexer->result_symbol = HEREDOC_BODY;
      return valid[HEREDOC_BODY];
    }
    if (line_is_terminator(s, lexer, !body)) {
      if (body) {
        /* the body ends where this line starts */
        lexer->result_symbol = HEREDOC_BODY;
        return valid[HEREDOC_BODY];
      }
      lexer->result_symbol = HEREDOC_END;
      pop_heredoc(s);
      set(s, AFTER_HEREDOC_END);
      return valid[HEREDOC_END];
    }
    if (lexer->lookahead == '\n') advance(lexer);
    body = true;
    lexer->mark_end(lexer);
  }
}

static void end_instruction(Scanner *s) {
  clear(s, IN_INSTRUCTION | IN_CONTINUATION | ONBUILD_PENDING);
  s->quote = 0;
}

/* Inside an instruction, after its keyword. */
static bool scan_instruction_part(Scanner *s, TSLexer *lexer, const bool *valid) {
  bool at_line_start = has(s, IN_CONTINUATION);
  /* lone CRs at the start of a token are white space, as for BuildKit */
  while (is_space(lexer->lookahead) || lexer->lookahead == '\r') skip(lexer);
  if (at_eof(lexer)) {
    if (!valid[LINE_END]) return false;
    lexer->result_symbol = LINE_END;
    end_instruction(s);
    return true;
  }
  int32_t c = lexer->lookahead;
  int32_t first = 0;
  if (c == '\n') {
    advance(lexer);
    lexer->mark_end(lexer);
    if (has(s, IN_CONTINUATION)) {
      /* a blank line, or the end of a comment line, inside a continuation: Docker skips it */
      lexer->result_symbol = BLANK;
      return valid[BLANK];
    }
    lexer->result_symbol = LINE_END;
    end_instruction(s);
    return valid[LINE_END];
  }
  if (at_line_start && c == '#' && valid[CONTINUATION_COMMENT]) {
    /* a comment line inside a continuation; its line end is a BLANK */
    lexer->mark_end(lexer);
    scan_rest_of_line(lexer);
    lexer->result_symbol = CONTINUATION_COMMENT;
    return true;
  }
  if (!has(s, ARGS_STARTED) && c == '-' && valid[FLAG]) {
    advance(lexer);
    if (lexer->lookahead == '-') {
      advance(lexer);
      /* `--` alone ends the flags, as in BuildKit */
      if (scan_word(s, lexer, NULL, 0, true, '-') == 0) set(s, ARGS_STARTED);
      lexer->result_symbol = FLAG;
      clear(s, IN_CONTINUATION);
      return true;
    }
    /* a single dash starts the arguments */
    first = '-';
  }
  if (!scan_text(s, lexer, valid, first)) return false;
  if (lexer->result_symbol != LINE_CONTINUATION) {
    set(s, ARGS_STARTED);
    clear(s, IN_CONTINUATION);
  }
  return true;
}

/* Outside instructions: directives, comments, blank lines and keywords. */
static bool scan_line_start(Scanner *s, TSLexer *lexer, const bool *valid) {
  bool line_start = lexer->get_column(lexer) == 0;
  while (is_space(lexer->lookahead) || lexer->lookahead == '\r') skip(lexer);
  if (at_eof(lexer)) return false;
  int32_t c = lexer->lookahead;
  /* after a line holding only a line continuation, comment and blank lines are skipped until the keyword */
  bool continued = has(s, IN_CONTINUATION);
  if (c == '\n') {
    advance(lexer);
    lexer->mark_end(lexer);
    /* a blank line ends the parser directives */
    if (line_start) set(s, DIRECTIVES_DONE);
    lexer->result_symbol = continued ? BLANK : LINE_END;
    return valid[lexer->result_symbol];
  }
  if (c == '#' && continued) {
    lexer->mark_end(lexer);
    scan_rest_of_line(lexer);
    lexer->result_symbol = CONTINUATION_COMMENT;
    return valid[CONTINUATION_COMMENT];
  }
  if (c == '#') {
    lexer->mark_end(lexer);
    if (!has(s, DIRECTIVES_DONE) && valid[PARSER_DIRECTIVE]) {
      int32_t escape_before = s->escape;
      if (scan_directive(s, lexer)) {
        lexer->result_symbol = PARSER_DIRECTIVE;
        return true;
      }
      s->escape = escape_before;
    }
    /* not a directive: the line is a comment (scan_directive marked the end of what it consumed) */
    set(s, DIRECTIVES_DONE);
    scan_rest_of_line(lexer);
    lexer->result_symbol = COMMENT;
    return valid[COMMENT];
  }
  if (!valid[KEYWORD]) return false;
  set(s, DIRECTIVES_DONE);
  char word[MAX_WORD];
  unsigned len = scan_word(s, lexer, word, MAX_WORD, false, 0);
  if (len == 0) {
    /* a line holding only a line continuation: BuildKit joins the next line to it, which holds the keyword */
    if (!valid[LINE_CONTINUATION]) return false;
    consume_line_end(lexer);
    lexer->mark_end(lexer);
    set(s, IN_CONTINUATION);
    lexer->result_symbol = LINE_CONTINUATION;
    return true;
  }
  s->flags = (uint8_t)(s->flags & DIRECTIVES_DONE);
  set(s, IN_INSTRUCTION);
  s->quote = 0;
  if (heredoc_keyword(word, len)) set(s, HEREDOC_CAPABLE);
  if (len <= MAX_WORD && lower_equals(word, len, "onbuild")) set(s, ONBUILD_PENDING);
  lexer->result_symbol = KEYWORD;
  return true;
}

bool tree_sitter_dockerfile_external_scanner_scan(void *payload, TSLexer *lexer, const bool *valid) {
  Scanner *s = payload;
  if (valid[ERROR_SENTINEL]) return false;

  if (s->heredoc_count > 0 && !has(s, IN_INSTRUCTION)) {
    /* heredoc bodies follow the instruction's line */
    if (!valid[HEREDOC_BODY] && !valid[HEREDOC_END]) return false;
    return scan_heredoc(s, lexer, valid);
  }
  clear(s, AFTER_HEREDOC_END);
  return has(s, IN_INSTRUCTION) ? scan_instruction_part(s, lexer, valid) : scan_line_start(s, lexer, valid);
}
