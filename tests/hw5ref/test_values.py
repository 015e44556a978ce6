"""hw5ref.values: entry-wise comparison and the ways values are written.

Every expected diff, string and value below is written out by hand.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hw5ref.reader import read_answer
from hw5ref.values import (
    NOTATIONS,
    Diff,
    compare,
    format_number,
    format_sum,
    format_value,
    plain,
)


def where(diffs: tuple[Diff, ...]) -> list[tuple[str, object, object]]:
    return [(d.where, d.claimed, d.expected) for d in diffs]


# ----------------------------------------------------------------------------- compare
def test_equal_values_have_no_diffs() -> None:
    assert compare([[1, 2], [3, 4]], [[1.0, 2.0], [3.0, 4.0]]) == (True, ())
    assert compare(39, 39.0) == (True, ())
    assert compare([2, -1, 3], np.array([2.0, -1.0, 3.0])) == (True, ())


def test_differing_entries_are_named_from_1_in_row_major_order() -> None:
    # Claude's first Q1(c) output against the right one: the centre and its right neighbour.
    ok, diffs = compare([[-1, 3, -2], [3, 0, -1], [0, 3, 1]], [[-1, 3, -2], [3, -3, 1], [0, 3, 1]])
    assert not ok
    assert where(diffs) == [("(2, 2)", 0.0, -3.0), ("(2, 3)", -1.0, 1.0)]
    # a vector's entries are named by position alone
    assert where(compare([2, 1, 3], [2, -1, 3])[1]) == [("2", 1.0, -1.0)]
    # a number's one diff is "value"
    assert compare(40, 39) == (False, (Diff("value", 40.0, 39.0),))


def test_a_number_claimed_for_an_array_is_compared_with_every_entry() -> None:
    assert compare(2, [2, 2, 2]) == (True, ())
    assert where(compare(3, [1, 3])[1]) == [("1", 3.0, 1.0)]


def test_tolerance_is_absolute_and_inclusive() -> None:
    # |0.33 - 1/3| = 0.00333... <= 0.005, but > 0.003
    assert compare(0.33, 1 / 3, tolerance=0.005) == (True, ())
    assert compare(0.33, 1 / 3, tolerance=0.003)[0] is False
    # exactly at the tolerance counts as equal (values exact in binary: 1.5 - 1 = 0.5)
    assert compare(1.5, 1.0, tolerance=0.5)[0] is True
    assert compare(-0.5, 1.0, tolerance=1.5)[0] is True
    # the default tolerance is 1e-9: float noise passes, a real difference does not
    assert compare(0.1 + 0.2, 0.3)[0] is True
    assert compare(1 + 1e-6, 1.0)[0] is False


def test_tolerance_per_entry() -> None:
    # both entries are off by 0.01; only the first one's tolerance allows it
    ok, diffs = compare([1.01, 2.01], [1.0, 2.0], tolerance=[0.05, 0.001])
    assert not ok and [d.where for d in diffs] == ["2"]
    tol = np.array([[0.0, 1.0], [2.0, 0.0]])
    ok, diffs = compare([[1, 3], [5, 4]], [[1, 2], [3, 5]], tolerance=tol)
    # entry (1, 2) is within 1, (2, 1) within 2, (2, 2) is off by 1 with tolerance 0
    assert where(diffs) == [("(2, 2)", 4.0, 5.0)]


def test_mask_restricts_the_comparison() -> None:
    claimed = [[1, 9], [9, 4]]
    expected = [[1, 2], [3, 4]]
    diagonal = np.eye(2, dtype=bool)
    assert compare(claimed, expected, mask=diagonal) == (True, ())
    ok, diffs = compare(claimed, expected, mask=~diagonal)
    assert not ok and where(diffs) == [("(1, 2)", 9.0, 2.0), ("(2, 1)", 9.0, 3.0)]
    # an entry outside the mask does not count even if it is not a number
    assert compare([1.0, np.nan], [1.0, 2.0], mask=[True, False]) == (True, ())


@pytest.mark.parametrize(
    ("claimed", "expected", "shapes"),
    [
        ([[-1, 3], [3, -3]], np.zeros((3, 3)), ([2, 2], [3, 3])),
        ([1, 2, 3], [[1, 2, 3]], ([3], [1, 3])),
        ([1, 2], [1, 2, 3], ([2], [3])),
        ([1, 2], 3, ([2], [])),
        ([[1, 2], [3, 4]], [1, 2, 3, 4], ([2, 2], [4])),
    ],
)
def test_a_shape_mismatch_is_one_shape_diff(
    claimed: object, expected: object, shapes: tuple[list[int], list[int]]
) -> None:
    assert compare(claimed, expected) == (False, (Diff("shape", *shapes),))


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_a_non_finite_claim_is_never_equal(bad: float) -> None:
    assert compare(bad, bad, tolerance=math.inf)[0] is False
    assert compare(bad, 1.0, tolerance=math.inf)[0] is False
    ok, diffs = compare([1.0, bad], [1.0, bad], tolerance=1e9)
    assert not ok and [d.where for d in diffs] == ["2"]


# ----------------------------------------------------------------------------- format_number
@pytest.mark.parametrize(
    ("value", "text"),
    [
        (3.0, "3"), (-12, "-12"), (0, "0"), (-0.0, "0"), (np.int64(7), "7"),
        # decimals with at most 6 places, float noise removed
        (0.1 + 0.2, "0.3"), (28.080000000000002, "28.08"), (0.125, "0.125"), (-2.5, "-2.5"),
        (np.float32(0.5), "0.5"), (0.000001, "0.000001"), (1 / 1000, "0.001"),
        # else a fraction with a denominator up to 1000
        (1 / 3, "1/3"), (-2 / 7, "-2/7"), (22 / 7, "22/7"), (1 / 999, "1/999"),
        # else 8 significant digits
        (math.sqrt(2), "1.4142136"), (1 / 1001, "0.000999001"), (2.5e-7, "2.5e-07"),
        (math.e, "2.7182818"), (-math.pi / 100, "-0.031415927"),
        # float noise around 0 is 0: 0.1 + 0.2 - 0.3 = 5.55e-17
        (0.1 + 0.2 - 0.3, "0"),
        # from 1e15 on, the shortest text that reads back exactly (not 309 digits for 1e308)
        (1e308, "1e+308"), (-1.5e20, "-1.5e+20"), (1e16, "1e+16"),
        (1.7976931348623157e308, "1.7976931348623157e+308"),
    ],
)
def test_format_number(value: float, text: str) -> None:
    assert format_number(value) == text


@pytest.mark.parametrize(
    ("value", "decimals", "text"),
    [
        (0.6294964, 4, "0.6295"), (39 / 108, 3, "0.361"), (2.0, 2, "2.00"),
        (-0.004, 2, "0.00"),  # rounds to zero: no "-0.00"
        (-0.006, 2, "-0.01"), (1 / 3, 0, "0"), (1234.5678, 1, "1234.6"),
    ],
)
def test_format_number_with_decimals(value: float, decimals: int, text: str) -> None:
    assert format_number(value, decimals=decimals) == text


@pytest.mark.parametrize(
    ("value", "decimals", "text"),
    [
        (120847089664, None, "120,847,089,664"), (-1234567.0, None, "-1,234,567"),
        (1234.5, None, "1,234.5"), (999, None, "999"), (1234.5678, 2, "1,234.57"),
    ],
)
def test_format_number_with_thousands(value: float, decimals: int | None, text: str) -> None:
    assert format_number(value, decimals=decimals, thousands=True) == text


@pytest.mark.parametrize(
    ("value", "error", "message"),
    [
        ("3", TypeError, "x must be a real number, got str"),
        (True, TypeError, "x must be a real number, got bool"),
        (np.True_, TypeError, "x must be a real number"),
        (None, TypeError, "x must be a real number, got NoneType"),
        (Fraction(1, 3), TypeError, "x must be a real number, got Fraction"),
        (math.inf, ValueError, "x must be finite, got inf"),
        (math.nan, ValueError, "x must be finite, got nan"),
    ],
)
def test_format_number_rejects_bad_input(value: object, error: type[Exception],
                                         message: str) -> None:
    with pytest.raises(error, match=message):
        format_number(value)  # type: ignore[arg-type]


# ----------------------------------------------------------------------------- format_value
@pytest.mark.parametrize(
    ("value", "style", "text"),
    [
        # text: for reading
        (2.0, "text", "2"),
        ([2.0, -1.0, 3.0], "text", "[2, -1, 3]"),
        ([[1, 2], [3, 4]], "text", "[[1, 2], [3, 4]]"),
        ([1 / 3, 0.5], "text", "[1/3, 0.5]"),
        # answer: the checker's syntax
        (39, "answer", "39"),
        ([2, -1, 3], "answer", "2,-1,3"),
        ([[1, 0.5], [3, 4]], "answer", "1,0.5; 3,4"),
        ([[1 / 3, 0], [2 / 3, 1]], "answer", "1/3,0; 2/3,1"),
        # tex
        (3.0, "tex", "3"),
        (1 / 3, "tex", r"\tfrac{1}{3}"),
        (-2 / 3, "tex", r"-\tfrac{2}{3}"),
        ([2, -1, 3], "tex", r"[2,\ -1,\ 3]"),
        ([[1, -1], [0, 1]], "tex", r"\begin{bmatrix} 1 & -1 \\ 0 & 1 \end{bmatrix}"),
        ([[0.5, 1 / 3]], "tex", r"\begin{bmatrix} 0.5 & \tfrac{1}{3} \end{bmatrix}"),
        ([2, -1], "tex-paren", r"(2,\ -1)"),
        ([2, -1], "tex-bracket", r"[2,\ -1]"),
        ([2, -1], "tex-column", r"\begin{bmatrix} 2 \\ -1 \end{bmatrix}"),
        # strings pass through
        ("A", "text", "A"),
        ("B", "tex", "B"),
    ],
)
def test_format_value_styles(value: object, style: str, text: str) -> None:
    assert format_value(value, style) == text  # type: ignore[arg-type]


def test_format_value_passes_decimals_and_thousands_to_every_entry() -> None:
    assert format_value([0.62950127, 0.020092], decimals=4) == "[0.6295, 0.0201]"
    assert format_value([[1 / 3]], "answer", decimals=2) == "0.33"
    assert format_value([[1 / 3, 2.0]], "tex", decimals=2) == r"\begin{bmatrix} 0.33 & 2.00 " \
        r"\end{bmatrix}"
    assert format_value([[1234, 5]], thousands=True) == "[[1,234, 5]]"
    assert format_value(120847089664, thousands=True) == "120,847,089,664"


def test_format_value_rejects_more_than_two_dimensions() -> None:
    with pytest.raises(ValueError, match=r"at most 2 dimensions, got shape \(1, 1, 2\)"):
        format_value(np.zeros((1, 1, 2)))


_fractions = st.builds(Fraction, st.integers(-50, 50), st.integers(1, 40))


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 3).flatmap(lambda c: st.lists(
    st.lists(_fractions, min_size=c, max_size=c), min_size=2, max_size=3)))
def test_answer_style_reads_back_exactly(rows: list[list[Fraction]]) -> None:
    # numbers with denominators up to 40 are written exactly (decimal or a/b), so the reader
    # gets back the same floats
    values = np.array([[float(v) for v in row] for row in rows])
    text = format_value(values, "answer")
    np.testing.assert_array_equal(read_answer(text).values, values)


# ----------------------------------------------------------------------------- notations
M = [[-1.0, 3.0, -2.0], [3.0, -3.0, 1.0]]


@pytest.mark.parametrize(
    ("value", "style", "text"),
    [
        # numpy's printout and repr, as print(a) and a at the prompt show them
        ([0.8, -0.8, 1.6], "numpy", "[ 0.8 -0.8  1.6]"),
        (M, "numpy", "[[-1.  3. -2.]\n [ 3. -3.  1.]]"),
        ([1 / 3, 2.0], "numpy", "[0.33333333 2.        ]"),
        ([2.0, -1.0, 3.0], "numpy-repr", "array([ 2., -1.,  3.])"),
        (M, "numpy-repr", "array([[-1.,  3., -2.],\n       [ 3., -3.,  1.]])"),
        (39.0, "numpy", "39.0"),
        # MATLAB
        ([2, -1, 3], "matlab", "[2 -1 3]"),
        (M, "matlab", "[-1 3 -2; 3 -3 1]"),
        ([[2], [-1]], "matlab", "[2; -1]"),
        (1 / 3, "matlab", "1/3"),
        # LaTeX between $
        (M, "latex", r"$\begin{bmatrix} -1 & 3 & -2 \\ 3 & -3 & 1 \end{bmatrix}$"),
        ([1 / 3, 2], "latex", r"$[\tfrac{1}{3},\ 2]$"),
        # JSON: exact to the last bit
        (M, "json", "[[-1, 3, -2], [3, -3, 1]]"),
        ([1 / 3, 0.5], "json", "[0.3333333333333333, 0.5]"),
        (2.0, "json", "2"),
        # nested tuples
        (M, "tuples", "((-1, 3, -2), (3, -3, 1))"),
        ([5.0], "tuples", "(5,)"),
        ([[2], [-1]], "tuples", "((2,), (-1,))"),
        # trailing commas
        ([2, -1, 3], "trailing-commas", "[2, -1, 3,]"),
        (M, "trailing-commas", "[[-1, 3, -2,], [3, -3, 1,],]"),
        # Unicode minus
        (M, "unicode-minus", "\u22121,3,\u22122; 3,\u22123,1"),
    ],
)
def test_notation_writers(value: object, style: str, text: str) -> None:
    assert format_value(value, style) == text  # type: ignore[arg-type]


def test_numpy_printout_is_never_wrapped_or_summarized() -> None:
    with np.printoptions(linewidth=20, threshold=5, precision=2):  # whatever the caller set
        text = format_value(np.arange(2000.0) / 3, "numpy")
    assert "\n" not in text and "..." not in text and text.startswith("[0.00000000e+00 ")
    assert format_value([0.62950127], "numpy", decimals=2) == "[0.63]"


def test_format_sum() -> None:
    assert format_sum([27, 12]) == "27+12"
    assert format_sum([27, 12], 39) == "27+12=39"
    assert format_sum([28.08, 11.2], 39.28, spaced=True) == "28.08 + 11.2 = 39.28"


_entries = st.one_of(
    st.integers(-1000, 1000).map(float),
    _fractions.map(float),
    st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False),
    st.floats(1e-8, 1e-3).map(lambda v: -v),
)
_values = st.one_of(
    _entries.map(np.array),
    st.lists(_entries, min_size=1, max_size=5).map(np.array),
    st.integers(1, 4).flatmap(lambda c: st.lists(
        st.lists(_entries, min_size=c, max_size=c), min_size=1, max_size=4)).map(np.array),
)


@settings(max_examples=120, deadline=None)
@given(_values, st.sampled_from(NOTATIONS))
def test_every_notation_reads_back_within_its_tolerance(value: np.ndarray,
                                                        style: str) -> None:
    reading = read_answer(format_value(value, style))  # type: ignore[arg-type]
    assert reading.values.size == value.size
    got, tol = reading.values.reshape(value.shape), reading.tolerances.reshape(value.shape)
    assert np.all(np.abs(got - value) <= tol), (format_value(value, style), got)  # type: ignore[arg-type]


# ----------------------------------------------------------------------------- plain
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (np.array([[1.0, 2.5], [3.0, -0.0]]), [[1, 2.5], [3, 0]]),
        ((0.1 + 0.2, "B"), [0.3, "B"]),
        (np.int64(4), 4),
        (np.float64(28.080000000000002), 28.08),
        (1 / 3, 0.333333),
        (2 / 3, 0.666667),
        (123456789.5, 123457000.0),  # six significant digits
        ([True, None, "x"], [True, None, "x"]),
        (np.bool_(True), True),
        ([], []),
    ],
)
def test_plain(value: object, expected: object) -> None:
    got = plain(value)
    assert got == expected
    assert type(got) is type(expected)


def test_plain_digits_and_types() -> None:
    assert plain(1 / 3, digits=3) == 0.333
    assert plain([np.float32(2.0), 1.5]) == [2, 1.5]
    assert type(plain(np.float64(2.0))) is int
    assert plain(math.inf) == math.inf
