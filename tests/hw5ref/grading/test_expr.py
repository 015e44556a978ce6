"""hw5ref.grading.expr: the safe evaluator of the formulas stored in records.

Every expected value is worked out by hand below, or (the expectation) by an enumeration of
masks written out in this file.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from hw5ref.grading.expr import Expectation, evaluate, names_in


def test_arithmetic_by_hand() -> None:
    # 2 * 2**2 - 2/4 = 8 - 0.5
    assert evaluate("2*x**2 - x/4", {"x": 2.0}) == 7.5
    assert evaluate("-a + +b", {"a": 3, "b": 5}) == 2
    # matrix product, transpose, subscripts and slices: [[1, 2], [3, 4]]^T [1, 1] = [4, 6]
    A = np.array([[1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_array_equal(evaluate("A.T @ v", {"A": A, "v": np.ones(2)}), [4.0, 6.0])
    assert evaluate("A[1, 0]", {"A": A}) == 3.0
    np.testing.assert_array_equal(evaluate("A[:, 1]", {"A": A}), [2.0, 4.0])
    np.testing.assert_array_equal(evaluate("A[::-1, 0]", {"A": A}), [3.0, 1.0])
    # functions the caller binds
    assert evaluate("f(3, 4)", {"f": max}) == 4


def test_names_in_lists_free_names_and_functions() -> None:
    assert names_in("sq(y - p*X@w)") == {"sq", "y", "p", "X", "w"}
    assert names_in("2 + 3") == set()
    assert names_in("E(R*X)") == {"E", "R", "X"}


def test_expectation_matches_an_independent_enumeration() -> None:
    # E over every mask of ||y - (R*X)w||^2, enumerated here by hand for a 2x2 instance.
    X = np.array([[1.0, 2.0], [3.0, -1.0]])
    y, w, p = np.array([1.0, 0.0]), np.array([2.0, -1.0]), 0.25
    total = 0.0
    for bits in itertools.product((0, 1), repeat=4):
        mask = np.array(bits, dtype=float).reshape(2, 2)
        prob = np.prod(np.where(mask == 1, p, 1 - p))
        r = y - (mask * X) @ w
        total += prob * float(r @ r)
    outcomes = [(np.array(b, dtype=float).reshape(2, 2),
                 float(np.prod([p if v else 1 - p for v in b])))
                for b in itertools.product((0, 1), repeat=4)]
    got = evaluate("E(sq(y - (R*X)@w))", {"X": X, "y": y, "w": w, "sq": lambda a: a @ a},
                   Expectation("R", outcomes))
    assert got == pytest.approx(total)
    # and the closed form by hand: ||y - pXw||^2 + p(1-p) sum_j ||X_j||^2 w_j^2
    closed = float(np.sum((y - p * X @ w) ** 2)) + p * (1 - p) * (10 * 4 + 5 * 1)
    assert got == pytest.approx(closed)


def test_expectation_restores_the_name_it_binds() -> None:
    # E(r) with r = 0 or 1 (probability 1/2 each) is 1/2; outside E, r keeps its value 7
    env = {"r": 7}
    assert evaluate("E(r) + r", env, Expectation("r", [(0, 0.5), (1, 0.5)])) == 7.5
    assert env == {"r": 7}
    # nested: E(E(r)) is still 1/2
    assert evaluate("E(E(r))", {}, Expectation("r", [(0, 0.5), (1, 0.5)])) == 0.5


@pytest.mark.parametrize("source", [
    "__import__('os').system('true')",
    "X.__class__",
    "(lambda: 1)()",
    "[1, 2]",
    "'text'",
    "True",
    "f(x=1)",
    "X if X else 1",
    "X < 1",
    "X[1.5]",
    "a.b",
])
def test_anything_outside_the_whitelist_is_rejected(source: str) -> None:
    with pytest.raises(ValueError):
        evaluate(source, {"X": np.eye(2), "f": abs, "a": 1})


@pytest.mark.parametrize(("source", "env", "error", "message"), [
    ("E(x)", {"x": 1}, ValueError, r"E\(\.\.\.\) needs a random variable"),
    ("1 +", {}, ValueError, "cannot parse"),
    ("y", {"x": 1}, ValueError, r"unknown name 'y'; known: \['x'\]"),
    ("x(2)", {"x": 1}, ValueError, "'x' is not a function"),
    (3, {}, TypeError, "expression must be a string"),
])
def test_errors_say_what_is_wrong(source: object, env: dict[str, object],
                                  error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        evaluate(source, env)  # type: ignore[arg-type]


def test_expectation_arguments() -> None:
    with pytest.raises(ValueError, match="E takes one argument, got 2"):
        evaluate("E(r, r)", {}, Expectation("r", [(1, 1.0)]))
    with pytest.raises(TypeError, match="expectation must be an Expectation"):
        evaluate("1", {}, [(1, 1.0)])  # type: ignore[arg-type]
