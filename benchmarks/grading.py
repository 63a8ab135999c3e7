"""Class-scale grading: the course's parallel grader against stock ``nbgrader autograde``.

Not a test. Builds a synthetic class of N submissions per assignment (cycling through the
reference solution, the blank student version, and the wrong and valid implementations
of tests/mutants/), copies it into two course folders, grades one with stock
``nbgrader autograde`` (nbgrader's own in-kernel execution, one assignment at a time)
and the other with ``calcml-grade autograde --all``, then checks that the scores agree
(stock nbgrader is not fooled by any of these honest submissions), and prints seconds
per notebook for each, their ratio, and the peak memory (resident set of the grader and
every process under it: workers and sandboxed kernels).

    python benchmarks/grading.py                          # 20 students x every assignment
    python benchmarks/grading.py --students 500 --assignments 01_derivatives --skip-stock
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))
from course import Course, with_answers  # noqa: E402

STOCK = ("--Autograde.autograde_preprocessors=["
         "'nbgrader.preprocessors.Execute','nbgrader.preprocessors.IgnorePattern',"
         "'nbconvert.preprocessors.ClearMetadataPreprocessor',"
         "'nbgrader.preprocessors.LimitOutput','nbgrader.preprocessors.SaveAutoGrades',"
         "'nbgrader.preprocessors.AssignLatePenalties','nbgrader.preprocessors.CheckCellMetadata']")


def mutants(assignment: str):
    spec = importlib.util.spec_from_file_location(
        f"m{assignment}", REPO / "tests" / "mutants" / f"m{assignment}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build_class(course: Course, assignments: list[str], n: int) -> int:
    for a in assignments:
        course.generate(a)
        source, blank, m = course.source(a), course.release(a), mutants(a)
        for i in range(n):
            kind = i % 4
            if kind == 0:
                nb = source
            elif kind == 1:
                nb = blank
            else:
                table = m.WRONG if kind == 2 else m.RIGHT
                nb = with_answers(source, {f: impls[(i // 4) % len(impls)][1]
                                           for f, impls in table.items()})
            course.submit(f"student{i:04d}", a, nb)
    return n * len(assignments)


class PeakMemory:
    """Samples the summed resident memory of a process and all its descendants."""

    def __init__(self, pid: int, every: float = 0.1):
        self.proc, self.every, self.peak = psutil.Process(pid), every, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                procs = [self.proc, *self.proc.children(recursive=True)]
                total = 0
                for p in procs:
                    try:
                        total += p.memory_info().rss
                    except psutil.Error:
                        pass
                self.peak = max(self.peak, total)
            except psutil.Error:
                return
            self._stop.wait(self.every)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=20, help="submissions per assignment")
    parser.add_argument("--assignments", nargs="*", help="default: every assignment")
    parser.add_argument("--workers", type=int, default=os.cpu_count())
    parser.add_argument("--skip-stock", action="store_true", help="only the course's grader")
    args = parser.parse_args()
    from autograder.release import assignments as all_assignments

    chosen = args.assignments or all_assignments()
    with tempfile.TemporaryDirectory(prefix="calcml-bench-") as tmp:
        ours = Course(Path(tmp) / "ours")
        total = build_class(ours, chosen, args.students)
        print(f"class: {args.students} students x {len(chosen)} assignments = {total} notebooks;"
              f" {args.workers} workers on {os.cpu_count()} cores")

        stock_seconds = None
        if not args.skip_stock:
            stock = Course(Path(tmp) / "stock")
            shutil.copytree(ours.root / "submitted", stock.root / "submitted")
            for a in chosen:
                stock.generate(a)
            start = time.perf_counter()
            for a in chosen:
                stock.nbgrader("autograde", a, STOCK, check=False)
            stock_seconds = time.perf_counter() - start

        cmd = [sys.executable, "-m", "autograder.cli", "autograde", *chosen,
               "--workers", str(args.workers), "--quiet"]
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=REPO, env=ours.env, stdout=subprocess.PIPE, text=True)
        memory = PeakMemory(proc.pid)
        out, _ = proc.communicate()
        ours_seconds = time.perf_counter() - start
        peak = memory.stop()
        print(out.strip())

        if stock_seconds is not None:
            mismatches = []
            for a in chosen:
                s_scores, o_scores = stock.scores(a), ours.scores(a)
                for student, row in o_scores.items():
                    for fn, score in row.items():
                        if s_scores.get(student, {}).get(fn) != score:
                            mismatches.append(f"{a} {student} {fn}: stock "
                                              f"{s_scores.get(student, {}).get(fn)}, ours {score}")
            print(f"scores compared: {total} notebooks, {len(mismatches)} differ")
            for line in mismatches[:20]:
                print("  " + line)
            print(f"stock nbgrader autograde: {stock_seconds / total:.3f} s per notebook "
                  f"({stock_seconds:.1f} s)")
        print(f"calcml-grade autograde:   {ours_seconds / total:.3f} s per notebook "
              f"({ours_seconds:.1f} s)")
        if stock_seconds is not None:
            print(f"throughput ratio (ours / stock): {stock_seconds / ours_seconds:.2f}x")
        print(f"peak memory of the grader (all its processes): {peak / 2**20:.0f} MiB")


if __name__ == "__main__":
    main()
