#!/usr/bin/env bash
# The logic of the dfix GitHub Action (action.yml): run dfix on the Dockerfiles a pull request changed, and hand
# the findings to reviewdog (suggested changes on the pull request) or write them as SARIF for code scanning.
#
# Settings come from the environment (action.yml maps its inputs onto these):
#   DFIX            the dfix binary (default: dfix on PATH)
#   BASE            the commit to compare with (the pull request's base); required
#   HEAD            the commit under review (default: HEAD)
#   OUTPUT          reviewdog (default) or sarif
#   REPORTER        reviewdog's -reporter (default: github-pr-review)
#   FILTER_MODE     reviewdog's -filter-mode (default: added)
#   FAIL_LEVEL      reviewdog's -fail-level (default: none)
#   SARIF_FILE      where OUTPUT=sarif writes (default: dfix.sarif)
#   DFIX_ARGS       more arguments for dfix, split on spaces (such as --select or --unsafe-fixes)
# Exits with dfix's status 2 when a file cannot be read or parsed, with reviewdog's status otherwise.
set -euo pipefail

dfix=${DFIX:-dfix}
base=${BASE:?BASE must name the commit to compare with}
head=${HEAD:-HEAD}
output=${OUTPUT:-reviewdog}
reporter=${REPORTER:-github-pr-review}
filter_mode=${FILTER_MODE:-added}
fail_level=${FAIL_LEVEL:-none}
sarif_file=${SARIF_FILE:-dfix.sarif}
read -r -a extra <<<"${DFIX_ARGS:-}"

# The names dfix looks for in a directory, compared case-insensitively.
is_dockerfile() {
    local name
    name=$(basename -- "$1" | tr '[:upper:]' '[:lower:]')
    case $name in
    dockerfile | containerfile | *.dockerfile | *.containerfile | dockerfile.* | containerfile.*) return 0 ;;
    *) return 1 ;;
    esac
}

# Files added, modified or renamed between the merge base and the head, that still exist.
files=()
while IFS= read -r -d '' path; do
    if is_dockerfile "$path" && [[ -f $path ]]; then
        files+=("$path")
    fi
done < <(git diff --name-only --diff-filter=AMR -z "$base...$head" --)
echo "dfix: ${#files[@]} changed Dockerfile(s)" >&2

# Run dfix in FORMAT, writing to FILE; 0 and 1 (changes found) are both fine, 2 is an error.
run_dfix() {
    local format=$1 file=$2 status=0
    if ((${#files[@]} == 0)); then
        # No Dockerfile changed: an empty report, from an empty directory.
        local empty
        empty=$(mktemp -d)
        "$dfix" --format "$format" --output "$file" "$empty" || status=$?
        rmdir "$empty"
    else
        "$dfix" "${extra[@]}" --format "$format" --output "$file" -- "${files[@]}" || status=$?
    fi
    if ((status > 1)); then
        echo "dfix: failed (exit status $status); see the messages above" >&2
        exit "$status"
    fi
}

case $output in
reviewdog)
    report=$(mktemp)
    trap 'rm -f "$report"' EXIT
    run_dfix rdjson "$report"
    reviewdog -f=rdjson -name=dfix -reporter="$reporter" -filter-mode="$filter_mode" -fail-level="$fail_level" \
        <"$report"
    ;;
sarif)
    run_dfix sarif "$sarif_file"
    echo "dfix: wrote $sarif_file" >&2
    ;;
*)
    echo "dfix: OUTPUT must be reviewdog or sarif, not '$output'" >&2
    exit 2
    ;;
esac
