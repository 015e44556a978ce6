"""Grading of language-model answers to HW5 by computation (the model-error analysis).

Evaluation records (``evaluations/<model>.yaml``) store what a model claimed; this package
computes every grade from :mod:`hw5ref` each time it runs, so no grade is typed by hand.
:mod:`hw5ref.grading.kinds` declares the check kinds and grades one check;
:mod:`hw5ref.grading.records` declares and loads the records; :mod:`hw5ref.grading.analysis`
aggregates grades into outcomes and counts.  ``import hw5ref`` does not import this package
(it needs pydantic, PyYAML and, for limits, sympy).
"""

from hw5ref.grading.kinds import CHECK_KINDS, Check, Grade, grade_check

__all__ = ["CHECK_KINDS", "Check", "Grade", "grade_check"]
