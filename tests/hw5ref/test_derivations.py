"""hw5ref.derivations: every line of the Q4(a) derivation equals the exact dropout objective, and
Gaussian elimination in exact fractions.

Oracles, all independent of hw5ref: the expectation over all 2**(n*d) masks written out here,
a hand derivation for n = d = 1, and sympy with symbolic X, y, w and p evaluated at rational
points.  The same comparison is shown to reject the wrong lines the two model answers wrote,
so a passing run means something.  Elimination is checked against sympy's exact solve and by
replaying the recorded row operations on the original system.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from hw5ref import derivations
from hw5ref.derivations import DROPOUT_DERIVATION, Step, eliminate, evaluate

STEP_IDS = [s.label for s in DROPOUT_DERIVATION]


def exact_expectation(X: np.ndarray, y: np.ndarray, w: np.ndarray, p: float) -> float:
    """E_R ||y - (R*X) w||^2 by summing over every mask (the oracle)."""
    total = 0.0
    for bits in itertools.product((0, 1), repeat=X.size):
        R = np.array(bits, dtype=float).reshape(X.shape)
        prob = p ** R.sum() * (1 - p) ** (R.size - R.sum())
        r = y - (R * X) @ w
        total += prob * float(r @ r)
    return total


def line_matches(step: Step, X: np.ndarray, y: np.ndarray, w: np.ndarray, p: float) -> bool:
    """The comparison: does this line's value equal the exact expectation?"""
    exact = exact_expectation(X, y, w, p)
    return bool(np.isclose(evaluate(step, X, y, w, p), exact, rtol=1e-10, atol=1e-10))


def random_instance(seed: int, n: int, d: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    y = rng.normal(size=n)
    w = rng.normal(size=d)
    p = float(rng.uniform(0.05, 0.95))
    return X, y, w, p


# (seed, n, d): shapes with n > d, n < d, n = d and single rows/columns; at most 9 entries.
CASES = [(0, 1, 1), (1, 1, 3), (2, 3, 1), (3, 2, 2), (4, 3, 2), (5, 2, 3), (6, 3, 3)]


@pytest.mark.parametrize("case", CASES, ids=[f"seed{s}-{n}x{d}" for s, n, d in CASES])
@pytest.mark.parametrize("step", DROPOUT_DERIVATION, ids=STEP_IDS)
def test_every_line_equals_the_exact_expectation(step: Step, case: tuple[int, int, int]) -> None:
    X, y, w, p = random_instance(*case)
    assert line_matches(step, X, y, w, p)


@pytest.mark.parametrize("p", [1.0, 0.5, 1e-3])
@pytest.mark.parametrize("step", DROPOUT_DERIVATION, ids=STEP_IDS)
def test_every_line_at_boundary_keep_probabilities(step: Step, p: float) -> None:
    X, y, w, _ = random_instance(7, 2, 2)
    assert line_matches(step, X, y, w, p)


@pytest.mark.parametrize("step", DROPOUT_DERIVATION, ids=STEP_IDS)
def test_every_line_on_a_hand_derived_scalar_case(step: Step) -> None:
    # n = d = 1, X = [[a]], y = [b], w = [c]: with probability p the prediction is a*c
    # (loss (b - a c)^2), otherwise 0 (loss b^2).  a=2, b=3, c=-1, p=0.25:
    # 0.25 * 25 + 0.75 * 9 = 13.0
    assert evaluate(step, [[2.0]], [3.0], [-1.0], 0.25) == pytest.approx(13.0, rel=1e-12)


def test_evaluate_all_returns_one_value_per_line() -> None:
    values = derivations.evaluate_all([[2.0]], [3.0], [-1.0], 0.25)
    assert values == pytest.approx([13.0] * len(DROPOUT_DERIVATION))


# ------------------------------------------------------------------ sympy, fully symbolic
@functools.cache
def symbolic_objective(n: int, d: int) -> tuple[sp.Expr, tuple[sp.Symbol, ...]]:
    """E_R ||y - (R⊙X)w||^2 as a polynomial in symbolic X, y, w, p (sum over every mask)."""
    p = sp.Symbol("p")
    X = sp.Matrix(n, d, lambda i, j: sp.Symbol(f"x{i}{j}"))
    y = sp.Matrix(n, 1, lambda i, _: sp.Symbol(f"y{i}"))
    w = sp.Matrix(d, 1, lambda j, _: sp.Symbol(f"w{j}"))
    total = sp.Integer(0)
    for bits in itertools.product((0, 1), repeat=n * d):
        kept = sum(bits)
        r = y - sp.Matrix(n, d, bits).multiply_elementwise(X) * w
        total += p**kept * (1 - p) ** (n * d - kept) * (r.T * r)[0, 0]
    return sp.expand(total), (p, *X, *y, *w)


@pytest.mark.parametrize(("n", "d", "seed"), [(2, 2, 0), (1, 3, 1), (3, 1, 2)])
def test_every_line_equals_the_symbolic_expectation_at_rational_points(
    n: int, d: int, seed: int
) -> None:
    objective, symbols = symbolic_objective(n, d)
    rng = np.random.default_rng(seed)
    p = sp.Rational(int(rng.integers(1, 10)), 10)
    ints = [int(v) for v in rng.integers(-4, 5, n * d + n + d)]
    exact = objective.subs(dict(zip(symbols, [p, *ints], strict=True)))
    X = np.array(ints[: n * d], dtype=float).reshape(n, d)
    y = np.array(ints[n * d : n * d + n], dtype=float)
    w = np.array(ints[n * d + n :], dtype=float)
    for step in DROPOUT_DERIVATION:
        got = evaluate(step, X, y, w, float(p))
        assert got == pytest.approx(float(exact), rel=1e-12, abs=1e-12), step.label


# ------------------------------------------------------------------ the comparison bites
def _step(latex: str, fn: Callable[..., float]) -> Step:
    return Step("wrong", "deliberately wrong line", latex, fn)


def _norms(X: np.ndarray) -> np.ndarray:
    return np.sqrt(np.sum(X * X, axis=0))


# Claude, step 5: the cross term lost its factor p.
CLAUDE_STEP5 = _step(
    r"y^\top y-2\,y^\top X\tilde w+\tilde w^\top(p^2X^\top X+p(1-p)\tilde\Gamma^2)\tilde w",
    lambda X, y, w, p: float(
        y @ y
        - 2 * (y @ X @ w)
        + p**2 * (w @ X.T @ X @ w)
        + p * (1 - p) * np.sum((_norms(X) * w) ** 2)
    ),
)
# Claude, step 6: p^2 ||y - Xw||^2 + p(1-p)||Γ̃w||^2 + const, with the constant its regrouping
# implies, (1 - p^2)||y||^2.
CLAUDE_STEP6 = _step(
    r"p^2\lVert y-X\tilde w\rVert^2+p(1-p)\lVert\tilde\Gamma\tilde w\rVert^2"
    r"+(1-p^2)\lVert y\rVert^2",
    lambda X, y, w, p: float(
        p**2 * np.sum((y - X @ w) ** 2)
        + p * (1 - p) * np.sum((_norms(X) * w) ** 2)
        + (1 - p**2) * (y @ y)
    ),
)
# Claude, step 4's "therefore": E[R_ij R_ik] = p^2 for every j, k (no diagonal correction).
P_SQUARED_EVERYWHERE = _step(
    r"y^\top y-2p\,y^\top X\tilde w+p^2\tilde w^\top X^\top X\tilde w",
    lambda X, y, w, p: float(y @ y - 2 * p * (y @ X @ w) + p**2 * (w @ X.T @ X @ w)),
)
# Gemini: Γ̃_jj = ||X_j||^2 (squared norm) inside ||Γ̃ w||^2.
GEMINI_SQUARED_NORMS = _step(
    r"\lVert y-pX\tilde w\rVert^2"
    r"+p(1-p)\lVert\operatorname{diag}(\lVert X_{:,j}\rVert^2)\tilde w\rVert^2",
    lambda X, y, w, p: float(
        np.sum((y - p * X @ w) ** 2) + p * (1 - p) * np.sum((_norms(X) ** 2 * w) ** 2)
    ),
)
WRONG_LINES = {
    "claude-step5-missing-p": CLAUDE_STEP5,
    "claude-step6-regrouped": CLAUDE_STEP6,
    "p-squared-on-the-diagonal": P_SQUARED_EVERYWHERE,
    "gemini-squared-norms": GEMINI_SQUARED_NORMS,
}


@pytest.mark.parametrize("name", list(WRONG_LINES))
def test_the_comparison_rejects_a_wrong_line(name: str) -> None:
    for case in CASES:
        X, y, w, p = random_instance(*case)
        assert not line_matches(WRONG_LINES[name], X, y, w, p), (name, case)


def test_claude_step6_is_wrong_for_every_constant() -> None:
    # "+ const" cannot rescue step 6: its difference from the true objective depends on w.
    X, y, _, p = random_instance(11, 3, 2)
    diffs = []
    for w in (np.zeros(2), np.array([1.0, 0.0]), np.array([0.0, -2.0])):
        diffs.append(evaluate(CLAUDE_STEP6, X, y, w, p) - exact_expectation(X, y, w, p))
    assert np.ptp(diffs) > 1e-3


def test_gemini_lines_cancel_when_the_squared_norm_enters_linearly() -> None:
    # Gemini's w^T Γ̃ w with Γ̃ = diag(squared norms) is right; only ||Γ̃ w||^2 with the same Γ̃
    # is wrong.  The comparison must tell the two apart.
    linear = _step(
        r"\lVert y-pX\tilde w\rVert^2"
        r"+p(1-p)\tilde w^\top\operatorname{diag}(\lVert X_{:,j}\rVert^2)\tilde w",
        lambda X, y, w, p: float(
            np.sum((y - p * X @ w) ** 2) + p * (1 - p) * np.sum(_norms(X) ** 2 * w**2)
        ),
    )
    X, y, w, p = random_instance(12, 2, 3)
    assert line_matches(linear, X, y, w, p)
    assert not line_matches(GEMINI_SQUARED_NORMS, X, y, w, p)


# ------------------------------------------------------------------ argument validation
STEP = DROPOUT_DERIVATION[-1]


def test_evaluate_rejects_a_non_step() -> None:
    with pytest.raises(TypeError, match="step must be"):
        evaluate("complete the square", [[1.0]], [1.0], [1.0], 0.5)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("X", "y", "w", "p", "exc", "match"),
    [
        ([[1.0, 2.0]], [1.0, 2.0], [1.0, 1.0], 0.5, ValueError, "y must have one entry per row"),
        ([[1.0, 2.0]], [1.0], [1.0], 0.5, ValueError, "w must have one entry per column"),
        ([1.0, 2.0], [1.0], [1.0], 0.5, ValueError, "X must be 2-D"),
        ([[1.0]], [1.0], [1.0], 0.0, ValueError, "keep probability"),
        ([[1.0]], [1.0], [1.0], 1.5, ValueError, "keep probability"),
        ([[1.0]], [1.0], [1.0], "0.5", TypeError, "p must be a real number"),
        ([["a"]], [1.0], [1.0], 0.5, TypeError, "X must contain real numbers"),
        ([[np.nan]], [1.0], [1.0], 0.5, ValueError, "finite"),
    ],
)
def test_evaluate_validates_its_arguments(X, y, w, p, exc, match) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(exc, match=match):
        evaluate(STEP, X, y, w, p)


def test_lines_with_an_expectation_refuse_large_inputs() -> None:
    X = np.ones((4, 5))  # 20 entries: 2**20 masks, above the limit of 16 entries
    with pytest.raises(ValueError, match=r"^X has 20 entries"):
        evaluate(DROPOUT_DERIVATION[0], X, np.ones(4), np.ones(5), 0.5)
    # closed-form lines still work at that size: ||1 - 0.5*5||^2 * 4 + 0.25 * 4 * 5 = 9 + 5
    assert evaluate(STEP, X, np.ones(4), np.ones(5), 0.5) == pytest.approx(14.0)


# ------------------------------------------------------------------ eliminate
def replay(A: list[list[object]], y: list[object],
           operations: tuple[tuple[int, Fraction | None, int], ...]) -> list[list[Fraction]]:
    """Apply the recorded row operations (rows counted from 1) to the augmented system."""
    rows = [[Fraction(str(v)) for v in (*row, rhs)] for row, rhs in zip(A, y, strict=True)]
    for i, factor, j in operations:
        if factor is None:
            rows[i - 1], rows[j - 1] = rows[j - 1], rows[i - 1]
        else:
            rows[i - 1] = [a - factor * b for a, b in zip(rows[i - 1], rows[j - 1], strict=True)]
    return rows


def test_eliminate_q1b_by_hand() -> None:
    # Windows of x = [1, 4, 0, -2, 3] against y = [-2, 2, 11]:
    #   R2 - 4 R1: [4, 0, -2 | 2] - 4 [1, 4, 0 | -2] = [0, -16, -2 | 10]
    #   R3 already has a 0 in column 1 (no operation);
    #   R3 - (1/8) R2 (factor -2 / -16): [0, -2, 3 | 11] - [0, -2, -1/4 | 5/4] = [0, 0, 13/4 | 39/4]
    # Back substitution: w3 = 39/13 = 3, w2 = (10 + 2*3) / -16 = -1, w1 = -2 - 4*(-1) = 2.
    e = eliminate([[1, 4, 0], [4, 0, -2], [0, -2, 3]], [-2, 2, 11])
    assert e.operations == ((2, Fraction(4), 1), (3, Fraction(1, 8), 2))
    assert e.rows == (
        (1, 4, 0, -2),
        (0, -16, -2, 10),
        (0, 0, Fraction(13, 4), Fraction(39, 4)),
    )
    assert e.solution == (2, -1, 3)


def test_eliminate_swaps_rows_for_a_zero_pivot() -> None:
    # [[0, 1], [1, 1]] w = [2, 3]: swap rows 1 and 2 -> [[1, 1 | 3], [0, 1 | 2]]: w = (1, 2).
    e = eliminate([[0, 1], [1, 1]], [2, 3])
    assert e.operations == ((1, None, 2),)
    assert e.rows == ((1, 1, 3), (0, 1, 2))
    assert e.solution == (1, 2)


def test_eliminate_keeps_short_decimals_exact() -> None:
    # 0.1 w = 0.3 -> w = 3 exactly (in floating point 0.3 / 0.1 = 2.9999999999999996).
    assert eliminate([[0.1]], [0.3]).solution == (3,)


@pytest.mark.parametrize(("A", "y", "exc", "match"), [
    ([[1, 2], [2, 4]], [1, 2], ValueError, "singular"),
    ([[0, 0], [0, 0]], [0, 0], ValueError, "singular"),
    ([[1, 2, 3], [4, 5, 6]], [1, 2], ValueError, "square"),
    ([[1, 2], [3, 4]], [1, 2, 3], ValueError, "square"),
    ([1, 2], [1, 2], ValueError, "A must be 2-D"),
    ([[1.0, np.inf], [0, 1]], [1, 2], ValueError, "A must contain only finite"),
    ([[1, 0], [0, 1]], "12", TypeError, "y must be an array"),
])
def test_eliminate_rejects_bad_systems(A: object, y: object, exc: type[Exception],
                                       match: str) -> None:
    with pytest.raises(exc, match=match):
        eliminate(A, y)


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 4).flatmap(lambda n: st.tuples(
    st.lists(st.lists(st.integers(-5, 5), min_size=n, max_size=n), min_size=n, max_size=n),
    st.lists(st.integers(-9, 9), min_size=n, max_size=n))))
def test_eliminate_matches_sympy_and_its_operations_replay(
    system: tuple[list[list[int]], list[int]],
) -> None:
    A, y = system
    matrix = sp.Matrix(A)
    if matrix.det() == 0:
        with pytest.raises(ValueError, match="singular"):
            eliminate(A, y)
        return
    e = eliminate(A, y)
    exact = matrix.LUsolve(sp.Matrix(y))
    assert [sp.Rational(v.numerator, v.denominator) for v in e.solution] == list(exact)
    n = len(A)
    # the operations, replayed on the original system, give the recorded rows...
    assert replay(A, y, e.operations) == [list(r) for r in e.rows]
    # ...which are upper triangular with non-zero pivots
    assert all(e.rows[i][j] == 0 for i in range(n) for j in range(i))
    assert all(e.rows[i][i] != 0 for i in range(n))


# ------------------------------------------------------------------ hostile input
def test_eliminate_refuses_systems_beyond_20_unknowns() -> None:
    # Exact fractions grow with each step: 32 unknowns of arbitrary floats took seconds, and
    # the solution's numerators ran past Python's 4,300-digit string limit.
    assert derivations.MAX_ELIMINATION_SIZE == 20
    assert eliminate(np.eye(20), np.arange(20.0)).solution == tuple(Fraction(i) for i in range(20))
    with pytest.raises(ValueError, match=r"^A is too large: exact elimination is limited to 20"):
        eliminate(np.eye(21), np.ones(21))


@pytest.mark.parametrize("step", DROPOUT_DERIVATION[-3:], ids=STEP_IDS[-3:])
def test_a_line_that_overflows_is_a_value_error(step: Step) -> None:
    with pytest.raises(ValueError, match=r"^X, y and w are too large: the value of line"):
        evaluate(step, [[1e200]], [1.0], [1e200], 0.5)


def test_a_line_with_absurd_matrices_is_refused_up_front() -> None:
    # d = 100,000 columns: the (d, d) matrices of the closed-form lines would need 80 GB
    with pytest.raises(ValueError, match=r"^X has too many columns: a line's \(100000, 100000\)"):
        evaluate(DROPOUT_DERIVATION[-1], np.ones((1, 10**5)), [1.0], np.ones(10**5), 0.5)
