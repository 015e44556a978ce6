"""Grading of language-model answers to HW5 by computation (the model-error analysis).

Evaluation records (``evaluations/<model>.yaml``) store what a model claimed; this package
computes every grade from :mod:`hw5ref` each time it runs, so no grade is typed by hand.
:func:`grade_claim` grades one claim; :mod:`hw5ref.grading.records` loads and validates the
records (PyYAML and jsonschema are imported only there, when needed);
:mod:`hw5ref.grading.analysis` aggregates grades; :mod:`hw5ref.grading.pages` renders the
site's model-analysis pages.  ``import hw5ref`` does not import this package.
"""

from hw5ref.grading.checks import CHECKS, CheckKind, grade_check, grade_claim
from hw5ref.grading.grade import Diff, Grade

__all__ = ["CHECKS", "CheckKind", "Diff", "Grade", "grade_check", "grade_claim"]
