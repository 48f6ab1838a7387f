#!/usr/bin/env bash
# Installs newsdb for daily use under PREFIX (default ~/.local): a release build of the binary in PREFIX/bin, shell
# completions for bash, zsh and fish where each shell looks under PREFIX, and the man page in PREFIX/share/man/man1.
# Running it again replaces what it installed (and nothing else). Usage: scripts/install.sh [PREFIX]
set -euo pipefail

fail() {
    echo "install.sh: $*" >&2
    exit 1
}

[ $# -le 1 ] || fail "usage: scripts/install.sh [PREFIX] (default ~/.local)"
case "${1:-}" in
-h | --help)
    sed -n '2,4s/^# \{0,1\}//p' "$0"
    exit 0
    ;;
-*) fail "unknown option $1; usage: scripts/install.sh [PREFIX]" ;;
esac
[ -n "${HOME:-}" ] || [ $# -eq 1 ] || fail "HOME is not set; give the PREFIX to install into"
prefix=${1:-$HOME/.local}
[ -n "$prefix" ] || fail "the PREFIX is empty; give a folder, such as ~/.local or /usr/local"
[ ! -e "$prefix" ] || [ -d "$prefix" ] || fail "$prefix is not a folder"
prefix=$(mkdir -p "$prefix" 2>/dev/null && cd "$prefix" && pwd) || fail "cannot create the folder ${1:-~/.local}"
[ -w "$prefix" ] || fail "$prefix is not writable by $(id -un); run as its owner, or give another PREFIX"
command -v swift >/dev/null 2>&1 || fail "swift is not on PATH; install Swift 6.3 (see the README's Prerequisites)"

cd "$(dirname "$0")/.."
echo "install.sh: building newsdb (release; a first build takes several minutes)"
swift build -c release --product newsdb >&2 || fail "the release build failed (its output is above)"
built=$(swift build -c release --show-bin-path)/newsdb
[ -x "$built" ] || fail "the build made no binary at $built"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The man page is made from the binary's own --help, the root's and every command's (two levels: `newsdb sync
# import`), each as a section. ArgumentParser's GenerateManual plugin (`swift package generate-manual`) works offline
# too, but it builds the whole package again in release mode under its own build settings, and the next
# `swift build -c release` builds everything once more: on this project 12 minutes each way.
commands() { # the names in the SUBCOMMANDS section of `newsdb ARGS… --help`
    "$built" "$@" --help | sed -n '/^SUBCOMMANDS:/,/^$/s/^  \([a-z][a-z-]*\).*/\1/p'
}
roff() { # help text as a preformatted block; backslashes and a leading dot or quote escaped
    printf '.nf\n'
    sed -e 's/\\/\\e/g' -e "s/^\([.']\)/\\\\\&\1/"
    printf '.fi\n'
}
{
    printf '.TH NEWSDB 1 "%s" "newsdb %s" "User Commands"\n' "$(date -u +%Y-%m-%d)" "$("$built" --version)"
    printf '.SH NAME\nnewsdb \\- %s\n' "$("$built" --help | sed -n '1s/^OVERVIEW: //p')"
    printf '.SH DESCRIPTION\n'
    "$built" --help | roff
    for command in $(commands); do
        printf '.SH "NEWSDB %s"\n' "$(echo "$command" | tr a-z A-Z)"
        "$built" "$command" --help | roff
        for subcommand in $(commands "$command"); do
            printf '.SS "newsdb %s %s"\n' "$command" "$subcommand"
            "$built" "$command" "$subcommand" --help | roff
        done
    done
} >"$work/newsdb.1" || fail "newsdb could not print the help its man page is made from"
grep -q '^\.SH "NEWSDB SEARCH"' "$work/newsdb.1" || fail "the man page made from --help lacks the search command"

# Completions are written by the binary just built, first into a scratch folder: nothing is installed unless all
# three are made.
for shell in bash zsh fish; do
    "$built" --generate-completion-script "$shell" >"$work/$shell" || fail "newsdb could not write its $shell completions"
    [ -s "$work/$shell" ] || fail "newsdb wrote empty $shell completions"
done
# Debug information is most of a release binary (about 150 MB of 180); the symbol table stays, so a crash report
# still names functions.
if command -v strip >/dev/null 2>&1; then
    strip --strip-debug -o "$work/newsdb" "$built" || fail "strip could not copy $built"
else
    echo "install.sh: strip (binutils) not found; the binary is installed with its debug information"
    cp "$built" "$work/newsdb" || fail "cannot copy $built"
fi
"$work/newsdb" --version >/dev/null || fail "the built binary does not run"

# Each file is put in place by a rename within its folder, so a newsdb already running (or a shell reading its
# completions) never sees half a file.
place() { # MODE SOURCE DESTINATION
    mkdir -p "$(dirname "$3")" || fail "cannot create the folder $(dirname "$3")"
    local temporary
    temporary=$(mktemp "$(dirname "$3")/.newsdb-install.XXXXXX") || fail "cannot write in $(dirname "$3")"
    cp "$2" "$temporary" && chmod "$1" "$temporary" && mv -f "$temporary" "$3" || {
        rm -f "$temporary"
        fail "cannot install $3"
    }
    echo "  $3"
}
echo "install.sh: installing into $prefix"
place 755 "$work/newsdb" "$prefix/bin/newsdb"
# bash-completion reads share/bash-completion/completions under $XDG_DATA_HOME (~/.local/share) and each of
# $XDG_DATA_DIRS; zsh reads the folders of $fpath (share/zsh/site-functions is one for /usr/local); fish reads
# share/fish/vendor_completions.d under the same data folders as bash.
place 644 "$work/bash" "$prefix/share/bash-completion/completions/newsdb"
place 644 "$work/zsh" "$prefix/share/zsh/site-functions/_newsdb"
place 644 "$work/fish" "$prefix/share/fish/vendor_completions.d/newsdb.fish"
place 644 "$work/newsdb.1" "$prefix/share/man/man1/newsdb.1"

echo "install.sh: installed $("$prefix/bin/newsdb" --version | head -n 1) into $prefix"
case ":$PATH:" in
*":$prefix/bin:"*) ;;
*) echo "install.sh: $prefix/bin is not on your PATH; add it (for bash: echo 'export PATH=\"$prefix/bin:\$PATH\"' >> ~/.bashrc)" ;;
esac
if [ "$prefix" != /usr/local ] && [ "$prefix" != /usr ]; then
    echo "install.sh: for zsh completions, add to ~/.zshrc before compinit: fpath=($prefix/share/zsh/site-functions \$fpath)"
fi
