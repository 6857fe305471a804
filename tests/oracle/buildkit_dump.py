#!/usr/bin/env python3
r"""Dump BuildKit's view of Dockerfiles as JSON lines.

The oracle is the PyPI package `dockerfile` (3.4.0), which wraps BuildKit's
own Go parser (github.com/moby/buildkit v0.12.5, frontend/dockerfile/parser)
compiled into a C extension. Install it with `pip install dockerfile==3.4.0`.

Usage:
    buildkit_dump.py PATH...        files, or directories walked recursively
    buildkit_dump.py -              one path per line on stdin
    buildkit_dump.py --texts        JSON lines {"name": str, "text": str} on
                                    stdin (for checking generated text that
                                    is not on disk; "path" echoes "name")
    --summary                       also print counts to stderr at the end

Directory walks are sorted, skip hidden directories and skip files called
MANIFEST.tsv (the shared corpus's index). Paths given explicitly are always
read. One JSON object is printed per input, in input order:

    {"path": str,
     "ok": bool,          # accepted: parsed AND every instruction is known
     "parsed": bool,      # BuildKit's parser returned without error
     "utf8": bool,        # false: not valid UTF-8, not parsed at all
     "error": str|null,   # parse error, or why the file is not accepted
     "instructions": [{"cmd": str, "sub_cmd": str|null, "start_line": int,
                       "end_line": int, "flags": [str], "json": bool,
                       "value": [str]}]}

"instructions" is filled whenever the parse succeeded, even if not accepted.

What the package reports, found by experiment (BuildKit v0.12.5; examples
are Python string literals):

* `Command(cmd, sub_cmd, json, original, start_line, end_line, flags, value,
  heredocs)`, one per top-level instruction; comments, blank lines and parser
  directives produce nothing.
* `cmd` is the keyword exactly as written ("from", "OnBuild"): not
  upper-cased. This script lower-cases it. Unknown keywords ("FOO bar") parse
  fine, so a file is only *accepted* if every `cmd` is in KNOWN below.
* start_line and end_line are 1-based and inclusive. start_line is the line
  where the instruction begins; if lines holding only an escape char precede
  the keyword ("\\\nRUN x"), the instruction starts on that first line.
* end_line is the last physical line consumed: it covers continuation lines,
  blank lines and comment lines swallowed inside a continuation
  ("RUN a \\\n\n# c\n  b" ends on the line of "b"), and trailing blank or
  comment lines after a dangling continuation at end of file
  ("RUN a \\\n\n\n" spans lines 1-3). A trailing newline at end of file does
  not add a line.
* A line continues when its last non-blank (space/tab) character is the
  escape char and the character before that is not the escape char too:
  "a\\\\" (escaped escape) and "a\\\\\\" do not continue. A line holding only
  the escape char inside a continuation just continues. The keyword itself
  can be split: "RUN\\\n  b" is RUN (the next line's indent separates), but
  "RUN\\\nb" is the unknown instruction "RUNb".
* Heredocs (RUN/COPY/ADD `<<EOF`, `<<-EOF`, quoted delimiters, several per
  instruction) are included: end_line is the line of the last terminator.
  `original` then holds the body too and `heredocs` the bodies. An
  unterminated heredoc is a parse error ("unterminated heredoc"); so is a
  terminator with trailing spaces. A missing final newline after the
  terminator is fine. CMD/ENTRYPOINT `<<EOF` are not heredocs, nor is a
  `<<` glued to a preceding word ("a<<EOF") or quoted; names may hold dots
  and dashes ("<<robots.txt"). `<<-` strips leading tabs only (spaces before
  the terminator leave the heredoc unterminated).
* ONBUILD is one Command: cmd "ONBUILD", sub_cmd the trigger's keyword as
  written ("run", "ADD", or None for a bare ONBUILD), flags/value those of the
  trigger. end_line covers a heredoc in the trigger (its body is not in
  `original`). We report the instruction as "onbuild" and accept it only if
  sub_cmd is a known instruction too (BuildKit's parser accepts
  "ONBUILD FOO x"; builds reject it).
* flags are the "--name=value" words before the arguments, as written
  (unknown flags are not a parse error); json is true for the exec
  (JSON array) form.
* `# escape=` directives are honoured (only before the first instruction or
  other comment; later they are plain comments); CRLF line endings work; a bare CR is
  not a line break (BuildKit only splits on LF). A UTF-8 BOM is skipped.
* Parse errors raise GoParseError: e.g. "file with no instructions" for an
  empty file, "unterminated heredoc", "ENV must have two arguments".
* A line holding only whitespace and a continuation (" \\\n" at EOF) yields a
  Command with cmd None; such files are not accepted.
* The text crosses into Go as a C string, so a NUL byte silently truncates
  the input. Files containing NUL are therefore reported as not accepted
  (error "contains NUL byte") rather than trusting a truncated parse.
"""

import json
import os
import sys

KNOWN = frozenset(
    """add arg cmd copy entrypoint env expose from healthcheck label maintainer
    onbuild run shell stopsignal user volume workdir""".split()
)

SKIP_NAMES = frozenset({"MANIFEST.tsv"})


def walk(root):
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name in SKIP_NAMES:
                continue
            yield os.path.join(dirpath, name)


def expand(args):
    for arg in args:
        if os.path.isdir(arg):
            yield from walk(arg)
        else:
            yield arg


def lower(s):
    return None if s is None else s.lower()


def dump_text(dockerfile, name, text):
    out = {
        "path": name,
        "ok": False,
        "parsed": False,
        "utf8": True,
        "error": None,
        "instructions": [],
    }
    if "\x00" in text:
        out["error"] = "contains NUL byte"
        return out
    try:
        commands = dockerfile.parse_string(text)
    except Exception as e:  # GoParseError, and anything unexpected
        out["error"] = "%s: %s" % (type(e).__name__, e)
        return out
    out["parsed"] = True
    problems = []
    for c in commands:
        cmd = lower(c.cmd)
        sub = lower(c.sub_cmd)
        out["instructions"].append(
            {
                "cmd": cmd,
                "sub_cmd": sub,
                "start_line": c.start_line,
                "end_line": c.end_line,
                "flags": list(c.flags),
                "json": bool(c.json),
                "value": list(c.value),
            }
        )
        if cmd not in KNOWN:
            problems.append("unknown instruction %r at line %d" % (c.cmd, c.start_line))
        elif cmd == "onbuild" and sub is not None and sub not in KNOWN:
            problems.append(
                "unknown ONBUILD trigger %r at line %d" % (c.sub_cmd, c.start_line)
            )
    if problems:
        out["error"] = "; ".join(problems)
    else:
        out["ok"] = True
    return out


def dump_path(dockerfile, path):
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        return {
            "path": path,
            "ok": False,
            "parsed": False,
            "utf8": False,
            "error": "read error: %s" % e,
            "instructions": [],
        }
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        return {
            "path": path,
            "ok": False,
            "parsed": False,
            "utf8": False,
            "error": "not valid UTF-8: %s" % e,
            "instructions": [],
        }
    return dump_text(dockerfile, path, text)


def main(argv):
    args = argv[1:]
    summary = "--summary" in args
    args = [a for a in args if a != "--summary"]
    texts = "--texts" in args
    args = [a for a in args if a != "--texts"]
    if not texts and not args:
        sys.stderr.write(__doc__)
        return 2

    try:
        import dockerfile
    except ImportError:
        sys.stderr.write(
            "buildkit_dump.py: the Python package `dockerfile` is not installed "
            "(pip install dockerfile==3.4.0)\n"
        )
        return 3

    def results():
        if texts:
            for line in sys.stdin:
                if line.strip():
                    item = json.loads(line)
                    yield dump_text(dockerfile, item["name"], item["text"])
            return
        paths = []
        for arg in args:
            if arg == "-":
                paths.extend(l.rstrip("\r\n") for l in sys.stdin if l.strip())
            else:
                paths.append(arg)
        for path in expand(paths):
            yield dump_path(dockerfile, path)

    counts = {"files": 0, "non_utf8": 0, "parsed": 0, "accepted": 0}
    out = sys.stdout
    for r in results():
        counts["files"] += 1
        counts["non_utf8"] += not r["utf8"]
        counts["parsed"] += r["parsed"]
        counts["accepted"] += r["ok"]
        out.write(json.dumps(r))
        out.write("\n")
    out.flush()
    if summary:
        sys.stderr.write(
            "files %(files)d, non-UTF-8 %(non_utf8)d, parsed %(parsed)d, "
            "accepted %(accepted)d\n" % counts
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
