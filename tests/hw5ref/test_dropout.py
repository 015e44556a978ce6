"""hw5ref.dropout against exact enumeration of masks, Monte Carlo, sympy and first-order
optimality conditions written out in this file."""

from __future__ import annotations

import functools
import itertools
import math

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from hw5ref import dropout

SETTINGS = settings(max_examples=120, deadline=None)

Q4_X = np.array([[1, 0, 2], [2, 3, 0], [2, 0, 1], [0, 4, 2]], dtype=float)
Q4_Y = np.array([1, 2, 0, -1], dtype=float)
Q4_W = np.array([1, -1, 2], dtype=float)


@functools.cache
def ints(shape: tuple[int, ...], lo: int = -4, hi: int = 4) -> st.SearchStrategy[np.ndarray]:
    return hnp.arrays(np.int64, shape, elements=st.integers(lo, hi)).map(lambda a: a.astype(float))


@st.composite
def regression(draw: st.DrawFn, max_entries: int = 6) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n = draw(st.integers(1, 3))
    d = draw(st.integers(1, max(1, max_entries // n)))
    return draw(ints((n, d))), draw(ints((n,))), draw(ints((d,)))


@functools.cache
def nonzero_ints(size: int) -> st.SearchStrategy[np.ndarray]:
    values = st.integers(-4, 4).filter(bool)
    return hnp.arrays(np.int64, (size,), elements=values).map(lambda a: a.astype(float))


keep_probability = st.floats(0.01, 1.0, allow_nan=False)


def brute_force_expectation(X: np.ndarray, y: np.ndarray, w: np.ndarray, p: float) -> float:
    """Sum over every 0/1 mask R of P(R) * ||y - (R*X) w||^2, written with plain loops."""
    n, d = X.shape
    total = 0.0
    for bits in itertools.product((0, 1), repeat=n * d):
        prob = 1.0
        loss = 0.0
        for i in range(n):
            pred = 0.0
            for j in range(d):
                keep = bits[i * d + j]
                prob *= p if keep else 1 - p
                pred += keep * X[i, j] * w[j]
            loss += (y[i] - pred) ** 2
        total += prob * loss
    return total


def column_norms_by_loop(X: np.ndarray) -> np.ndarray:
    return np.array([math.sqrt(sum(v * v for v in X[:, j])) for j in range(X.shape[1])])


# ------------------------------------------------------------------ Q4(a): the expectation


@SETTINGS
@given(regression(), keep_probability)
def test_expected_loss_equals_exact_enumeration(case: tuple, p: float) -> None:
    X, y, w = case
    exact = brute_force_expectation(X, y, w, p)
    assert dropout.expected_loss(X, y, w, p) == pytest.approx(exact, rel=1e-9, abs=1e-9)
    assert dropout.enumerate_expected_loss(X, y, w, p) == pytest.approx(exact, rel=1e-9, abs=1e-9)


@pytest.mark.parametrize(
    ("X", "y", "w", "p", "seed"),
    [
        (Q4_X, Q4_Y, Q4_W, 0.8, 0),
        (Q4_X, Q4_Y, Q4_W, 0.3, 1),
        ([[1.0, -2.0], [0.5, 3.0]], [1.0, -1.0], [2.0, 1.0], 0.5, 2),
        ([[2.0]], [1.0], [1.5], 0.9, 3),
    ],
)
def test_expected_loss_within_4_standard_errors_of_monte_carlo(
    X: np.ndarray, y: np.ndarray, w: np.ndarray, p: float, seed: int
) -> None:
    est = dropout.monte_carlo_loss(X, y, w, p, samples=20_000, rng=np.random.default_rng(seed))
    assert est.samples == 20_000
    assert est.stderr > 0
    assert abs(est.mean - dropout.expected_loss(X, y, w, p)) < 4 * est.stderr


def test_monte_carlo_standard_error_by_hand() -> None:
    # X = [[1]], y = [1], w = [1]: the loss is 0 (kept, prob p) or 1 (dropped): a Bernoulli(1-p)
    # variable with variance p(1-p), so stderr ~ sqrt(p(1-p)/samples) = sqrt(0.25/10000) = 0.005.
    est = dropout.monte_carlo_loss([[1.0]], [1.0], [1.0], 0.5, 10_000, np.random.default_rng(7))
    assert est.stderr == pytest.approx(0.005, rel=0.05)
    assert abs(est.mean - 0.5) < 4 * 0.005


def test_q4a_identity_symbolically() -> None:
    # 2x2 symbolic X: average the squared error over all 16 masks with their probabilities and
    # compare with ||y - pXw||^2 + p(1-p) sum_j ||X[:, j]||^2 w_j^2.
    p = sp.Symbol("p")
    X = sp.Matrix(2, 2, sp.symbols("x11 x12 x21 x22"))
    y = sp.Matrix(sp.symbols("y1 y2"))
    w = sp.Matrix(sp.symbols("w1 w2"))
    expectation = sp.Integer(0)
    for bits in itertools.product((0, 1), repeat=4):
        R = sp.Matrix(2, 2, bits)
        prob = sp.Mul(*[p if b else 1 - p for b in bits])
        r = y - R.multiply_elementwise(X) * w
        expectation += prob * (r.T * r)[0, 0]
    fit = y - p * X * w
    penalty = sum((X[0, j] ** 2 + X[1, j] ** 2) * w[j] ** 2 for j in range(2))
    closed_form = (fit.T * fit)[0, 0] + p * (1 - p) * penalty
    assert sp.expand(expectation - closed_form) == 0
    # ...and hw5ref evaluates that same expression at a rational point.
    point = {
        p: sp.Rational(3, 4),
        **dict(zip(X, [1, -2, 3, 5], strict=True)),
        **dict(zip(y, [2, -1], strict=True)),
        **dict(zip(w, [1, 3], strict=True)),
    }
    exact = float(closed_form.subs(point))
    got = dropout.expected_loss([[1, -2], [3, 5]], [2, -1], [1, 3], 0.75)
    assert got == pytest.approx(exact, rel=1e-14)


def test_q4_instance_by_hand() -> None:
    # Column norms: sqrt(1+4+4+0) = 3, sqrt(0+9+0+16) = 5, sqrt(4+0+1+4) = 3.
    assert dropout.column_norms(Q4_X).tolist() == [3.0, 5.0, 3.0]
    assert dropout.tikhonov_gamma(Q4_X).tolist() == [[3, 0, 0], [0, 5, 0], [0, 0, 3]]
    # Xw = (1-0+4, 2-3+0, 2-0+2, 0-4+4) = (5, -1, 4, 0); 0.8 Xw = (4, -0.8, 3.2, 0);
    # y - 0.8 Xw = (-3, 2.8, -3.2, -1); squares 9 + 7.84 + 10.24 + 1 = 28.08.
    # Penalty: 0.8*0.2 * ((3*1)^2 + (5*-1)^2 + (3*2)^2) = 0.16 * (9 + 25 + 36) = 11.2.
    assert dropout.expected_loss(Q4_X, Q4_Y, Q4_W, 0.8) == pytest.approx(28.08 + 11.2, rel=1e-12)


def test_masked_loss_by_hand() -> None:
    # Mask keeps X[0,0] and X[1,1] of [[1,2],[3,4]], w = [1,1]: predictions (1, 4);
    # y = (0, 0): 1 + 16 = 17.
    assert dropout.masked_loss([[1, 2], [3, 4]], [0, 0], [1, 1], [[1, 0], [0, 1]]) == 17.0


# ------------------------------------------------------------------ Q4(b): rescaling


def test_inference_weights_by_hand() -> None:
    # w = p w~: 0.8 * (1, -1, 2) = (0.8, -0.8, 1.6)
    np.testing.assert_allclose(dropout.inference_weights(Q4_W, 0.8), [0.8, -0.8, 1.6], rtol=1e-15)


@st.composite
def full_column_data(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray]:
    n, d = draw(st.integers(1, 5)), draw(st.integers(1, 3))
    X = draw(ints((n, d)))
    # No zero column (the dropout penalty is then positive definite): patch any zero column.
    X[0, ~np.any(X != 0, axis=0)] = draw(st.sampled_from([-2.0, 1.0, 3.0]))
    return X, draw(ints((n,)))


@SETTINGS
@given(full_column_data(), st.floats(0.05, 0.95), ints((3,)))
def test_dropout_minimizer_rescales_to_the_tikhonov_solution(
    data: tuple[np.ndarray, np.ndarray], p: float, probe: np.ndarray
) -> None:
    X, y = data
    norms2 = column_norms_by_loop(X) ** 2
    w_tilde = dropout.dropout_minimizer(X, y, p)
    # Gradient of ||y - pXw~||^2 + p(1-p) sum_j norms2_j w~_j^2 vanishes at the minimizer.
    grad_dropout = -2 * p * X.T @ (y - p * X @ w_tilde) + 2 * p * (1 - p) * norms2 * w_tilde
    scale = 1 + np.abs(X).sum() ** 2 * (1 + np.abs(w_tilde).max()) + np.abs(X.T @ y).max()
    assert np.abs(grad_dropout).max() < 1e-9 * scale
    # Gamma = sqrt((1-p)/p) diag(norms); gradient of ||y - Xw||^2 + ||Gamma w||^2 at w = p w~.
    gamma = np.sqrt((1 - p) / p) * np.diag(np.sqrt(norms2))
    np.testing.assert_allclose(dropout.equivalent_gamma(X, p), gamma, rtol=1e-12, atol=1e-12)
    w = dropout.tikhonov_solution(X, y, dropout.equivalent_gamma(X, p))
    grad_tikhonov = -2 * X.T @ (y - X @ w) + 2 * gamma.T @ gamma @ w
    assert np.abs(grad_tikhonov).max() < 1e-9 * scale
    np.testing.assert_allclose(p * w_tilde, w, rtol=1e-7, atol=1e-9)
    # The objectives agree pointwise, not just at the minimum.
    v = probe[: X.shape[1]]
    assert dropout.expected_loss(X, y, v, p) == pytest.approx(
        dropout.tikhonov_loss(X, y, p * v, gamma), rel=1e-9, abs=1e-9
    )


def test_equivalent_gamma_by_hand() -> None:
    # p = 0.8: sqrt(0.2/0.8) = sqrt(1/4) = 1/2, so Gamma = diag(3, 5, 3)/2 = diag(1.5, 2.5, 1.5).
    np.testing.assert_allclose(
        dropout.equivalent_gamma(Q4_X, 0.8), np.diag([1.5, 2.5, 1.5]), rtol=1e-12
    )
    # p = 1 (no dropout): Gamma = 0 and the Tikhonov solution is least squares.
    X = np.array([[1.0, 0.0], [1.0, 1.0], [0.0, 2.0]])
    y = np.array([1.0, 2.0, 2.0])
    assert not dropout.equivalent_gamma(X, 1.0).any()
    # Normal equations by hand: X^T X = [[2, 1], [1, 5]], X^T y = [3, 6];
    # det = 10 - 1 = 9, w = [[5, -1], [-1, 2]] [3, 6] / 9 = [9, 9] / 9 = [1, 1].
    np.testing.assert_allclose(
        dropout.tikhonov_solution(X, y, dropout.equivalent_gamma(X, 1.0)), [1.0, 1.0], rtol=1e-12
    )


def test_singular_systems_name_the_argument() -> None:
    X = [[1.0, 0.0], [2.0, 0.0]]  # second column is zero: nothing determines w_2
    with pytest.raises(ValueError, match=r"^X\b"):
        dropout.dropout_minimizer(X, [1.0, 1.0], 0.5)
    with pytest.raises(ValueError, match=r"^gamma\b"):
        dropout.tikhonov_solution(X, [1.0, 1.0], np.zeros((2, 2)))
    # A singular gamma is fine for the loss itself: ||y - Xw||^2 + 0 = (1-1)^2 + (1-2)^2 = 1.
    assert dropout.tikhonov_loss(X, [1.0, 1.0], [1.0, 5.0], np.zeros((2, 2))) == 1.0


# ------------------------------------------------------------------ Q4(c)-(d): ridge form


@SETTINGS
@given(st.data(), st.integers(1, 4), st.integers(1, 3))
def test_to_ridge_change_of_variables(data: st.DataObject, n: int, d: int) -> None:
    X, y, w = data.draw(ints((n, d))), data.draw(ints((n,))), data.draw(ints((d,)))
    # Invertible by construction: unit lower-triangular times upper-triangular with a non-zero
    # diagonal (det = product of that diagonal).
    lower = np.tril(data.draw(ints((d, d))), -1) + np.eye(d)
    upper = np.triu(data.draw(ints((d, d))), 1) + np.diag(data.draw(nonzero_ints(d)))
    gamma = lower @ upper
    x_ridge = dropout.to_ridge(X, gamma)
    np.testing.assert_allclose(x_ridge @ gamma, X, rtol=1e-9, atol=1e-9)
    w_ridge = gamma @ w
    lhs = float(np.sum((y - X @ w) ** 2) + np.sum((gamma @ w) ** 2))
    rhs = float(np.sum((y - x_ridge @ w_ridge) ** 2) + np.sum(w_ridge**2))
    assert rhs == pytest.approx(lhs, rel=1e-9, abs=1e-9)
    assert dropout.tikhonov_loss(X, y, w, gamma) == pytest.approx(lhs, rel=1e-12, abs=1e-12)


@SETTINGS
@given(full_column_data(), st.floats(0.05, 0.95))
def test_ridge_columns_have_equal_norms(data: tuple[np.ndarray, np.ndarray], p: float) -> None:
    X, _ = data
    # Q4(d): dividing column j by c * ||X[:, j]|| leaves every column with norm 1/c.
    unit = dropout.to_ridge(X, dropout.tikhonov_gamma(X))
    np.testing.assert_allclose(column_norms_by_loop(unit), 1.0, rtol=1e-12)
    scaled = dropout.to_ridge(X, dropout.equivalent_gamma(X, p))
    np.testing.assert_allclose(column_norms_by_loop(scaled), math.sqrt(p / (1 - p)), rtol=1e-12)


def test_to_ridge_by_hand() -> None:
    # [[3, 0], [4, 1]] diag(5, 1)^-1 = [[3/5, 0], [4/5, 1]]; diagonal gamma divides exactly.
    assert dropout.to_ridge([[3, 0], [4, 1]], [[5, 0], [0, 1]]).tolist() == [[0.6, 0.0], [0.8, 1.0]]
    # Non-diagonal: X = I, gamma = [[1, 1], [0, 1]] -> X gamma^-1 = [[1, -1], [0, 1]].
    got = dropout.to_ridge(np.eye(2), [[1, 1], [0, 1]])
    np.testing.assert_allclose(got, [[1, -1], [0, 1]], atol=1e-15)


def test_enumeration_refuses_large_problems() -> None:
    # 4 x 5 = 20 entries would be 2**20 masks; the limit is 16 entries.
    with pytest.raises(ValueError, match=r"^X has 20 entries; enumeration is limited to 16"):
        dropout.enumerate_expected_loss(np.ones((4, 5)), np.ones(4), np.ones(5), 0.5)


# ------------------------------------------------------------------ masks


@pytest.mark.parametrize("shape", [(1,), (2,), (1, 3), (2, 2), (3, 2), (2, 2, 2)])
@pytest.mark.parametrize("p", [0.3, 0.5, 1.0])
def test_masks_are_every_0_1_array_once_with_bernoulli_probabilities(
    shape: tuple[int, ...], p: float
) -> None:
    size = math.prod(shape)
    listed = list(dropout.masks(shape, p))
    assert len(listed) == 2**size
    assert all(mask.shape == shape for mask, _ in listed)
    flat = np.array([mask.ravel() for mask, _ in listed])
    probs = np.array([prob for _, prob in listed])
    # each 0/1 pattern exactly once
    assert sorted(map(tuple, flat.tolist())) == sorted(itertools.product((0.0, 1.0), repeat=size))
    kept = flat.sum(axis=1)
    np.testing.assert_allclose(probs, p**kept * (1 - p) ** (size - kept), rtol=1e-12, atol=0)
    # the probabilities sum to (p + (1 - p))**size = 1
    assert math.fsum(probs) == pytest.approx(1.0, rel=1e-12)


def test_masks_give_the_bernoulli_moments() -> None:
    # E[R_ij] = p, E[R_ij R_kl] = p^2 for two different entries and p for the same entry.
    p = 0.3
    listed = list(dropout.masks((2, 2), p))
    first = sum(prob * mask for mask, prob in listed)
    np.testing.assert_allclose(first, np.full((2, 2), p), rtol=1e-12)
    second = sum(prob * np.outer(mask.ravel(), mask.ravel()) for mask, prob in listed)
    np.testing.assert_allclose(second, np.where(np.eye(4) == 1, p, p * p), rtol=1e-12)


def test_masks_refuse_more_than_16_entries() -> None:
    # 16 entries are allowed (the first of the 2**16 masks drops everything: 0.5**16)...
    first, prob = next(dropout.masks((4, 4), 0.5))
    assert not first.any() and prob == 2.0**-16
    # ...17 are not, and the error comes from the call itself, before any mask is drawn
    with pytest.raises(ValueError, match=r"^shape has 17 entries"):
        dropout.masks((17,), 0.5)
    with pytest.raises(ValueError, match=r"^shape has 20 entries"):
        dropout.masks((4, 5), 0.5)


# ------------------------------------------------------------------ hostile input
def test_an_overflowing_normal_matrix_is_a_value_error_without_lapack_noise(
    capfd: pytest.CaptureFixture[str],
) -> None:
    # X^T X = 1e320 overflows. This used to reach LAPACK as inf: LinAlgError "SVD did not
    # converge", with RuntimeWarnings (and, on some builds, LAPACK's own messages) on stderr.
    with pytest.raises(ValueError, match=r"^X is too large: .* overflows float64"):
        dropout.dropout_minimizer([[1e160]], [1.0], 1.0)
    with pytest.raises(ValueError, match=r"^X and gamma are too large: .* overflows float64"):
        dropout.tikhonov_solution([[1e160]], [1.0], [[1.0]])
    with pytest.raises(ValueError, match=r"^X and y are too large: .* overflows float64"):
        dropout.tikhonov_solution([[1e150]], [1e300], [[1.0]])
    assert capfd.readouterr().err == ""  # file-descriptor level: nothing from numpy or LAPACK


def test_an_overflowing_loss_is_a_value_error_not_inf() -> None:
    # ||y - pXw||^2 = (0.5 * 1e200)^2 = 2.5e399: beyond float64 (it used to return inf)
    with pytest.raises(ValueError, match=r"^X, y and w are too large: the expected loss"):
        dropout.expected_loss([[1e100]], [0.0], [1e100], 0.5)


def test_equivalent_gamma_for_a_tiny_p_is_finite() -> None:
    # sqrt((1-p)/p) overflowed for p = 1e-310 and inf * 0 filled the off-diagonal with NaN;
    # sqrt(1-p)/sqrt(p) = 1/sqrt(1e-310) is about 1e155 (p is subnormal: a few digits only).
    gamma = dropout.equivalent_gamma([[1.0, 2.0]], 1e-310)
    assert gamma[0, 1] == gamma[1, 0] == 0.0
    np.testing.assert_allclose(np.diag(gamma), [1e155, 2e155], rtol=1e-10)
    with pytest.raises(ValueError, match=r"^X is too large: .* overflows float64"):
        dropout.equivalent_gamma([[1e200, 2.0]], 1e-310)  # 1e355: beyond float64 itself


@SETTINGS
@given(ints((3, 2)), st.integers(-1000, 1000))
def test_column_norms_are_exact_at_any_scale(X: np.ndarray, power: int) -> None:
    # Scaling X by a power of two scales the norms exactly; X * X used to overflow (2**1000)
    # or underflow (2**-1000) on the way.
    assert np.array_equal(dropout.column_norms(X * 2.0**power),
                          dropout.column_norms(X) * 2.0**power)


def test_monte_carlo_refuses_absurd_sample_counts_up_front() -> None:
    rng = np.random.default_rng(0)
    # 10**9 masks used to allocate 7.5 GiB (MemoryError, or swapping)
    with pytest.raises(ValueError, match=r"^samples must be at most 10,000,000, got"):
        dropout.monte_carlo_loss([[1.0]], [1.0], [1.0], 0.5, 10**9, rng)
    # 10,000 masks of 100 x 100: 10**8 entries
    with pytest.raises(ValueError, match=r"^samples is too large: the 10,000 masks"):
        dropout.monte_carlo_loss(np.ones((100, 100)), np.ones(100), np.ones(100), 0.5, 10**4, rng)
    assert dropout.monte_carlo_loss([[1.0]], [1.0], [1.0], 0.5, 10, rng).samples == 10
    with pytest.raises(ValueError, match=r"^X, y and w are too large: the sampled loss"):
        dropout.monte_carlo_loss([[1e200]], [1.0], [1e200], 0.5, 10, rng)
