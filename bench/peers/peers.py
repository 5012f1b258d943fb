"""Runs the peer libraries' side of Backprop's benchmarks and prints one JSON line per measurement.

Every module bench/peers/workloads_*.py defines
    workloads(quick: bool) -> list[tuple[suite, workload_name, fn(threads) -> (value, unit, higher_is_better)]]
with workload names identical to the C# Workload.Name, so compare.py can join the lines.
Usage: /usr/bin/python3 bench/peers/peers.py --threads T [--filter TEXT] [--quick] [--list]
"""

import argparse
import importlib.util
import json
import os
import pathlib
import sys
import traceback


def load_workload_modules():
    here = pathlib.Path(__file__).resolve().parent
    for path in sorted(here.glob("workloads_*.py")):
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[path.stem] = module
        spec.loader.exec_module(module)
        yield module


def limit_threads(threads):
    """Thread pools read the *_NUM_THREADS variables at start-up (run.sh sets them); this also caps pools
    already running."""
    try:
        import threadpoolctl
        threadpoolctl.threadpool_limits(threads)
    except ImportError:
        pass
    try:
        import torch
        torch.set_num_threads(threads)
    except ImportError:
        pass


def blas_libraries():
    """What the peers' BLAS really runs: [{"library": "openblas 0.3.21", "kernel": "Prescott"}, …] from threadpoolctl
    (with numpy and torch imported, so every BLAS they load is listed), or [] when it cannot be told. OpenBLAS picks
    its kernel from the CPU model, and a model newer than its tables falls back to a generic kernel (0.3.21 runs
    Prescott's SSE3 code on an AVX-512 Xeon of family 6 model 207): the peers' figures then say little, and the table
    must show it."""
    try:
        import numpy  # noqa: F401  (loads its BLAS)
        import threadpoolctl
    except ImportError:
        return []
    try:
        import torch  # noqa: F401
    except ImportError:
        pass
    found = []
    for info in threadpoolctl.threadpool_info():
        if info.get("user_api") != "blas":
            continue
        entry = {"library": f"{info.get('internal_api', '?')} {info.get('version') or ''}".strip(),
                 "kernel": info.get("architecture") or "?"}
        if info.get("internal_api") == "openblas" and os.environ.get("OPENBLAS_CORETYPE"):
            entry["forced"] = os.environ["OPENBLAS_CORETYPE"]
        if entry not in found:
            found.append(entry)
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--filter", default=None)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--list", action="store_true")
    args = parser.parse_args()

    limit_threads(args.threads)
    if not args.list:
        print(json.dumps({"blas": blas_libraries()}), flush=True)
    failures = 0
    for module in load_workload_modules():
        for suite, name, fn in module.workloads(args.quick):
            if args.filter and args.filter.lower() not in name.lower():
                continue
            if args.list:
                print(f"{suite}\t{name}")
                continue
            try:
                value, unit, higher_is_better = fn(args.threads)
            except Exception as error:  # one broken peer must not hide the others
                failures += 1
                print(f"{suite} '{name}' failed:\n{traceback.format_exc()}", file=sys.stderr)
                # compare.py shows the cell as failed and lists the reason under the table.
                print(json.dumps({"suite": suite, "workload": name, "threads": args.threads,
                                  "failed": f"{type(error).__name__}: {error}"[:300]}), flush=True)
                continue
            print(json.dumps({"suite": suite, "workload": name, "threads": args.threads, "value": float(f"{value:.6g}"),
                              "unit": unit, "higher_is_better": bool(higher_is_better)}), flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
