#!/usr/bin/env bash
# Peak memory of dfix on a large tree and on a large file (a measurement, not a test):
#
#   a tree of N Dockerfiles (default 100,000, each with two fixes), in diff mode (output to /dev/null), --check
#   and --apply; then one 10 MB Dockerfile with --check.
#
# Files are processed as they are found, never more than a fixed window ahead of the output, so the peak of a run
# over a tree should not grow with the number of files. Usage: bench/memory.sh [N]. Builds dfix in release mode;
# installs GNU time with apt when missing.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
n=${1:-100000}
if [[ ! -x /usr/bin/time ]]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq time >/dev/null
fi
cargo build --release -q
dfix=$PWD/target/release/dfix
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 - "$work/tree" "$n" <<'PY'
import os, sys
root, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    d = os.path.join(root, "d%04d" % (i // 100))
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "f%d.Dockerfile" % i), "w") as f:
        f.write("# file %d\nFROM debian:12\nMAINTAINER someone\nADD app.py /app/\nRUN apt-get update\n" % i)
PY
python3 - "$work/big/Dockerfile" <<'PY'
import os, sys
# 200 blocks of a RUN with a 2,500-line continuation, a legacy ENV, an ADD and a comment: 10 MB.
block = ("RUN apt-get update && apt-get install -y \\\n"
         + "".join("    package-%05d \\\n" % i for i in range(2500))
         + "    && rm -rf /var/lib/apt/lists/*\nENV A 1\nADD app.py /app/\n# comment\n")
os.makedirs(os.path.dirname(sys.argv[1]))
with open(sys.argv[1], "w") as f:
    f.write("FROM debian:12\n" + block * 200)
PY
python3 - "$work/many/Dockerfile" <<'PY'
import os, sys
# 40,000 small instructions: how the transforms scale with the number of instructions of one file.
os.makedirs(os.path.dirname(sys.argv[1]))
with open(sys.argv[1], "w") as f:
    f.write("FROM debian:12\n")
    for i in range(20000):
        f.write("RUN apt-get install -y pkg%d && pip install x%d\n" % (i, i))
        f.write("USER app\n" if i % 1000 == 999 else "ENV A%d=1\n" % i)
PY

run() {
    local label=$1
    shift
    (cd "$work" && /usr/bin/time -f '%e %M' -o "$work/time" "$@" >/dev/null 2>&1) || true
    read -r s kb < <(tail -n 1 "$work/time")
    printf '| %-34s | %8s | %8s MiB |\n' "$label" "$s" "$((kb / 1024))"
}
echo "dfix $("$dfix" --version | awk '{print $2}'), $(nproc) cores"
printf '| %-34s | %8s | %12s |\n' run seconds "peak memory"
printf '|%s|%s|%s|\n' "------------------------------------" "---------:" "-------------:"
run "$n files, diff to /dev/null" "$dfix" tree
run "$n files, --check" "$dfix" --check tree
run "$n files, --apply" "$dfix" --apply tree
run "10 MB file ($(($(wc -c <"$work/big/Dockerfile") / 1024)) KiB), --check" "$dfix" --check big/Dockerfile
run "40,000 instructions ($(($(wc -c <"$work/many/Dockerfile") / 1024)) KiB), --check" "$dfix" --check many/Dockerfile
