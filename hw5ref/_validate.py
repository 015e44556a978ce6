"""Argument checks shared by every public function.

Each helper either returns a clean value or raises ``TypeError``/``ValueError`` whose message
starts with the argument's name and says what was expected, so a caller never sees a bare
numpy traceback.

Limits, the same for every public function: an array read or created has at most
:data:`MAX_ELEMENTS` (10 million) entries and one call does at most :data:`MAX_WORK` (10**9)
multiply-adds, so an absurd size (``padding=10**9``) is refused up front instead of allocating
gigabytes or running for hours; a result or intermediate that overflows float64 is a
``ValueError`` naming the arguments (:func:`finite_result`), never a silent inf or NaN.

>>> real_array([[1, 2], [3, 4]], "x", ndim=2).dtype
dtype('float64')
>>> integer(0, "stride", 1)
Traceback (most recent call last):
...
ValueError: stride must be an integer >= 1, got 0
"""

from __future__ import annotations

import numbers
from typing import Any, Final, TypeVar

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
_Value = TypeVar("_Value", float, FloatArray)

# check_entries, check_work and finite_result (counts and results, not arguments) are helpers
# of the other modules, not listed here.
__all__ = ["MAX_ELEMENTS", "MAX_WORK", "FloatArray", "flag", "integer", "pair", "probability",
           "real_array", "real_scalar"]

#: Most entries of any array a function reads (its float64 copy) or creates: 10 million.
MAX_ELEMENTS: Final = 10_000_000
#: Most multiply-adds (or comparable steps) one call may take: 10**9, about a second.
MAX_WORK: Final = 1_000_000_000


def check_entries(count: int, subject: str, what: str) -> None:
    """Raise ``ValueError`` unless an array of ``count`` entries stays within MAX_ELEMENTS.

    ``subject`` starts the message with the argument to blame, ``what`` names the array.

    >>> check_entries(2 * 10**9, "padding is too large", "the input")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: padding is too large: the input would have 2,000,000,000 entries; at most ...
    """
    if count > MAX_ELEMENTS:
        raise ValueError(f"{subject}: {what} would have {count:,} entries; at most "
                         f"{MAX_ELEMENTS:,} are allowed")


def check_work(count: int, subject: str, what: str) -> None:
    """Raise ``ValueError`` unless ``count`` multiply-adds stay within MAX_WORK."""
    if count > MAX_WORK:
        raise ValueError(f"{subject}: {what} would take {count:,} multiply-adds; at most "
                         f"{MAX_WORK:,} are allowed")


def finite_result(value: _Value, subject: str, what: str) -> _Value:
    """Return ``value`` (a float or an array) if every entry is finite, else raise ``ValueError``
    saying that ``what`` overflows float64; ``subject`` names the arguments (``"x and w are"``).

    >>> finite_result(float("inf"), "X, y and w are", "the loss")
    Traceback (most recent call last):
    ...
    ValueError: X, y and w are too large: the loss overflows float64 (beyond 1.8e308)
    """
    if not np.all(np.isfinite(value)):
        raise ValueError(f"{subject} too large: {what} overflows float64 (beyond 1.8e308)")
    return value


def real_array(value: Any, name: str, ndim: int | tuple[int, ...] | None = None) -> FloatArray:
    """Return ``value`` as a finite, non-empty float64 array with the required ``ndim``.

    Raises ``TypeError`` for non-numeric input (strings, objects, complex, booleans) and
    ``ValueError`` for a ragged nested list, a wrong number of dimensions, an empty array,
    more than :data:`MAX_ELEMENTS` entries, NaN or infinity.

    >>> real_array([1, 2], "w", ndim=1).tolist()
    [1.0, 2.0]
    >>> real_array([1.0, float("nan")], "w")
    Traceback (most recent call last):
    ...
    ValueError: w must contain only finite numbers (no NaN or inf)
    >>> real_array([True, False], "w")
    Traceback (most recent call last):
    ...
    TypeError: w must contain real numbers, got dtype bool
    """
    if isinstance(value, (str, bytes)):
        raise TypeError(f"{name} must be an array of real numbers, got {type(value).__name__}")
    try:
        raw = np.asarray(value)
    except (ValueError, TypeError) as exc:  # ragged nested lists, for example
        raise ValueError(f"{name} must be a rectangular array of real numbers: {exc}") from None
    if raw.dtype == bool or not (
        np.issubdtype(raw.dtype, np.integer) or np.issubdtype(raw.dtype, np.floating)
    ):
        raise TypeError(f"{name} must contain real numbers, got dtype {raw.dtype}")
    if raw.size > MAX_ELEMENTS:  # before the float64 copy
        raise ValueError(f"{name} has {raw.size:,} entries; at most {MAX_ELEMENTS:,} are allowed")
    with np.errstate(over="ignore"):  # float128 beyond float64, or huge ints: inf, refused below
        arr = raw.astype(np.float64)
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else ndim
        if arr.ndim not in allowed:
            want = " or ".join(f"{d}-D" for d in allowed)
            raise ValueError(f"{name} must be {want}, got an array of shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must contain only finite numbers (no NaN or inf)")
    return arr


def real_scalar(value: Any, name: str) -> float:
    """Return ``value`` as a finite Python float; reject booleans, strings and arrays.

    >>> real_scalar(2, "gamma")
    2.0
    >>> real_scalar(True, "gamma")
    Traceback (most recent call last):
    ...
    TypeError: gamma must be a real number, got bool
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    try:
        out = float(value)
    except OverflowError:  # an int or Fraction beyond float64
        raise ValueError(f"{name} must be finite, got a number too large for float64") from None
    if not np.isfinite(out):
        raise ValueError(f"{name} must be finite, got {out}")
    return out


def integer(value: Any, name: str, minimum: int) -> int:
    """Return ``value`` as an ``int`` that is at least ``minimum``; reject booleans and floats.

    >>> integer(3, "size", 1)
    3
    >>> integer(2.0, "size", 1)
    Traceback (most recent call last):
    ...
    TypeError: size must be an integer, got float
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__}")
    out = int(value)
    if out < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {out}")
    return out


def pair(value: Any, name: str, minimum: int) -> tuple[int, int]:
    """Accept an int or a pair of ints (height, width), each at least ``minimum``.

    >>> pair(2, "stride", 1), pair((1, 3), "stride", 1)
    ((2, 2), (1, 3))
    """
    if isinstance(value, tuple | list):
        if len(value) != 2:
            raise ValueError(f"{name} must be an int or a pair of ints, got {value!r}")
        return integer(value[0], name, minimum), integer(value[1], name, minimum)
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int or a pair of ints, got {type(value).__name__}")
    v = integer(value, name, minimum)
    return v, v


def probability(value: Any, name: str = "p") -> float:
    """A keep probability: a real number in the half-open interval (0, 1].

    >>> probability(0.8)
    0.8
    >>> probability(0)
    Traceback (most recent call last):
    ...
    ValueError: p must be a keep probability in (0, 1], got 0.0
    """
    out = real_scalar(value, name)
    if not 0.0 < out <= 1.0:
        raise ValueError(f"{name} must be a keep probability in (0, 1], got {out}")
    return out


def flag(value: Any, name: str) -> bool:
    """A boolean switch: ``True``/``False`` (or numpy's bools); 0, 1 and strings are rejected.

    >>> flag(False, "bias")
    False
    >>> flag(1, "bias")
    Traceback (most recent call last):
    ...
    TypeError: bias must be True or False, got int 1
    """
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {type(value).__name__} {value!r}")
    return bool(value)


def regression_data(X: Any, y: Any, w: Any) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Validate a linear-regression triple: ``X`` (n, d), ``y`` (n,), ``w`` (d,).

    >>> [a.shape for a in regression_data([[1, 2]], [3], [4, 5])]
    [(1, 2), (1,), (2,)]
    """
    X = real_array(X, "X", ndim=2)
    y = real_array(y, "y", ndim=1)
    w = real_array(w, "w", ndim=1)
    if y.shape[0] != X.shape[0]:
        raise ValueError(f"y must have one entry per row of X ({X.shape[0]}), got {y.shape[0]}")
    if w.shape[0] != X.shape[1]:
        raise ValueError(f"w must have one entry per column of X ({X.shape[1]}), got {w.shape[0]}")
    return X, y, w
