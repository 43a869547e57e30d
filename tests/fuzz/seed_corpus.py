#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets (tests/fuzz/corpus/<target>/seed-*) from the
bundled workloads, ../shared/data when present, and the formats' documented examples. The
committed corpora are what libFuzzer grew from these seeds, minimized with -merge=1 (README,
"Guarantees"); rerun this only to start over."""
import json, os, struct, sys

root = os.path.dirname(os.path.abspath(__file__))
project = os.path.dirname(os.path.dirname(root))


def write(target, name, data):
    d = os.path.join(root, "corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "seed-" + name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


# chat: the documented example and the first sessions of each bundled workload
write("chat", "spec", json.dumps({"format": "kvsim-chat/1", "name": "support-bot", "sessions": [
    {"id": "c1", "start": 0.0, "messages": [
        {"role": "system", "length": 512, "shared": "support-v3"},
        {"role": "user", "text": "My order never arrived.", "delay": 0},
        {"role": "assistant", "length": 180},
        {"role": "user", "tokens": [101, 2023, 318], "delay": 25.5},
        {"role": "assistant", "text": "I have reissued it."}]}]}))
for wl in ("support_chat", "gen_support", "agent_tools"):
    doc = json.load(open(os.path.join(project, "workloads", wl + ".json")))
    doc["sessions"] = doc["sessions"][:2]
    for s in doc["sessions"]:
        s["messages"] = s["messages"][:4]
        for m in s["messages"]:
            if "length" in m:
                m["length"] = min(m["length"], 64)
    write("chat", wl, json.dumps(doc))

# token traces: documented token-trace lines
write("trace", "spec", "\n".join([
    '{"t": 0, "session": "c1", "prompt": [1, 2, 3, 4], "output": [5, 6]}',
    '{"t": 12.5, "session": "c1", "prompt": [1, 2, 3, 4, 5, 6, 7], "output": 3}',
    '{"t": 1, "prompt": [9, 9]}',
    '{"session": 7, "prompt": [], "output": 0}']) + "\n")

# Mooncake: first lines of the public traces
for name in ("conversation_trace", "synthetic_trace"):
    for base in (os.path.join(project, "workloads", "mooncake"),
                 os.path.join(project, "..", "shared", "data", "mooncake")):
        p = os.path.join(base, name + ".jsonl")
        if os.path.exists(p):
            lines = open(p).read().splitlines()[:6]
            write("mooncake", name, "\n".join(lines) + "\n")
            break
write("mooncake", "short", '{"timestamp": 5, "input_length": 20, "output_length": 2, "hash_ids": [1]}\n')


# .npy: float32 and float16, versions 1 and 2, 3-D (a KV dump) and 1-D
def npy(shape, dtype, values, version=1):
    dims = ", ".join(str(d) for d in shape) + ("," if len(shape) == 1 else "")
    header = "{'descr': '%s', 'fortran_order': False, 'shape': (%s), }" % (dtype, dims)
    pre = 10 if version == 1 else 12
    header += " " * ((64 - (pre + len(header) + 1) % 64) % 64) + "\n"
    size = struct.pack("<H", len(header)) if version == 1 else struct.pack("<I", len(header))
    body = struct.pack("<%d%s" % (len(values), "f" if dtype == "<f4" else "e"), *values)
    return b"\x93NUMPY" + bytes([version, 0]) + size + header.encode() + body


write("npy", "f4-3d", npy((2, 1, 8), "<f4", [0.5 * i for i in range(16)]))
write("npy", "f2-3d", npy((1, 2, 8), "<f2", [0.25 * i for i in range(16)], version=2))
write("npy", "f4-1d", npy((3,), "<f4", [1.0, -2.0, 3.5]))

# budgets and strategies: every documented form
for i, b in enumerate(["inf", "25%", "250000tok", "2.5Mtok", "512MiB", "1.5TB", "1GiB..64GiB:x2",
                       "10%..100%:10", "inf,25%,1e3tok"]):
    write("budget", str(i), b)
for i, s in enumerate(["radix", "block-trie:block_size=16", "lru-buckets:max_entries=4",
                       "two-tier:tail=128,store=q8", "turboquant", "radix+q4:group_size=64",
                       "radix+turboquant:key_bits=3,value_bits=3,key_mode=mse,rotation=hadamard",
                       "turboquant:outlier_channels=8,outlier_bits=8", "belady+fp32",
                       "radix,block-trie+q8,lru-buckets+fp16"]):
    write("strategy", str(i), s)

# run JSON: the committed baselines, trimmed to a few rows without the per-turn tables
for base in sorted(os.listdir(os.path.join(project, "results"))):
    if not base.endswith(".json"):
        continue
    doc = json.load(open(os.path.join(project, "results", base)))
    doc["results"] = doc["results"][:3]
    for r in doc["results"]:
        r.pop("by_turn", None)
        r.pop("by_session", None)
        r.pop("options", None)
    write("run_json", base[:-5], json.dumps(doc, separators=(",", ":")))
    run = dict(doc)
    run.pop("sweep", None)
    run.pop("workload_stats", None)
    for r in run["results"]:
        r.pop("point", None)
    write("run_json", base[:-5] + "-run", json.dumps(run, separators=(",", ":")))

