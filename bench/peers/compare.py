"""Joins the JSON lines of Backprop and its peers (stdin) into one table: workload, threads, Backprop's value,
each peer's value (the best one when a workload was run several times) and the ratio Backprop/peer (peer/Backprop for lower-is-better units), so > 1 always means
Backprop is better. Usage: ... | /usr/bin/python3 bench/peers/compare.py [--markdown]"""

import argparse
import json
import sys


def format_value(value):
    if value is None:
        return "—"
    if abs(value) >= 100:
        return f"{value:.0f}"
    if abs(value) >= 1:
        return f"{value:.3g}"
    return f"{value:.3g}"


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    args = parser.parse_args()

    rows = {}
    order = []
    peers = []
    for line in sys.stdin:
        line = line.strip()
        if not line.startswith("{"):
            continue
        record = json.loads(line)
        key = (record["workload"], int(record["threads"]))
        if key not in rows:
            rows[key] = {}
            order.append(key)
        previous = rows[key].get(record["suite"])
        # Repeated runs: keep the best figure (other processes only ever make a run slower).
        if previous is None or (record["value"] > previous["value"]) == bool(record["higher_is_better"]):
            rows[key][record["suite"]] = record
        if record["suite"] != "backprop" and record["suite"] not in peers:
            peers.append(record["suite"])

    header = ["workload", "threads", "unit", "backprop"]
    for peer in peers:
        header += [peer, f"×{peer}"]
    table = []
    for workload, threads in sorted(order, key=lambda k: (order.index((k[0], 1)) if (k[0], 1) in rows else 0, k[1])):
        entry = rows[(workload, threads)]
        ours = entry.get("backprop")
        any_record = ours or next(iter(entry.values()))
        row = [workload, str(threads), any_record["unit"], format_value(ours["value"] if ours else None)]
        for peer in peers:
            theirs = entry.get(peer)
            row.append(format_value(theirs["value"] if theirs else None))
            if ours and theirs and theirs["value"] > 0 and ours["value"] > 0:
                ratio = ours["value"] / theirs["value"]
                if not any_record["higher_is_better"]:
                    ratio = 1 / ratio
                row.append(f"{ratio:.2f}")
            else:
                row.append("—")
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
    print("(× columns: Backprop relative to the peer; > 1 means Backprop is better)")


if __name__ == "__main__":
    main()
