"""``calcml-grade``: the course's grading commands that plain nbgrader lacks.

    calcml-grade autograde 01_derivatives            # every submission, on all local cores
    calcml-grade autograde --all --workers 2         # every assignment
    calcml-grade autograde 01_derivatives --student ada --student ben
    calcml-grade autograde --all --scheduler local   # through a local Dask cluster
    calcml-grade autograde --all --scheduler tls://10.0.0.5:8786 \
        --tls-ca-file ca.pem --tls-cert grader.pem --tls-key grader.key   # over TLS
    calcml-grade secret                              # create the course's grading secret
    calcml-grade release 01_derivatives --to DIR     # a student bundle (no answers in it)
    calcml-grade release --all --to DIR              # every assignment
    calcml-grade export --format canvas              # exports/canvas.csv (also moodle, breakdown)
    calcml-grade report                              # exports/report.html: the class report

It reads the same nbgrader configuration as ``nbgrader autograde`` (the
``nbgrader_config.py`` of the current folder, or of the repository), grades with the
same sandbox, and records exactly the scores ``nbgrader autograde`` would, through
nbgrader itself, with one writer for the gradebook. Rerunning it after an interruption
finishes the job: submissions already recorded are skipped (``--force`` regrades them).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def load_config(folder: Path | None = None):  # noqa: ANN201  (a traitlets Config)
    """The nbgrader configuration nbgrader itself would read from ``folder``."""
    from traitlets.config.loader import PyFileConfigLoader

    folder = folder or Path.cwd()
    if not (folder / "nbgrader_config.py").is_file():
        folder = REPO
    return PyFileConfigLoader("nbgrader_config.py", path=str(folder)).load_config()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="calcml-grade", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    auto = sub.add_parser("autograde", help="grade submissions in parallel")
    auto.add_argument("assignments", nargs="*", help="assignment ids")
    auto.add_argument("--all", action="store_true", help="every assignment in the gradebook")
    auto.add_argument("--student", action="append", help="only these students (repeatable)")
    auto.add_argument("--workers", type=int, default=None,
                      help="parallel graders (default: one per core)")
    auto.add_argument("--scheduler", default=None,
                      help="a Dask scheduler address, or 'local' for a local Dask cluster")
    auto.add_argument("--tls-ca-file", help="CA certificate of a TLS Dask cluster")
    auto.add_argument("--tls-cert", help="this grader's TLS certificate (with --tls-key)")
    auto.add_argument("--tls-key", help="this grader's TLS private key")
    auto.add_argument("--force", action="store_true", help="regrade what is already graded")
    auto.add_argument("--quiet", action="store_true", help="no progress bar")
    auto.add_argument("--practice", action="store_true",
                      help="grade with the public default secret (practice only: anyone can "
                           "reproduce the hidden inputs); same as CALCML_PRACTICE=1")
    add_secret_command(sub)
    add_release_command(sub)
    add_export_parser(sub)
    add_report_parser(sub)
    args = parser.parse_args(argv)
    if args.command in ("secret", "release"):
        return args.run(args)

    if getattr(args, "practice", False):
        os.environ["CALCML_PRACTICE"] = "1"
    # nbgrader calls `alembic` from PATH: make this environment's scripts visible.
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    if args.command == "export":
        return run_export(args)
    if args.command == "report":
        return run_report(args)
    import warnings

    from sqlalchemy.exc import SAWarning

    from autograder.batch import BatchGrader

    # nbgrader's own session handling trips SQLAlchemy warnings that say nothing to a user
    warnings.filterwarnings("ignore", category=SAWarning)

    if not args.assignments and not args.all:
        parser.error("name the assignments to grade, or pass --all")
    from nbgrader.api import MissingEntry
    from sqlalchemy.exc import OperationalError

    security = None
    if args.tls_ca_file or args.tls_cert or args.tls_key:
        if not (args.tls_ca_file and args.tls_cert and args.tls_key):
            parser.error("TLS needs all three of --tls-ca-file, --tls-cert and --tls-key")
        from distributed.security import Security

        security = Security(tls_ca_file=args.tls_ca_file, tls_client_cert=args.tls_cert,
                            tls_client_key=args.tls_key, require_encryption=True)
    try:
        grader = BatchGrader(load_config(), workers=args.workers, scheduler=args.scheduler,
                             force=args.force, progress=None if args.quiet else sys.stderr,
                             security=security)
    except ValueError as exc:
        print(f"calcml-grade: {exc}", file=sys.stderr)
        return 2
    try:
        known = grader.assignments()
    except OperationalError as exc:
        print(f"calcml-grade: cannot open the gradebook {grader.db_url}: {exc.orig}",
              file=sys.stderr)
        return 2
    assignments = known if args.all else args.assignments
    unknown = [a for a in assignments if a not in known]
    if unknown:
        print(f"calcml-grade: no assignment {', '.join(map(repr, unknown))} in the gradebook "
              f"{grader.db_url} (it has {known or 'none'}); run `nbgrader generate_assignment "
              "<id>` first", file=sys.stderr)
        return 2
    if not assignments:
        print("calcml-grade: the gradebook has no assignments yet", file=sys.stderr)
        return 2
    submitted = grader.root / grader.coursedir.submitted_directory
    if not submitted.is_dir():
        print(f"calcml-grade: there is no folder {submitted}: nothing has been collected yet "
              f"(run `nbgrader collect <assignment>`, or put each submission in "
              f"{submitted}/<student>/<assignment>/)", file=sys.stderr)
        return 2
    found = grader.submissions(assignments, args.student)
    missing = sorted(set(args.student or []) - {s.student for s in found})
    if missing:
        print(f"calcml-grade: no submission of {', '.join(assignments)} from "
              f"{', '.join(missing)} in {submitted}", file=sys.stderr)
        return 2
    if not found:
        print(f"calcml-grade: no submissions of {', '.join(assignments)} in {submitted} "
              f"(expected {submitted}/<student>/{assignments[0]}/{assignments[0]}.ipynb)",
              file=sys.stderr)
        return 2
    try:
        summary = grader.run(assignments, args.student)
    except MissingEntry as exc:
        print(f"calcml-grade: {exc}", file=sys.stderr)
        return 2
    print(summary.report())
    return 1 if summary.failures else 0


def add_secret_command(sub: argparse._SubParsersAction) -> None:
    """``calcml-grade secret``: create the course's grading secret."""
    cmd = sub.add_parser("secret", help="create the course's grading secret (a 0600 file)",
                         description="Create a random grading secret, readable by you only. "
                         "The hidden tests' inputs are drawn from it: keep it, and back it "
                         "up with the gradebook (regrading needs the same secret).")
    cmd.add_argument("--path", type=Path, default=None,
                     help="where to write it (default: ~/.config/calcml/grading-secret; "
                          "elsewhere, set CALCML_GRADING_SECRET_FILE to the path)")
    cmd.add_argument("--force", action="store_true", help="replace an existing secret")
    cmd.set_defaults(run=secret_command)


def secret_command(args: argparse.Namespace) -> int:
    from calcml.grading.secret import create_secret, secret_path

    try:
        path = create_secret(args.path, force=args.force)
    except (FileExistsError, OSError) as exc:
        print(f"calcml-grade secret: {exc}", file=sys.stderr)
        return 2
    print(f"wrote a new grading secret to {path} (permissions 0600)")
    if path.resolve() != secret_path().resolve():
        print(f"grading reads it when CALCML_GRADING_SECRET_FILE={path} is set")
    return 0


def add_release_command(sub: argparse._SubParsersAction) -> None:
    """``calcml-grade release``: build a student bundle."""
    cmd = sub.add_parser("release", help="build the student bundle of some assignments",
                         description="Write the exercise notebooks and the student package "
                         "that runs their visible tests (no solutions, no hidden tests, no "
                         "reference implementations) into a folder students pip-install.")
    cmd.add_argument("assignments", nargs="*", help="assignment ids")
    cmd.add_argument("--all", action="store_true", help="every assignment")
    cmd.add_argument("--to", type=Path, required=True, help="the bundle's folder (replaced)")
    cmd.set_defaults(run=release_command)


def release_command(args: argparse.Namespace) -> int:
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    from autograder.bundle import BundleError, build_bundle
    from autograder.release import assignments as all_assignments

    if args.all == bool(args.assignments):
        print("calcml-grade release: name the assignments, or pass --all (not both)",
              file=sys.stderr)
        return 2
    ids = all_assignments() if args.all else args.assignments
    try:
        path = build_bundle(ids, args.to)
    except (BundleError, RuntimeError) as exc:
        print(f"calcml-grade release: {exc}", file=sys.stderr)
        return 2
    print(f"wrote the student bundle of {', '.join(ids)} to {path}; students install it "
          f"with: python3 -m venv .venv && .venv/bin/pip install {path}")


def _course(args: argparse.Namespace) -> tuple[str, Path, str]:
    """(gradebook URL, course root, section) of the configured course."""
    from autograder.late import load_course

    config = load_config()
    root = Path(config.CourseDirectory.root or Path.cwd())
    db_url = config.CourseDirectory.db_url or f"sqlite:///{root / 'gradebook.db'}"
    try:
        section = load_course().section
    except ValueError:
        section = ""
    return db_url, root, section


def _read_grades(db_url: str, assignments: list[str] | None):  # noqa: ANN202
    from sqlalchemy.exc import OperationalError

    from autograder.export import class_grades

    try:
        grades = class_grades(db_url, "calcml", assignments)
    except OperationalError as exc:
        raise SystemExit(f"calcml-grade: cannot open the gradebook {db_url}: {exc.orig}") from None
    except KeyError as exc:
        raise SystemExit(f"calcml-grade: {exc.args[0]}") from None
    if not grades.assignments:
        raise SystemExit(f"calcml-grade: the gradebook {db_url} has no assignments yet; run "
                         "`nbgrader generate_assignment <id>` and grade first")
    if not grades.students:
        raise SystemExit(f"calcml-grade: the gradebook {db_url} has no students yet; import "
                         "the roster (`nbgrader db student import roster.csv`) or grade first")
    return grades


def add_export_parser(sub: argparse._SubParsersAction) -> None:
    """``calcml-grade export``: grades for an LMS, or per graded function."""
    from autograder.export import FORMATS

    p = sub.add_parser("export", help="write grades for Canvas, Moodle, or per function")
    p.add_argument("--format", choices=FORMATS, required=True,
                   help="canvas or moodle gradebook import, or the per-function breakdown")
    p.add_argument("--assignment", action="append",
                   help="only these assignments (repeatable; default: all)")
    p.add_argument("--to", type=Path, default=None,
                   help="output file (default: exports/<format>.csv under the course root)")


def run_export(args: argparse.Namespace) -> int:
    """Write one export file from the gradebook."""
    from autograder.export import export, exports_folder

    db_url, root, section = _course(args)
    grades = _read_grades(db_url, args.assignment)
    path = args.to or exports_folder(root) / f"{args.format}.csv"
    export(args.format, grades, path, section)
    print(f"wrote {path} ({len(grades.students)} students, "
          f"{len(grades.assignments)} assignments)")
    return 0


def add_report_parser(sub: argparse._SubParsersAction) -> None:
    """``calcml-grade report``: one self-contained HTML page about the class."""
    p = sub.add_parser("report", help="write an HTML report of where the class struggles")
    p.add_argument("assignments", nargs="*",
                   help="assignments to report on (default: all in the gradebook)")
    p.add_argument("--to", type=Path, default=None,
                   help="output file (default: exports/report.html under the course root)")


def run_report(args: argparse.Namespace) -> int:
    """Write the class report from the gradebook and the graded notebooks."""
    from autograder.export import exports_folder
    from autograder.report import write_report

    db_url, root, _ = _course(args)
    grades = _read_grades(db_url, args.assignments or None)
    path = args.to or exports_folder(root) / "report.html"
    write_report(grades, root / "autograded", path)
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
