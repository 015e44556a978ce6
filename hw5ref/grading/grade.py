"""The result of grading one claim, and how values are compared and shown.

A :class:`Grade` is never stored in a record: it is computed from the claim's ``check`` every
time the tests or the site build run (:func:`hw5ref.grading.grade_claim`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

__all__ = ["Diff", "Grade", "Status", "Verdict", "compare_arrays", "show"]

#: ``correct``/``wrong``: decided by computation; ``manual``: not checkable, judged by hand.
Status = Literal["correct", "wrong", "manual"]
Verdict = Literal["correct", "wrong"]


@dataclass(frozen=True)
class Diff:
    """One place where a claim and the computed truth differ (an entry, an instance, a case)."""

    where: str
    claimed: Any
    expected: Any


@dataclass(frozen=True)
class Grade:
    """The computed grade of one claim.

    ``status`` is ``correct``/``wrong`` when the truth was computed and ``manual`` when it was
    not checkable; ``verdict`` is always ``correct`` or ``wrong`` (for manual claims: the
    verdict written in the record, with ``note`` holding its reasoning).  ``claimed`` and
    ``expected`` are display-ready values; ``diffs`` lists each differing entry or case;
    ``method`` says how the truth was obtained.
    """

    kind: str
    status: Status
    verdict: Verdict
    claimed: Any
    expected: Any
    diffs: tuple[Diff, ...] = ()
    method: str = ""
    note: str = ""

    @property
    def computed(self) -> bool:
        """True when the grade was decided by computation, not by hand."""
        return self.status != "manual"


def _number(x: float) -> int | float:
    if math.isfinite(x) and abs(x - round(x)) < 1e-9:
        return round(x)
    return float(f"{x:.6g}")


def show(value: Any) -> Any:
    """A JSON-like, display-ready copy of ``value``: integral floats become ints, arrays lists.

    >>> show(np.array([[1.0, 2.5], [3.0, -0.0]]))
    [[1, 2.5], [3, 0]]
    >>> show((0.1 + 0.2, "B"))
    [0.3, 'B']
    """
    if isinstance(value, np.ndarray):
        return show(value.tolist())
    if isinstance(value, bool | str) or value is None:
        return value
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return _number(float(value))
    if isinstance(value, Sequence):
        return [show(v) for v in value]
    return str(value)


def compare_arrays(
    claimed: Any, expected: Any, atol: float = 1e-9, mask: Any = None
) -> tuple[bool, tuple[Diff, ...]]:
    """Entry-wise comparison of two numeric arrays (scalars broadcast to ``expected``'s shape).

    Returns ``(equal, diffs)`` where each :class:`Diff` names a differing index.  A shape
    mismatch is one diff at ``"shape"``.  ``mask`` (boolean, shape of ``expected``) restricts
    the comparison to selected entries.

    >>> compare_arrays([[1, 2], [3, 4]], [[1, 2], [3, 5]])[1]
    (Diff(where='(1, 1)', claimed=4, expected=5),)
    """
    c = np.asarray(claimed, dtype=np.float64)
    e = np.asarray(expected, dtype=np.float64)
    if c.ndim == 0 and e.ndim > 0:
        c = np.broadcast_to(c, e.shape)
    if c.shape != e.shape:
        return False, (Diff("shape", list(c.shape), list(e.shape)),)
    scale = max(1.0, float(np.max(np.abs(e), initial=0.0)))
    close = np.isclose(c, e, rtol=0.0, atol=atol * scale)
    if mask is not None:
        close = close | ~np.asarray(mask, dtype=bool)
    diffs = tuple(
        Diff(str(tuple(int(i) for i in idx)) if e.ndim else "value", show(c[idx]), show(e[idx]))
        for idx in zip(*np.nonzero(~close), strict=True)
    ) if e.ndim else (() if bool(close) else (Diff("value", show(c), show(e)),))
    return bool(np.all(close)), diffs
