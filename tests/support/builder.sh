#!/usr/bin/env bash
# A real image builder for tests/image_build.rs: Debian's docker.io engine on a private socket, and a Debian
# bookworm base image made with `debootstrap --variant=minbase`, imported as `debian:bookworm`.
#
#   tests/support/builder.sh start    install what is missing, start the engine unless it runs, import the base
#                                     image unless it is there; prints `export DFIX_DOCKER_HOST=...` (for eval)
#   tests/support/builder.sh stop     stop the engine started by `start`
#   tests/support/builder.sh status   exit 0 when the engine answers and the base image is there
#
# Runs as root. Safe to run again: a running engine and an imported image are reused, and the base image's
# tarball is cached between runs.
#
# Environment:
#   DFIX_BUILDER_DIR     the engine's socket, data root and log (default /tmp/dfix-builder)
#   DFIX_BUILDER_CACHE   where the debootstrap tarball is kept (default /var/cache/dfix-builder)
#   DFIX_DEBIAN_MIRROR   the mirror debootstrap downloads from (default: the one apt is configured with)
set -euo pipefail

state=${DFIX_BUILDER_DIR:-/tmp/dfix-builder}
cache=${DFIX_BUILDER_CACHE:-/var/cache/dfix-builder}
suite=bookworm
image=debian:$suite
socket=$state/docker.sock
export DOCKER_HOST=unix://$socket
# The legacy builder ships with every docker.io; BuildKit would need the buildx plugin with newer clients.
export DOCKER_BUILDKIT=0

say() { printf 'builder: %s\n' "$*" >&2; }
die() {
    say "error: $*"
    exit 1
}

install_missing() {
    local missing=() p
    for p in docker.io debootstrap; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
    if ((${#missing[@]})); then
        say "apt-get install ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    fi
}

# The Debian mirror apt uses: a deb822 stanza or a one-line entry for the suite, else any Debian entry that is
# not the security archive (a mirror serves every suite).
debian_mirror() {
    if [[ -n ${DFIX_DEBIAN_MIRROR:-} ]]; then
        echo "$DFIX_DEBIAN_MIRROR"
        return
    fi
    local files=() uri
    shopt -s nullglob
    files=(/etc/apt/sources.list.d/*.sources)
    shopt -u nullglob
    if ((${#files[@]})); then
        uri=$(awk -v suite="$suite" '
            BEGIN { RS = ""; FS = "\n" }
            {
                uris = ""; suites = ""; deb = 0
                for (i = 1; i <= NF; i++) {
                    if ($i ~ /^[Tt]ypes:/ && $i ~ /[: \t]deb([ \t]|$)/) deb = 1
                    if ($i ~ /^URIs:/) { uris = $i; sub(/^URIs:[ \t]*/, "", uris) }
                    if ($i ~ /^Suites:/) { suites = $i; sub(/^Suites:[ \t]*/, "", suites) }
                }
                if (!deb || uris == "") next
                split(uris, u, /[ \t]+/)
                n = split(suites, s, /[ \t]+/)
                for (j = 1; j <= n; j++) {
                    if (s[j] == suite) { print u[1]; exit }
                    if (s[j] !~ /-security$/ && fallback == "") fallback = u[1]
                }
            }
            END { if (fallback != "") print fallback }' "${files[@]}" | head -n1)
    fi
    if [[ -z ${uri:-} ]]; then
        uri=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
            sed -E -e 's/#.*//' -e 's/\[[^]]*\]//' |
            awk -v suite="$suite" '$1 == "deb" && $3 == suite { print $2; exit }
                                   $1 == "deb" && $3 !~ /-security$/ && fb == "" { fb = $2 }
                                   END { if (fb != "") print fb }' | head -n1)
    fi
    [[ -n ${uri:-} ]] || die "no Debian mirror in /etc/apt/sources.list*; set DFIX_DEBIAN_MIRROR"
    echo "$uri"
}

# The minbase root file system as a tarball, made once.
base_tarball() {
    local tarball=$cache/$suite-minbase.tar.gz root mirror
    if [[ ! -s $tarball ]]; then
        mkdir -p "$cache"
        mirror=$(debian_mirror)
        root=$(mktemp -d "$cache/rootfs.XXXXXX")
        say "debootstrap --variant=minbase $suite from $mirror (a few minutes; cached in $cache)"
        if ! debootstrap --variant=minbase "$suite" "$root" "$mirror" >"$cache/debootstrap.log" 2>&1; then
            tail -n 20 "$cache/debootstrap.log" >&2
            rm -rf "$root"
            die "debootstrap failed (log: $cache/debootstrap.log)"
        fi
        tar -C "$root" -czf "$tarball.tmp" .
        mv "$tarball.tmp" "$tarball"
        rm -rf "$root"
    fi
    echo "$tarball"
}

engine_answers() { docker version >/dev/null 2>&1; }

start_engine() {
    engine_answers && return
    mkdir -p "$state"
    say "starting dockerd on $socket"
    # --bridge=none and no iptables: no network set-up on the host; builds use the host network.
    nohup dockerd --host "$DOCKER_HOST" --data-root "$state/data" --exec-root "$state/exec" \
        --pidfile "$state/dockerd.pid" --bridge=none --iptables=false --ip6tables=false \
        >"$state/dockerd.log" 2>&1 </dev/null &
    local _
    for _ in $(seq 60); do
        engine_answers && return
        sleep 1
    done
    tail -n 30 "$state/dockerd.log" >&2
    die "dockerd did not answer on $socket within 60 s (log: $state/dockerd.log)"
}

import_base() {
    docker image inspect "$image" >/dev/null 2>&1 && return
    local tarball
    tarball=$(base_tarball)
    say "importing $tarball as $image"
    docker import --change 'CMD ["bash"]' "$tarball" "$image" >/dev/null
}

stop_engine() {
    local pidfile=$state/dockerd.pid pid="" _
    [[ -s $pidfile ]] && pid=$(cat "$pidfile")
    if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
        say "stopping dockerd ($pid)"
        kill "$pid"
        for _ in $(seq 30); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 1
        done
    fi
    rm -f "$pidfile"
    # dockerd leaves its default network namespace mounted under the exec root.
    if mountpoint -q "$state/exec/netns/default" 2>/dev/null; then
        umount "$state/exec/netns/default"
    fi
}

case ${1:-} in
start)
    [[ $(id -u) == 0 ]] || die "run as root: it installs packages and starts dockerd"
    install_missing
    start_engine
    import_base
    echo "export DFIX_DOCKER_HOST=$DOCKER_HOST"
    ;;
stop) stop_engine ;;
status) engine_answers && docker image inspect "$image" >/dev/null 2>&1 ;;
*)
    echo "usage: $0 start|stop|status" >&2
    exit 2
    ;;
esac
