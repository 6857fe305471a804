/**
 * Tree-sitter grammar for Dockerfiles, written for dfix.
 *
 * Dockerfiles are line-oriented and their lexing depends on state that a context-free lexer cannot see: the escape
 * character chosen by a `# escape=` parser directive, whether a line follows a line continuation (then a `#` line is
 * a comment that Docker drops), and heredoc terminators. So the external scanner (src/scanner.c) produces every
 * token, following BuildKit's own line rules, and this grammar only gives the tokens their structure.
 *
 * Instructions are not split by keyword here: the keyword, flags and argument text are kept generic, and the typed
 * model in dfix interprets them. That keeps every Dockerfile that Docker accepts parseable, whatever its arguments.
 */
module.exports = grammar({
  name: 'dockerfile',

  extras: (_) => [],

  externals: ($) => [
    $.parser_directive,
    $.comment,
    $.keyword,
    $.flag,
    $.text,
    $.heredoc_marker,
    $.line_continuation,
    $.continuation_comment,
    $.heredoc_body,
    $.heredoc_end,
    $._line_end,
    $._blank,
    $._error_sentinel,
  ],

  rules: {
    source_file: ($) => repeat(choice($.parser_directive, $.comment, $.instruction, $._line_end)),

    instruction: ($) =>
      seq(
        // A line holding only a line continuation joins the next line, which holds the keyword.
        optional(seq($.line_continuation, repeat(choice($.line_continuation, $.continuation_comment, $._blank)))),
        field('keyword', $.keyword),
        repeat(
          choice(
            field('flag', $.flag),
            field('argument', $.text),
            field('argument', $.heredoc_marker),
            $.line_continuation,
            $.continuation_comment,
            $._blank,
          ),
        ),
        $._line_end,
        repeat($.heredoc),
      ),

    heredoc: ($) => seq(optional($.heredoc_body), $.heredoc_end),
  },
});
