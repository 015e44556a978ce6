"""hw5ref.reader: the answer syntax (what parses, to which numbers and tolerances, and what is
rejected) and recorded values."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hw5ref.reader import ReadError, Reading, read_answer, read_number, read_value


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
    parsed = read_answer(text)
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
    parsed = read_answer(text)
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
        ("1.25e0", 0.005),  # exponent notation: the mantissa's places, shifted by the exponent
        ("3.33e-01", 0.0005),  # 0.333 written as numpy prints it
        ("1e3", 1e-6),  # no places: exact (1e-9 relative)
    ],
)
def test_tolerances(text: str, tolerance: float) -> None:
    assert float(read_answer(text).tolerances) == pytest.approx(tolerance, rel=1e-6)


def test_sums() -> None:
    plain = read_answer("27+12")
    assert plain.terms == (27.0, 12.0) and float(plain.values) == 39.0
    assert not plain.stated_total
    spaced = read_answer("27 + 12 = 40")
    assert spaced.terms == (27.0, 12.0) and float(spaced.values) == 40.0 and spaced.stated_total
    three = read_answer("27+3+12+4")
    assert three.terms == (27.0, 3.0, 12.0, 4.0) and float(three.values) == 46.0
    decimals = read_answer("28.08 + 11.2")
    assert decimals.terms == (28.08, 11.2)
    # a plus sign inside an exponent or in front of a number is not a sum
    assert read_answer("1e+3").terms == () and float(read_answer("1e+3").values) == 1000.0
    assert read_answer("+5").terms == () and float(read_answer("+5").values) == 5.0


# Each rejected text, with a fragment of the message that says what is wrong (None: any
# one-line message).
@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("abc", "cannot read 'abc'"),
        ("2x", "cannot read '2x'"),
        ("NaN", "cannot read 'NaN'"),
        ("1,,2", None),
        ("1,2;3", "row 1 has 2, row 2 has 1"),
        ("1;;2", None),
        ("1/0", "by zero"),
        ('{"a": 1}', None),
        ("[1, [2]]", None),
        ("[]", None),
        ("[[]]", None),
        ("[true]", None),
        ("[NaN]", None),
        ("[1, 2", None),
        ("1=2=3", "one '='"),
        ("27+", None),
        ("27+12=", None),
        ("[[1, 2], [3]]", "row 1 has 2, row 2 has 1"),
    ],
)
def test_malformed_answers_raise_a_clear_error(text: str, message: str | None) -> None:
    with pytest.raises(ReadError) as info:
        read_answer(text)
    assert isinstance(info.value, ValueError)
    assert "\n" not in str(info.value) and str(info.value)
    if message is not None:
        assert message in str(info.value)


def test_non_string_answer_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="answer must be a string"):
        read_answer([2, -1, 3])  # type: ignore[arg-type]


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
    np.testing.assert_array_equal(read_answer(plain).values, expected)
    np.testing.assert_array_equal(read_answer(json.dumps(rows)).values, np.array(rows, float))


def test_a_reading_holds_values_and_tolerances_of_one_shape() -> None:
    reading = read_answer("1/3, 0.25; 2, 1.5")
    assert isinstance(reading, Reading)
    np.testing.assert_allclose(reading.values, [[1 / 3, 0.25], [2, 1.5]], rtol=1e-15)
    # 1/3: exact (1e-9); 0.25 and 1.50-style decimals with two places: half a unit (0.005);
    # 2: exact (1e-9 * max(1, 2)); 1.5 has one place: exact (1e-9 * 1.5)
    np.testing.assert_allclose(reading.tolerances, [[1e-9, 0.005], [2e-9, 1.5e-9]], rtol=1e-6)
    assert (reading.terms, reading.term_tolerances, reading.stated_total) == ((), (), False)


def test_a_sum_keeps_each_terms_tolerance() -> None:
    reading = read_answer("28.08 + 11.2")
    assert reading.terms == (28.08, 11.2)
    # 28.08 has two places (0.005); 11.2 one place (exact, 1e-9 * 11.2)
    assert reading.term_tolerances == pytest.approx((0.005, 11.2e-9), rel=1e-6)
    # no stated total: the total's tolerance is the sum of the terms'
    assert float(reading.tolerances) == pytest.approx(0.005 + 11.2e-9, rel=1e-6)


@pytest.mark.parametrize(
    ("token", "value", "tolerance"),
    [
        ("39", 39.0, 39e-9),
        (" -3 ", -3.0, 3e-9),
        ("0.33", 0.33, 0.005),
        ("-0.125", -0.125, 0.0005),
        ("2 / 3", 2 / 3, 1e-9),
        ("-1/4", -0.25, 1e-9),
        ("1e3", 1000.0, 1e-6),
        ("5.", 5.0, 5e-9),
    ],
)
def test_read_number(token: str, value: float, tolerance: float) -> None:
    got, tol = read_number(token)
    assert got == pytest.approx(value, rel=1e-15)
    assert tol == pytest.approx(tolerance, rel=1e-6)


@pytest.mark.parametrize(("token", "message"), [
    ("1,2", "cannot read '1,2'"), ("1/0", "by zero"), ("inf", "cannot read 'inf'"),
    ("1/2/3", "cannot read"), ("", "cannot read ''"),
])
def test_read_number_rejects(token: str, message: str) -> None:
    with pytest.raises(ReadError, match=message):
        read_number(token)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(3, 3.0), (-0.5, -0.5), ([2, -1, 3], [2.0, -1.0, 3.0]), ([[1, 2], [3, 4]], [[1, 2], [3, 4]])],
)
def test_read_value(value: object, expected: object) -> None:
    got = read_value(value, "claimed")
    assert got.dtype == np.float64
    np.testing.assert_array_equal(got, np.array(expected, dtype=float))


@pytest.mark.parametrize(
    "value", [[[[1]]], [1, float("nan")], [[1, 2], [3]], [True], [], None, {"a": 1}],
    ids=["3-D", "nan", "ragged", "bool", "empty", "None", "mapping"],
)
def test_read_value_rejects_and_names_the_value(value: object) -> None:
    with pytest.raises((TypeError, ValueError), match=r"^claimed\b"):
        read_value(value, "claimed")
