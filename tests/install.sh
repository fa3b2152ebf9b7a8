#!/bin/sh
# vcbench installed as users install it, then run from outside the source
# tree: `make install DESTDIR=...` (the installed binary finds its wl, says
# its version and commit, runs doctor and a short native+container run; the
# manual page renders cleanly and lists exactly the options --help lists;
# the completion completes; `make uninstall` removes it all), and the
# Debian package (dpkg-buildpackage, lintian without errors, apt installs
# it and it runs the same short run; removed again). Parts that need root
# or the Debian tools skip with the reason.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d /tmp/vcb-install.XXXXXX)
pkg_installed=0
cleanup() {
    if [ "$pkg_installed" = 1 ]; then
        DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq vcbench >/dev/null 2>&1
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
pass=0 fail=0 skip=0
ok() { pass=$((pass + 1)); echo "[       OK ] $1"; }
ko() { fail=$((fail + 1)); echo "[  FAILED  ] $1: $2"; }
sk() { skip=$((skip + 1)); echo "[  SKIPPED ] $1: $2"; }

# --- make install into a staging tree ---------------------------------------
root=$tmp/stage
if make -s -C "$top" install DESTDIR="$root" PREFIX=/usr/local >"$tmp/install.log" 2>&1; then
    ok "make install DESTDIR"
else
    ko "make install DESTDIR" "$(tail -3 "$tmp/install.log")"
fi
V=$root/usr/local/bin/vcbench
for f in bin/vcbench libexec/vcbench/wl libexec/vcbench/fetch-kernel.sh libexec/vcbench/setup.sh \
    share/man/man1/vcbench.1 share/bash-completion/completions/vcbench; do
    [ -e "$root/usr/local/$f" ] && ok "installed $f" || ko "installed $f" "missing"
done

cd "$tmp" || exit 1
"$V" --version | grep -Eq '^vcbench [0-9]+\.[0-9]+\.[0-9]+ \(commit ([0-9a-f]+|unknown)\)$' &&
    ok "--version: version and commit" || ko "--version" "$("$V" --version 2>&1)"

# The manual page: clean roff, and the options of every command as --help
# has them.
man1=$root/usr/local/share/man/man1/vcbench.1
# man_opts CMD: the options the page lists under CMD's heading.
man_opts() {
    awk -v c="$1" '/^\.SS "/ { on = index($0, ".SS \"" c " ") == 1 || $0 == ".SS \"" c "\""; next }
        on && index($0, "\\fB\\-\\-") == 1 { print }' "$man1" |
        sed 's/^\\fB\\-\\-//; s/\\fR.*//; s/\\-/-/g; s/^/--/' | sort
}
warn=$(groff -man -ww -z "$man1" 2>&1)
[ -z "$warn" ] && ok "vcbench.1 renders without warnings" || ko "vcbench.1 renders" "$warn"
MANWIDTH=80 man -l "$man1" 2>/dev/null | grep -q '^COMMANDS' && ok "man -l shows it" || ko "man -l" "no COMMANDS"
for c in $("$V" --help | awk '/^commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 } /^$/ && on { on = 0 }'); do
    grep -q "^\.SS \"$c" "$man1" || ko "man lists $c" "missing"
    [ "$c" = man ] && continue
    help=$("$V" "$c" --help 2>/dev/null | grep -o -- '^  --[a-z0-9-]*' | tr -d ' ' | sort)
    # ab's --help lists run's options as well; its page refers to run's.
    manopts=$(man_opts "$c")
    if [ "$c" = ab ]; then
        manopts=$(printf '%s\n%s\n' "$manopts" "$(man_opts run)" | sort -u)
        help=$(printf '%s\n' "$help" | sort -u)
    fi
    [ "$help" = "$manopts" ] && ok "man and --help: the same options for $c" ||
        ko "man and --help for $c" "help: $(echo $help) man: $(echo $manopts)"
done

# Completion, asked of the installed binary.
out=$(bash -c ". '$root/usr/local/share/bash-completion/completions/vcbench'; COMP_WORDS=('$V' ru); COMP_CWORD=1;
    _vcbench; echo \"\${COMPREPLY[*]}\"; COMP_WORDS=('$V' run --workloads cpu,neigh); COMP_CWORD=3; _vcbench;
    echo \"\${COMPREPLY[*]}\"; COMP_WORDS=('$V' compare --thr); COMP_CWORD=2; _vcbench; echo \"\${COMPREPLY[*]}\"")
[ "$(echo "$out" | tr '\n' ' ')" = "run cpu,neighbour --threshold " ] && ok "completion: commands, names, options" ||
    ko "completion" "$out"

# Run from outside the tree: doctor, and a short run with the installed wl.
if [ "$(id -u)" -ne 0 ]; then
    sk "installed vcbench runs" "needs root"
else
    "$V" doctor >"$tmp/doctor" 2>&1
    grep -q '^ok   native' "$tmp/doctor" && grep -q '^ok   container' "$tmp/doctor" &&
        ok "installed doctor" || ko "installed doctor" "$(tail -5 "$tmp/doctor")"
    if "$V" run --envs native,container --workloads cpu,startup --runs 1 --warmup 0 --set cpu.int-bytes=4M \
        --set cpu.fp-reps=2 --set cpu.min-ms=0 --out "$tmp/run" >"$tmp/run.log" 2>&1; then
        want=$(sha256sum "$root/usr/local/libexec/vcbench/wl" | cut -c1-64)
        grep -q "\"wl_sha256\": \"$want\"" "$tmp/run/run.json" && ok "installed run uses the installed wl" ||
            ko "installed run's wl" "run.json names another"
    else
        ko "installed run" "$(tail -3 "$tmp/run.log")"
    fi
fi

make -s -C "$top" uninstall DESTDIR="$root" PREFIX=/usr/local >/dev/null 2>&1
left=$(find "$root" -type f | head -3)
[ -z "$left" ] && ok "make uninstall removes it all" || ko "make uninstall" "left: $left"

# --- the Debian package -------------------------------------------------------
if ! command -v dpkg-buildpackage >/dev/null || ! command -v lintian >/dev/null || ! command -v dh >/dev/null; then
    sk "Debian package" "dpkg-buildpackage, dh or lintian missing; run 'make setup'"
else
    # A copy of the tree (dpkg-buildpackage cleans it, and writes to ..).
    mkdir -p "$tmp/deb/src"
    (cd "$top" && tar --exclude=./build --exclude=./results -cf - .) | tar -C "$tmp/deb/src" -xf -
    if (cd "$tmp/deb/src" && dpkg-buildpackage -us -uc -b) >"$tmp/deb.log" 2>&1; then
        ok "dpkg-buildpackage -us -uc -b"
    else
        ko "dpkg-buildpackage" "$(tail -5 "$tmp/deb.log")"
    fi
    deb=$(ls "$tmp"/deb/vcbench_*_amd64.deb 2>/dev/null | head -1)
    if [ -n "$deb" ]; then
        lintian --fail-on error "$deb" >"$tmp/lintian" 2>&1 && ok "lintian: no errors" ||
            ko "lintian" "$(grep '^E:' "$tmp/lintian" | head -3)"
        if [ "$(id -u)" -ne 0 ]; then
            sk "the package installs and runs" "needs root"
        elif dpkg -s vcbench >/dev/null 2>&1; then
            sk "the package installs and runs" "a vcbench package is installed already; not replacing it"
        else
            pkg_installed=1
            if DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$deb" >"$tmp/apt.log" 2>&1; then
                ok "apt-get install ./vcbench_*.deb"
                man -w vcbench >/dev/null 2>&1 && ok "man vcbench finds the page" || ko "man vcbench" "not found"
                /usr/bin/vcbench run --envs native,container --workloads startup --runs 1 --warmup 0 \
                    --out "$tmp/pkgrun" >"$tmp/pkgrun.log" 2>&1 && grep -q ',ok,' "$tmp/pkgrun/raw.csv" &&
                    ok "the packaged vcbench runs" || ko "the packaged vcbench runs" "$(tail -3 "$tmp/pkgrun.log")"
            else
                ko "apt-get install the package" "$(tail -3 "$tmp/apt.log")"
            fi
            DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq vcbench >/dev/null 2>&1 && pkg_installed=0
            [ ! -e /usr/bin/vcbench ] && ok "the package is removed again" || ko "package removal" "/usr/bin/vcbench left"
        fi
    else
        ko "the package" "no .deb built"
    fi
fi

echo "install: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
