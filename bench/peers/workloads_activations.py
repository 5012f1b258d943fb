"""Peers for Backprop's ActivationStatisticsWorkloads.cs: the initialise-and-forward step of the activation-statistics
lab on its 1024→8192→8192→8192→4096→4096 tanh network (193M float32 weights, 772 MB).

"acts init 193M": seconds to redraw every kernel from N(0, 1) in place: torch.nn.init.normal_ on preallocated
tensors, NumPy Generator.standard_normal(dtype=float32, out=...).
"acts forward 1024-8192x3-4096x2": seconds for one forward pass of one input vector: torch.tanh(x @ W + b) under
torch.no_grad(), NumPy np.tanh(x @ W) (zero biases, so NumPy skips the add).
--quick divides the hidden widths by 8. Weights live only while their workload runs (772 MB each).
"""
import time

import numpy as np
import torch

WIDTHS_FULL = [1024, 8192, 8192, 8192, 4096, 4096]
WIDTHS_QUICK = [1024, 1024, 1024, 1024, 512, 512]


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


def _shapes(widths):
    return [(widths[i - 1], widths[i]) for i in range(1, len(widths))]


def workloads(quick: bool):
    widths = WIDTHS_QUICK if quick else WIDTHS_FULL
    suffix = "quick" if quick else "193M"
    shape = "1024-1024x3-512x2" if quick else "1024-8192x3-4096x2"

    def torch_init(threads):
        torch.set_num_threads(threads)
        torch.manual_seed(2024)
        kernels = [torch.empty(s, dtype=torch.float32) for s in _shapes(widths)]

        def draw():
            for w in kernels:
                torch.nn.init.normal_(w, 0.0, 1.0)

        return (_best_seconds(draw), "s", False)

    def numpy_init(threads):
        rng = np.random.default_rng(2024)
        kernels = [np.empty(s, dtype=np.float32) for s in _shapes(widths)]

        def draw():
            for w in kernels:
                rng.standard_normal(w.shape, dtype=np.float32, out=w)

        return (_best_seconds(draw), "s", False)

    def glorot_uniform(rng, fan_in, fan_out):
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        return rng.uniform(-limit, limit, (fan_in, fan_out)).astype(np.float32)

    def torch_forward(threads):
        torch.set_num_threads(threads)
        rng = np.random.default_rng(1)
        layers = [(torch.from_numpy(glorot_uniform(rng, i, o)), torch.zeros(o)) for i, o in _shapes(widths)]
        x = torch.from_numpy(rng.normal(0, np.sqrt(0.5), (1, widths[0])).astype(np.float32))

        def forward():
            with torch.no_grad():
                h = x
                for w, b in layers:
                    h = torch.tanh(h @ w + b)
            return h

        return (_best_seconds(forward, repetitions=5), "s", False)

    def numpy_forward(threads):
        rng = np.random.default_rng(1)
        kernels = [glorot_uniform(rng, i, o) for i, o in _shapes(widths)]
        x = rng.normal(0, np.sqrt(0.5), (1, widths[0])).astype(np.float32)

        def forward():
            h = x
            for w in kernels:
                h = np.tanh(h @ w)
            return h

        return (_best_seconds(forward, repetitions=5), "s", False)

    return [
        ("torch", f"acts init {suffix}", torch_init),
        ("numpy", f"acts init {suffix}", numpy_init),
        ("torch", f"acts forward {shape}", torch_forward),
        ("numpy", f"acts forward {shape}", numpy_forward),
    ]


if __name__ == "__main__":
    import json
    import sys

    threads_list = [int(t) for t in (sys.argv[1] if len(sys.argv) > 1 else "1").split(",")]
    quick_run = len(sys.argv) > 2 and sys.argv[2] == "--quick"
    for suite, name, fn in workloads(quick=quick_run):
        for threads in threads_list:
            value, unit, higher = fn(threads)
            print(json.dumps({"suite": suite, "workload": name, "threads": threads, "value": round(value, 6),
                              "unit": unit, "higher_is_better": higher}), flush=True)
