#!/usr/bin/env bash
# kvsim's committed baselines: every bundled workload swept over the presets and the reference
# row, at the budgets capacity plans look at.
#
#   bash results/baselines.sh check [BUILD_DIR]   # CI: fresh sweeps, compared with the baselines
#   bash results/baselines.sh regenerate [BUILD_DIR]   # deliberately accept new numbers
#
# `check` exits non-zero when a hit rate falls by more than 0.001 or an attention error grows by
# more than 5% (kvsim compare's defaults), or when a baseline no longer matches its workload.
# Regenerating is a decision: run it, read `git diff results/`, and say why in the commit.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-check}
build=${2:-build}
kvsim="$build/app/kvsim"
strategies="radix,block-trie,lru-buckets,two-tier,turboquant,belady"

sweeps=(
  "support_chat|workloads/support_chat.json|--strategy $strategies --budget inf,10%,25%,50%"
  "gen_support|workloads/gen_support.json|--strategy $strategies --budget inf,10%,25%,50%"
  "agent_tools|workloads/agent_tools.json|--strategy $strategies --budget inf,10%,25%,50%"
  "mooncake_synthetic|workloads/mooncake/synthetic_trace.jsonl|--strategy radix,block-trie:block_size=512,belady:block_size=512 --budget inf,1Mtok,3Mtok,10Mtok --probe-requests 4"
)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0
for entry in "${sweeps[@]}"; do
  IFS='|' read -r name workload args <<<"$entry"
  if [ "$mode" = regenerate ]; then
    # shellcheck disable=SC2086
    "$kvsim" sweep "$workload" $args --seed 42 -q --json "results/$name.json" --report "results/$name.html"
    echo "regenerated results/$name.json"
  else
    # shellcheck disable=SC2086
    "$kvsim" sweep "$workload" $args --seed 42 -q --json "$tmp/$name.json"
    echo "== $name"
    "$kvsim" compare "results/$name.json" "$tmp/$name.json" || status=$?
  fi
done
exit $status
