"""The answer syntax: what parses, to which numbers and tolerances, and what is rejected."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hw5ref.checker import AnswerSyntaxError, parse_answer


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("39", 39.0),
        ("-3", -3.0),
        ("\u22123", -3.0),  # a typographic minus, as copied from the site
        ("2/3", 2 / 3),
        ("-1/4", -0.25),
        ("1e-3", 0.001),
        (".5", 0.5),
        ("28.08", 28.08),
        ('"1/3"', 1 / 3),  # a JSON string
        ("7", 7.0),
    ],
)
def test_numbers(text: str, expected: float) -> None:
    parsed = parse_answer(text)
    assert parsed.values.shape == ()
    assert float(parsed.values) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2,-1,3", [2, -1, 3]),
        ("2 -1 3", [2, -1, 3]),
        ("2, -1, 3", [2, -1, 3]),
        ("[2, -1, 3]", [2, -1, 3]),
        ("(2,-1,3)", [2, -1, 3]),
        ('["1/2", 0.25]', [0.5, 0.25]),
        ("-1,3,-2; 3,-3,1; 0,3,1", [[-1, 3, -2], [3, -3, 1], [0, 3, 1]]),
        ("-1 3 -2; 3 -3 1; 0 3 1", [[-1, 3, -2], [3, -3, 1], [0, 3, 1]]),
        ("1,2\n3,4", [[1, 2], [3, 4]]),
        ("1,2;3,4;", [[1, 2], [3, 4]]),
        ("[[1, 2], [3, 4]]", [[1, 2], [3, 4]]),
        ("1/3,0; 0.6,2/3", [[1 / 3, 0], [0.6, 2 / 3]]),
    ],
)
def test_vectors_and_matrices(text: str, expected: list[float] | list[list[float]]) -> None:
    parsed = parse_answer(text)
    np.testing.assert_allclose(parsed.values, np.array(expected, dtype=float), rtol=1e-12)
    assert parsed.terms == ()


@pytest.mark.parametrize(
    ("text", "tolerance"),
    [
        ("0.33", 0.005),  # two places: half a unit in the last place
        ("0.333", 0.0005),
        ("1.50", 0.005),
        ("0.3", 1e-9),  # one place: must be exact
        ("2/3", 1e-9),
        ("39", 39e-9),
        ("1.25e0", 1.25e-9),  # exponent notation: exact
    ],
)
def test_tolerances(text: str, tolerance: float) -> None:
    assert float(parse_answer(text).tolerances) == pytest.approx(tolerance, rel=1e-6)


def test_sums() -> None:
    plain = parse_answer("27+12")
    assert plain.terms == (27.0, 12.0) and float(plain.values) == 39.0
    assert not plain.stated_total
    spaced = parse_answer("27 + 12 = 40")
    assert spaced.terms == (27.0, 12.0) and float(spaced.values) == 40.0 and spaced.stated_total
    three = parse_answer("27+3+12+4")
    assert three.terms == (27.0, 3.0, 12.0, 4.0) and float(three.values) == 46.0
    decimals = parse_answer("28.08 + 11.2")
    assert decimals.terms == (28.08, 11.2)
    # a plus sign inside an exponent or in front of a number is not a sum
    assert parse_answer("1e+3").terms == () and float(parse_answer("1e+3").values) == 1000.0
    assert parse_answer("+5").terms == () and float(parse_answer("+5").values) == 5.0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("abc", "cannot read 'abc'"),
        ("2x", "cannot read '2x'"),
        ("NaN", "cannot read 'NaN'"),
        ("1,,2", "empty entry"),
        ("1,2;3", "row 1 has 2, row 2 has 1"),
        ("1;;2", "row 2 is empty"),
        ("1/0", "divide by zero"),
        ('{"a": 1}', "JSON answer must be"),
        ("[1, [2]]", "JSON answer must be"),
        ("[]", "JSON answer must be"),
        ("[[]]", "JSON answer must be"),
        ("[true]", "JSON answer must be"),
        ("[NaN]", "not a finite number"),
        ("[1, 2", "does not parse"),
        ("1=2=3", "one '='"),
        ("27+", "a term of the sum"),
        ("27+12=", "nothing after '='"),
        ("[[1, 2], [3]]", "row 1 has 2, row 2 has 1"),
    ],
)
def test_malformed_answers_raise_a_clear_error(text: str, message: str) -> None:
    with pytest.raises(AnswerSyntaxError, match=None) as info:
        parse_answer(text)
    assert message in str(info.value)
    assert isinstance(info.value, ValueError)


def test_non_string_answer_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="answer must be a string"):
        parse_answer([2, -1, 3])  # type: ignore[arg-type]


_matrices = st.integers(1, 4).flatmap(
    lambda r: st.integers(2, 4).flatmap(
        lambda c: st.lists(
            st.lists(st.integers(-99, 99), min_size=c, max_size=c), min_size=r, max_size=r
        )
    )
)


@settings(max_examples=60, deadline=None)
@given(_matrices)
def test_integer_matrices_round_trip_through_both_syntaxes(rows: list[list[int]]) -> None:
    plain = "; ".join(",".join(str(v) for v in row) for row in rows)
    expected = np.array(rows, dtype=float)
    if len(rows) == 1:
        expected = expected[0]  # one row without ';' is a vector
    np.testing.assert_array_equal(parse_answer(plain).values, expected)
    np.testing.assert_array_equal(parse_answer(json.dumps(rows)).values, np.array(rows, float))
