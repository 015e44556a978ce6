"""hw5ref.reader: every notation, every rejection, the limits, and Hypothesis properties.

The reader's author's suite (adapted to the exponent-form tolerance: 3.3e-01 is read like
0.33), plus the cases of the earlier port of the old parser's tests that it did not cover.
"""

from __future__ import annotations

import json
import math
import pickle
import time
from collections.abc import Callable
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from hw5ref import reader
from hw5ref.reader import (
    MAX_DEPTH,
    MAX_DIGITS,
    MAX_LENGTH,
    ReadError,
    Reading,
    read_answer,
    read_number,
    read_value,
)

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ROUND_TRIP = settings(FAST, max_examples=100)  # each example reads 12-14 notations
M3 = [[-1.0, 3.0, -2.0], [3.0, -3.0, 1.0], [0.0, 3.0, 1.0]]


def values(text: str) -> object:
    return read_answer(text).values.tolist()


def error(text: str) -> ReadError:
    with pytest.raises(ReadError) as info:
        read_answer(text)
    message = str(info.value)
    assert "\n" not in message and message.startswith("cannot read ")
    assert "internal error" not in message
    return info.value


def rel(value: float) -> float:
    return 1e-9 * max(1.0, abs(value))


def half(places: int, value: float) -> float:
    """The tolerance of a decimal written with ``places`` places (``places`` >= 2): half a unit
    in its last place, or the relative tolerance if that is larger."""
    return max(rel(value), 0.5 * 10.0**-places * (1 + 1e-9) + 1e-12 * max(1.0, abs(value)))


# ----------------------------------------------------------------------------- numbers
@pytest.mark.parametrize(("text", "value", "tol"), [
    ("39", 39.0, rel(39)),
    ("-3", -3.0, rel(3)),
    ("+5", 5.0, rel(5)),
    ("28.08", 28.08, half(2, 28.08)),
    ("0.33", 0.33, half(2, 0.33)),
    ("0.333", 0.333, half(3, 0.333)),
    ("1.50", 1.5, half(2, 1.5)),  # trailing zeros are written places
    ("-0.125", -0.125, half(3, 0.125)),
    ("0.3", 0.3, rel(0.3)),  # one place: exact only
    ("1.", 1.0, rel(1)),
    ("5.", 5.0, rel(5)),
    (".25", 0.25, half(2, 0.25)),
    ("  -3 ", -3.0, rel(3)),
    ("2/3", 2 / 3, rel(2 / 3)),
    ("-2/3", -2 / 3, rel(2 / 3)),
    ("2 / 3", 2 / 3, rel(2 / 3)),
    ("1e-3", 1e-3, half(3, 1e-3)),  # like 0.001: three places
    ("2.50e2", 250.0, rel(250)),  # exponent form: the places of the mantissa, shifted: 0
    ("1.25e0", 1.25, half(2, 1.25)),
    ("3.3e-01", 0.33, half(2, 0.33)),  # like 0.33
    ("3.33e-01", 0.333, half(3, 0.333)),  # 0.333 written as numpy prints it
    ("3.33333333e-01", 0.333333333, half(9, 0.333333333)),
    ("1e3", 1000.0, rel(1000)),  # no places: exact
    ("1e+3", 1000.0, rel(1000)),  # a '+' in an exponent is no sum
    ("1e-" + "9" * 300, 0.0, 1e-9),  # underflows to 0; the huge exponent must not overflow
    ("00012", 12.0, rel(12)),
    ("-0", -0.0, 1e-9),
    ("\\frac{1}{3}", 1 / 3, rel(1 / 3)),
    ("\\tfrac{2}{3}", 2 / 3, rel(2 / 3)),
    ("\\dfrac{2}{3}", 2 / 3, rel(2 / 3)),
    ("-\\frac{1}{3}", -1 / 3, rel(1 / 3)),
    ("\\frac{-1}{3}", -1 / 3, rel(1 / 3)),
    ("\\frac{ 1 }{ 3 }", 1 / 3, rel(1 / 3)),
    ('"1/3"', 1 / 3, rel(1 / 3)),
    ("'1/3'", 1 / 3, rel(1 / 3)),
    ("$\\frac{1}{3}$", 1 / 3, rel(1 / 3)),
    ("np.float64(39.28)", 39.28, half(2, 39.28)),
    ("tensor(39.2800)", 39.28, half(4, 39.28)),
    ("(5)", 5.0, rel(5)),
    ("5;", 5.0, rel(5)),
    ("  39\n", 39.0, rel(39)),
    ("1e-400", 0.0, 1e-9),  # underflows to 0: finite, accepted
])
def test_numbers(text: str, value: float, tol: float) -> None:
    reading = read_answer(text)
    assert reading.values.shape == ()
    assert float(reading.values) == value
    assert float(reading.tolerances) == pytest.approx(tol, rel=1e-12, abs=0)
    assert reading.terms == () and not reading.stated_total
    assert read_number(text) == (value, float(reading.tolerances))


def test_tolerance_rule_for_one_third() -> None:
    third = 1 / 3
    for text in ("0.33", "0.333", "0.3333333", "1/3", "\\frac{1}{3}", "3.3e-01", "3.333e-1",
                 "3.33333333e-01", "33.3e-2"):
        value, tol = read_number(text)
        assert abs(value - third) <= tol, text
    for text in ("0.3", "0.34", "3e-1", "3.4e-1", "0.3334", "3.334e-1"):
        value, tol = read_number(text)
        assert abs(value - third) > tol, text


@pytest.mark.parametrize("dash", ["\u2010", "\u2011", "\u2012", "\u2013", "\u2014", "\u2015",
                                  "\u2212", "\ufe58", "\ufe63", "\uff0d"])
def test_unicode_dashes_are_minus_signs(dash: str) -> None:
    assert values(f"{dash}3") == -3.0
    assert values(f"2, {dash}1, 3") == [2.0, -1.0, 3.0]
    assert values(f"[{dash}1 3; 3 {dash}3]") == [[-1.0, 3.0], [3.0, -3.0]]


@pytest.mark.parametrize("space", ["\u00a0", "\u2009", "\u202f", "\u3000", "\t"])
def test_unicode_spaces(space: str) -> None:
    assert values(f"2{space}-1{space}3") == [2.0, -1.0, 3.0]
    assert values(f"[{space}2,{space}3{space}]") == [2.0, 3.0]


def test_byte_order_mark() -> None:
    assert values("\ufeff39") == 39.0
    assert values("\ufeff[1, 2]") == [1.0, 2.0]
    assert error("3\ufeff").position == 1  # only a leading one is ignored


# ----------------------------------------------------------------------------- sums
@pytest.mark.parametrize(("text", "terms", "total", "stated"), [
    ("27+12", (27.0, 12.0), 39.0, False),
    ("27 + 12", (27.0, 12.0), 39.0, False),
    ("27 +12", (27.0, 12.0), 39.0, False),
    ("27+12=39", (27.0, 12.0), 39.0, True),
    ("27 + 12 = 40", (27.0, 12.0), 40.0, True),
    ("1+2+3", (1.0, 2.0, 3.0), 6.0, False),
    ("27+-12", (27.0, -12.0), 15.0, False),
    ("30.5+8.78", (30.5, 8.78), 39.28, False),
    ("1/3+2/3=1", (1 / 3, 2 / 3), 1.0, True),
    ("27=39", (27.0,), 39.0, True),
    ("$27 + 12 = 39$", (27.0, 12.0), 39.0, True),
    ("\\frac{1}{2}+\\frac{1}{2}", (0.5, 0.5), 1.0, False),
])
def test_sums(text: str, terms: tuple[float, ...], total: float, stated: bool) -> None:
    reading = read_answer(text)
    assert reading.terms == pytest.approx(terms)
    assert float(reading.values) == pytest.approx(total)
    assert reading.stated_total is stated
    assert reading.values.shape == ()


@pytest.mark.parametrize(("text", "expected"), [
    ("1 +5 2", [1.0, 5.0, 2.0]),  # ' +5' inside a list is a signed entry
    ("1, 2 +5", [1.0, 2.0, 5.0]),
    ("[1 +5]", [1.0, 5.0]),
    ("1 2\n+3 4", [[1.0, 2.0], [3.0, 4.0]]),  # a row may start with '+'
    ("1 +5 2\n3 4 +6", [[1.0, 5.0, 2.0], [3.0, 4.0, 6.0]]),
    ("1, 2; +3, 4", [[1.0, 2.0], [3.0, 4.0]]),
])
def test_plus_signs_in_lists(text: str, expected: object) -> None:
    reading = read_answer(text)
    assert reading.values.tolist() == expected and reading.terms == ()


def test_parenthesized_sum_and_exact_sum() -> None:
    assert read_answer("(27+12)").terms == (27.0, 12.0)
    assert read_answer("((27 + 12)) = 39").stated_total
    assert float(read_answer("0.1+0.2+0.3").values) == 0.6  # math.fsum: correctly rounded


def test_sum_tolerances() -> None:
    reading = read_answer("30.5+8.78")
    assert reading.term_tolerances == (rel(30.5), half(2, 8.78))
    assert float(reading.tolerances) == pytest.approx(rel(30.5) + half(2, 8.78))
    stated = read_answer("30.5+8.78=39.28")
    assert float(stated.tolerances) == half(2, 39.28)
    assert read_answer("28.08 + 11.2").term_tolerances == (half(2, 28.08), rel(11.2))


# ----------------------------------------------------------------------------- vectors
@pytest.mark.parametrize("text", [
    "2,-1,3", "2, -1, 3", "2 -1 3", "2  -1   3", "(2,-1,3)", "( 2 , -1 , 3 )", "[2, -1, 3]",
    "[2 -1 3]", "[ 2 -1  3]", "[2, -1, 3,]", "(2, -1, 3,)", "2,-1,3,", "array([2, -1, 3])",
    "np.array([2, -1, 3])", "tensor([ 2, -1,  3])", "array([2, -1, 3], dtype=int64)",
    "tensor([2., -1., 3.], dtype=torch.float64)", "[2.,-1.,3.]", "[2. -1.  3.]",
    '["2", "-1", "3"]', "[2,\\ -1,\\ 3]", "$[2,\\ -1,\\ 3]$", "$$[2,\\,-1,\\,3]$$",
    "\\([2, -1, 3]\\)", "\\left(2, -1, 3\\right)", "\\left[ 2, -1, 3 \\right]", "2 & -1 & 3",
    "[np.float64(2.0), np.float64(-1.0), np.float64(3.0)]", "2,\u22121,3",
])
def test_vector_notations(text: str) -> None:
    reading = read_answer(text)
    assert reading.values.shape == (3,)
    assert reading.values.tolist() == [2.0, -1.0, 3.0]


@pytest.mark.parametrize(("text", "expected"), [
    ("[ 0.8 -0.8  1.6]", [0.8, -0.8, 1.6]),
    ("array([ 0.8, -0.8,  1.6])", [0.8, -0.8, 1.6]),
    ("[1. 2. 3.]", [1.0, 2.0, 3.0]),
    ('["1/3", "2/3"]', [1 / 3, 2 / 3]),
    ("[1/3, 2/3]", [1 / 3, 2 / 3]),
    ("[\\frac{1}{3},\\ -\\frac{2}{3}]", [1 / 3, -2 / 3]),
    ("[5]", [5.0]),
    ("5,", [5.0]),
    ("(5,)", [5.0]),
    ("[1.23456789e-05 2.00000000e+00]", [1.23456789e-05, 2.0]),
])
def test_vector_values(text: str, expected: list[float]) -> None:
    assert values(text) == expected


# ----------------------------------------------------------------------------- matrices
MATRIX_NOTATIONS = [
    "-1,3,-2; 3,-3,1; 0,3,1",
    "-1,3,-2; 3,-3,1; 0,3,1;",
    "-1, 3, -2;\n3, -3, 1;\n0, 3, 1",
    "-1 3 -2\n3 -3 1\n0 3 1",
    "-1 3 -2\r\n3 -3 1\r\n0 3 1\r\n",
    "-1,3,-2\n3,-3,1\n0,3,1\n",
    "[[-1, 3, -2], [3, -3, 1], [0, 3, 1]]",
    "[[-1,3,-2],[3,-3,1],[0,3,1]]",
    "[\n  [-1, 3, -2],\n  [3, -3, 1],\n  [0, 3, 1]\n]",
    "[[-1  3 -2]\n [ 3 -3  1]\n [ 0  3  1]]",
    "[[-1.  3. -2.]\n [ 3. -3.  1.]\n [ 0.  3.  1.]]",
    "array([[-1,  3, -2],\n       [ 3, -3,  1],\n       [ 0,  3,  1]])",
    "tensor([[-1.,  3., -2.],\n        [ 3., -3.,  1.],\n        [ 0.,  3.,  1.]])",
    "Matrix([[-1, 3, -2], [3, -3, 1], [0, 3, 1]])",
    "[-1 3 -2; 3 -3 1; 0 3 1]",
    "[-1, 3, -2; 3, -3, 1; 0, 3, 1]",
    "[-1 3 -2\n 3 -3 1\n 0 3 1]",
    "\\begin{bmatrix} -1 & 3 & -2 \\\\ 3 & -3 & 1 \\\\ 0 & 3 & 1 \\end{bmatrix}",
    "\\begin{bmatrix}\n-1 & 3 & -2 \\\\\n3 & -3 & 1 \\\\\n0 & 3 & 1 \\\\\n\\end{bmatrix}",
    "\\begin{pmatrix} -1 & 3 & -2 \\\\ 3 & -3 & 1 \\\\ 0 & 3 & 1 \\end{pmatrix}",
    "\\begin{Bmatrix} -1 & 3 & -2 \\\\ 3 & -3 & 1 \\\\ 0 & 3 & 1 \\end{Bmatrix}",
    "\\begin{matrix} -1 & 3 & -2 \\\\ 3 & -3 & 1 \\\\ 0 & 3 & 1 \\end{matrix}",
    "$\\begin{bmatrix} -1 & 3 & -2 \\\\ 3 & -3 & 1 \\\\ 0 & 3 & 1 \\end{bmatrix}$",
    "$$\\begin{bmatrix} -1 & 3 & -2 \\\\ 3 & -3 & 1 \\\\ 0 & 3 & 1 \\end{bmatrix}$$",
    "\\(\\begin{bmatrix} -1 & 3 & -2 \\\\ 3 & -3 & 1 \\\\ 0 & 3 & 1 \\end{bmatrix}\\)",
    "\\left[\\begin{matrix}-1 & 3 & -2\\\\3 & -3 & 1\\\\0 & 3 & 1\\end{matrix}\\right]",
    "\\left(\\begin{matrix}-1 & 3 & -2\\\\3 & -3 & 1\\\\0 & 3 & 1\\end{matrix}\\right)",
    "\\begin{bmatrix} -1 &\\, 3 &~ -2 \\\\ 3 &\\ -3 & 1 \\\\ 0 & 3 &\\quad 1 \\end{bmatrix}",
    ("\\begin{bmatrix} -\\frac{2}{2} & \\frac{6}{2} & -2 \\\\ 3 & -3 & 1 \\\\ 0 & 3 & 1"
     " \\end{bmatrix}"),
    "((-1, 3, -2), (3, -3, 1), (0, 3, 1))",
    "[(-1, 3, -2), (3, -3, 1), (0, 3, 1)]",
    "([-1, 3, -2], [3, -3, 1], [0, 3, 1])",
    "(-1, 3, -2), (3, -3, 1), (0, 3, 1)",
    "[-1, 3, -2]\n[3, -3, 1]\n[0, 3, 1]",
    "[[-1,3,-2,],[3,-3,1,],[0,3,1,],]",
    '[["-1", "3", "-2"], ["3", "-3", "1"], ["0", "3", "1"]]',
    "[[\u22121, 3, \u22122], [3, \u22123, 1], [0, 3, 1]]",
    "\u00a0[[-1,\u20093,\u202f-2],[3,-3,1],[0,3,1]]",
]


@pytest.mark.parametrize("text", MATRIX_NOTATIONS)
def test_matrix_notations(text: str) -> None:
    reading = read_answer(text)
    assert reading.values.tolist() == M3
    assert reading == read_answer(MATRIX_NOTATIONS[0])  # the same Reading, tolerances too


@pytest.mark.parametrize("text", [
    "[[2],[-1],[3]]", "2; -1; 3", "2\n-1\n3", "[2; -1; 3]", "((2,), (-1,), (3,))",
    "\\begin{bmatrix} 2 \\\\ -1 \\\\ 3 \\end{bmatrix}", "array([[ 2],\n       [-1],\n       [ 3]])",
    "Matrix([\n[ 2],\n[-1],\n[ 3]])",
])
def test_column_vectors_are_3x1(text: str) -> None:
    reading = read_answer(text)
    assert reading.values.shape == (3, 1)
    assert reading.values.ravel().tolist() == [2.0, -1.0, 3.0]


@pytest.mark.parametrize(("text", "shape"), [
    ("[[1, 2, 3]]", (1, 3)),
    ("\\begin{bmatrix} 1 & 2 & 3 \\end{bmatrix}", (1, 3)),  # an environment is always 2-D
    ("\\begin{bmatrix} 5 \\end{bmatrix}", (1, 1)),
    ("[[5]]", (1, 1)),
    ("[1 2 3]", (3,)),
    ("1,2,3;", (3,)),  # one row: a vector, as today
])
def test_shapes(text: str, shape: tuple[int, ...]) -> None:
    assert read_answer(text).values.shape == shape


def test_reading_is_read_only_and_hashable() -> None:
    reading = read_answer("[1, 2]")
    with pytest.raises(ValueError):
        reading.values[0] = 5.0
    assert reading == read_answer("1 2") and hash(reading) == hash(read_answer("(1, 2)"))
    assert reading != read_answer("[1, 3]") and reading != read_answer("[[1, 2]]")


# ----------------------------------------------------------------------------- rejections
@pytest.mark.parametrize(("text", "column", "words"), [
    ("3,,4", 3, "expected a number"),
    (",1", 1, "expected a number"),
    ("[1,,2]", 4, "expected a number"),
    ("1,2;;3,4", 5, "expected a number"),
    ("1e999", 1, "too large"),
    ("-1e999", 1, "too large"),
    ("inf", 1, "not finite"),
    ("-inf", 1, "not finite"),
    ("nan", 1, "not finite"),
    ("NaN", 1, "not finite"),
    ("Infinity", 1, "not finite"),
    ("np.inf", 1, "not finite"),
    ('"inf"', 2, "not finite"),
    ("9" * 400, 1, "too large"),
    ("9" * 400 + "/1", 1, "too large"),
    ("1/" + "0" * 399 + "1", 1, None),  # tiny but finite: accepted (checked below)
    ("27+1e999", 4, "term 2 is too large"),
    ("1e999=1e999", 1, "too large"),
    ("27+12=1e999", 7, "the total is too large"),
    ("1e308+1e308", 1, "the sum is too large"),
    ("1/0", 1, "divides by zero"),
    ("[1, 2/0]", 5, "entry 2 divides by zero"),
    ("1.5/2", 1, "whole numbers"),
    ("\\frac{1.5}{2}", 1, "whole numbers"),
    ("1,2;3", 5, "row 1 has 2, row 2 has 1"),
    ("[[1,2],[3]]", 8, "row 1 has 2, row 2 has 1"),
    ("2-1", 2, "differences"),
    ("2 - 1", 3, "differences"),
    ("-\u20093", 1, "followed directly by a number"),
    ("1 \u00d7 2", 3, "U+00D7"),
    ("1 # 2", 3, "unexpected character '#'"),
    ("\u200b1", 1, "ZERO WIDTH SPACE"),
    ("\x00", 1, "U+0000"),
    ("[1,2", 1, "'[' is never closed"),
    ("1,2]", 4, "no matching"),
    ("[1,2)", 5, "does not match the '[' at column 1"),
    ("((1,2)", 1, "never closed"),
    ("[1,[2,3]]", 4, "mixes numbers and lists"),
    ("[[1,2],3]", 8, "mixes numbers and lists"),
    ("[[[1]]]", 1, "more than 2 dimensions"),
    ("[[1 2; 3 4], [5 6; 7 8]]", 2, "more than 2 dimensions"),
    ("[]", 1, "empty brackets"),
    ("\\begin{bmatrix}\\end{bmatrix}", 1, "empty matrix"),
    ("\\begin{vmatrix} 1 \\end{vmatrix}", 1, "bmatrix"),
    ("\\begin{bmatrix} 1 \\end{pmatrix}", 19, "does not match"),
    ("\\begin{bmatrix} [1, 2] \\end{bmatrix}", 17, "holds numbers"),
    ("\\sqrt{2}", 1, "\\sqrt is not read"),
    ("27+12=39=39", 9, "one '=' at most"),
    ("[1,2]=3", 6, "'=' is only read"),
    ("1+2,3", 2, "only read as the whole answer"),
    ("1 + 2, 3", 3, "only read as the whole answer"),
    ("(27+12, 3)", 4, "only read as the whole answer"),
    ("[27+12]", 4, "only read as the whole answer"),
    ("x = [1, 2]", 1, "unknown word 'x'"),
    ("foo(1)", 1, "unknown word 'foo'"),
    ("array(1, 2)", 8, "holds one value"),
    ("np.float64([1, 2])", 12, "single number"),
    ("array([1], foo=bar)", 12, "unknown keyword"),
    ("dtype=int", 1, "expected a number"),
    ('"1/3', 1, "never closed"),
    ("\"1/3'", 5, "unexpected quote"),
    ('"1 2"', 3, "expected a quote"),
    ("1,2=", 5, "ends too early"),
    ("27+", 4, "ends too early"),
    ("1/-3", 3, "expected a number"),
    ("$1, 2", 6, "ends too early"),
    ("{1, 2}", 1, "expected a number"),
    ("1e", 2, "unknown word 'e'"),
])
def test_rejections(text: str, column: int, words: str | None) -> None:
    if words is None:
        assert math.isfinite(read_number(text)[0])
        return
    err = error(text)
    assert words in err.reason, str(err)
    assert err.position == column - 1
    assert f"column {column}:" in str(err)
    assert err.text == text


@pytest.mark.parametrize(("text", "entry"), [
    ("[1, 1e999, 3]", "entry 2 is too large"),
    ("[[1, 2, 3], [4, 5, 1e999]]", "entry (2, 3) is too large"),
    ("1 2 3\n4 5 inf", "entry (2, 3) is not finite"),
    ("[[1, 2], [nan, 4]]", "entry (2, 1) is not finite"),
    ("\\begin{bmatrix} 1 & 2 \\\\ 3 & \\frac{" + "9" * 400 + "}{1} \\end{bmatrix}",
     "entry (2, 2) is too large"),
    ('[["1", "2"], ["3", "1/0"]]', "entry (2, 2) divides by zero"),
    ("[1, " + "1" * 5000 + "]", "entry 2 has too many digits"),
])
def test_entry_rejections_name_the_entry(text: str, entry: str) -> None:
    assert entry in str(error(text))


def test_multiline_messages_give_line_and_column() -> None:
    err = error("1 2 3\n4 5 6\n7 8,,9")
    assert err.position == 16
    assert "at line 3, column 5: expected a number" in str(err)
    err = error("[[1, 2],\n [3]]")
    assert "line 2, column 2" in str(err) and "row 1 has 2, row 2 has 1" in str(err)


def test_ragged_message_lists_each_row() -> None:
    assert "(row 1 has 3, row 2 has 2, row 3 has 3)" in str(error("1 2 3\n4 5\n6 7 8"))
    many = "\n".join(["1 2"] * 40 + ["3"])
    assert "row 1 has 2, row 41 has 1" in str(error(many))


@pytest.mark.parametrize("text", ["", "   ", "\n\t", "\\,", "\ufeff"])
def test_empty(text: str) -> None:
    err = error(text)
    assert err.position is None and "empty" in str(err)


def test_long_text_message_shows_an_excerpt() -> None:
    text = "1, " * 100 + "1,,2"
    message = str(error(text))
    assert "near '" in message and "column 303" in message and len(message) < 150


def test_read_error_is_a_value_error_and_pickles() -> None:
    err = error("3,,4")
    assert isinstance(err, ValueError)
    assert str(err) == "cannot read '3,,4' at column 3: expected a number"
    copy = pickle.loads(pickle.dumps(err))
    assert (str(copy), copy.position, copy.text) == (str(err), err.position, err.text)


def test_non_string_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        read_answer(39)  # type: ignore[arg-type]


def test_read_number_rejects_vectors_and_sums() -> None:
    for text in ("1, 2", "[5]", "27+12", "27+12=39", "[[1]]"):
        with pytest.raises(ReadError, match="expected a single number"):
            read_number(text)
    with pytest.raises(ReadError, match="not finite"):
        read_number("nan")


# ----------------------------------------------------------------------------- limits
def test_length_cap() -> None:
    ok = "1" + " " * (MAX_LENGTH - 1)
    assert values(ok) == 1.0
    err = error(ok + " ")
    assert err.position is None and f"at most {MAX_LENGTH:,}" in str(err)


def test_depth_cap() -> None:
    deep = "[" * MAX_DEPTH + "1" + "]" * MAX_DEPTH
    assert "more than 2 dimensions" in str(error(deep))  # parsed, then rejected for its shape
    err = error("[" * (MAX_DEPTH + 1) + "1" + "]" * (MAX_DEPTH + 1))
    assert "too deeply nested" in str(err) and err.position == MAX_DEPTH
    assert "too deeply nested" in str(error("(" * 10_000 + ")" * 10_000))
    error("\\frac{" * 5000)
    assert values("((((((((1))))))))," * 3) == [1.0, 1.0, 1.0]  # parentheses add no dimension


def test_entry_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reader, "MAX_ENTRIES", 5)
    assert values("1,2,3,4,5") == [1.0, 2.0, 3.0, 4.0, 5.0]
    err = error("1,2,3,4,5,6")
    assert "too many numbers (at most 5)" in str(err) and err.position == 10
    assert "too many numbers" in str(error("1+1+1+1+1+1"))


def test_digit_cap() -> None:
    assert values("0." + "0" * (MAX_DIGITS - 3) + "1") == 10.0 ** -(MAX_DIGITS - 2)
    start = time.process_time()
    err = error("1" * 5000)
    assert time.process_time() - start < 0.1
    assert "too many digits" in str(err)
    assert "too many digits" in str(error("1/" + "1" * 5000))
    assert "too many digits" in str(error("0." + "3" * 5000))


PATHOLOGICAL = {  # each at (or just under) MAX_LENGTH characters
    "brackets": "[" * MAX_LENGTH,
    "closers": "]" * MAX_LENGTH,
    "digits": "1" * MAX_LENGTH,
    "exponent": "1e" + "9" * (MAX_LENGTH - 2),
    "commas": ("1," * MAX_LENGTH)[:MAX_LENGTH],  # 10,000 entries: the slowest valid answer
    "rows": ("1\n" * MAX_LENGTH)[:MAX_LENGTH - 1],
    "minus": "-" * MAX_LENGTH,
    "sum": ("1+" * MAX_LENGTH)[:MAX_LENGTH - 1],
    "lists": ("[1]," * MAX_LENGTH)[:MAX_LENGTH - 1],
    "strings": ('"1",' * MAX_LENGTH)[:MAX_LENGTH - 1],
    "fractions": ("\\frac{1}{3}," * MAX_LENGTH)[:MAX_LENGTH],
    "backslashes": "\\" * MAX_LENGTH,
    "quotes": '"' * MAX_LENGTH,
    "letters": "e" * MAX_LENGTH,
    "latex spacing": "\\," * (MAX_LENGTH // 2),
    "ragged": "\n".join(["1 2"] * (MAX_LENGTH // 4 - 1) + ["1"]),
    "big fractions": ("9" * 399 + "/" + "7" * 399 + ",") * (MAX_LENGTH // 800),
}


@pytest.mark.parametrize("name", list(PATHOLOGICAL))
def test_pathological_inputs_are_fast(name: str) -> None:
    text = PATHOLOGICAL[name]
    assert len(text) <= MAX_LENGTH
    read_answer("1")  # the grammar is built on first use
    start = time.process_time()  # CPU time: robust to other load on the machine
    try:
        reading = read_answer(text)
    except ReadError:
        pass
    else:
        assert np.all(np.isfinite(reading.values))
    assert time.process_time() - start < 1.0


# ----------------------------------------------------------------------------- read_value
@pytest.mark.parametrize(("value", "expected"), [
    (39, 39.0), (39.28, 39.28), ("2/3", 2 / 3), ("-1e-3", -1e-3), ("\\frac{1}{3}", 1 / 3),
    ([2, -1, 3], [2.0, -1.0, 3.0]), ((2, "-1", 3.5), [2.0, -1.0, 3.5]),
    ([[1, 2], [3, "4/8"]], [[1.0, 2.0], [3.0, 0.5]]), ([(1, 2), (3, 4)], [[1.0, 2.0], [3.0, 4.0]]),
    ([[2], [-1]], [[2.0], [-1.0]]), (Fraction(1, 4), 0.25), (np.float64(1.5), 1.5),
    (np.int64(7), 7.0), (np.array([[1, 2]]), [[1.0, 2.0]]), (10**300, 1e300),
])
def test_read_value(value: object, expected: object) -> None:
    out = read_value(value, "w")
    assert out.dtype == np.float64 and out.tolist() == expected


@pytest.mark.parametrize(("value", "message"), [
    (True, "w: the value is a bool"),
    (None, "w: the value is missing"),
    (float("nan"), "w: the value is not finite"),
    (float("inf"), "w: the value is not finite"),
    (10**400, "w: the value is too large"),
    ("1e999", "w: the value: cannot read '1e999' at column 1: the number is too large"),
    ("1, 2", "w: the value: cannot read '1, 2': expected a single number"),
    ([1, True], "w: entry 2 is a bool"),
    ([1, None, 3], "w: entry 2 is missing"),
    ([[1, 2, 3], [4, 5, float("nan")]], "w: entry (2, 3) is not finite"),
    ([[1, 2], [3, float("-inf")]], "w: entry (2, 2) is not finite"),
    ([[1, 2], ["3", "1/0"]], "w: entry (2, 2): cannot read '1/0' at column 1: the number divides"),
    ([], "w: the list is empty"),
    ([[], []], "w: row 1 is empty"),
    ([[1, 2], [3]], "w: the rows have different lengths (row 1 has 2, row 2 has 1)"),
    ([1, [2]], "w: entry 2 mixes numbers and lists"),
    ([[[1]]], "w: entry (1, 1) is a list"),
    ({"a": 1}, "w: the value is a dict"),
    (1 + 2j, "w: the value is a complex"),
])
def test_read_value_rejects(value: object, message: str) -> None:
    with pytest.raises(ValueError) as info:
        read_value(value, "w")
    assert str(info.value).startswith(message), str(info.value)


# ----------------------------------------------------------------------------- Hypothesis
ALPHABET = "0123456789.,;-+/=eE[]() \n\t&\\{}$\"'~"
WORDS = ["bmatrix", "pmatrix", "array", "tensor", "frac", "\\frac", "\\begin{bmatrix}",
         "\\end{bmatrix}", "\\left(", "\\right)", "\\left[", "\\right]", "\\\\", "\\,", "\\ ",
         "&", "$$", "\\(", "\\)", "array(", "np.", "dtype=float64", "inf", "nan", "1e999",
         "9" * 400, "/0", "\u2212", "\ufeff", "\u00a0", "[", "]", "(", ")", "{", "}", ",", ";",
         " ", "\n", "-", "+", "=", "1", "0.5", "2/3", "'", '"', "e", "E", ".", "{1}", "{3}"]
grammar_text = st.one_of(
    st.text(alphabet=ALPHABET, max_size=60),
    st.lists(st.sampled_from(WORDS), max_size=30).map("".join),
    st.lists(st.one_of(st.sampled_from(WORDS), st.text(alphabet=ALPHABET, max_size=4)),
             max_size=30).map("".join),
)


def check_reading_or_error(text: str) -> None:
    try:
        reading = read_answer(text)
    except ReadError as err:
        message = str(err)
        assert "\n" not in message and "internal error" not in message, message
        assert err.position is None or 0 <= err.position <= len(text)
        return
    assert reading.values.dtype == np.float64
    assert reading.values.ndim <= 2 and reading.values.shape == reading.tolerances.shape
    assert np.all(np.isfinite(reading.values)) and np.all(np.isfinite(reading.tolerances))
    assert np.all(reading.tolerances > 0)
    assert all(math.isfinite(t) for t in reading.terms + reading.term_tolerances)


@FAST
@given(st.text(max_size=80))
def test_arbitrary_text_only_raises_read_error(text: str) -> None:
    check_reading_or_error(text)


@FAST
@given(grammar_text)
def test_grammar_alphabet_only_raises_read_error(text: str) -> None:
    check_reading_or_error(text)


@FAST
@given(st.lists(st.sampled_from(WORDS), max_size=40).map("".join))
def test_nothing_non_finite_is_returned(text: str) -> None:
    check_reading_or_error(text)
    try:
        number = read_number(text)
    except ReadError:
        return
    assert all(math.isfinite(x) for x in number)


# An entry as typed: (plain text, LaTeX text, exact value, tolerance).
Entry = tuple[str, str, float, float]


@st.composite
def entries(draw: st.DrawFn) -> Entry:
    kind = draw(st.sampled_from(["int", "decimal", "fraction", "exponent"]))
    if kind == "int":
        n = draw(st.integers(-1000, 1000))
        return str(n), str(n), float(n), rel(n)
    if kind == "decimal":
        n, places = draw(st.integers(-10**6, 10**6)), draw(st.integers(1, 4))
        text = ("-" if n < 0 else "") + f"{abs(n) // 10**places}.{abs(n) % 10**places:0{places}d}"
        value = float(text)
        return text, text, value, half(places, value) if places >= 2 else rel(value)
    if kind == "fraction":
        num, den = draw(st.integers(-60, 60)), draw(st.integers(1, 60))
        latex = ("-" if num < 0 else "") + f"\\frac{{{abs(num)}}}{{{den}}}"
        return f"{num}/{den}", latex, num / den, rel(num / den)
    mantissa, exponent = draw(st.integers(-999, 999)), draw(st.integers(-20, 20))
    text = f"{mantissa}e{exponent}"  # -exponent decimal places, as 33e-2 is 0.33
    value = float(text)
    return text, text, value, half(-exponent, value) if -exponent >= 2 else rel(value)


def plain(row: list[Entry]) -> list[str]:
    return [e[0] for e in row]


def quoted(row: list[Entry]) -> list[str]:
    return [json.dumps(e[0]) if "/" in e[0] else e[0] for e in row]


def latex(row: list[Entry]) -> list[str]:
    return [e[1] for e in row]


VECTOR_WRITERS: dict[str, Callable[[list[Entry]], str]] = {
    "commas": lambda v: ",".join(plain(v)),
    "spaces": lambda v: " ".join(plain(v)),
    "tuple": lambda v: "(" + ", ".join(plain(v)) + ")",
    "json": lambda v: "[" + ", ".join(quoted(v)) + "]",
    "trailing comma": lambda v: "[" + ", ".join(plain(v)) + ",]",
    "numpy str": lambda v: "[" + "  ".join(plain(v)) + "]",
    "numpy repr": lambda v: "array([" + ", ".join(plain(v)) + "])",
    "tensor repr": lambda v: "tensor([" + ", ".join(plain(v)) + "], dtype=torch.float64)",
    "matlab": lambda v: "[" + " ".join(plain(v)) + "]",
    "latex vector": lambda v: "$[" + ",\\ ".join(latex(v)) + "]$",
    "latex paren": lambda v: "\\left(" + ", ".join(latex(v)) + "\\right)",
    "unicode minus": lambda v: "\u00a0" + ", ".join(plain(v)).replace("-", "\u2212"),
}

MATRIX_WRITERS: dict[str, Callable[[list[list[Entry]]], str]] = {
    "semicolons": lambda m: "; ".join(",".join(plain(r)) for r in m),
    "trailing semicolon": lambda m: ";".join(", ".join(plain(r)) for r in m) + ";",
    "lines": lambda m: "\n".join(" ".join(plain(r)) for r in m) + "\n",
    "json": lambda m: "[" + ", ".join("[" + ", ".join(quoted(r)) + "]" for r in m) + "]",
    "numpy str": lambda m: "[[" + "]\n [".join("  ".join(plain(r)) for r in m) + "]]",
    "numpy repr": lambda m: "array([[" + "],\n       [".join(", ".join(plain(r)) for r in m)
                            + "]])",
    "matlab": lambda m: "[" + "; ".join(" ".join(plain(r)) for r in m) + "]",
    "matlab commas": lambda m: "[" + "; ".join(", ".join(plain(r)) for r in m) + "]",
    "bmatrix": lambda m: "$$\\begin{bmatrix} " + " \\\\ ".join(" & ".join(latex(r)) for r in m)
                         + " \\end{bmatrix}$$",
    "pmatrix": lambda m: "\\begin{pmatrix}\n" + " \\\\\n".join(" & ".join(latex(r)) for r in m)
                         + "\n\\end{pmatrix}",
    "sympy latex": lambda m: "\\left[\\begin{matrix}" + "\\\\".join(" & ".join(latex(r))
                                                                  for r in m)
                             + "\\end{matrix}\\right]",
    "tuples": lambda m: "(" + ", ".join("(" + ", ".join(plain(r)) + ",)" for r in m) + ")",
    "list of tuples": lambda m: "[" + ", ".join("(" + ", ".join(plain(r)) + ",)" for r in m) + "]",
    "trailing commas": lambda m: "[" + "".join("[" + ",".join(plain(r)) + ",]," for r in m) + "]",
}


def expected_arrays(rows: list[list[Entry]]) -> tuple[np.ndarray, np.ndarray]:
    values = np.array([[e[2] for e in r] for r in rows])
    return values, np.array([[e[3] for e in r] for r in rows])


@ROUND_TRIP
@given(st.lists(entries(), min_size=2, max_size=5))
def test_vectors_round_trip_in_every_notation(vector: list[Entry]) -> None:
    want_values, want_tols = expected_arrays([vector])
    readings = {name: read_answer(write(vector)) for name, write in VECTOR_WRITERS.items()}
    for name, reading in readings.items():
        assert reading.values.shape == (len(vector),), name
        np.testing.assert_allclose(reading.values, want_values[0], rtol=1e-15, atol=0,
                                   err_msg=name)
        np.testing.assert_allclose(reading.tolerances, want_tols[0], rtol=1e-12, err_msg=name)
        assert reading == readings["commas"], name


@ROUND_TRIP
@given(st.integers(2, 4).flatmap(
    lambda cols: st.lists(st.lists(entries(), min_size=cols, max_size=cols), min_size=2,
                          max_size=4))
       | st.lists(st.lists(entries(), min_size=1, max_size=1), min_size=2, max_size=4))
def test_matrices_round_trip_in_every_notation(matrix: list[list[Entry]]) -> None:
    want_values, want_tols = expected_arrays(matrix)
    readings = {name: read_answer(write(matrix)) for name, write in MATRIX_WRITERS.items()}
    for name, reading in readings.items():
        assert reading.values.shape == want_values.shape, name
        np.testing.assert_allclose(reading.values, want_values, rtol=1e-15, atol=0, err_msg=name)
        np.testing.assert_allclose(reading.tolerances, want_tols, rtol=1e-12, err_msg=name)
        assert reading == readings["semicolons"], name


@FAST
@given(entries(), st.lists(entries(), min_size=1, max_size=3), st.booleans())
def test_sums_round_trip(first: Entry, rest: list[Entry], spaced: bool) -> None:
    terms = [first, *rest]
    plus = " + " if spaced else "+"
    reading = read_answer(plus.join(e[0] for e in terms))
    assert reading.terms == tuple(e[2] for e in terms)
    assert reading.term_tolerances == pytest.approx(tuple(e[3] for e in terms), rel=1e-12)
    assert float(reading.values) == pytest.approx(math.fsum(e[2] for e in terms), rel=1e-15,
                                                  abs=1e-300)
    stated = read_answer(plus.join(e[0] for e in terms) + " = " + first[0])
    assert stated.stated_total and float(stated.values) == first[2]


finite = st.one_of(st.integers(-10**6, 10**6),
                   st.floats(allow_nan=False, allow_infinity=False, width=64))
json_lists = st.one_of(
    st.lists(finite, min_size=1, max_size=5),
    st.integers(1, 4).flatmap(lambda n: st.lists(st.lists(finite, min_size=n, max_size=n),
                                                 min_size=1, max_size=4)),
)


@FAST
@given(json_lists)
def test_read_value_agrees_with_read_answer(value: list[object]) -> None:
    from_data = read_value(value, "x")
    from_text = read_answer(json.dumps(value)).values
    assert from_data.shape == from_text.shape
    assert np.array_equal(from_data, from_text)
    assert np.array_equal(read_value(json.loads(json.dumps(value)), "x"), from_data)


@FAST
@given(json_lists, st.sampled_from([float("nan"), float("inf"), float("-inf"), True, False,
                                    None, 10**400, "1e999", "inf", "1/0"]), st.data())
def test_read_value_rejects_bad_entries(value: list[object], bad: object,
                                        data: st.DataObject) -> None:
    if isinstance(value[0], list):
        i = data.draw(st.integers(0, len(value) - 1))
        row = value[i]
        assert isinstance(row, list)
        j = data.draw(st.integers(0, len(row) - 1))
        row[j] = bad
        where = f"x: entry ({i + 1}, {j + 1})"
    else:
        i = data.draw(st.integers(0, len(value) - 1))
        value[i] = bad
        where = f"x: entry {i + 1}"
    with pytest.raises(ValueError) as info:
        read_value(value, "x")
    assert str(info.value).startswith(where), str(info.value)


@FAST
@given(st.lists(st.lists(finite, min_size=1, max_size=4), min_size=2, max_size=4))
def test_read_value_and_read_answer_reject_ragged(value: list[list[object]]) -> None:
    assume(len({len(row) for row in value}) > 1)
    with pytest.raises(ValueError, match=r"^x: the rows have different lengths"):
        read_value(value, "x")
    with pytest.raises(ReadError, match="the rows have different lengths"):
        read_answer(json.dumps(value))


# ----------------------------------------------------------------------------- old parser's cases
# Cases of the earlier port of the old parser's tests that the cases above do not cover.
@pytest.mark.parametrize(("text", "expected"), [
    ('["1/2", 0.25]', [0.5, 0.25]),  # quoted and plain entries in one list
    ("1/3,0; 0.6,2/3", [[1 / 3, 0.0], [0.6, 2 / 3]]),  # fractions inside a matrix
    ("-1 3 -2; 3 -3 1; 0 3 1", M3),  # spaces within rows, ';' between them
])
def test_old_parser_values(text: str, expected: object) -> None:
    np.testing.assert_allclose(read_answer(text).values, expected, rtol=1e-15)


@pytest.mark.parametrize(("text", "column", "words"), [
    ("abc", 1, "unknown word 'abc'"),
    ("2x", 2, "unknown word 'x'"),
    ("[[]]", 2, "empty brackets"),
    ("[true]", 2, "unknown word 'true'"),  # JSON's true is not a number
    ('{"a": 1}', 1, "expected a number"),  # nor is a JSON object
    ("27+12=", 7, "ends too early"),
    ("1=2=3", 4, "one '=' at most"),
    ("1;;2", 3, "expected a number"),
    ("[NaN]", 2, "entry 1 is not finite"),
])
def test_old_parser_rejections(text: str, column: int, words: str) -> None:
    err = error(text)
    assert words in err.reason and err.position == column - 1, str(err)


def test_a_reading_holds_values_and_tolerances_of_one_shape() -> None:
    reading = read_answer("1/3, 0.25; 2, 1.5")
    assert isinstance(reading, Reading)
    np.testing.assert_allclose(reading.values, [[1 / 3, 0.25], [2, 1.5]], rtol=1e-15)
    # 1/3 and 2 exact; 0.25 two places (half a unit); 1.5 one place (exact)
    np.testing.assert_allclose(reading.tolerances, [[rel(1 / 3), half(2, 0.25)],
                                                    [rel(2), rel(1.5)]], rtol=1e-12)
    assert (reading.terms, reading.term_tolerances, reading.stated_total) == ((), (), False)


def test_a_long_sum_is_summed() -> None:
    reading = read_answer("27+3+12+4")
    assert reading.terms == (27.0, 3.0, 12.0, 4.0) and float(reading.values) == 46.0
    assert not reading.stated_total


def test_read_number_rejects_a_double_fraction_and_blank_text() -> None:
    with pytest.raises(ReadError, match="unexpected '/'"):
        read_number("1/2/3")
    with pytest.raises(ReadError, match="the answer is empty"):
        read_number("   ")
