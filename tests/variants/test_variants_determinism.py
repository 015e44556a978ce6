"""Determinism per seed, variety across seeds, the JSON shape, and argument validation of the
variants library."""

from __future__ import annotations

import json
import math

import pytest

from hw5ref import variants
from hw5ref.variants import format_number, normalize_part


@pytest.mark.parametrize("part", variants.VARIANT_PARTS)
def test_same_seed_same_problem(part: str) -> None:
    for seed in range(50):
        first = variants.variant(part, seed).to_dict()
        again = variants.variant(part, seed).to_dict()
        assert json.dumps(first, sort_keys=True) == json.dumps(again, sort_keys=True), seed


@pytest.mark.parametrize(("part", "minimum"), [("1b", 95), ("1c", 95), ("2b", 95), ("3a", 60),
                                               ("4", 95)])
def test_different_seeds_give_different_problems(part: str, minimum: int) -> None:
    distinct = {json.dumps(variants.variant(part, s).data, sort_keys=True) for s in range(100)}
    assert len(distinct) >= minimum


def test_3a_and_3b_describe_the_same_layer_and_4_aliases_are_one_instance() -> None:
    for seed in range(30):
        assert variants.variant("3a", seed).data == variants.variant("3b", seed).data
        assert variants.variant("4b", seed).to_dict() == variants.variant("4", seed).to_dict()


@pytest.mark.parametrize("part", variants.VARIANT_PARTS)
def test_json_shape(part: str) -> None:
    data = variants.variant(part, 2).to_dict()
    assert list(data) == ["part", "seed", "title", "data", "answer", "checks", "conventions",
                          "statement", "solution"]
    assert json.loads(json.dumps(data)) == data  # plain JSON types only
    expected_checks = {"4": ["4a", "4b", "4c", "4d"]}.get(part, [part])
    assert list(data["checks"]) == expected_checks


def test_original_problems_have_no_seed_and_say_so() -> None:
    for part in variants.VARIANT_PARTS:
        problem = variants.original(part)
        assert problem.seed is None
        heading = problem.to_markdown().splitlines()[0]
        assert heading.endswith(
            "(the site's numeric instance)" if part == "4" else "(original problem)")


@pytest.mark.parametrize(
    ("value", "text"),
    [(3.0, "3"), (-12, "-12"), (0.1 + 0.2, "0.3"), (28.080000000000002, "28.08"),
     (1 / 3, "1/3"), (-2 / 7, "-2/7"), (math.sqrt(2), "1.4142136"), (-0.0, "0"), (0.125, "0.125"),
     (2.5e-7, "2.5e-07")],
)
def test_format_number(value: float, text: str) -> None:
    assert format_number(value) == text


def test_format_number_rejects_bad_input() -> None:
    with pytest.raises(TypeError, match="x must be a real number"):
        format_number("3")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="x must be a real number"):
        format_number(True)
    with pytest.raises(ValueError, match="x must be finite"):
        format_number(math.inf)


@pytest.mark.parametrize("spelling", ["1b", "1B", " q1b ", "Q1(b)", "q1(B)"])
def test_normalize_part_spellings(spelling: str) -> None:
    assert normalize_part(spelling) == "1b"


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: variants.variant("5a", 1), ValueError, "part must be one of"),
        (lambda: variants.variant(1, 1), TypeError, "part must be a string"),
        (lambda: variants.variant("1b", -1), ValueError, "seed must be an integer >= 0"),
        (lambda: variants.variant("1b", 1.0), TypeError, "seed must be an integer"),
        (lambda: variants.variant("1b", "1"), TypeError, "seed must be an integer"),
        (lambda: variants.variant("1b", None), TypeError, "seed must be an integer"),
        (lambda: variants.original("2a"), ValueError, "part must be one of"),
        (lambda: variants.original("1b").to_markdown(show_answer=1), TypeError, "show_answer"),
    ],
)
def test_bad_arguments(call: object, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        call()  # type: ignore[operator]
