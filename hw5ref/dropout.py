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
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from hw5ref._validate import FloatArray, integer, probability, real_array, regression_data

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


def _solve_normal(lhs: FloatArray, rhs: FloatArray, blame: str) -> FloatArray:
    """Solve the (d, d) normal equations; a singular system is the caller's argument's fault."""
    if np.linalg.matrix_rank(lhs) < lhs.shape[0]:
        raise ValueError(
            f"{blame}: the normal equations are singular, so the minimizer is not unique"
        )
    out: FloatArray = np.asarray(np.linalg.solve(lhs, rhs), dtype=np.float64)
    return out


def column_norms(X: Any) -> FloatArray:
    """Euclidean norm of each column: ``c_j = ||X[:, j]||``; (n, d) -> (d,).

    >>> column_norms([[3, 0], [4, 1]]).tolist()
    [5.0, 1.0]
    """
    X = real_array(X, "X", ndim=2)
    out: FloatArray = np.sqrt(np.sum(X * X, axis=0))
    return out


def tikhonov_gamma(X: Any) -> FloatArray:
    """Γ̃ = diag(column norms of X), shape (d, d): the matrix in dropout's penalty.

    >>> tikhonov_gamma([[3, 0], [4, 1]]).tolist()
    [[5.0, 0.0], [0.0, 1.0]]
    """
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
    r = y - (m * X) @ w
    return float(r @ r)


def expected_loss(X: Any, y: Any, w: Any, p: float) -> float:
    """Exact dropout objective: ``||y - pXw||² + p(1-p)||Γ̃w||²`` with Γ̃ = diag(column norms).

    ``X``: (n, d), ``y``: (n,), ``w``: (d,), ``p``: keep probability in (0, 1] -> float.

    >>> expected_loss([[1.0]], [1.0], [1.0], p=0.5)  # masks 0 and 1: (1 + 0) / 2
    0.5
    """
    X, y, w = regression_data(X, y, w)
    p = probability(p)
    r = y - p * (X @ w)
    gw = column_norms(X) * w
    return float(r @ r + p * (1 - p) * (gw @ gw))


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
    for mask, weight in masks(X.shape, p):
        r = y - (mask * X) @ w
        total += weight * float(r @ r)
    return total


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

    Each mask has shape (n, d) with independent Bernoulli(p) entries.

    >>> est = monte_carlo_loss([[1.0]], [1.0], [1.0], 0.5, samples=4000,
    ...                        rng=np.random.default_rng(0))
    >>> abs(est.mean - 0.5) < 4 * est.stderr
    True
    """
    X, y, w = regression_data(X, y, w)
    p = probability(p)
    samples = integer(samples, "samples", 2)
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    masks = rng.random((samples, *X.shape)) < p
    residuals = y[None, :] - np.einsum("snd,d->sn", masks * X[None], w)
    losses = np.sum(residuals**2, axis=1)
    return MonteCarloEstimate(
        mean=float(losses.mean()),
        stderr=float(losses.std(ddof=1) / np.sqrt(samples)),
        samples=samples,
    )


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
    out: FloatArray = np.sqrt((1 - p) / p) * tikhonov_gamma(X)
    return out


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
    if np.linalg.matrix_rank(g) < g.shape[0]:
        raise ValueError("gamma must be invertible for the change of variables w~ = gamma w")
    diagonal = np.diag(g)
    if np.array_equal(g, np.diag(diagonal)):
        exact: FloatArray = X / diagonal
        return exact
    out: FloatArray = np.linalg.solve(g.T, X.T).T
    return out


def tikhonov_loss(X: Any, y: Any, w: Any, gamma: Any) -> float:
    """Generalized ridge objective ``||y - Xw||² + ||Γw||²``; ``gamma``: any (d, d) matrix.

    >>> tikhonov_loss([[1.0]], [2.0], [1.0], [[1.0]])  # (2 - 1)**2 + 1**2
    2.0
    """
    X, y, w = regression_data(X, y, w)
    g = _gamma_for(X, gamma)
    r = y - X @ w
    gw = g @ w
    return float(r @ r + gw @ gw)


def tikhonov_solution(X: Any, y: Any, gamma: Any) -> FloatArray:
    """Minimizer of ``||y - Xw||² + ||Γw||²``: ``w* = (XᵀX + ΓᵀΓ)⁻¹ Xᵀy``, shape (d,).

    ``ValueError`` (naming gamma) if ``XᵀX + ΓᵀΓ`` is singular.

    >>> tikhonov_solution([[1.0]], [2.0], [[1.0]]).tolist()  # (1 + 1)**-1 * 2
    [1.0]
    """
    X, y = _xy(X, y)
    g = _gamma_for(X, gamma)
    return _solve_normal(X.T @ X + g.T @ g, X.T @ y, "gamma (with X)")


def dropout_minimizer(X: Any, y: Any, p: float) -> FloatArray:
    """Minimizer of the dropout objective: ``w̃* = (p²XᵀX + p(1-p)Γ̃²)⁻¹ p Xᵀy``, shape (d,).

    ``ValueError`` (naming X) if that matrix is singular, e.g. when X has a zero column.

    >>> dropout_minimizer([[1.0]], [2.0], p=0.5).tolist()  # (0.25 + 0.25)**-1 * 0.5 * 2
    [2.0]
    """
    X, y = _xy(X, y)
    p = probability(p)
    g2 = np.diag(column_norms(X) ** 2)
    return _solve_normal(p * p * (X.T @ X) + p * (1 - p) * g2, p * (X.T @ y), "X")
