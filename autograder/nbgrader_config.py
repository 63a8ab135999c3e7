"""nbgrader configuration of the course (loaded by the repository's nbgrader_config.py).

Course layout, relative to the repository root: instructor sources with solutions and
hidden tests in ``solutions/``, the student versions nbgrader generates in
``exercises/``, submissions in ``submitted/<student>/<assignment>/``, graded copies in
``autograded/``, feedback in ``feedback/``, exports in ``exports/``, the exchange
(release, fetch, submit, collect) in ``exchange/`` unless ``CALCML_EXCHANGE`` names
another folder, and the gradebook in ``gradebook.db`` (SQLite) unless ``CALCML_DB_URL``
names another database (e.g. PostgreSQL). Due dates and the late-penalty rule come
from ``course.toml`` (see autograder/late.py).
"""

import os

from nbconvert.preprocessors import ClearMetadataPreprocessor
from nbgrader.preprocessors import (
    AssignLatePenalties,
    CheckCellMetadata,
    IgnorePattern,
    LimitOutput,
    SaveAutoGrades,
)

from autograder.export import CourseCsvExport
from autograder.feedback import CourseFeedbackExporter
from autograder.late import ApplyDueDates, CourseLatePenalty
from autograder.preprocessors import SandboxedGrading
from autograder.restore import RestoreTestCells

c = get_config()  # noqa: F821  (provided by traitlets when nbgrader loads this file)

ROOT = os.environ.get("CALCML_COURSE_ROOT") or os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))

c.CourseDirectory.course_id = "calcml"
c.CourseDirectory.root = ROOT
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "exercises"
c.CourseDirectory.db_url = os.environ.get(
    "CALCML_DB_URL", "sqlite:///" + os.path.join(ROOT, "gradebook.db"))
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", ".*"]

# The exchange through which `nbgrader release_assignment`, `fetch_assignment`, `submit`
# and `collect` pass notebooks. On a shared machine it must be a folder every student
# can reach (e.g. CALCML_EXCHANGE=/srv/nbgrader/exchange, mode 0777 with the sticky bit).
c.Exchange.root = os.environ.get("CALCML_EXCHANGE") or os.path.join(ROOT, "exchange")
if not os.environ.get("CALCML_EXCHANGE") and os.path.isdir(ROOT):
    # (only inside an existing course root: a mistyped CALCML_COURSE_ROOT stays an error)
    os.makedirs(c.Exchange.root, exist_ok=True)

# Student versions: solutions become "YOUR CODE HERE", hidden tests disappear.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.enforce_metadata = True

# Autograding: the sandboxed, trusted grader replaces nbgrader's in-kernel Execute.
# RestoreTestCells puts back test cells a student deleted (autograder/restore.py).
c.Autograde.autograde_preprocessors = [
    RestoreTestCells,
    SandboxedGrading,
    IgnorePattern,
    ClearMetadataPreprocessor,
    LimitOutput,
    SaveAutoGrades,
    ApplyDueDates,
    AssignLatePenalties,
    CheckCellMetadata,
]
c.SandboxedGrading.timeout = float(os.environ.get("CALCML_CELL_TIMEOUT", "20"))
c.SandboxedGrading.memory_mb = 2048
c.AssignLatePenalties.plugin_class = CourseLatePenalty

# Feedback pages: offline MathJax, functions named in the summary, no student HTML or
# script, no server paths (autograder/feedback.py).
c.GenerateFeedback.exporter_class = CourseFeedbackExporter

# `nbgrader export` writes exports/grades.csv unless --to names another file.
c.ExportApp.plugin_class = CourseCsvExport

c.Execute.timeout = 60  # used by `nbgrader validate` on instructor notebooks only
