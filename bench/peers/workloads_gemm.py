"""GEMM/GEMV peers: numpy (OpenBLAS here) and torch on CPU, same shapes and units as
bench/Backprop.Bench/Workloads/GemmWorkloads.cs. "gemm MxKxN" is C (M×N) = A (M×K) · B (K×N) in float32;
"gemv 8192x8192" is y = A·x in GB/s of A read."""

import time

import numpy as np

GEMM_SHAPES = [(1024, 1024, 1024), (256, 784, 1000), (32, 13, 32), (32, 32, 16)]
GEMV_SIZE = 8192


def best_seconds_per_call(action, quick, repetitions=7, min_seconds=0.25):
    """Same protocol as Backprop's Timing.BestSecondsPerCall: warm up, then best of batches of calls."""
    if quick:
        repetitions, min_seconds = 3, 0.1
    start = time.perf_counter()
    while time.perf_counter() - start < 0.3:
        action()
    best = float("inf")
    for _ in range(repetitions):
        calls = 0
        start = time.perf_counter()
        while True:
            action()
            calls += 1
            elapsed = time.perf_counter() - start
            if elapsed >= min_seconds:
                break
        best = min(best, elapsed / calls)
    return best


def best_cpu_seconds_per_call(action, threads, batches=30):
    """CPU-time protocol of Backprop's "… cputime" workloads: thread CPU time on one thread, process CPU time
    divided by the thread count on more, best of batches. Other processes taking the cores do not inflate it."""
    clock = time.thread_time if threads == 1 else time.process_time
    start = time.perf_counter()
    while time.perf_counter() - start < 0.3:
        action()
    best = float("inf")
    for _ in range(batches):
        t0, calls = clock(), 0
        while True:
            action()
            calls += 1
            elapsed = clock() - t0
            if elapsed >= 0.05 * threads:
                break
        best = min(best, elapsed / threads / calls)
    return best


def numpy_gemm_cputime(m, k, n, threads, quick):
    a, b = _random((m, k), 1), _random((k, n), 2)
    c = np.empty((m, n), dtype=np.float32)
    seconds = best_cpu_seconds_per_call(lambda: np.matmul(a, b, out=c), threads, 10 if quick else 30)
    return 2.0 * m * n * k / seconds / 1e9, "GFLOP/s", True


def numpy_gemv_cputime(size, threads, quick):
    a, x = _random((size, size), 3), _random(size, 4)
    y = np.empty(size, dtype=np.float32)
    seconds = best_cpu_seconds_per_call(lambda: np.matmul(a, x, out=y), threads, 10 if quick else 30)
    return 4.0 * size * size / seconds / 1e9, "GB/s", True


def _random(shape, seed):
    return np.random.default_rng(seed).uniform(-1, 1, size=shape).astype(np.float32)


def numpy_gemm(m, k, n, quick):
    a, b = _random((m, k), 1), _random((k, n), 2)
    c = np.empty((m, n), dtype=np.float32)
    seconds = best_seconds_per_call(lambda: np.matmul(a, b, out=c), quick)
    return 2.0 * m * n * k / seconds / 1e9, "GFLOP/s", True


def numpy_gemv(size, quick):
    a, x = _random((size, size), 3), _random(size, 4)
    y = np.empty(size, dtype=np.float32)
    seconds = best_seconds_per_call(lambda: np.matmul(a, x, out=y), quick)
    return 4.0 * size * size / seconds / 1e9, "GB/s", True


def torch_gemm(m, k, n, quick):
    import torch
    a, b = torch.from_numpy(_random((m, k), 1)), torch.from_numpy(_random((k, n), 2))
    c = torch.empty((m, n), dtype=torch.float32)
    with torch.no_grad():
        seconds = best_seconds_per_call(lambda: torch.mm(a, b, out=c), quick)
    return 2.0 * m * n * k / seconds / 1e9, "GFLOP/s", True


def torch_gemv(size, quick):
    import torch
    a, x = torch.from_numpy(_random((size, size), 3)), torch.from_numpy(_random(size, 4))
    y = torch.empty(size, dtype=torch.float32)
    with torch.no_grad():
        seconds = best_seconds_per_call(lambda: torch.mv(a, x, out=y), quick)
    return 4.0 * size * size / seconds / 1e9, "GB/s", True


def workloads(quick):
    result = []
    for m, k, n in GEMM_SHAPES:
        name = f"gemm {m}x{k}x{n}"
        result.append(("numpy", name, lambda threads, m=m, k=k, n=n: numpy_gemm(m, k, n, quick)))
        result.append(("torch", name, lambda threads, m=m, k=k, n=n: torch_gemm(m, k, n, quick)))
    name = f"gemv {GEMV_SIZE}x{GEMV_SIZE}"
    result.append(("numpy", name, lambda threads: numpy_gemv(GEMV_SIZE, quick)))
    result.append(("torch", name, lambda threads: torch_gemv(GEMV_SIZE, quick)))
    for m, k, n in [(1024, 1024, 1024), (256, 784, 1000), (256, 768, 1024)]:
        result.append(("numpy", f"gemm {m}x{k}x{n} cputime",
                       lambda threads, m=m, k=k, n=n: numpy_gemm_cputime(m, k, n, threads, quick)))
    result.append(("numpy", f"gemv {GEMV_SIZE}x{GEMV_SIZE} cputime",
                   lambda threads: numpy_gemv_cputime(GEMV_SIZE, threads, quick)))
    return result
