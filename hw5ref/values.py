"""How values are compared and written, for the checker, the grader and the site alike.

* :func:`compare` compares a claimed array with the expected one entry by entry and lists a
  :class:`Diff` for every entry that differs, named the mathematical way (rows and columns
  counted from 1, see :func:`hw5ref.parts.entry_label`).
* :func:`format_number` writes a number as short exact text (``3``, ``28.08``, ``1/3``);
  :func:`format_value` writes numbers, vectors and matrices in plain text, in the checker's
  answer syntax, in TeX, or in any notation a student may paste (numpy's printout, MATLAB,
  LaTeX, JSON, nested tuples, trailing commas, Unicode minus signs: :data:`NOTATIONS`);
  :func:`format_sum` writes a count term by term (``27+12=39``); :func:`plain` turns a value
  into JSON-ready Python data.
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Literal

import numpy as np

from hw5ref.parts import entry_label

__all__ = ["NOTATIONS", "Diff", "compare", "format_number", "format_sum", "format_value", "plain"]

Style = Literal["text", "answer", "tex", "tex-paren", "tex-bracket", "tex-column", "numpy",
                "numpy-repr", "matlab", "latex", "json", "tuples", "trailing-commas",
                "unicode-minus"]

#: The styles that write an answer the way a student may paste it; :mod:`hw5ref.reader` reads
#: each of them (the instructors page shows one example of each, graded at build time).
NOTATIONS: tuple[Style, ...] = ("answer", "numpy", "numpy-repr", "matlab", "latex", "json",
                                "tuples", "trailing-commas", "unicode-minus")


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
    >>> format_number(120847089664, thousands=True), format_number(1e308)
    ('120,847,089,664', '1e+308')
    """
    if isinstance(x, bool) or not isinstance(x, int | float | np.integer | np.floating):
        raise TypeError(f"x must be a real number, got {type(x).__name__}")
    v = float(x)
    if not math.isfinite(v):
        raise ValueError(f"x must be finite, got {v}")
    group = "," if thousands else ""
    if decimals is None and abs(v) >= 1e15:
        return repr(v)  # '1e+308', not 309 digits: the shortest text that reads back exactly
    if decimals is not None:
        text = f"{v:{group}.{int(decimals)}f}"
        return text.removeprefix("-") if float(text.replace(",", "")) == 0 else text
    if v == round(v):  # |v| < 1e15 here: larger values returned above
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

    Notations students paste (:data:`NOTATIONS`, all read by :mod:`hw5ref.reader`):
    ``"numpy"`` numpy's printout ``[ 2. -1.  3.]`` (8 significant digits, never wrapped or
    summarized), ``"numpy-repr"`` ``array([ 2., -1.,  3.])``, ``"matlab"`` ``[2 -1 3]`` and
    ``[1 2; 3 4]``, ``"latex"`` the ``"tex"`` text between ``$``, ``"json"`` ``[[1, 2], [3,
    4]]`` (numbers exact to the last bit), ``"tuples"`` ``((1, 2), (3, 4))``,
    ``"trailing-commas"`` ``[1, 2, 3,]``, ``"unicode-minus"`` the answer syntax with U+2212.

    >>> format_value([2.0, -1.0, 3.0]), format_value([[1, 0.5], [3, 4]], "answer")
    ('[2, -1, 3]', '1,0.5; 3,4')
    >>> format_value([[1, -1], [0, 1]], "tex")
    '\\\\begin{bmatrix} 1 & -1 \\\\\\\\ 0 & 1 \\\\end{bmatrix}'
    >>> print(format_value([[-1, 3], [3, -3]], "numpy"))
    [[-1.  3.]
     [ 3. -3.]]
    >>> format_value([[-1, 3], [3, -3]], "matlab"), format_value([2, 1 / 3], "tuples")
    ('[-1 3; 3 -3]', '(2, 1/3)')
    """
    a = np.asarray(value)
    if a.dtype.kind in "USO":
        return str(value)
    a = a.astype(np.float64)
    tex = style in ("tex", "tex-paren", "tex-bracket", "tex-column")
    if style == "tex-column" and a.ndim == 1:
        a = a[:, None]
    if a.ndim > 2:
        raise ValueError(f"value must have at most 2 dimensions, got shape {a.shape}")
    if style in _WRITERS:
        return _WRITERS[style](a, decimals)
    if a.ndim == 0:
        if tex:
            return _tex_number(a, decimals)
        return format_number(float(a), decimals, thousands)
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


def format_sum(terms: Sequence[Any], total: Any = None, spaced: bool = False) -> str:
    """A count term by term, as the checker reads it for 3(a), 3(b) and 4(a): ``27+12``, with
    its ``total`` ``27+12=39``, ``spaced`` ``27 + 12 = 39``.

    >>> format_sum([27, 12]), format_sum([27, 12], 39, spaced=True)
    ('27+12', '27 + 12 = 39')
    """
    plus, equals = (" + ", " = ") if spaced else ("+", "=")
    text = plus.join(format_number(t) for t in terms)
    return text if total is None else text + equals + format_number(total)


# ----------------------------------------------------------------------------- notations
def _entries(a: np.ndarray[Any, Any], decimals: int | None) -> list[str]:
    return [format_number(float(v), decimals) for v in a.ravel()]


def _rows(a: np.ndarray[Any, Any], decimals: int | None) -> list[list[str]]:
    return [_entries(row, decimals) for row in (a if a.ndim == 2 else a[None])]


def _numpy(a: np.ndarray[Any, Any], decimals: int | None, as_repr: bool) -> str:
    """numpy's own printout, with its defaults (8 digits) but never wrapped or summarized."""
    with np.printoptions(precision=8 if decimals is None else decimals,
                         floatmode="maxprec" if decimals is None else "fixed",
                         threshold=sys.maxsize, linewidth=sys.maxsize, suppress=False,
                         sign="-", legacy=False):
        return repr(a) if as_repr else str(a)


def _tuple(items: list[str]) -> str:
    return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"


def _json_number(v: float, decimals: int | None) -> int | float:
    if decimals is not None:
        v = round(v, decimals)
    return int(v) if v.is_integer() else v


def _json(a: np.ndarray[Any, Any], decimals: int | None) -> str:
    data = np.vectorize(lambda v: _json_number(float(v), decimals), otypes=[object])(a)
    return json.dumps(data.tolist() if a.ndim else data.item())


def _matlab(a: np.ndarray[Any, Any], decimals: int | None) -> str:
    if a.ndim == 0:
        return format_number(float(a), decimals)
    return "[" + "; ".join(" ".join(row) for row in _rows(a, decimals)) + "]"


def _tuples(a: np.ndarray[Any, Any], decimals: int | None) -> str:
    if a.ndim == 0:
        return format_number(float(a), decimals)
    if a.ndim == 1:
        return _tuple(_entries(a, decimals))
    return _tuple([_tuple(row) for row in _rows(a, decimals)])


def _trailing(a: np.ndarray[Any, Any], decimals: int | None) -> str:
    if a.ndim == 0:
        return format_number(float(a), decimals) + ","
    if a.ndim == 1:
        return "[" + ", ".join(_entries(a, decimals)) + ",]"
    return "[" + ", ".join("[" + ", ".join(row) + ",]" for row in _rows(a, decimals)) + ",]"


_WRITERS: dict[str, Callable[[np.ndarray[Any, Any], int | None], str]] = {
    "numpy": lambda a, d: _numpy(a, d, as_repr=False),
    "numpy-repr": lambda a, d: _numpy(a, d, as_repr=True),
    "matlab": _matlab,
    "latex": lambda a, d: "$" + format_value(a, "tex", d) + "$",
    "json": _json,
    "tuples": _tuples,
    "trailing-commas": _trailing,
    "unicode-minus": lambda a, d: format_value(a, "answer", d).replace("-", "\u2212"),
}
