"""Peers for Backprop's ColdWorkloads.cs: fresh processes, default settings.

"cold boston 300ep process": seconds from starting a Python process that imports the library, trains the
"train boston 300ep" model of workloads_training.py once (torch: the same loop; scikit-learn: MLPRegressor) and
exits, best of 5 processes; "… first fit" / "… second fit": the first run and a second run of a fresh model,
timed inside those processes. (The child runs both; the process figure subtracts the second.)
"""
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
_cache = {}


def _child(library):
    sys.path.insert(0, HERE)
    import workloads_training as training
    fit = training.boston_once(library)
    start = time.perf_counter()
    fit()
    first = time.perf_counter() - start
    start = time.perf_counter()
    fit()
    second = time.perf_counter() - start
    print(f"{first!r} {second!r}")


def _runs(library, threads, processes):
    key = (library, threads)
    if key not in _cache:
        best = [float("inf")] * 3
        for _ in range(processes):
            start = time.perf_counter()
            output = subprocess.run([sys.executable, os.path.abspath(__file__), library], check=True,
                                    capture_output=True, text=True).stdout
            wall = time.perf_counter() - start
            first, second = (float(v) for v in output.split())
            for i, value in enumerate((wall - second, first, second)):
                best[i] = min(best[i], value)
        _cache[key] = best
    return _cache[key]


def workloads(quick: bool):
    processes = 2 if quick else 5
    result = []
    for library in ("torch", "sklearn"):
        for index, what in enumerate(("process", "first fit", "second fit")):
            result.append((library, f"cold boston 300ep {what}",
                           lambda threads, library=library, index=index: (_runs(library, threads, processes)[index], "s", False)))
    return result


if __name__ == "__main__":
    _child(sys.argv[1])
