"""Tests of compare.py (run by .ci/run): python3 -m unittest discover -s bench/peers -p 'test_*.py'"""
import json
import pathlib
import subprocess
import sys
import unittest

COMPARE = pathlib.Path(__file__).resolve().parent / "compare.py"


def run(records, *args):
    lines = "\n".join(json.dumps(r) for r in records) + "\n"
    return subprocess.run([sys.executable, str(COMPARE), *args], input=lines, capture_output=True, text=True,
                          check=True).stdout


def record(suite, workload, threads, value, unit="s", higher=False):
    return {"suite": suite, "workload": workload, "threads": threads, "value": value, "unit": unit,
            "higher_is_better": higher}


class CompareTests(unittest.TestCase):
    def test_backprop_only_table_says_no_peer_matched(self):
        out = run([record("backprop", "pipeline x", 1, 0.5)], "--filter", "pipeline")
        self.assertIn("pipeline x", out)
        self.assertIn("No peer workload matches the filter 'pipeline'", out)

    def test_failed_peer_is_marked_and_listed(self):
        out = run([record("backprop", "w", 1, 0.5),
                   {"suite": "torch", "workload": "w", "threads": 1, "failed": "RuntimeError: boom"},
                   record("numpy", "w", 1, 1.0)], "--markdown")
        row = next(line for line in out.splitlines() if line.startswith("| w |"))
        self.assertEqual([c.strip() for c in row.strip("|").split("|")], ["w", "1", "s", "0.5", "failed", "—", "1", "2.00", "2.00"])
        self.assertIn("peer workload failed: torch 'w' at 1 thread(s): RuntimeError: boom", out)

    def test_best_vs_best_takes_each_side_best_thread_count_and_repeat(self):
        # Lower is better: Backprop's best is 0.2 (2 threads), the best peer's is 0.3 (torch, 1 thread, 2nd round).
        out = run([record("backprop", "w", 1, 0.4), record("backprop", "w", 2, 0.2),
                   record("torch", "w", 1, 0.5), record("torch", "w", 1, 0.3), record("torch", "w", 2, 0.6),
                   record("sklearn", "w", 1, 0.9)], "--markdown")
        rows = [line for line in out.splitlines() if line.startswith("| w |")]
        first = [c.strip() for c in rows[0].strip("|").split("|")]
        second = [c.strip() for c in rows[1].strip("|").split("|")]
        self.assertEqual(first[-1], "1.50")
        self.assertEqual(first[4:6], ["0.3", "0.75"])
        self.assertEqual(second[-1], "")

    def test_blas_line_warns_when_the_kernel_is_generations_behind_the_cpu(self):
        sys.path.insert(0, str(COMPARE.parent))
        import compare
        prescott = compare.blas_lines([{"library": "openblas 0.3.21", "kernel": "Prescott"}], {"sse3", "avx2", "avx512f"})
        self.assertEqual(len(prescott), 1)
        self.assertIn("Peers' BLAS: openblas 0.3.21, kernel Prescott", prescott[0])
        self.assertIn("WARNING", prescott[0])
        # One generation behind (Zen 4 runs OpenBLAS's AVX2 Zen kernel near its ceiling) and an unknown kernel: no warning.
        self.assertNotIn("WARNING", compare.blas_lines([{"library": "openblas 0.3.21", "kernel": "Zen"}], {"avx2", "avx512f"})[0])
        self.assertNotIn("WARNING", compare.blas_lines([{"library": "openblas", "kernel": "Haswell"}], {"avx2"})[0])
        self.assertNotIn("WARNING", compare.blas_lines([{"library": "mkl", "kernel": "?"}], {"avx512f"})[0])

    def test_blas_line_names_a_forced_kernel(self):
        sys.path.insert(0, str(COMPARE.parent))
        import compare
        forced = compare.blas_lines([{"library": "openblas 0.3.21", "kernel": "SkylakeX", "forced": "SkylakeX"}],
                                    {"sse3", "avx2", "avx512f"})[0]
        self.assertIn("kernel SkylakeX (forced: OPENBLAS_CORETYPE=SkylakeX by --blas-core", forced)
        self.assertNotIn("WARNING", forced)
        # The library's own choice says nothing about forcing.
        self.assertNotIn("forced", compare.blas_lines([{"library": "openblas 0.3.21", "kernel": "Haswell"}], {"avx2"})[0])

    def test_blas_records_are_printed_once_and_not_taken_for_workloads(self):
        blas = {"blas": [{"library": "openblas 0.3.21", "kernel": "Haswell"}]}
        out = run([blas, record("backprop", "w", 1, 0.5), blas, record("numpy", "w", 1, 1.0)], "--markdown")
        self.assertEqual(out.count("Peers' BLAS: openblas 0.3.21, kernel Haswell"), 1)
        self.assertIn("| w | 1 | s | 0.5 | 1 | 2.00 | 2.00 |", out)

    def test_higher_is_better_ratio_and_ceiling_line(self):
        out = run([record("backprop", "ceiling fma", 1, 221, "GFLOP/s", True),
                   record("backprop", "g", 1, 200, "GFLOP/s", True), record("numpy", "g", 1, 100, "GFLOP/s", True)],
                  "--markdown")
        self.assertIn("FMA ceiling (register-only loop, all threads busy): 221 GFLOP/s at 1 thread", out)
        row = next(line for line in out.splitlines() if line.startswith("| g |"))
        self.assertTrue(row.rstrip(" |").endswith("2.00"))
        self.assertNotIn("No peer workload", out)


if __name__ == "__main__":
    unittest.main()
