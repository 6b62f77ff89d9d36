#!/usr/bin/env bash
# hello-viewer, ferrum's viewer opened by the hello-world game, against a real
# hello-server on 127.0.0.1, rendering offscreen: it joins, draws, writes its
# screenshot and exits 0. Every wait is bounded.
set -u
server_exe=$1 viewer_exe=$2
dir=$(mktemp -d /tmp/ferrum-hello-viewer.XXXXXX)
trap 'kill "$server" 2>/dev/null; rm -rf "$dir"' EXIT

"$server_exe" --port-file "$dir/port" --seconds 60 > "$dir/server.out" 2>&1 &
server=$!
for _ in $(seq 1 200); do [ -s "$dir/port" ] && break; sleep 0.05; done
port=$(cat "$dir/port" 2>/dev/null) || { echo "server wrote no port"; exit 1; }

# Mesa's llvmpipe driver leaks what it allocates as it unloads, with no symbols a
# suppression could name; our own code is leak-checked by every other test.
ASAN_OPTIONS=detect_leaks=0 SDL_VIDEODRIVER=offscreen timeout 60 "$viewer_exe" "127.0.0.1:$port" --screenshot "$dir/shot.png"
rc=$?
[ "$rc" = 0 ] || { echo "hello-viewer failed (exit $rc)"; exit 1; }
[ -s "$dir/shot.png" ] || { echo "no screenshot written"; exit 1; }
grep -q "client 1 joined" "$dir/server.out" || { echo "the viewer never joined"; cat "$dir/server.out"; exit 1; }
echo "hello viewer: ok ($(stat -c %s "$dir/shot.png") bytes of PNG)"
