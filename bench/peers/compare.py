"""Joins the JSON lines of Backprop and its peers (stdin) into one table: workload, threads, Backprop's value,
each peer's value (the best one when a workload was run several times) and the ratio Backprop/peer (peer/Backprop
for lower-is-better units), so > 1 always means Backprop is better. The last column, "best vs best", compares
Backprop's best figure at any thread count with the best figure of any peer at any thread count (printed on the
workload's first row). Above the table: the CPU (from lscpu) and the FMA ceiling when it was measured.
Lines {"suite": S, "workload": W, "threads": T, "failed": "why"} mark a peer workload that failed: the cell says
"failed" and the reason is listed under the table.
Usage: ... | /usr/bin/python3 bench/peers/compare.py [--markdown] [--filter TEXT]"""

import argparse
import json
import subprocess
import sys


def format_value(value):
    if value is None:
        return "—"
    if abs(value) >= 100:
        return f"{value:.0f}"
    return f"{value:.3g}"


def better(a, b, higher_is_better):
    """True when a is a better figure than b."""
    return a > b if higher_is_better else a < b


def ratio(ours, theirs, higher_is_better):
    if ours is None or theirs is None or ours <= 0 or theirs <= 0:
        return "—"
    r = ours / theirs
    return f"{(r if higher_is_better else 1 / r):.2f}"


def lscpu_fields():
    """lscpu's fields ('Model name', 'CPU family', 'Flags', …), or {} where lscpu is missing."""
    try:
        text = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return {}
    fields = {}
    for line in text.splitlines():
        key, _, value = line.partition(":")
        fields.setdefault(key.strip(), value.strip())
    return fields


def cpu_line(fields):
    """'AMD EPYC, CPU family 26 model 2 (Zen 5), 2 CPUs' from lscpu's fields, or None."""
    if not fields:
        return None
    family = fields.get("CPU family", "?")
    kind = {"25": "Zen 4", "26": "Zen 5"}.get(family) if "AMD" in fields.get("Vendor ID", "") else None
    model = fields.get("Model name", "unknown CPU")
    return (f"CPU: {model}, family {family} model {fields.get('Model', '?')}"
            + (f" ({kind})" if kind else "") + f", {fields.get('CPU(s)', '?')} CPUs")


# OpenBLAS kernels by the widest vector instructions they use; a kernel below what the CPU has means OpenBLAS did not
# recognise the CPU (its DYNAMIC_ARCH tables end at the models it knew when it was released).
_OPENBLAS_WIDTH = {"prescott": "sse3", "core2": "sse3", "penryn": "sse3", "dunnington": "sse3", "nehalem": "sse3",
                   "atom": "sse3", "barcelona": "sse3", "sandybridge": "avx", "bulldozer": "avx", "piledriver": "avx",
                   "steamroller": "avx", "excavator": "avx", "haswell": "avx2", "zen": "avx2",
                   "skylakex": "avx512f", "cooperlake": "avx512f", "sapphirerapids": "avx512f"}


def blas_lines(blas, flags):
    """One line per BLAS the peers loaded, with a warning when its kernel is two or more vector generations behind
    the CPU (SSE3 or AVX on an AVX-512 machine). One generation is not flagged: OpenBLAS 0.3.21 runs its AVX2 Zen
    kernel on Zen 4, whose 512-bit units are double-pumped, at about the machine's ceiling."""
    lines = []
    widest = next((w for w in ("avx512f", "avx2", "avx") if w in flags), "sse3")
    order = ["sse3", "avx", "avx2", "avx512f"]
    for b in blas:
        line = f"Peers' BLAS: {b['library']}, kernel {b['kernel']}"
        if b.get("forced"):
            line += (f" (forced: OPENBLAS_CORETYPE={b['forced']} by --blas-core; the library's own detection may choose "
                     f"another kernel, and the targets are stated against that)")
        width = _OPENBLAS_WIDTH.get(str(b["kernel"]).lower())
        if width and order.index(widest) - order.index(width) >= 2:
            line += (f" — WARNING: a {width.upper()} kernel on a CPU with {widest.upper()}: the BLAS did not "
                     f"recognise this CPU, so every peer product that goes through it runs far below what the machine can do "
                     f"(OPENBLAS_CORETYPE would select a newer kernel; the harness leaves the library's own "
                     f"detection, as a user's numpy runs)")
        lines.append(line)
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    parser.add_argument("--filter", default=None, help="the run's filter, named when no peer matched it")
    args = parser.parse_args()

    rows = {}
    order = []
    peers = []
    failures = []
    blas = []
    for line in sys.stdin:
        line = line.strip()
        if not line.startswith("{"):
            continue
        record = json.loads(line)
        if "blas" in record:
            blas += [b for b in record["blas"] if b not in blas]
            continue
        key = (record["workload"], int(record["threads"]))
        if key not in rows:
            rows[key] = {}
            order.append(key)
        if record["suite"] != "backprop" and record["suite"] not in peers:
            peers.append(record["suite"])
        if "failed" in record:
            failures.append(f"{record['suite']} '{record['workload']}' at {record['threads']} thread(s): {record['failed']}")
            rows[key].setdefault(record["suite"], None)
            continue
        previous = rows[key].get(record["suite"])
        # Repeated runs: keep the best figure (other processes only ever make a run slower).
        if previous is None or better(record["value"], previous["value"], record["higher_is_better"]):
            rows[key][record["suite"]] = record

    fields = lscpu_fields()
    cpu = cpu_line(fields)
    if cpu:
        print(cpu)
    for line in blas_lines(blas, set(fields.get("Flags", "").split())):
        print(line)
    ceilings = {t: rows[(w, t)]["backprop"]["value"] for (w, t) in order
                if w == "ceiling fma" and rows[(w, t)].get("backprop")}
    if ceilings:
        print("FMA ceiling (register-only loop, all threads busy): "
              + ", ".join(f"{v:.0f} GFLOP/s at {t} thread{'s' if t > 1 else ''}" for t, v in sorted(ceilings.items())))

    header = ["workload", "threads", "unit", "backprop"]
    for peer in peers:
        header += [peer, f"×{peer}"]
    header.append("best vs best")
    workloads = []
    for workload, _ in order:
        if workload not in workloads:
            workloads.append(workload)
    table = []
    for workload in workloads:
        keys = sorted(k for k in rows if k[0] == workload)
        records = [r for k in keys for r in rows[k].values() if r]
        if not records:
            higher = True
        else:
            higher = records[0]["higher_is_better"]
        ours_best = None
        theirs_best = None
        for k in keys:
            for suite, r in rows[k].items():
                if not r:
                    continue
                if suite == "backprop":
                    if ours_best is None or better(r["value"], ours_best, higher):
                        ours_best = r["value"]
                elif theirs_best is None or better(r["value"], theirs_best, higher):
                    theirs_best = r["value"]
        for index, (_, threads) in enumerate(keys):
            entry = rows[(workload, threads)]
            ours = entry.get("backprop")
            unit = next((r["unit"] for r in entry.values() if r), records[0]["unit"] if records else "")
            row = [workload, str(threads), unit,
                   "failed" if "backprop" in entry and ours is None else format_value(ours["value"] if ours else None)]
            for peer in peers:
                if peer in entry and entry[peer] is None:
                    row += ["failed", "—"]
                    continue
                theirs = entry.get(peer)
                row.append(format_value(theirs["value"] if theirs else None))
                row.append(ratio(ours["value"] if ours else None, theirs["value"] if theirs else None, higher))
            row.append(ratio(ours_best, theirs_best, higher) if index == 0 else "")
            table.append(row)

    widths = [max(len(header[i]), *(len(r[i]) for r in table)) if table else len(header[i]) for i in range(len(header))]
    if args.markdown:
        print("| " + " | ".join(header) + " |")
        print("|" + "|".join("---" if i < 3 else "---:" for i in range(len(header))) + "|")
        for row in table:
            print("| " + " | ".join(row) + " |")
    else:
        print("  ".join(h.ljust(w) if i < 3 else h.rjust(w) for i, (h, w) in enumerate(zip(header, widths))))
        for row in table:
            print("  ".join(c.ljust(w) if i < 3 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths))))
    print("(× columns: Backprop relative to the peer at the same thread count; best vs best: Backprop's best at any "
          "thread count against the best peer at any thread count; > 1 means Backprop is better)")
    if not peers or all(all(s == "backprop" for s in rows[k]) for k in order if k[0] != "ceiling fma"):
        what = f" matches the filter '{args.filter}'" if args.filter else " ran"
        print(f"No peer workload{what}: the table shows Backprop's figures only.")
    for failure in failures:
        print(f"peer workload failed: {failure}")


if __name__ == "__main__":
    main()
