#!/usr/bin/env bash
# Load test of `chronicle serve` on loopback: 32 concurrent clients for 20 s (wrk, Debian's
# package) against the series and the search endpoints of a 10,000-document ledger.
#
# The ledger is built by `chronicle bench-ledger --keep` (10,000 distinct documents spliced
# from the TempEval-3 texts and the sample reports) unless LEDGER names an existing one.
# The server runs read-only on 127.0.0.1 and an ephemeral port; every request loop is bounded
# (wrk -d), and the server is stopped at the end. Prints requests/s, p50 and p99 latency and
# failed requests (connection errors, timeouts and non-2xx answers) for each endpoint, and
# writes them as JSON to $OUT/load.json.
#
# Usage: tools/load_test.sh            (env: LEDGER, DOCS=10000, CONNECTIONS=32, DURATION=20s,
#                                       THREADS=2, OUT=target/load, CHRONICLE_BIN)
set -euo pipefail
cd "$(dirname "$0")/.."
DOCS=${DOCS:-10000}
CONNECTIONS=${CONNECTIONS:-32}
DURATION=${DURATION:-20s}
THREADS=${THREADS:-2}
OUT=${OUT:-target/load}
mkdir -p "$OUT"
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 2; }
bin=${CHRONICLE_BIN:-${CARGO_TARGET_DIR:-target}/release/chronicle}
if [ -z "${CHRONICLE_BIN:-}" ]; then cargo build --release -q -p chronicle; fi

ledger=${LEDGER:-$OUT/ledger-$DOCS.db}
if [ ! -f "$ledger" ]; then
  echo "== building a $DOCS-document ledger at $ledger (chronicle bench-ledger --keep)"
  "$bin" bench-ledger --docs "$DOCS" --queries 20 --keep "$ledger" > "$OUT/bench-ledger.txt"
fi

log="$OUT/serve.log"
"$bin" serve --ledger "$ledger" --addr 127.0.0.1:0 --read-only > "$log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true' EXIT
base=""
for _ in $(seq 1 100); do
  base=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$log" || true)
  [ -n "$base" ] && break
  kill -0 "$server" 2>/dev/null || { cat "$log" >&2; exit 1; }
  sleep 0.1
done
[ -n "$base" ] || { echo "the server did not start" >&2; cat "$log" >&2; exit 1; }
echo "== server at $base over $(curl -s "$base/api/stats")"

# The most populated metrics and a spread of search words, rotated request by request.
mapfile -t series < <(curl -sf "$base/api/metrics" | python3 -c '
import json, sys, urllib.parse
for m in json.load(sys.stdin)[:8]:
    print("/api/series/" + urllib.parse.quote(m["metric"], safe=""))')
[ "${#series[@]}" -gt 0 ] || { echo "the ledger has no metric" >&2; exit 1; }
words=(coalition strikes government president "air strikes" police oil "military forces" econom* election
  Iraq "said on" troops market minister attack* "united nations" bank talks peace)
searches=()
for w in "${words[@]}"; do searches+=("/api/search?q=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$w")&limit=20"); done

cat > "$OUT/rotate.lua" <<'LUA'
-- Each wrk thread cycles through the paths given after `--`; done() prints one JSON line.
local paths = {}
local i = 0
function init(args)
  for _, p in ipairs(args) do paths[#paths + 1] = p end
end
function request()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %d, "seconds": %.3f, "requests_per_s": %.1f, "p50_ms": %.3f, "p90_ms": %.3f, "p99_ms": %.3f, "max_ms": %.3f, "failed": %d, "errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    e.connect + e.read + e.write + e.status + e.timeout, e.connect, e.read, e.write, e.status, e.timeout))
end
LUA

run() {
  local name=$1; shift
  echo "== $name: $CONNECTIONS connections, $THREADS threads, $DURATION (${#@} paths rotated)"
  wrk -t "$THREADS" -c "$CONNECTIONS" -d "$DURATION" --timeout 10s --latency -s "$OUT/rotate.lua" "$base" -- "$@" \
    | tee "$OUT/$name.txt"
}
run series "${series[@]}"
run search "${searches[@]}"

python3 - "$OUT" "$DOCS" "$CONNECTIONS" "$DURATION" <<'PY'
import json, sys
out, docs, conns, duration = sys.argv[1:5]
report = {"docs": int(docs), "connections": int(conns), "duration": duration, "endpoints": {}}
for name in ("series", "search"):
    line = [l for l in open(f"{out}/{name}.txt") if l.startswith("RESULT ")][-1]
    report["endpoints"][name] = json.loads(line[len("RESULT "):])
json.dump(report, open(f"{out}/load.json", "w"), indent=1)
print(f"{'endpoint':8} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'failed':>7}")
for name, r in report["endpoints"].items():
    print(f"{name:8} {r['requests_per_s']:9.1f} {r['p50_ms']:8.2f} {r['p99_ms']:8.2f} {r['failed']:7d}")
failed = sum(r["failed"] for r in report["endpoints"].values())
sys.exit(1 if failed else 0)
PY
