#!/usr/bin/env bash
# The one command that sets up a fresh machine and starts the server with the live demo stream:
# RTMP on 1935, HTTP and WebSocket on 8000 (override with --rtmp-port/--http-port, see README).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# The demo stream loops a test pattern with a running clock that our fixtures script draws with ffmpeg.
npm run --silent fixtures -- demo-loop.flv
exec node packages/server/bin/tidecast.js "$@"
