"""nbgrader configuration of the course (loaded by the repository's nbgrader_config.py).

Course layout, relative to the repository root: instructor sources with solutions and
hidden tests in ``solutions/``, the student versions nbgrader generates in
``exercises/``, submissions in ``submitted/<student>/<assignment>/``, graded copies in
``autograded/``, feedback in ``feedback/``, and the gradebook in ``gradebook.db``
(SQLite) unless ``CALCML_DB_URL`` names another database (e.g. PostgreSQL).
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

from autograder.preprocessors import SandboxedGrading

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

# Student versions: solutions become "YOUR CODE HERE", hidden tests disappear.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.enforce_metadata = True

# Autograding: the sandboxed, trusted grader replaces nbgrader's in-kernel Execute.
c.Autograde.autograde_preprocessors = [
    SandboxedGrading,
    IgnorePattern,
    ClearMetadataPreprocessor,
    LimitOutput,
    SaveAutoGrades,
    AssignLatePenalties,
    CheckCellMetadata,
]
c.SandboxedGrading.timeout = float(os.environ.get("CALCML_CELL_TIMEOUT", "20"))
c.SandboxedGrading.memory_mb = 2048
c.Execute.timeout = 60  # used by `nbgrader validate` on instructor notebooks only
