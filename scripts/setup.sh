#!/usr/bin/env bash
# One-time set-up on a fresh Debian machine: system packages, then npm dependencies and build.
# Safe to re-run: it skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v ffmpeg >/dev/null 2>&1 || need_apt+=(ffmpeg)
command -v ffprobe >/dev/null 2>&1 || need_apt+=(ffmpeg)
# Browser tests drive Debian's Chromium through playwright-core (no browser download of its own).
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
# librtmp (the RTMP library of rtmpdump and of older OBS builds) as a third-party client in the tests.
command -v rtmpdump >/dev/null 2>&1 || need_apt+=(rtmpdump)
/usr/bin/python3 -c 'import librtmp' >/dev/null 2>&1 || need_apt+=(python3-librtmp)
# The fixtures draw a running clock with drawtext, which needs a TrueType font.
[ -d /usr/share/fonts/truetype/dejavu ] || need_apt+=(fonts-dejavu-core)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "setup: installing system packages: ${need_apt[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q --no-install-recommends "${need_apt[@]}"
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm dependencies"
  npm ci --no-audit --no-fund
else
  npm run build --silent
fi
