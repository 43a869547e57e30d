#!/usr/bin/env python3
"""README's codec kernel table from one kvsim_codec_bench run (medians of its repetitions).

  build/tests/bench/kvsim_codec_bench --benchmark_min_time=0.3 --benchmark_repetitions=3 \\
      --benchmark_format=json > codec.json
  python3 tests/bench/codec_table.py codec.json

Prints ns per 128-dim vector (encode) or per key (score) and the single-core read bandwidth of
the same run, with the DRAM floor it implies for each codec's key size.
"""
import json
import statistics
import sys

CODECS = [
    ("fp16", "fp16", "f16 x f16: 8.9 / 9.5"),
    ("fp8 e4m3", "fp8", ""),
    ("fp8 e5m2", "fp8:format=e5m2", ""),
    ("q8", "q8", "q8_0 quantize 28; q8_0 x q8_0: 6.3 / 6.9"),
    ("q8 symmetric", "q8:mode=symmetric", ""),
    ("q4", "q4", "q4_0 x q8_0: 7.4 / 8.5"),
    ("nvfp4", "nvfp4", ""),
    ("turboquant mse 4-bit, hadamard", "turboquant:key_mode=mse,rotation=hadamard", ""),
    ("turboquant prod 4-bit, hadamard", "turboquant:rotation=hadamard", ""),
    ("turboquant mse 4-bit, dense", "turboquant:key_mode=mse,rotation=dense", ""),
    ("turboquant prod 4-bit, dense", "turboquant:rotation=dense", ""),
]
KEY_BYTES = {"fp16": 256, "fp8": 128, "fp8:format=e5m2": 128, "q8": 144, "q8:mode=symmetric": 136, "q4": 80, "nvfp4": 72}  # TurboQuant: from the benchmark's bytes/s


def main(path):
    runs = json.load(open(path))["benchmarks"]
    ns, key_bytes, bandwidth = {}, {}, []
    for b in runs:
        if b.get("run_type") != "iteration":
            continue
        name = b["run_name"]
        if name == "ReadBandwidth":
            bandwidth.append(b["bytes_per_second"])
            continue
        ns.setdefault(name, []).append(1e9 / b["items_per_second"])
        if "bytes_per_second" in b:
            key_bytes[name] = b["bytes_per_second"] / b["items_per_second"]
    best = next((k for k in ("avx512icl", "avx512", "avx2", "sse4")
                 if any(f"/{k}/" in n for n in ns)), "scalar")
    bw = statistics.median(bandwidth)

    def cell(name, bold=False):
        if name not in ns:
            return "-"
        v = statistics.median(ns[name])
        text = f"{v:,.0f}" if v >= 100 else f"{v:.1f}"
        return f"**{text}**" if bold else text

    print(f"| | encode scalar | encode avx2 | encode {best} | encode {best}, batch | "
          f"score scalar | score avx2 | score avx512 | score {best} (hot) | "
          f"score {best} (1M keys, DRAM) | DRAM floor | ggml yardstick (hot / DRAM) |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for label, spec, yard in CODECS:
        dram = f"Score/dram/{best}/{spec}"
        size = key_bytes.get(dram, KEY_BYTES.get(spec, 0))
        floor = f"{size / bw * 1e9:.1f}" if size else "-"
        print(f"| {label} | {cell(f'Encode/scalar/{spec}')} | {cell(f'Encode/avx2/{spec}')} | "
              f"{cell(f'Encode/{best}/{spec}', True)} | {cell(f'EncodeBatch/{best}/{spec}')} | "
              f"{cell(f'Score/hot/scalar/{spec}')} | {cell(f'Score/hot/avx2/{spec}')} | "
              f"{cell(f'Score/hot/avx512/{spec}')} | {cell(f'Score/hot/{best}/{spec}', True)} | "
              f"{cell(dram)} | {floor} | {yard} |")
    print(f"\nReadBandwidth: {bw / 1e9:.1f} GB/s (median of {len(bandwidth)})")


if __name__ == "__main__":
    main(sys.argv[1])
