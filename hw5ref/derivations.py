"""Derivations as data: the Q4(a) derivation as checkable lines, and exact elimination.

:func:`eliminate` solves a square linear system by Gaussian elimination in exact fractions and
returns every row operation, so a page can show the steps (Q1(b)) computed, not typed.

Each :class:`Step` pairs the LaTeX of one line of the derivation with a Python function that
evaluates exactly that expression for concrete ``X`` (n, d), ``y`` (n,), ``w`` (d,) and keep
probability ``p``.  Every line is claimed to equal the dropout objective

    L(w) = E_R ||y - (R ⊙ X) w||²,   R_ij ~ Bernoulli(p) independent,

so a test can evaluate each line and compare it with the exact expectation (a sum over all
``2**(n*d)`` masks).  The site renders the LaTeX from :data:`DROPOUT_DERIVATION`, so the text a
reader sees and the expression that is checked come from the same tuple.

Lines whose expression still contains ``E_R[...]`` are evaluated by enumerating every mask of
the expression *inside* the expectation, as written on that line; lines after the expectation
is taken are evaluated in closed form.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from hw5ref._validate import (
    FloatArray,
    check_entries,
    check_work,
    finite_result,
    probability,
    real_array,
    regression_data,
)
from hw5ref.dropout import MAX_MASK_ENTRIES, masks

__all__ = [
    "DROPOUT_DERIVATION", "MAX_ELIMINATION_SIZE", "MAX_MASK_ENTRIES", "Elimination", "Step",
    "eliminate", "evaluate", "evaluate_all",
]

#: Largest system :func:`eliminate` solves: exact fractions grow with every step (a 20 x 20
#: system of arbitrary floats takes about half a second, 32 x 32 several seconds).
MAX_ELIMINATION_SIZE = 20

LineFunction = Callable[[FloatArray, FloatArray, FloatArray, float], Any]


@dataclass(frozen=True)
class Step:
    """One line of a derivation.

    ``label``: short name; ``reason``: Markdown (with inline LaTeX) saying why the line follows
    from the previous one; ``latex``: the line's expression (right-hand side, LaTeX);
    ``fn(X, y, w, p)``: the value of that expression for validated float arrays.
    """

    label: str
    reason: str
    latex: str
    fn: LineFunction


def _expect(fn: Callable[[FloatArray], Any], shape: tuple[int, ...], p: float) -> Any:
    """``E_R[fn(R)]`` over independent Bernoulli(p) masks ``R`` of ``shape`` (exact)."""
    size = int(np.prod(shape))
    if size > MAX_MASK_ENTRIES:  # the shape is X's: name X, as every argument error does
        raise ValueError(f"X has {size} entries; a line with an expectation enumerates "
                         f"2**{size} masks, which is limited to {MAX_MASK_ENTRIES} entries")
    return sum(weight * np.asarray(fn(mask)) for mask, weight in masks(shape, p))


def _line_definition(X: FloatArray, y: FloatArray, w: FloatArray, p: float) -> float:
    def integrand(R: FloatArray) -> float:
        r = y - (R * X) @ w
        return float(r @ r)

    return float(_expect(integrand, X.shape, p))


def _line_expand(X: FloatArray, y: FloatArray, w: FloatArray, p: float) -> float:
    def integrand(R: FloatArray) -> float:
        M = R * X
        return float(y @ y - 2 * (y @ M @ w) + w @ M.T @ M @ w)

    return float(_expect(integrand, X.shape, p))


def _line_linearity(X: FloatArray, y: FloatArray, w: FloatArray, p: float) -> float:
    first = _expect(lambda R: R * X, X.shape, p)
    second = _expect(lambda R: (R * X).T @ (R * X), X.shape, p)
    return float(y @ y - 2 * (y @ first @ w) + w @ second @ w)


def _line_first_moment(X: FloatArray, y: FloatArray, w: FloatArray, p: float) -> float:
    second = _expect(lambda R: (R * X).T @ (R * X), X.shape, p)
    return float(y @ y - 2 * p * (y @ X @ w) + w @ second @ w)


def _line_second_moment(X: FloatArray, y: FloatArray, w: FloatArray, p: float) -> float:
    gram = X.T @ X
    second = p**2 * gram + p * (1 - p) * np.diag(np.diag(gram))
    return float(y @ y - 2 * p * (y @ X @ w) + w @ second @ w)


def _line_gamma(X: FloatArray, y: FloatArray, w: FloatArray, p: float) -> float:
    gamma = np.diag(np.sqrt(np.sum(X * X, axis=0)))
    return float(
        y @ y
        - 2 * p * (y @ X @ w)
        + p**2 * (w @ X.T @ X @ w)
        + p * (1 - p) * (w @ gamma @ gamma @ w)
    )


def _line_square(X: FloatArray, y: FloatArray, w: FloatArray, p: float) -> float:
    gamma = np.diag(np.sqrt(np.sum(X * X, axis=0)))
    r = y - p * X @ w
    gw = gamma @ w
    return float(r @ r + p * (1 - p) * (gw @ gw))


#: The derivation of Q4(a), line by line; every ``latex`` equals the dropout objective.
DROPOUT_DERIVATION: tuple[Step, ...] = (
    Step(
        "definition",
        r"The dropout objective: average the squared error over the random mask $R$, whose "
        r"entries are independent with $\Pr[R_{ij}=1]=p$.",
        r"\mathbb{E}_R\,\lVert y-(R\odot X)\tilde w\rVert_2^2",
        _line_definition,
    ),
    Step(
        "expand",
        r"Write $\lVert a\rVert_2^2=a^\top a$ and multiply out. The two cross terms are equal "
        r"scalars ($y^\top M\tilde w=\tilde w^\top M^\top y$ with $M=R\odot X$), hence the "
        r"factor 2.",
        r"\mathbb{E}_R\big[\,y^\top y-2\,y^\top(R\odot X)\tilde w"
        r"+\tilde w^\top(R\odot X)^\top(R\odot X)\,\tilde w\,\big]",
        _line_expand,
    ),
    Step(
        "linearity",
        r"Only $R$ is random. Expectation is linear, so the fixed vectors $y$ and $\tilde w$ "
        r"come out of it and it acts on $R\odot X$ and $(R\odot X)^\top(R\odot X)$ alone.",
        r"y^\top y-2\,y^\top\,\mathbb{E}[R\odot X]\,\tilde w"
        r"+\tilde w^\top\,\mathbb{E}\big[(R\odot X)^\top(R\odot X)\big]\,\tilde w",
        _line_linearity,
    ),
    Step(
        "first moment",
        r"Entrywise, $\mathbb{E}[R_{ij}X_{ij}]=pX_{ij}$, so $\mathbb{E}[R\odot X]=pX$. "
        r"The cross term keeps its factor $p$.",
        r"y^\top y-2p\,y^\top X\tilde w"
        r"+\tilde w^\top\,\mathbb{E}\big[(R\odot X)^\top(R\odot X)\big]\,\tilde w",
        _line_first_moment,
    ),
    Step(
        "second moment",
        r"Entry $(j,k)$ of $(R\odot X)^\top(R\odot X)$ is $\sum_i R_{ij}R_{ik}X_{ij}X_{ik}$. "
        r"For $j\neq k$ the two mask entries are independent: $\mathbb{E}[R_{ij}R_{ik}]=p^2$. "
        r"For $j=k$, $R_{ij}^2=R_{ij}$, so $\mathbb{E}[R_{ij}^2]=p=p^2+p(1-p)$. The extra "
        r"$p(1-p)$ appears only on the diagonal, multiplied by $\sum_i X_{ij}^2$.",
        r"y^\top y-2p\,y^\top X\tilde w"
        r"+\tilde w^\top\big(p^2X^\top X+p(1-p)\operatorname{diag}(X^\top X)\big)\tilde w",
        _line_second_moment,
    ),
    Step(
        "name the diagonal",
        r"The diagonal of $X^\top X$ holds the squared column norms $\lVert X_{:,j}\rVert_2^2$. "
        r"With $\tilde\Gamma=\operatorname{diag}(\lVert X_{:,1}\rVert_2,\dots,"
        r"\lVert X_{:,d}\rVert_2)$ (norms, not squared norms) this matrix is $\tilde\Gamma^2$.",
        r"y^\top y-2p\,y^\top X\tilde w+p^2\,\tilde w^\top X^\top X\tilde w"
        r"+p(1-p)\,\tilde w^\top\tilde\Gamma^2\tilde w",
        _line_gamma,
    ),
    Step(
        "complete the square",
        r"The first three terms are $(y-pX\tilde w)^\top(y-pX\tilde w)$, and "
        r"$\tilde w^\top\tilde\Gamma^2\tilde w=(\tilde\Gamma\tilde w)^\top(\tilde\Gamma\tilde w)$ "
        r"because $\tilde\Gamma$ is diagonal, hence symmetric.",
        r"\lVert y-pX\tilde w\rVert_2^2+p(1-p)\,\lVert\tilde\Gamma\tilde w\rVert_2^2",
        _line_square,
    ),
)


def evaluate(step: Step, X: Any, y: Any, w: Any, p: float) -> float:
    """Value of one line's expression for data ``X`` (n, d), ``y`` (n,), ``w`` (d,), keep
    probability ``p`` in (0, 1].  Lines with an expectation enumerate masks (``n*d <= 16``);
    the others form (d, d) matrices (at most 10 million entries, ``n*d*d`` at most 10**9
    multiply-adds).  ``ValueError`` if the value overflows float64.

    >>> evaluate(DROPOUT_DERIVATION[-1], [[1.0]], [1.0], [1.0], 0.5)  # (1-1/2)^2 + 1/4
    0.5
    """
    if not isinstance(step, Step):
        raise TypeError(f"step must be a hw5ref.derivations.Step, got {type(step).__name__}")
    X, y, w = regression_data(X, y, w)
    p = probability(p)
    n, d = X.shape
    check_entries(d * d, "X has too many columns", f"a line's ({d}, {d}) matrix")
    check_work(n * d * d, "X is too large", "a line's matrix products")
    with np.errstate(over="ignore", invalid="ignore"):
        value = float(step.fn(X, y, w, p))
    return finite_result(value, "X, y and w are", f"the value of line {step.label!r}")


def evaluate_all(X: Any, y: Any, w: Any, p: float) -> list[float]:
    """The value of every line of :data:`DROPOUT_DERIVATION`, in order (all should be equal).

    >>> [round(v, 12) for v in evaluate_all([[1.0, 2.0]], [1.0], [1.0, -1.0], 0.5)]
    [3.5, 3.5, 3.5, 3.5, 3.5, 3.5, 3.5]
    """
    return [evaluate(step, X, y, w, p) for step in DROPOUT_DERIVATION]


@dataclass(frozen=True)
class Elimination:
    """Gaussian elimination of ``A w = y``, exactly.

    ``operations``: ``(i, f, j)`` for "row i minus f times row j" (rows counted from 1), in the
    order applied, and ``(i, None, j)`` for a swap of rows i and j; ``rows``: the
    upper-triangular augmented system ``[U | c]`` they produce; ``solution``: ``w`` by back
    substitution.
    """

    operations: tuple[tuple[int, Fraction | None, int], ...]
    rows: tuple[tuple[Fraction, ...], ...]
    solution: tuple[Fraction, ...]


def eliminate(A: Any, y: Any) -> Elimination:
    """Solve the square system ``A w = y`` by Gaussian elimination in exact fractions.

    ``A``: (n, n) with full rank, ``y``: (n,), ``n`` at most :data:`MAX_ELIMINATION_SIZE`;
    entries are read as exact fractions (integers and short decimals stay exact).
    ``ValueError`` if ``A`` is singular.

    >>> e = eliminate([[1, 4, 0], [4, 0, -2], [0, -2, 3]], [-2, 2, 11])
    >>> [str(v) for v in e.solution], e.operations[0]
    (['2', '-1', '3'], (2, Fraction(4, 1), 1))
    """
    a = real_array(A, "A", ndim=2)
    b = real_array(y, "y", ndim=1)
    n = a.shape[0]
    if a.shape != (n, n) or b.shape != (n,):
        raise ValueError(f"A must be square and y match it, got shapes {a.shape} and {b.shape}")
    if n > MAX_ELIMINATION_SIZE:
        raise ValueError(f"A is too large: exact elimination is limited to "
                         f"{MAX_ELIMINATION_SIZE} x {MAX_ELIMINATION_SIZE} systems, got "
                         f"{n} x {n}")
    rows = [[Fraction(float(v)).limit_denominator(10**9) for v in (*a[i], b[i])]
            for i in range(n)]
    operations: list[tuple[int, Fraction | None, int]] = []
    for col in range(n):
        pivot = next((r for r in range(col, n) if rows[r][col] != 0), None)
        if pivot is None:
            raise ValueError("A is singular: the system has no unique solution")
        if pivot != col:
            rows[col], rows[pivot] = rows[pivot], rows[col]
            operations.append((col + 1, None, pivot + 1))
        for r in range(col + 1, n):
            factor = rows[r][col] / rows[col][col]
            if factor != 0:
                rows[r] = [u - factor * v for u, v in zip(rows[r], rows[col], strict=True)]
                operations.append((r + 1, factor, col + 1))
    w = [Fraction(0)] * n
    for r in reversed(range(n)):
        w[r] = (rows[r][n] - sum(rows[r][c] * w[c] for c in range(r + 1, n))) / rows[r][r]
    return Elimination(tuple(operations), tuple(tuple(r) for r in rows), tuple(w))
