#!/usr/bin/env bash
# Extraction cost in CPU instructions, counted by valgrind (cachegrind without its cache
# simulation): unlike MB/s it does not move with the machine's load, so CI can hold it to a
# floor. Extracts CORPUS on one thread, subtracts the start-up (building the automata, which
# an empty run also pays) and prints one JSON object:
#   {"text_mb", "instructions_per_mb", "mb_per_billion_instructions"}
#
# Usage: tools/instructions.sh BIN CORPUS.jsonl   (run from the repository root)
set -euo pipefail
bin=$1
corpus=$2
command -v valgrind >/dev/null || { echo "instructions.sh needs valgrind (apt-get install valgrind)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
head -n 1 "$corpus" > "$tmp/one.jsonl"
count() {
  valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
    "$bin" extract --threads 1 "$1" 2>&1 >/dev/null | awk '/I *refs/ { gsub(",", "", $NF); print $NF }'
}
full=$(count "$corpus")
base=$(count "$tmp/one.jsonl")
python3 - "$corpus" "$tmp/one.jsonl" "$full" "$base" <<'EOF'
import json, sys
corpus, one, full, base = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
def text_bytes(path):
    with open(path, encoding="utf-8") as fh:
        return sum(len(json.loads(line)["text"].encode()) for line in fh if line.strip())
mb = (text_bytes(corpus) - text_bytes(one)) / 1e6
per_mb = (full - base) / mb
print(json.dumps({"text_mb": round(mb, 3), "instructions_per_mb": round(per_mb),
                  "mb_per_billion_instructions": round(1e9 / per_mb, 3)}))
EOF
