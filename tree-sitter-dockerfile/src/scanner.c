/*
 * External scanner for the dfix Dockerfile grammar.
 *
 * It lexes the whole file, following the line rules of BuildKit's parser:
 * - parser directives (`# syntax=`, `# escape=`, `# check=`) are only recognised before any other line;
 * - the escape character (backslash, or backtick after `# escape=``) followed by blanks at the end of a line
 *   continues the instruction, unless it is itself escaped;
 * - inside a continuation, comment lines and blank lines are dropped by Docker, so they are tokens of their own;
 * - RUN, COPY and ADD may name heredocs (`<<EOF`, `<<-"EOF"`), whose bodies follow the instruction's line.
 * Line endings are LF or CRLF; a lone CR inside a line is ordinary text.
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
#define MAX_HEREDOC_NAME 96
#define MAX_WORD 32

enum {
  DIRECTIVES_DONE = 1 << 0,  /* a non-directive line was seen */
  IN_INSTRUCTION = 1 << 1,   /* between an instruction's keyword and its line end */
  IN_CONTINUATION = 1 << 2,  /* the last physical line ended with a line continuation */
  ARGS_STARTED = 1 << 3,     /* flags are over: the rest is argument text */
  HEREDOC_CAPABLE = 1 << 4,  /* RUN, COPY or ADD */
  AFTER_HEREDOC_END = 1 << 5, /* a heredoc terminator was just emitted, its line end not yet consumed */
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
/* Go's unicode.IsSpace for the characters that can occur inside a line. */
static inline bool is_space(int32_t c) {
  return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == 0x85 || c == 0xA0;
}

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
  buffer[n++] = (char)s->heredoc_count;
  for (unsigned i = 0; i < s->heredoc_count; i++) {
    Heredoc *h = &s->heredocs[i];
    if (n + 2 + h->len > TREE_SITTER_SERIALIZATION_BUFFER_SIZE) break;
    buffer[n++] = (char)h->len;
    buffer[n++] = (char)h->chomp;
    memcpy(&buffer[n], h->name, h->len);
    n += h->len;
  }
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

/* At a CR: consume CRs and report whether an LF follows (a line end). */
static bool consume_crs_then_lf(TSLexer *lexer) {
  while (lexer->lookahead == '\r') advance(lexer);
  return lexer->lookahead == '\n';
}

/* Consume a line ending (CR* LF) if there is one. */
static void consume_line_end(TSLexer *lexer) {
  while (lexer->lookahead == '\r') advance(lexer);
  if (lexer->lookahead == '\n') advance(lexer);
}

enum EscapeResult {
  ESCAPE_CONTINUES_LINE, /* escape, blanks, line end: a line continuation (the line end is not consumed) */
  ESCAPE_ESCAPES_NEXT,   /* the escape character was consumed; the next character is escaped */
  ESCAPE_THEN_BLANKS,    /* the escape character and blanks were consumed; more text follows */
  ESCAPE_IS_ESCAPED,     /* the escape character was itself escaped and is consumed as text */
};

/*
 * The lexer is on the escape character, and the character before it was `prev`. Advance over the escape character
 * and any blanks, and tell whether that reached the end of the line (or of the file), which makes it a line
 * continuation. Like BuildKit, an escape character preceded by another one does not continue the line.
 */
static enum EscapeResult scan_escape(Scanner *s, TSLexer *lexer, int32_t prev) {
  advance(lexer);
  if (prev == s->escape) return ESCAPE_IS_ESCAPED;
  if (!is_blank(lexer->lookahead)) {
    if (at_eof(lexer) || lexer->lookahead == '\n') return ESCAPE_CONTINUES_LINE;
    if (lexer->lookahead == '\r') return consume_crs_then_lf(lexer) ? ESCAPE_CONTINUES_LINE : ESCAPE_THEN_BLANKS;
    return ESCAPE_ESCAPES_NEXT;
  }
  while (is_blank(lexer->lookahead)) advance(lexer);
  if (at_eof(lexer) || lexer->lookahead == '\n') return ESCAPE_CONTINUES_LINE;
  if (lexer->lookahead == '\r') return consume_crs_then_lf(lexer) ? ESCAPE_CONTINUES_LINE : ESCAPE_THEN_BLANKS;
  return ESCAPE_THEN_BLANKS;
}

/* The value of `prev` after an escape that did not continue the line. */
static int32_t prev_after_escape(Scanner *s, enum EscapeResult r) {
  switch (r) {
    case ESCAPE_ESCAPES_NEXT: return s->escape;
    case ESCAPE_THEN_BLANKS: return ' ';
    default: return 0;
  }
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

/* `# key = value` with key escape, syntax or check, as BuildKit's directive regex. Advances to the line end. */
static bool scan_directive(Scanner *s, TSLexer *lexer) {
  /* lexer is on '#' */
  advance(lexer);
  while (is_space(lexer->lookahead)) advance(lexer);
  char key[16];
  unsigned key_len = 0;
  int32_t c = lexer->lookahead;
  if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) return false;
  while ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
    if (key_len < sizeof key) key[key_len] = (char)c;
    key_len++;
    advance(lexer);
    c = lexer->lookahead;
  }
  if (key_len > sizeof key) return false;
  while (is_space(lexer->lookahead)) advance(lexer);
  if (lexer->lookahead != '=') return false;
  advance(lexer);
  while (is_space(lexer->lookahead)) advance(lexer);
  int32_t first = 0;
  unsigned value_len = 0;
  bool value_space_after = false;
  while (!at_eof(lexer) && lexer->lookahead != '\n' && lexer->lookahead != '\r') {
    if (is_space(lexer->lookahead)) {
      value_space_after = true;
      advance(lexer);
    } else {
      if (value_len == 0) first = lexer->lookahead;
      value_len += value_space_after ? 2 : 1;
      value_space_after = false;
      advance(lexer);
      lexer->mark_end(lexer);
    }
  }
  if (value_len == 0) return false;
  bool is_escape = lower_equals(key, key_len, "escape");
  if (!is_escape && !lower_equals(key, key_len, "syntax") && !lower_equals(key, key_len, "check")) return false;
  if (is_escape && value_len == 1 && (first == '`' || first == '\\')) s->escape = first;
  return true;
}

/* Scan to the end of the line (not consuming the line ending); the token ends at its last non-blank character. */
static void scan_rest_of_line(TSLexer *lexer) {
  lexer->mark_end(lexer);
  while (!at_eof(lexer) && lexer->lookahead != '\n') {
    if (lexer->lookahead == '\r') {
      if (consume_crs_then_lf(lexer)) return;
      continue;
    }
    bool blank = is_space(lexer->lookahead);
    advance(lexer);
    if (!blank) lexer->mark_end(lexer);
  }
}

/*
 * A word: non-blank characters up to a blank, a line end or a line continuation (the continuation is left
 * unconsumed in the token). Used for keywords and flags. Tracks quotes so that a flag value may contain blanks.
 * Returns false if the word turned out to be empty.
 */
static bool scan_word(Scanner *s, TSLexer *lexer, char *buf, unsigned *len, unsigned cap, bool quotes) {
  int32_t prev = 0;
  int32_t quote = 0;
  unsigned n = 0;
  lexer->mark_end(lexer);
  for (;;) {
    int32_t c = lexer->lookahead;
    if (at_eof(lexer) || c == '\n') break;
    if (c == '\r') {
      if (consume_crs_then_lf(lexer)) break;
      prev = '\r';
      n++;
      lexer->mark_end(lexer);
      continue;
    }
    if (quote == 0 && is_space(c)) break;
    if (c == s->escape) {
      enum EscapeResult r = scan_escape(s, lexer, prev);
      if (r == ESCAPE_CONTINUES_LINE) break;
      prev = prev_after_escape(s, r);
      n++;
      lexer->mark_end(lexer);
      continue;
    }
    if (quotes) {
      if (quote == 0 && (c == '"' || c == '\'')) quote = c;
      else if (quote != 0 && c == quote) quote = 0;
    }
    if (buf && n < cap) buf[n] = (char)c;
    n++;
    prev = c;
    advance(lexer);
    lexer->mark_end(lexer);
  }
  if (len) *len = n;
  return n > 0;
}

/*
 * If the lexer is at `<<` starting a word, try to read a heredoc marker the way BuildKit does: the whole shell word
 * must match `<<-?NAME` with a non-empty name without `<`; quotes in the name are removed. On success the marker is
 * recorded. The caller has already marked the end of the preceding text.
 */
static bool scan_heredoc_marker(Scanner *s, TSLexer *lexer, bool *consumed) {
  *consumed = false;
  if (lexer->lookahead != '<') return false;
  advance(lexer);
  *consumed = true;
  if (lexer->lookahead != '<') return false;
  advance(lexer);
  bool chomp = false;
  if (lexer->lookahead == '-') {
    chomp = true;
    advance(lexer);
  }
  Heredoc h = {0};
  h.chomp = chomp;
  int32_t quote = 0;
  unsigned raw = 0;
  bool ok = true;
  for (;;) {
    int32_t c = lexer->lookahead;
    if (at_eof(lexer) || c == '\n' || c == '\r') break;
    if (quote == 0 && is_space(c)) break;
    if (quote == 0 && c == s->escape && s->escape != '\\') {
      /* a backtick continuation ends the word too */
      break;
    }
    raw++;
    if (c == '<' && quote == 0) ok = false;
    if (quote == 0 && (c == '"' || c == '\'')) {
      quote = c;
    } else if (quote != 0 && c == quote) {
      quote = 0;
    } else if (c == '\\' && quote != '\'') {
      advance(lexer);
      c = lexer->lookahead;
      if (at_eof(lexer) || c == '\n' || c == '\r') break;
      if (h.len < MAX_HEREDOC_NAME) h.name[h.len++] = (char)c;
      else ok = false;
    } else {
      if (h.len < MAX_HEREDOC_NAME) h.name[h.len++] = (char)c;
      else ok = false;
    }
    advance(lexer);
  }
  if (!ok || raw == 0 || h.len == 0 || quote != 0) return false;
  if (s->heredoc_count < MAX_HEREDOCS) s->heredocs[s->heredoc_count++] = h;
  lexer->mark_end(lexer);
  return true;
}

/*
 * Argument text on one physical line: up to a line end, a line continuation, or (in RUN, COPY and ADD) a heredoc
 * marker at the start of a word. Trailing blanks are left out of the token.
 */
static bool scan_text(Scanner *s, TSLexer *lexer, const bool *valid) {
  int32_t prev = 0;
  bool word_start = true;
  bool any = false;
  lexer->mark_end(lexer);
  for (;;) {
    int32_t c = lexer->lookahead;
    if (at_eof(lexer) || c == '\n') break;
    if (c == '\r') {
      if (consume_crs_then_lf(lexer)) break;
      any = true;
      prev = '\r';
      word_start = false;
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
      word_start = r == ESCAPE_THEN_BLANKS && s->quote == 0;
      /* an escaped character cannot open or close a quote (for BuildKit's heredoc detection, `\\` escapes) */
      prev = prev_after_escape(s, r);
      if (r == ESCAPE_IS_ESCAPED && s->escape == '\\') prev = 0;
      lexer->mark_end(lexer);
      continue;
    }
    if (is_space(c)) {
      advance(lexer);
      prev = c;
      word_start = s->quote == 0;
      continue;
    }
    if (word_start && (c == '<' || (c >= '0' && c <= '9')) && s->quote == 0 && has(s, HEREDOC_CAPABLE) &&
        valid[HEREDOC_MARKER]) {
      /* a heredoc marker, possibly with a file descriptor (`3<<EOF`) */
      bool digits = false;
      while (lexer->lookahead >= '0' && lexer->lookahead <= '9') {
        advance(lexer);
        digits = true;
      }
      if (lexer->lookahead == '<') {
        if (any) {
          /* end the text before this word; the marker is scanned on the next call */
          break;
        }
        bool consumed = false;
        if (scan_heredoc_marker(s, lexer, &consumed)) {
          lexer->result_symbol = HEREDOC_MARKER;
          return true;
        }
        /* not a marker: what was consumed is text */
        any = true;
        word_start = false;
        prev = '<';
        lexer->mark_end(lexer);
        continue;
      }
      if (digits) {
        any = true;
        word_start = false;
        prev = '0';
        lexer->mark_end(lexer);
        continue;
      }
    }
    /* quote tracking for heredoc detection, with BuildKit's shell-word rules (backslash escapes) */
    if (s->quote == 0 && (c == '"' || c == '\'') && prev != '\\') {
      s->quote = (uint8_t)c;
    } else if (s->quote != 0 && c == s->quote && (s->quote == '\'' || prev != '\\')) {
      s->quote = 0;
    }
    advance(lexer);
    any = true;
    word_start = false;
    prev = (c == '\\' && prev == '\\') ? 0 : c;
    lexer->mark_end(lexer);
  }
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
    if (i >= h->len || lexer->lookahead != (unsigned char)h->name[i]) match = false;
    i++;
    advance(lexer);
  }
  if (i != h->len) match = false;
  if (match && mark) lexer->mark_end(lexer);
  if (lexer->lookahead == '\r') {
    /* BuildKit trims all trailing CR and LF; a CR not followed by LF is part of the line */
    if (!consume_crs_then_lf(lexer) && !at_eof(lexer)) {
      match = false;
      while (!at_eof(lexer) && lexer->lookahead != '\n') advance(lexer);
    }
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
      lexer->result_symbol = HEREDOC_BODY;
      return body && valid[HEREDOC_BODY];
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

bool tree_sitter_dockerfile_external_scanner_scan(void *payload, TSLexer *lexer, const bool *valid) {
  Scanner *s = payload;
  if (valid[ERROR_SENTINEL]) return false;

  /* heredoc bodies follow the instruction's line */
  if (s->heredoc_count > 0 && !has(s, IN_INSTRUCTION)) {
    if (!valid[HEREDOC_BODY] && !valid[HEREDOC_END]) return false;
    return scan_heredoc(s, lexer, valid);
  }
  clear(s, AFTER_HEREDOC_END);

  /* a byte order mark at the start of the file is not part of any token */
  if (lexer->lookahead == 0xFEFF && lexer->get_column(lexer) == 0) skip(lexer);

  if (has(s, IN_INSTRUCTION)) {
    bool at_line_start = has(s, IN_CONTINUATION);
    while (is_space(lexer->lookahead)) skip(lexer);
    int32_t c = lexer->lookahead;
    if (at_eof(lexer)) {
      if (!valid[LINE_END]) return false;
      lexer->result_symbol = LINE_END;
      clear(s, IN_INSTRUCTION | IN_CONTINUATION);
      return true;
    }
    if (c == '\n' || (c == '\r')) {
      if (c == '\r') {
        if (!consume_crs_then_lf(lexer)) goto content; /* a lone CR is text */
      }
      advance(lexer);
      lexer->mark_end(lexer);
      if (has(s, IN_CONTINUATION)) {
        /* a blank line, or the end of a comment line, inside a continuation: Docker skips it */
        lexer->result_symbol = BLANK;
        return valid[BLANK];
      }
      lexer->result_symbol = LINE_END;
      clear(s, IN_INSTRUCTION | IN_CONTINUATION);
      s->quote = 0;
      return valid[LINE_END];
    }
    if (at_line_start && c == '#' && valid[CONTINUATION_COMMENT]) {
      /* a comment line inside a continuation; its line end is a BLANK */
      lexer->mark_end(lexer);
      scan_rest_of_line(lexer);
      lexer->result_symbol = CONTINUATION_COMMENT;
      return true;
    }
  content:
    c = lexer->lookahead;
    if (!has(s, ARGS_STARTED) && c == '-' && valid[FLAG]) {
      advance(lexer);
      if (lexer->lookahead == '-') {
        advance(lexer);
        scan_word(s, lexer, NULL, NULL, 0, true);
        lexer->result_symbol = FLAG;
        clear(s, IN_CONTINUATION);
        return true;
      }
      /* a single dash starts the arguments */
      set(s, ARGS_STARTED);
      clear(s, IN_CONTINUATION);
      lexer->mark_end(lexer);
      scan_text(s, lexer, valid);
      lexer->result_symbol = TEXT;
      return true;
    }
    if (!scan_text(s, lexer, valid)) return false;
    if (lexer->result_symbol == LINE_CONTINUATION) {
      set(s, IN_CONTINUATION);
    } else {
      set(s, ARGS_STARTED);
      clear(s, IN_CONTINUATION);
    }
    return true;
  }

  /* between instructions */
  while (is_space(lexer->lookahead)) skip(lexer);
  if (at_eof(lexer)) return false;
  int32_t c = lexer->lookahead;
  if (c == '\r' || c == '\n') {
    if (c == '\r' && !consume_crs_then_lf(lexer)) {
      /* a line holding only CRs: treat as blank */
      lexer->mark_end(lexer);
      lexer->result_symbol = LINE_END;
      return valid[LINE_END];
    }
    advance(lexer);
    lexer->mark_end(lexer);
    lexer->result_symbol = LINE_END;
    return valid[LINE_END];
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
      set(s, DIRECTIVES_DONE);
      /* not a directive: the line is a comment; finish it */
      while (!at_eof(lexer) && lexer->lookahead != '\n') {
        if (lexer->lookahead == '\r') {
          if (consume_crs_then_lf(lexer)) break;
          continue;
        }
        bool blank = is_space(lexer->lookahead);
        advance(lexer);
        if (!blank) lexer->mark_end(lexer);
      }
      lexer->result_symbol = COMMENT;
      return valid[COMMENT];
    }
    set(s, DIRECTIVES_DONE);
    scan_rest_of_line(lexer);
    lexer->result_symbol = COMMENT;
    return valid[COMMENT];
  }
  if (!valid[KEYWORD]) return false;
  set(s, DIRECTIVES_DONE);
  char word[MAX_WORD];
  unsigned len = 0;
  if (!scan_word(s, lexer, word, &len, MAX_WORD, false)) {
    /* a line holding only a line continuation: BuildKit joins it to the next line; keep it as text */
    return false;
  }
  s->flags = (uint8_t)(s->flags & DIRECTIVES_DONE);
  set(s, IN_INSTRUCTION);
  s->quote = 0;
  if (len <= MAX_WORD &&
      (lower_equals(word, len, "run") || lower_equals(word, len, "copy") || lower_equals(word, len, "add"))) {
    set(s, HEREDOC_CAPABLE);
  }
  lexer->result_symbol = KEYWORD;
  return true;
}
