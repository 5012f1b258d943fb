"""Peers for Backprop's RandomWorkloads.cs: 100M float32 normals ("randn 100M") and uniforms ("rand 100M").

torch: torch.randn / torch.rand into a preallocated tensor (out=), NumPy: Generator(PCG64).standard_normal /
random with dtype=float32 and out=, so neither side pays for allocating 400 MB per call.
"""
import time

import numpy as np
import torch

N_FULL, N_QUICK = 100_000_000, 10_000_000


def _best_seconds(fn, repetitions=3, min_seconds=0.3):
    start = time.perf_counter()
    while time.perf_counter() - start < 0.3:
        fn()
    best = float("inf")
    for _ in range(repetitions):
        calls, start = 0, time.perf_counter()
        while True:
            fn()
            calls += 1
            elapsed = time.perf_counter() - start
            if elapsed >= min_seconds:
                break
        best = min(best, elapsed / calls)
    return best


def _gfloats(n, fn):
    return (n / _best_seconds(fn) / 1e9, "Gfloat/s", True)


def workloads(quick: bool):
    n = N_QUICK if quick else N_FULL
    suffix = "10M" if quick else "100M"

    def torch_fill(kind):
        def run(threads):
            torch.set_num_threads(threads)
            out = torch.empty(n, dtype=torch.float32)
            generator = torch.Generator().manual_seed(2024)
            fill = torch.randn if kind == "normal" else torch.rand
            return _gfloats(n, lambda: fill(n, generator=generator, out=out))
        return run

    def numpy_fill(kind):
        def run(threads):
            out = np.empty(n, dtype=np.float32)
            rng = np.random.default_rng(2024)
            if kind == "normal":
                return _gfloats(n, lambda: rng.standard_normal(n, dtype=np.float32, out=out))
            return _gfloats(n, lambda: rng.random(n, dtype=np.float32, out=out))
        return run

    return [
        ("torch", f"randn {suffix}", torch_fill("normal")),
        ("numpy", f"randn {suffix}", numpy_fill("normal")),
        ("torch", f"rand {suffix}", torch_fill("uniform")),
        ("numpy", f"rand {suffix}", numpy_fill("uniform")),
    ]


if __name__ == "__main__":
    import json
    import sys

    threads_list = [int(t) for t in (sys.argv[1] if len(sys.argv) > 1 else "1").split(",")]
    for suite, name, fn in workloads(quick=False):
        for threads in threads_list:
            value, unit, higher = fn(threads)
            print(json.dumps({"suite": suite, "workload": name, "threads": threads, "value": round(value, 4),
                              "unit": unit, "higher_is_better": higher}), flush=True)
