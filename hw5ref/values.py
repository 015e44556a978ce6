"""How values are compared and written, for the checker, the grader and the site alike.

* :func:`compare` compares a claimed array with the expected one entry by entry and lists a
  :class:`Diff` for every entry that differs, named the mathematical way (rows and columns
  counted from 1, see :func:`hw5ref.parts.entry_label`).
* :func:`format_number` writes a number as short exact text (``3``, ``28.08``, ``1/3``);
  :func:`format_value` writes numbers, vectors and matrices in plain text, in the checker's
  answer syntax or in TeX; :func:`plain` turns a value into JSON-ready Python data.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Literal

import numpy as np

from hw5ref.parts import entry_label

__all__ = ["Diff", "compare", "format_number", "format_value", "plain"]

Style = Literal["text", "answer", "tex", "tex-paren", "tex-bracket", "tex-column"]


@dataclass(frozen=True)
class Diff:
    """One place where a claim and the truth differ: ``where`` is an entry such as
    ``"(2, 2)"`` (counted from 1), ``"value"`` for a number, or ``"shape"``; ``claimed`` and
    ``expected`` are the values there, unrounded (:func:`plain` or :func:`format_number` them
    for display)."""

    where: str
    claimed: Any
    expected: Any


def compare(
    claimed: Any, expected: Any, tolerance: Any = 1e-9, mask: Any = None
) -> tuple[bool, tuple[Diff, ...]]:
    """Entry-wise comparison: ``|claimed - expected| <= tolerance`` for every entry.

    ``claimed`` and ``expected`` are numbers or arrays of one shape (a number ``claimed`` is
    broadcast to ``expected``'s shape); ``tolerance`` is absolute, a number or an array of
    that shape; ``mask`` (boolean, that shape) restricts the comparison to selected entries.
    Returns ``(equal, diffs)``; a shape mismatch is the one diff ``"shape"``. A non-finite
    claimed entry is never equal to anything.

    >>> compare([[1, 2], [3, 4]], [[1, 2], [3, 5]])
    (False, (Diff(where='(2, 2)', claimed=4.0, expected=5.0),))
    >>> compare(0.33, 1 / 3, tolerance=0.005)
    (True, ())
    """
    c = np.asarray(claimed, dtype=np.float64)
    e = np.asarray(expected, dtype=np.float64)
    if c.ndim == 0 and e.ndim > 0:
        c = np.broadcast_to(c, e.shape)
    if c.shape != e.shape:
        return False, (Diff("shape", list(c.shape), list(e.shape)),)
    with np.errstate(invalid="ignore", over="ignore"):
        close = np.isfinite(c) & (np.abs(c - e) <= np.asarray(tolerance, dtype=np.float64))
    if mask is not None:
        close = close | ~np.asarray(mask, dtype=bool)
    if e.ndim == 0:
        return bool(close), () if bool(close) else (Diff("value", float(c), float(e)),)
    where = [tuple(int(i) for i in ix) for ix in np.argwhere(~close)]
    diffs = tuple(Diff(entry_label(ix), float(c[ix]), float(e[ix])) for ix in where)
    return not diffs, diffs


def plain(value: Any, digits: int = 6) -> Any:
    """JSON-ready copy of ``value``: integral floats become ints, others keep ``digits``
    significant digits, arrays become (nested) lists; strings, booleans and None pass through.

    >>> plain(np.array([[1.0, 2.5], [3.0, -0.0]]))
    [[1, 2.5], [3, 0]]
    >>> plain((0.1 + 0.2, "B"))
    [0.3, 'B']
    """
    if isinstance(value, np.ndarray):
        return plain(value.tolist(), digits)
    if isinstance(value, bool | str) or value is None:
        return value
    if isinstance(value, np.bool_):  # not a bool subclass: it would otherwise become a string
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        x = float(value)
        if math.isfinite(x) and abs(x - round(x)) < 1e-9 and abs(x) < 1e15:
            return round(x)
        return float(f"{x:.{digits}g}")
    if isinstance(value, Sequence):
        return [plain(v, digits) for v in value]
    return str(value)


def format_number(x: Any, decimals: int | None = None, thousands: bool = False) -> str:
    """Short exact text for a finite number.

    Without ``decimals``: an integer, a decimal with at most 6 places, a fraction ``a/b``
    with ``b <= 1000``, or failing those 8 significant digits. With ``decimals``: rounded to
    that many places. ``thousands`` groups the digits of the integer part with commas.

    >>> format_number(3.0), format_number(28.080000000000002), format_number(1 / 3)
    ('3', '28.08', '1/3')
    >>> format_number(-0.0), format_number(2 ** 0.5), format_number(0.6294964, decimals=4)
    ('0', '1.4142136', '0.6295')
    >>> format_number(120847089664, thousands=True)
    '120,847,089,664'
    """
    if isinstance(x, bool) or not isinstance(x, int | float | np.integer | np.floating):
        raise TypeError(f"x must be a real number, got {type(x).__name__}")
    v = float(x)
    if not math.isfinite(v):
        raise ValueError(f"x must be finite, got {v}")
    group = "," if thousands else ""
    if decimals is not None:
        text = f"{v:{group}.{int(decimals)}f}"
        return text.removeprefix("-") if float(text.replace(",", "")) == 0 else text
    if v == round(v) and abs(v) < 1e15:
        return f"{round(v):{group}d}"
    for places in range(7):
        scaled = v * 10**places
        if abs(scaled - round(scaled)) < 1e-9 * max(1.0, abs(scaled)):
            text = f"{round(scaled) / 10**places:{group}.{places}f}"
            return "0" if float(text.replace(",", "")) == 0 else text
    frac = Fraction(v).limit_denominator(1000)
    if abs(float(frac) - v) < 1e-9 * max(1.0, abs(v)):
        return f"{frac.numerator}/{frac.denominator}"
    return f"{v:.8g}"


def _tex_number(x: Any, decimals: int | None) -> str:
    text = format_number(float(x), decimals)
    if "/" in text:
        num, den = text.lstrip("-").split("/")
        return ("-" if text.startswith("-") else "") + rf"\tfrac{{{num}}}{{{den}}}"
    return text


def format_value(value: Any, style: Style = "text", decimals: int | None = None,
                 thousands: bool = False) -> str:
    """A number, vector or matrix as text.

    ``style``: ``"text"`` for reading (``[2, -1, 3]``, rows ``[[1, 2], [3, 4]]``);
    ``"answer"`` in the checker's syntax (``2,-1,3``; rows separated by ``"; "``);
    ``"tex"`` for a formula (a matrix as ``bmatrix``, a vector as ``[2,\\ -1,\\ 3]``);
    ``"tex-paren"`` / ``"tex-bracket"`` a vector in parentheses or brackets;
    ``"tex-column"`` a vector as a one-column ``bmatrix``.

    >>> format_value([2.0, -1.0, 3.0]), format_value([[1, 0.5], [3, 4]], "answer")
    ('[2, -1, 3]', '1,0.5; 3,4')
    >>> format_value([[1, -1], [0, 1]], "tex")
    '\\\\begin{bmatrix} 1 & -1 \\\\\\\\ 0 & 1 \\\\end{bmatrix}'
    """
    a = np.asarray(value)
    if a.dtype.kind in "USO":
        return str(value)
    a = a.astype(np.float64)
    tex = style in ("tex", "tex-paren", "tex-bracket", "tex-column")
    if style == "tex-column" and a.ndim == 1:
        a = a[:, None]
    if a.ndim == 0:
        if tex:
            return _tex_number(a, decimals)
        return format_number(float(a), decimals, thousands)
    if a.ndim > 2:
        raise ValueError(f"value must have at most 2 dimensions, got shape {a.shape}")
    if style == "answer":
        rows = a if a.ndim == 2 else a[None]
        return "; ".join(",".join(format_number(float(v), decimals) for v in row) for row in rows)
    if tex:
        if a.ndim == 2:
            body = r" \\ ".join(" & ".join(_tex_number(v, decimals) for v in row) for row in a)
            return r"\begin{bmatrix} " + body + r" \end{bmatrix}"
        left, right = ("(", ")") if style == "tex-paren" else ("[", "]")
        return left + r",\ ".join(_tex_number(v, decimals) for v in a) + right
    if a.ndim == 1:
        return "[" + ", ".join(format_number(float(v), decimals, thousands) for v in a) + "]"
    return "[" + ", ".join(format_value(row, style, decimals, thousands) for row in a) + "]"
