#!/usr/bin/env bash
# Side-by-side throughput of chronicle and the peers (../shared/PEERS.md) on the same corpus,
# in the same session, so the ratio is meaningful on a noisy machine.
#
# Needs the peers installed as ../shared/PEERS.md says (../peers-venv, ../peers-data,
# ../peers-node); run from the repository root:  tools/bench_vs_peers.sh [RUNS]
set -euo pipefail
runs=${1:-3}
corpus=../peers-data/throughput.jsonl
[ -f "$corpus" ] || { echo "no $corpus: build it as ../shared/PEERS.md says" >&2; exit 2; }
cargo build --release -q -p chronicle
echo "== chronicle (median of $runs runs; one thread and all cores)"
target/release/chronicle bench --corpus "$corpus" --min-mb 0 --runs "$runs"
if [ -d ../peers-node/node_modules/chrono-node ]; then
  echo "== chrono-node (dates only, one thread)"
  for _ in $(seq "$runs"); do NODE_PATH=../peers-node/node_modules node ../shared/peers/chrono_peer.js "$corpus" 2>&1 >/dev/null | tail -1; done
fi
if [ -x ../peers-venv/bin/python ]; then
  echo "== Python peer pipeline (spaCy + dateparser + quantulum3, 2 processes, one run)"
  ../peers-venv/bin/python ../shared/peers/peer_extract.py "$corpus" -o /dev/null --only all --n-process 2 2>&1 | tail -1
fi
