#!/usr/bin/env bash
# SOD latency measured by wrk, a C load generator, so the client's own runtime (JIT, GC, thread pool) is not in the
# figure. Starts the built `baton serve` on a temp data dir, seeds it over HTTP like the main bench (50 ventures,
# 1,000 sessions, 10,000 handoffs), then one connection sends SODs back to back for 20 s and wrk prints percentiles.
#
#   bench/wrk/sod-latency.sh [path/to/baton.dll]     (default: the Release build of src/Baton.Cli)
# Needs: wrk (Debian package `wrk`), curl.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
dll=${1:-}
if [ -z "$dll" ]; then
  dotnet build "$root/src/Baton.Cli" -c Release -o "$root/artifacts/sod-latency" >/dev/null
  dll="$root/artifacts/sod-latency/baton.dll"
fi
command -v wrk >/dev/null || { echo "wrk is not installed: apt-get install wrk" >&2; exit 1; }

data=$(mktemp -d)
port=${PORT:-18799}
trap 'kill "$server" 2>/dev/null || true; rm -rf "$data"' EXIT
python3 - "$data/ventures.json" <<'PY'
import json, sys
json.dump({"ventures": [{"code": f"v{i:02d}", "name": f"Venture {i}", "org": "bench-org", "repos": [f"repo{i:02d}"]} for i in range(50)]}, open(sys.argv[1], "w"))
PY
dotnet "$dll" serve --data-dir "$data" --listen "127.0.0.1:$port" --rate-limit 0 > "$data/serve.log" 2>&1 &
server=$!
for _ in $(seq 100); do grep -q "listening on" "$data/serve.log" 2>/dev/null && break; sleep 0.1; done
export BATON_BENCH_KEY=$(cat "$data/admin.key")
url="http://127.0.0.1:$port"

# Seed: exactly 10,000 handoffs and 1,000 sessions (wrk stops each script after its count).
wrk -t1 -c8 -d60s -s "$here/seed-handoffs.lua" "$url" >/dev/null
wrk -t1 -c4 -d60s -s "$here/seed-sessions.lua" "$url" >/dev/null
echo "seeded: $(curl -s -H "Authorization: Bearer $BATON_BENCH_KEY" "$url/v1/handoffs?limit=1" | grep -o '"total":[0-9]*') handoffs"

wrk -t1 -c1 -d5s -s "$here/sod.lua" "$url" >/dev/null   # warm-up
echo "SOD, one connection, 20 s (load average $(cut -d' ' -f1 /proc/loadavg)):"
wrk -t1 -c1 -d20s --latency -s "$here/sod.lua" "$url" | grep -E "^ +(50|75|90|99)%|Requests/sec"
