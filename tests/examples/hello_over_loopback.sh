#!/usr/bin/env bash
# The hello-world example as a user runs it: hello-server and hello-client as two
# processes on 127.0.0.1. Passes when the client saw a server ball move and heard a
# bounce (its exit code) and the server heard of the client's own ball (its output).
# Every wait is bounded.
set -u
server_exe=$1 client_exe=$2
dir=$(mktemp -d /tmp/ferrum-hello.XXXXXX)
trap 'kill "$server" 2>/dev/null; rm -rf "$dir"' EXIT

"$server_exe" --port-file "$dir/port" --seconds 40 > "$dir/server.out" 2>&1 &
server=$!
for _ in $(seq 1 200); do [ -s "$dir/port" ] && break; sleep 0.05; done
port=$(cat "$dir/port" 2>/dev/null) || { echo "server wrote no port"; cat "$dir/server.out"; exit 1; }

timeout 30 "$client_exe" "127.0.0.1:$port"
client_rc=$?
# The client's ball reaches the server before the client reports: its spawn is
# reliable and sent at join, and the client runs until it has seen a bounce.
for _ in $(seq 1 100); do grep -q "first ball of peer 1" "$dir/server.out" && break; sleep 0.05; done
cat "$dir/server.out"
[ "$client_rc" = 0 ] || { echo "hello-client failed (exit $client_rc)"; exit 1; }
grep -q "client 1 joined" "$dir/server.out" || { echo "server never saw the client join"; exit 1; }
grep -q "first ball of peer 1" "$dir/server.out" || { echo "server never heard of the client's ball"; exit 1; }
echo "hello example: ok"
