"""Dropout on linear regression viewed as Tikhonov regularization (HW5 Q4).

Setup: data ``X`` of shape (n, d), targets ``y`` of shape (n,), weights ``w`` of shape (d,).
Dropout draws a mask ``R`` of shape (n, d) with independent entries ``R_ij ~ Bernoulli(p)``
(``p`` is the *keep* probability) and predicts ``(R ⊙ X) w``.  Averaging the squared error
over masks gives the closed form (Q4(a))

    E_R ||y - (R ⊙ X) w||²  =  ||y - p X w||²  +  p (1 - p) ||Γ̃ w||²,
    Γ̃ = diag(||X[:, 0]||, ..., ||X[:, d-1]||).

With ``w = p w̃`` this is the generalized ridge objective ``||y - Xw||² + ||Γw||²`` with
``Γ = sqrt((1-p)/p) Γ̃`` (Q4(b)); substituting ``w' = Γw`` turns that into ordinary ridge
regression on ``X Γ⁻¹`` with λ = 1 (Q4(c)), whose columns all have the same norm (Q4(d)).

Argument errors raise ``TypeError``/``ValueError`` whose message starts with the argument's name.

Limits (``ValueError`` naming the argument, before anything is allocated): arrays of at most
10 million entries, read or created (a (d, d) matrix such as Γ̃ counts ``d*d``; the sampled
masks of :func:`monte_carlo_loss` ``samples*n*d``), at most 10**9 multiply-adds per call (a
(d, d) solve counts ``d**3``), at most 10 million Monte Carlo ``samples`` and 16 mask entries
to enumerate.  A loss, matrix or solution that overflows float64 is a ``ValueError`` naming
the arguments, checked before any LAPACK call, never a silent inf or NaN.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from hw5ref._validate import (
    FloatArray,
    check_entries,
    check_work,
    finite_result,
    integer,
    probability,
    real_array,
    regression_data,
)

__all__ = [
    "MonteCarloEstimate",
    "column_norms",
    "dropout_minimizer",
    "enumerate_expected_loss",
    "equivalent_gamma",
    "expected_loss",
    "inference_weights",
    "masked_loss",
    "masks",
    "monte_carlo_loss",
    "tikhonov_gamma",
    "tikhonov_loss",
    "tikhonov_solution",
    "to_ridge",
]


#: Largest number of mask entries :func:`masks` enumerates (2**16 masks).
MAX_MASK_ENTRIES = 16
#: Most masks :func:`monte_carlo_loss` draws in one call.
MAX_SAMPLES = 10_000_000


def masks(shape: tuple[int, ...], p: float) -> Iterator[tuple[FloatArray, float]]:
    """Every 0/1 dropout mask of ``shape`` with its probability ``p**kept * (1-p)**dropped``.

    Entries are independent Bernoulli(p) (``p`` is the keep probability); there are
    ``2**size`` masks, so ``size`` is limited to :data:`MAX_MASK_ENTRIES`.

    >>> [(m.tolist(), w) for m, w in masks((1, 2), 0.5)]
    [([[0.0, 0.0]], 0.25), ([[0.0, 1.0]], 0.25), ([[1.0, 0.0]], 0.25), ([[1.0, 1.0]], 0.25)]
    """
    # Validate now, not on the first next(): a generator function would defer these errors.
    if not isinstance(shape, tuple | list):
        raise TypeError(f"shape must be a tuple of integers, got {type(shape).__name__}")
    dims = tuple(integer(d, "shape", 1) for d in shape)
    p = probability(p)
    size = 1
    for d in dims:
        size *= d
    if size > MAX_MASK_ENTRIES:
        raise ValueError(
            f"shape has {size} entries; enumerating 2**{size} masks is limited to "
            f"{MAX_MASK_ENTRIES} entries"
        )
    return _masks(dims, size, p)


def _masks(shape: tuple[int, ...], size: int, p: float) -> Iterator[tuple[FloatArray, float]]:
    for bits in itertools.product((0.0, 1.0), repeat=size):
        mask = np.array(bits).reshape(shape)
        kept = int(mask.sum())
        yield mask, p**kept * (1 - p) ** (size - kept)


def _xy(X: Any, y: Any) -> tuple[FloatArray, FloatArray]:
    X = real_array(X, "X", ndim=2)
    y = real_array(y, "y", ndim=1)
    if y.shape[0] != X.shape[0]:
        raise ValueError(f"y must have one entry per row of X ({X.shape[0]}), got {y.shape[0]}")
    return X, y


def _square_cost(X: FloatArray, owner: str = "X") -> None:
    """Refuse a (d, d) matrix for X's d columns beyond MAX_ELEMENTS, or its products and solve
    (about n*d*d + d**3 multiply-adds) beyond MAX_WORK; ``owner`` is the argument to blame."""
    n, d = X.shape
    check_entries(d * d, f"{owner} has too many columns", f"a ({d}, {d}) matrix")
    check_work(n * d * d + d**3, f"{owner} is too large", f"the ({d}, {d}) normal equations")


def _solve_normal(lhs: FloatArray, rhs: FloatArray, blame: str, inputs: str) -> FloatArray:
    """Solve the (d, d) normal equations, both sides already checked finite (LAPACK must never
    see inf or NaN); a singular system is ``blame``'s fault, an overflowing solution that of
    ``inputs``."""
    if np.linalg.matrix_rank(lhs) < lhs.shape[0]:
        raise ValueError(
            f"{blame}: the normal equations are singular, so the minimizer is not unique"
        )
    with np.errstate(over="ignore", invalid="ignore"):
        out: FloatArray = np.asarray(np.linalg.solve(lhs, rhs), dtype=np.float64)
    return finite_result(out, f"{inputs} are", "the minimizer")


def column_norms(X: Any) -> FloatArray:
    """Euclidean norm of each column: ``c_j = ||X[:, j]||``; (n, d) -> (d,).

    >>> column_norms([[3, 0], [4, 1]]).tolist()
    [5.0, 1.0]
    """
    X = real_array(X, "X", ndim=2)
    # in units of a power of two near each column's largest entry: exact, and X*X cannot
    # overflow or underflow; only a norm beyond float64 itself is refused
    peak = np.max(np.abs(X), axis=0)
    unit = np.where(peak > 0, np.ldexp(1.0, np.frexp(peak)[1] - 1), 1.0)
    scaled = X / unit
    with np.errstate(over="ignore"):
        out: FloatArray = np.sqrt(np.sum(scaled * scaled, axis=0)) * unit
    return finite_result(out, "X is", "a column norm")


def tikhonov_gamma(X: Any) -> FloatArray:
    """Γ̃ = diag(column norms of X), shape (d, d): the matrix in dropout's penalty.

    >>> tikhonov_gamma([[3, 0], [4, 1]]).tolist()
    [[5.0, 0.0], [0.0, 1.0]]
    """
    X = real_array(X, "X", ndim=2)
    check_entries(X.shape[1] ** 2, "X has too many columns", "the (d, d) matrix Γ̃")
    return np.diag(column_norms(X))


def masked_loss(X: Any, y: Any, w: Any, mask: Any) -> float:
    """Loss for one dropout mask: ``||y - (mask ⊙ X) w||²``; mask has the shape (n, d) of X.

    >>> masked_loss([[1, 2]], [3], [1, 1], mask=[[1, 0]])  # (3 - 1*1)**2
    4.0
    """
    X, y, w = regression_data(X, y, w)
    m = real_array(mask, "mask", ndim=2)
    if m.shape != X.shape:
        raise ValueError(f"mask must have the shape of X {X.shape}, got {m.shape}")
    with np.errstate(over="ignore", invalid="ignore"):
        r = y - (m * X) @ w
        loss = float(r @ r)
    return finite_result(loss, "X, y, w and mask are", "the loss")


def expected_loss(X: Any, y: Any, w: Any, p: float) -> float:
    """Exact dropout objective: ``||y - pXw||² + p(1-p)||Γ̃w||²`` with Γ̃ = diag(column norms).

    ``X``: (n, d), ``y``: (n,), ``w``: (d,), ``p``: keep probability in (0, 1] -> float.

    >>> expected_loss([[1.0]], [1.0], [1.0], p=0.5)  # masks 0 and 1: (1 + 0) / 2
    0.5
    """
    X, y, w = regression_data(X, y, w)
    p = probability(p)
    norms = column_norms(X)
    with np.errstate(over="ignore", invalid="ignore"):
        r = y - p * (X @ w)
        gw = norms * w
        loss = float(r @ r + p * (1 - p) * (gw @ gw))
    return finite_result(loss, "X, y and w are", "the expected loss")


def enumerate_expected_loss(X: Any, y: Any, w: Any, p: float) -> float:
    """``E_R ||y - (R⊙X)w||²`` by summing over all ``2**(n*d)`` masks of :func:`masks`, each
    weighted by its probability.  A brute-force check for tiny X (n*d <= 16).

    ``X``: (n, d), ``y``: (n,), ``w``: (d,) -> float; cost grows as ``2**(n*d)``.

    >>> enumerate_expected_loss([[1.0]], [1.0], [1.0], p=0.5)
    0.5
    """
    X, y, w = regression_data(X, y, w)
    if X.size > MAX_MASK_ENTRIES:
        raise ValueError(f"X has {X.size} entries; enumeration is limited to "
                         f"{MAX_MASK_ENTRIES}")
    total = 0.0
    with np.errstate(over="ignore", invalid="ignore"):
        for mask, weight in masks(X.shape, p):
            r = y - (mask * X) @ w
            total += weight * float(r @ r)
    return finite_result(total, "X, y and w are", "the expected loss")


@dataclass(frozen=True)
class MonteCarloEstimate:
    """Sample mean of the masked loss, its standard error ``std / sqrt(samples)``, and count."""

    mean: float
    stderr: float
    samples: int


def monte_carlo_loss(
    X: Any, y: Any, w: Any, p: float, samples: int, rng: np.random.Generator
) -> MonteCarloEstimate:
    """Estimate ``E_R ||y - (R⊙X)w||²`` from ``samples`` random masks drawn with ``rng``.

    Each mask has shape (n, d) with independent Bernoulli(p) entries.  ``samples`` is at most
    :data:`MAX_SAMPLES` (10 million) and ``samples*n*d`` at most 10 million (the masks drawn).

    >>> est = monte_carlo_loss([[1.0]], [1.0], [1.0], 0.5, samples=4000,
    ...                        rng=np.random.default_rng(0))
    >>> abs(est.mean - 0.5) < 4 * est.stderr
    True
    """
    X, y, w = regression_data(X, y, w)
    p = probability(p)
    samples = integer(samples, "samples", 2)
    if samples > MAX_SAMPLES:
        raise ValueError(f"samples must be at most {MAX_SAMPLES:,}, got {samples:,}")
    check_entries(samples * X.size, "samples is too large", f"the {samples:,} masks of shape "
                                                             f"{X.shape}")
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    masks = rng.random((samples, *X.shape)) < p
    with np.errstate(over="ignore", invalid="ignore"):
        residuals = y[None, :] - np.einsum("snd,d->sn", masks * X[None], w)
        losses = np.sum(residuals**2, axis=1)
        mean = float(losses.mean())
        stderr = float(losses.std(ddof=1) / np.sqrt(samples))
    finite_result(np.array([mean, stderr]), "X, y and w are", "the sampled loss or its spread")
    return MonteCarloEstimate(mean=mean, stderr=stderr, samples=samples)


def inference_weights(w_tilde: Any, p: float) -> FloatArray:
    """Weights to use without dropout at test time: ``w = p * w_tilde`` (Q4(b)); (d,) -> (d,).

    >>> inference_weights([2.0, -4.0], 0.5).tolist()
    [1.0, -2.0]
    """
    w = real_array(w_tilde, "w_tilde", ndim=1)
    out: FloatArray = probability(p) * w
    return out


def equivalent_gamma(X: Any, p: float) -> FloatArray:
    """The Γ of the classical objective ``||y - Xw||² + ||Γw||²`` that dropout training with
    keep probability p solves after ``w = p w̃``: ``Γ = sqrt((1-p)/p) * Γ̃`` (shape (d, d)).

    Because ``p(1-p)||Γ̃ w̃||² = ((1-p)/p) ||Γ̃ w||²``.

    >>> equivalent_gamma([[3, 0], [4, 1]], p=0.5).tolist()  # sqrt(0.5/0.5) = 1
    [[5.0, 0.0], [0.0, 1.0]]
    """
    X = real_array(X, "X", ndim=2)
    p = probability(p)
    check_entries(X.shape[1] ** 2, "X has too many columns", "the (d, d) matrix Γ")
    # sqrt(1-p)/sqrt(p), not sqrt((1-p)/p): for a tiny p the quotient would overflow first
    with np.errstate(over="ignore"):
        out: FloatArray = np.diag(np.sqrt(1 - p) / np.sqrt(p) * column_norms(X))
    return finite_result(out, "X is", "Γ = sqrt((1-p)/p) Γ̃")


def _gamma_for(X: FloatArray, gamma: Any) -> FloatArray:
    g = real_array(gamma, "gamma", ndim=2)
    d = X.shape[1]
    if g.shape != (d, d):
        raise ValueError(
            f"gamma must be a square ({d}, {d}) matrix matching X's columns, got {g.shape}"
        )
    return g


def to_ridge(X: Any, gamma: Any) -> FloatArray:
    """Change of variables ``w̃ = Γ w`` (Q4(c)): the ridge data matrix ``X̃ = X Γ⁻¹``, (n, d).

    Then ``||y - Xw||² + ||Γw||² = ||y - X̃ w̃||² + ||w̃||²`` (λ = 1).  ``gamma``: an
    invertible (d, d) matrix; a diagonal one divides each column exactly.

    >>> to_ridge([[3, 0], [4, 1]], [[5, 0], [0, 1]]).tolist()
    [[0.6, 0.0], [0.8, 1.0]]
    """
    X = real_array(X, "X", ndim=2)
    g = _gamma_for(X, gamma)
    _square_cost(X, "gamma")
    if np.linalg.matrix_rank(g) < g.shape[0]:
        raise ValueError("gamma must be invertible for the change of variables w~ = gamma w")
    diagonal = np.diag(g)
    with np.errstate(over="ignore", invalid="ignore"):
        if np.array_equal(g, np.diag(diagonal)):
            out: FloatArray = X / diagonal
        else:
            out = np.linalg.solve(g.T, X.T).T
    return finite_result(out, "X and gamma are", "X gamma^-1")


def tikhonov_loss(X: Any, y: Any, w: Any, gamma: Any) -> float:
    """Generalized ridge objective ``||y - Xw||² + ||Γw||²``; ``gamma``: any (d, d) matrix.

    >>> tikhonov_loss([[1.0]], [2.0], [1.0], [[1.0]])  # (2 - 1)**2 + 1**2
    2.0
    """
    X, y, w = regression_data(X, y, w)
    g = _gamma_for(X, gamma)
    with np.errstate(over="ignore", invalid="ignore"):
        r = y - X @ w
        gw = g @ w
        loss = float(r @ r + gw @ gw)
    return finite_result(loss, "X, y, w and gamma are", "the loss")


def tikhonov_solution(X: Any, y: Any, gamma: Any) -> FloatArray:
    """Minimizer of ``||y - Xw||² + ||Γw||²``: ``w* = (XᵀX + ΓᵀΓ)⁻¹ Xᵀy``, shape (d,).

    ``ValueError`` (naming gamma) if ``XᵀX + ΓᵀΓ`` is singular.

    >>> tikhonov_solution([[1.0]], [2.0], [[1.0]]).tolist()  # (1 + 1)**-1 * 2
    [1.0]
    """
    X, y = _xy(X, y)
    g = _gamma_for(X, gamma)
    _square_cost(X)
    with np.errstate(over="ignore", invalid="ignore"):
        lhs = finite_result(X.T @ X + g.T @ g, "X and gamma are", "XᵀX + ΓᵀΓ")
        rhs = finite_result(X.T @ y, "X and y are", "Xᵀy")
    return _solve_normal(lhs, rhs, "gamma (with X)", "X, y and gamma")


def dropout_minimizer(X: Any, y: Any, p: float) -> FloatArray:
    """Minimizer of the dropout objective: ``w̃* = (p²XᵀX + p(1-p)Γ̃²)⁻¹ p Xᵀy``, shape (d,).

    ``ValueError`` (naming X) if that matrix is singular, e.g. when X has a zero column.

    >>> dropout_minimizer([[1.0]], [2.0], p=0.5).tolist()  # (0.25 + 0.25)**-1 * 0.5 * 2
    [2.0]
    """
    X, y = _xy(X, y)
    p = probability(p)
    _square_cost(X)
    with np.errstate(over="ignore", invalid="ignore"):
        g2 = np.diag(column_norms(X) ** 2)
        lhs = finite_result(p * p * (X.T @ X) + p * (1 - p) * g2, "X is", "p²XᵀX + p(1-p)Γ̃²")
        rhs = finite_result(p * (X.T @ y), "X and y are", "pXᵀy")
    return _solve_normal(lhs, rhs, "X", "X and y")
