#!/bin/sh
# Installs a prebuilt roadbook binary from a GitHub Release.
#
#   curl -fsSL https://github.com/OWNER/REPO/releases/latest/download/install.sh | sh
#   sh install.sh [--version vX.Y.Z|latest] [--to DIR] [--cargo-fallback]
#
# It picks the archive for this machine (Linux x86_64/aarch64: static musl
# builds; macOS x86_64/arm64; Windows x86_64 under Git Bash or MSYS),
# downloads it with its .sha256 file, refuses it unless the checksum
# matches, and only then puts the binary into DIR (default ~/.local/bin).
#
# Settings (flags win over the environment):
#   ROADBOOK_VERSION       vX.Y.Z, X.Y.Z or "latest" (default)
#   ROADBOOK_INSTALL_DIR   where the binary goes (default $HOME/.local/bin)
#   ROADBOOK_REPO          owner/name of the repository publishing releases
#   ROADBOOK_RELEASES_URL  its releases address (default
#                          https://github.com/$ROADBOOK_REPO/releases); a
#                          mirror, or a local stand-in in tests, laid out
#                          like GitHub's: latest (redirects to tag/vX.Y.Z)
#                          and download/vX.Y.Z/ASSET
#   ROADBOOK_TARGET        the Rust target triple to fetch, instead of
#                          detecting it
#   ROADBOOK_CARGO_FALLBACK=1 (or --cargo-fallback): when no prebuilt
#                          binary fits this machine, build that version
#                          with `cargo install` instead
#
# `--resolve` prints the version tag and target it would install, and
# exits. Exit status: 0 installed; 1 failed (download, checksum, ...);
# 2 bad usage; 3 no prebuilt binary for this machine or version (and no
# fallback asked for).
set -eu

# The repository's slug, in one place for this script. A placeholder until
# the repository is published under its owner: keep it equal to
# `repository` in Cargo.toml (tests/install.rs checks).
ROADBOOK_REPO=${ROADBOOK_REPO:-roadbook/roadbook}

version=${ROADBOOK_VERSION:-latest}
dir=${ROADBOOK_INSTALL_DIR:-}
releases=${ROADBOOK_RELEASES_URL:-https://github.com/$ROADBOOK_REPO/releases}
fallback=${ROADBOOK_CARGO_FALLBACK:-0}
resolve_only=0

say() { printf 'roadbook install: %s\n' "$*" >&2; }
fail() {
  status=$1
  shift
  printf 'error: %s\n' "$*" >&2
  exit "$status"
}

while [ $# -gt 0 ]; do
  case $1 in
    --version) [ $# -ge 2 ] || fail 2 "--version needs a value"; version=$2; shift 2 ;;
    --version=*) version=${1#*=}; shift ;;
    --to) [ $# -ge 2 ] || fail 2 "--to needs a folder"; dir=$2; shift 2 ;;
    --to=*) dir=${1#*=}; shift ;;
    --cargo-fallback) fallback=1; shift ;;
    --resolve) resolve_only=1; shift ;;
    -h | --help) sed -n '2,/^set -eu/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) fail 2 "unknown argument \`$1\` (see --help)" ;;
  esac
done

if [ -z "$dir" ]; then
  [ -n "${HOME:-}" ] || fail 2 "no install folder: pass --to DIR or set ROADBOOK_INSTALL_DIR"
  dir=$HOME/.local/bin
fi

# --- Download helpers --------------------------------------------------------

if command -v curl >/dev/null 2>&1; then
  fetch() { curl --proto '=https,http' -fsSL --retry 3 -o "$2" "$1"; }
  final_url() { curl --proto '=https,http' -fsSL --retry 3 -o /dev/null -w '%{url_effective}' "$1"; }
elif command -v wget >/dev/null 2>&1; then
  fetch() { wget -q -O "$2" "$1"; }
  final_url() {
    wget -q -S -O /dev/null "$1" 2>&1 | sed -n 's/^ *[Ll]ocation: *//p' | tail -n 1 | tr -d '\r'
  }
else
  fail 1 "neither curl nor wget is installed"
fi

sha256_of() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d ' ' -f 1
  elif command -v shasum >/dev/null 2>&1; then
    shasum -a 256 "$1" | cut -d ' ' -f 1
  elif command -v openssl >/dev/null 2>&1; then
    openssl dgst -sha256 -r "$1" | cut -d ' ' -f 1
  else
    fail 1 "no SHA-256 tool (sha256sum, shasum or openssl) to verify the download with"
  fi
}

# --- Which archive -----------------------------------------------------------

target=${ROADBOOK_TARGET:-}
if [ -z "$target" ]; then
  os=$(uname -s)
  arch=$(uname -m)
  case $os in
    Linux) os_part=unknown-linux-musl ;;
    Darwin)
      os_part=apple-darwin
      # A shell under Rosetta reports x86_64 on Apple silicon.
      if [ "$arch" = x86_64 ] && [ "$(sysctl -n hw.optional.arm64 2>/dev/null || echo 0)" = 1 ]; then
        arch=arm64
      fi
      ;;
    MINGW* | MSYS* | CYGWIN* | Windows_NT) os_part=pc-windows-msvc ;;
    *) os_part= ;;
  esac
  case $arch in
    x86_64 | amd64) arch_part=x86_64 ;;
    aarch64 | arm64) arch_part=aarch64 ;;
    *) arch_part= ;;
  esac
  case "$arch_part-$os_part" in
    x86_64-unknown-linux-musl | aarch64-unknown-linux-musl | x86_64-apple-darwin | \
      aarch64-apple-darwin | x86_64-pc-windows-msvc)
      target=$arch_part-$os_part ;;
    *) target= ;;
  esac
fi

case $target in
  *windows*) ext=zip exe=.exe ;;
  *) ext=tar.gz exe= ;;
esac

# --- Which version -----------------------------------------------------------

releases=${releases%/}
case $version in
  latest | "")
    # GitHub answers releases/latest with a redirect to releases/tag/vX.Y.Z.
    url=$(final_url "$releases/latest") || fail 1 "could not ask $releases/latest for the latest release"
    tag=${url%/}
    tag=${tag##*/}
    case $tag in
      v[0-9]*) ;;
      *) fail 1 "$releases/latest did not lead to a release tag (got \`$url\`)" ;;
    esac
    ;;
  v[0-9]*) tag=$version ;;
  [0-9]*) tag=v$version ;;
  *) fail 2 "bad version \`$version\`: expected vX.Y.Z, X.Y.Z or latest" ;;
esac

if [ "$resolve_only" = 1 ]; then
  printf '%s %s\n' "$tag" "${target:-none}"
  exit 0
fi

tmp=$(mktemp -d 2>/dev/null || mktemp -d -t roadbook)
trap 'rm -rf "$tmp"' EXIT INT TERM

cargo_install() {
  command -v cargo >/dev/null 2>&1 ||
    fail 3 "$1, and cargo is not installed to build it"
  say "$1: building $tag with cargo install (this takes minutes)"
  cargo install --locked --git "https://github.com/$ROADBOOK_REPO" --tag "$tag" \
    --root "$tmp/cargo" roadbook
  mkdir -p "$dir"
  mv -f "$tmp/cargo/bin/roadbook$exe" "$dir/roadbook$exe"
  say "installed $("$dir/roadbook$exe" --version) to $dir"
  exit 0
}

no_binary() {
  if [ "$fallback" = 1 ]; then
    cargo_install "$1"
  fi
  fail 3 "$1; install with \`cargo install --locked --git https://github.com/$ROADBOOK_REPO --tag $tag roadbook\`"
}

[ -n "$target" ] || no_binary "no prebuilt roadbook for $(uname -s) $(uname -m)"

asset=roadbook-$tag-$target.$ext
url=$releases/download/$tag/$asset

# --- Download and verify -----------------------------------------------------

say "downloading $url"
fetch "$url" "$tmp/$asset" || no_binary "could not download $url (no $target binary for $tag?)"
fetch "$url.sha256" "$tmp/$asset.sha256" || fail 1 "could not download $url.sha256, refusing an unverified binary"
# The checksum file is `sha256sum` output: HASH, spaces, file name.
expected=$(tr -d '\r' <"$tmp/$asset.sha256" | cut -d ' ' -f 1 | tr 'A-F' 'a-f')
actual=$(sha256_of "$tmp/$asset")
case $expected in
  "" | *[!0-9a-f]*) fail 1 "$url.sha256 holds no SHA-256 checksum; nothing was installed" ;;
esac
[ "${#expected}" -eq 64 ] || fail 1 "$url.sha256 holds no SHA-256 checksum; nothing was installed"
if [ "$expected" != "$actual" ]; then
  fail 1 "checksum mismatch for $asset: expected $expected, got $actual; the download is corrupt or was tampered with, and nothing was installed"
fi

# --- Unpack and install ------------------------------------------------------

mkdir "$tmp/unpacked"
case $ext in
  tar.gz) tar -xzf "$tmp/$asset" -C "$tmp/unpacked" ;;
  zip)
    if command -v unzip >/dev/null 2>&1; then
      unzip -q "$tmp/$asset" -d "$tmp/unpacked"
    else
      powershell.exe -NoProfile -Command "Expand-Archive -LiteralPath '$tmp/$asset' -DestinationPath '$tmp/unpacked'"
    fi
    ;;
esac
[ -f "$tmp/unpacked/roadbook$exe" ] || fail 1 "$asset has no roadbook$exe at its top level"
chmod +x "$tmp/unpacked/roadbook$exe"
mkdir -p "$dir"
# Copy next to the destination, then rename: a running roadbook is never
# half overwritten.
cp "$tmp/unpacked/roadbook$exe" "$dir/.roadbook$exe.new"
mv -f "$dir/.roadbook$exe.new" "$dir/roadbook$exe"
say "installed $("$dir/roadbook$exe" --version) to $dir"
case ":${PATH:-}:" in
  *":$dir:"*) ;;
  *) say "$dir is not on PATH; add it, or run $dir/roadbook$exe" ;;
esac
