"""Every line of the Q4(a) derivation equals the exact dropout objective.

The oracle is written here, independently of hw5ref: the expectation over all 2**(n*d) masks,
each weighted by its probability.  A second oracle is a hand derivation for n = d = 1, and a
third is sympy with symbolic X, y, w and p.  The same checker is then shown to reject the
wrong lines the two model answers wrote, so a passing run means something.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

import numpy as np
import pytest
import sympy as sp

from hw5ref import derivations
from hw5ref.derivations import DROPOUT_DERIVATION, Step, evaluate

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
    """The checker: does this line's value equal the exact expectation?"""
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


def test_the_derivation_has_the_expected_shape() -> None:
    assert STEP_IDS[0] == "definition"
    assert STEP_IDS[-1] == "complete the square"
    assert len(set(STEP_IDS)) == len(STEP_IDS)
    assert all(s.reason.strip() and s.latex.strip() for s in DROPOUT_DERIVATION)


# ------------------------------------------------------------------ the checker bites
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
def test_the_checker_rejects_a_wrong_line(name: str) -> None:
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
    # is wrong.  The checker must tell the two apart.
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


# ------------------------------------------------------------------ sympy, fully symbolic
def _symbolic_expectation(of_mask: Callable[[sp.Matrix], object], n: int, d: int, p: sp.Symbol):  # type: ignore[no-untyped-def]
    """Sum of ``P(R) * of_mask(R)`` over every 0/1 mask R of shape (n, d); scalar or matrix."""
    terms = []
    for bits in itertools.product((0, 1), repeat=n * d):
        kept = sum(bits)
        terms.append(p**kept * (1 - p) ** (n * d - kept) * of_mask(sp.Matrix(n, d, bits)))
    total = terms[0]
    for term in terms[1:]:
        total = total + term
    return total


@pytest.mark.parametrize(("n", "d"), [(2, 2), (3, 2), (2, 3)])
def test_second_moment_identity_symbolically(n: int, d: int) -> None:
    # E[(R⊙X)^T (R⊙X)] = p^2 X^T X + p(1-p) diag(X^T X), entry by entry, for symbolic X and p.
    p = sp.Symbol("p")
    X = sp.Matrix(n, d, lambda i, j: sp.Symbol(f"x{i}{j}"))

    def gram_of_masked(R: sp.Matrix) -> sp.Matrix:
        M = R.multiply_elementwise(X)
        return M.T * M

    expected = _symbolic_expectation(gram_of_masked, n, d, p)
    gram = X.T * X
    claimed = p**2 * gram + p * (1 - p) * sp.diag(*[gram[j, j] for j in range(d)])
    assert sp.expand(expected - claimed) == sp.zeros(d, d)
    # and the checker bites: without the diagonal correction the identity fails
    assert sp.expand(expected - p**2 * gram) != sp.zeros(d, d)


def test_dropout_objective_identity_symbolically() -> None:
    # E||y - (R⊙X)w||^2 = ||y - pXw||^2 + p(1-p) sum_j ||X_j||^2 w_j^2 for symbolic X, y, w, p.
    n, d = 2, 2
    p = sp.Symbol("p")
    X = sp.Matrix(n, d, lambda i, j: sp.Symbol(f"x{i}{j}"))
    y = sp.Matrix(n, 1, lambda i, _: sp.Symbol(f"y{i}"))
    w = sp.Matrix(d, 1, lambda j, _: sp.Symbol(f"w{j}"))

    def loss(R: sp.Matrix) -> sp.Expr:
        r = y - R.multiply_elementwise(X) * w
        return (r.T * r)[0, 0]

    expected = _symbolic_expectation(loss, n, d, p)
    r = y - p * X * w
    closed = (r.T * r)[0, 0] + p * (1 - p) * sum(
        sum(X[i, j] ** 2 for i in range(n)) * w[j] ** 2 for j in range(d)
    )
    assert sp.expand(expected - closed) == 0


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
    X = np.ones((4, 5))  # 20 entries > MAX_MASK_ENTRIES
    assert X.size > derivations.MAX_MASK_ENTRIES
    with pytest.raises(ValueError, match="enumerating masks"):
        evaluate(DROPOUT_DERIVATION[0], X, np.ones(4), np.ones(5), 0.5)
    # closed-form lines still work at that size: ||1 - 0.5*5||^2 * 4 + 0.25 * 4 * 5 = 9 + 5
    assert evaluate(STEP, X, np.ones(4), np.ones(5), 0.5) == pytest.approx(14.0)


def test_evaluate_all_returns_one_value_per_line() -> None:
    values = derivations.evaluate_all([[2.0]], [3.0], [-1.0], 0.25)
    assert values == pytest.approx([13.0] * len(DROPOUT_DERIVATION))
