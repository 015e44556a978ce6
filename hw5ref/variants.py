"""Fresh numeric variants of HW5's computational sub-parts, each with its verified answer.

:func:`variant` builds a new instance of a sub-part from a seed; :func:`original` returns the
homework's own data (for Q4, which is symbolic in the homework, the site's numeric instance in
:mod:`hw5ref.answers`).  Both return a :class:`Problem`: the data, the answer computed by the
numeric core (:mod:`hw5ref.conv`, :mod:`hw5ref.norm`, :mod:`hw5ref.params`,
:mod:`hw5ref.dropout`), a Markdown statement and solution, and for each gradable sub-part the
answer written in the syntax :mod:`hw5ref.checker` reads.

Parts (``VARIANT_PARTS``):

======  ==================================================================================
``1b``  recover a length-k 1-D filter from x and y = conv1d(x, w) (stride 1, no padding);
        the integer filter is drawn first and x is redrawn until the window matrix has
        full column rank, so the filter is unique.
``1c``  2-D transposed convolution: input 2-3 x 2-3, filter 2x2 or 3x3, stride 1-2,
        padding 0-1 (output at least 2 x 2).
``2b``  mean-only batch norm backward pass: n = 2-5, integer gamma and upstream gradients
        whose mean is a non-zero integer; x and beta are given too (they do not matter).
``3a``  parameters of a standard k x k convolution, c_in -> c_out.
``3b``  parameters of the depthwise-separable version (same layer as ``3a`` for a seed).
``4``   dropout on linear regression: small integer X whose columns have integer norms,
        y, w~ and p in {0.5, 0.8, 0.9}; answers for 4(a)-4(d).
======  ==================================================================================

The same seed always gives the same problem (the generator is ``numpy.random.default_rng``
seeded with ``[seed, part family]``; 3a and 3b share a family, so they describe one layer).

One module because every variant has the same four pieces (data, statement, answer, checks)
and one writer; a variant per file would repeat that frame eleven times.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from hw5ref import answers, conv, dropout, norm, params, parts
from hw5ref._validate import FloatArray, integer
from hw5ref.values import format_number, format_value, plain

__all__ = [
    "ACCEPTED_PARTS",
    "RANGES",
    "VARIANT_PARTS",
    "Problem",
    "family",
    "original",
    "variant",
]

#: Sub-parts that :func:`variant` can generate; ``4`` covers 4(a)-4(d).
VARIANT_PARTS: tuple[str, ...] = ("1b", "1c", "2b", "3a", "3b", "4")
#: What ``variant``/``original`` accept: the parts, and ``4a``-``4d`` for the family ``4``.
ACCEPTED_PARTS: tuple[str, ...] = (*VARIANT_PARTS, "4a", "4b", "4c", "4d")

#: What the generators draw: inclusive ranges ``(low, high)``, or the choices for ``3.kernel``
#: and ``4.keep_probability`` (sqrt(p / (1 - p)) is 1, 2 and 3 for these). The one definition
#: the generators use and the instructors page shows.
RANGES: dict[str, tuple[int, ...] | tuple[float, ...]] = {
    "1b.filter_length": (2, 4),
    "1c.input_size": (2, 3),
    "1c.filter_size": (2, 3),
    "1c.stride": (1, 2),
    "1c.padding": (0, 1),
    "1c.output_size": (2, 6),
    "2b.batch_size": (2, 5),
    "3.kernel": (3, 5, 7),
    "4.keep_probability": (0.5, 0.8, 0.9),
}


def _draw(rng: np.random.Generator, name: str) -> int:
    low, high = RANGES[name]
    return int(rng.integers(int(low), int(high), endpoint=True))

_FAMILY = {"1b": 12, "1c": 13, "2b": 22, "3a": 3, "3b": 3, "4": 4}
_MAX_TRIES = 10_000


@dataclass(frozen=True)
class Problem:
    """One instance of a sub-part with its answer.

    ``part`` is one of :data:`VARIANT_PARTS`; ``seed`` is ``None`` for the homework's own data.
    ``data`` and ``answer`` hold JSON-ready values (ints, floats, lists, dicts);
    ``checks`` maps each gradable sub-part (``"1b"``, ``"4a"``, ...) to the reference answer in
    checker syntax; ``statement`` and ``solution`` are Markdown (LaTeX between ``$``).
    """

    part: str
    seed: int | None
    title: str
    data: dict[str, Any]
    answer: dict[str, Any]
    checks: dict[str, str]
    statement: str
    solution: str
    conventions: dict[str, str] = field(default_factory=dict)

    def to_dict(self, show_answer: bool = True) -> dict[str, Any]:
        """The problem as a JSON-ready dict with the stable keys ``part``, ``seed``, ``title``,
        ``data``, ``answer``, ``checks``, ``conventions``, ``statement``, ``solution``; with
        ``show_answer=False`` (for handing out) without ``answer``, ``checks`` and ``solution``.

        >>> sorted(original("1b").to_dict())  # doctest: +NORMALIZE_WHITESPACE
        ['answer', 'checks', 'conventions', 'data', 'part', 'seed', 'solution',
         'statement', 'title']
        >>> sorted(original("1b").to_dict(show_answer=False))
        ['conventions', 'data', 'part', 'seed', 'statement', 'title']
        """
        if not isinstance(show_answer, bool):
            raise TypeError(f"show_answer must be True or False, got {type(show_answer).__name__}")
        out = {
            "part": self.part,
            "seed": self.seed,
            "title": self.title,
            "data": self.data,
            "answer": self.answer,
            "checks": dict(self.checks),
            "conventions": dict(self.conventions),
            "statement": self.statement,
            "solution": self.solution,
        }
        if not show_answer:
            for key in ("answer", "checks", "solution"):
                del out[key]
        return out

    def to_markdown(self, show_answer: bool = True) -> str:
        """Markdown: a heading, the statement and (unless ``show_answer`` is False) the answer
        with the ``hw5ref check`` command lines that accept it.

        >>> print(original("3a").to_markdown(show_answer=False).splitlines()[0])
        ## 3(a) Parameters of a standard convolution (original problem)
        """
        if not isinstance(show_answer, bool):
            raise TypeError(f"show_answer must be True or False, got {type(show_answer).__name__}")
        if self.seed is not None:
            where = f"seed {self.seed}"
        else:  # Q4 is symbolic in the homework; its numeric instance is the site's own
            where = "the site's numeric instance" if self.part == "4" else "original problem"
        lines = [f"## {self.title} ({where})", "", self.statement]
        if show_answer:
            seed_flag = "" if self.seed is None else f" --seed {self.seed}"
            lines += ["", "**Answer.**", "", self.solution, "", "Check an answer with:", ""]
            lines += [
                f"    python -m hw5ref check {part}{seed_flag} -- '{text}'"
                for part, text in self.checks.items()
            ]
        return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------- formatting
def _tex(value: Any) -> str:
    """A number, vector or matrix as TeX (the site's one formatter)."""
    return format_value(value, "tex")


def _json(value: Any) -> Any:
    return plain(value, digits=12)


def _answer(value: Any) -> str:
    return format_value(value, "answer")


# ----------------------------------------------------------------------------- parts
def family(part: str) -> str:
    """The variant family of a sub-part: ``"4a"``-``"4d"`` belong to ``"4"``.

    >>> family("4c"), family("1b")
    ('4', '1b')
    """
    return "4" if part.startswith("4") else part


def _rng(part: str, seed: int) -> np.random.Generator:
    return np.random.default_rng([seed, _FAMILY[part]])


def _nonzero_ints(rng: np.random.Generator, low: int, high: int, size: int) -> FloatArray:
    """Integers in [low, high] of the given size, not all zero."""
    for _ in range(_MAX_TRIES):
        v = rng.integers(low, high, size=size, endpoint=True).astype(np.float64)
        if np.any(v != 0):
            return v
    raise RuntimeError("could not draw a non-zero integer vector")  # pragma: no cover


# ----------------------------------------------------------------------------- 1(b)
def _problem_1b(x: FloatArray, y: FloatArray, k: int, seed: int | None) -> Problem:
    w = conv.recover_filter(x, y, k)
    windows = conv.conv1d_matrix(x, k)
    rank = int(np.linalg.matrix_rank(windows))
    statement = (
        "A 1-D convolutional layer (deep-learning convention: the filter is slid over the input "
        "without flipping, stride 1, no padding) maps the input\n\n"
        f"$$x = {_tex(x)}$$\n\nto the output\n\n$$y = {_tex(y)}.$$\n\n"
        f"The filter has length {k}. Find it."
    )
    solution = (
        f"Each output is the dot product of a length-{k} window of $x$ with the filter, so "
        f"$y = A w$ where the rows of $A$ are the windows:\n\n$$A = {_tex(windows)}.$$\n\n"
        f"$A$ is {windows.shape[0]}×{k} with rank {rank}, full column rank, so exactly one "
        f"filter fits:\n\n$$w = {_tex(w)}.$$"
    )
    return Problem(
        part="1b",
        seed=seed,
        title="1(b) Recovering a 1-D filter",
        data={"x": _json(x), "y": _json(y), "filter_size": k, "stride": 1,
              "padding": 0},
        answer={"filter": _json(w), "window_matrix": _json(windows),
                "window_rank": rank},
        checks={"1b": _answer(w)},
        statement=statement,
        solution=solution,
    )


def _variant_1b(seed: int) -> Problem:
    rng = _rng("1b", seed)
    k = _draw(rng, "1b.filter_length")
    n = 2 * k - 1 + int(rng.integers(0, 1, endpoint=True))
    w = _nonzero_ints(rng, -3, 3, k)
    for _ in range(_MAX_TRIES):
        x = rng.integers(-4, 4, size=n, endpoint=True).astype(np.float64)
        if np.linalg.matrix_rank(conv.conv1d_matrix(x, k)) == k:
            break
    else:  # pragma: no cover - full rank is drawn within a few tries
        raise RuntimeError("could not draw an input with a full-rank window matrix")
    problem = _problem_1b(x, conv.conv1d(x, w), k, seed)
    if problem.answer["filter"] != _json(w):  # pragma: no cover - internal consistency
        raise RuntimeError("recover_filter did not return the filter the variant was built from")
    return problem


# ----------------------------------------------------------------------------- 1(c)
def _problem_1c(x: FloatArray, w: FloatArray, stride: int, padding: int,
                seed: int | None) -> Problem:
    out = conv.conv_transpose2d(x, w, stride, padding)
    (h, wd), k = x.shape, w.shape[0]
    ho, wo = out.shape
    statement = (
        "Compute the 2-D transposed convolution of the input\n\n"
        f"$$X = {_tex(x)}$$\n\nwith the filter\n\n$$W = {_tex(w)}$$\n\n"
        f"using stride {stride} and padding {padding}."
    )
    crop = (
        f" and crop {padding} row(s) and column(s) from every border" if padding else ""
    )
    solution = (
        f"Every input entry $X_{{ij}}$ scales a copy of $W$ whose top-left corner goes to "
        f"position $(i \\cdot {stride},\\ j \\cdot {stride})$ of a "
        f"{(h - 1) * stride + k} × {(wd - 1) * stride + k} grid; sum the overlaps{crop}. "
        f"The output is $({h}-1)\\cdot{stride} - 2\\cdot{padding} + {k} = {ho}$ by "
        f"$({wd}-1)\\cdot{stride} - 2\\cdot{padding} + {k} = {wo}$:\n\n"
        f"$$Y = {_tex(out)}.$$"
    )
    return Problem(
        part="1c",
        seed=seed,
        title="1(c) Transposed convolution",
        data={"input": _json(x), "filter": _json(w), "stride": stride,
              "padding": padding},
        answer={"output": _json(out), "output_shape": [ho, wo]},
        checks={"1c": _answer(out)},
        statement=statement,
        solution=solution,
    )


def _variant_1c(seed: int) -> Problem:
    rng = _rng("1c", seed)
    for _ in range(_MAX_TRIES):
        low, high = RANGES["1c.input_size"]
        h, wd = (int(v) for v in rng.integers(int(low), int(high), size=2, endpoint=True))
        k = _draw(rng, "1c.filter_size")
        stride = _draw(rng, "1c.stride")
        padding = _draw(rng, "1c.padding")
        sizes = [(n - 1) * stride - 2 * padding + k for n in (h, wd)]
        smallest, largest = RANGES["1c.output_size"]
        if min(sizes) >= smallest and max(sizes) <= largest:
            break
    else:  # pragma: no cover
        raise RuntimeError("could not draw valid transposed-convolution sizes")
    x = _nonzero_ints(rng, -3, 3, h * wd).reshape(h, wd)
    w = _nonzero_ints(rng, -2, 2, k * k).reshape(k, k)
    return _problem_1c(x, w, stride, padding, seed)


# ----------------------------------------------------------------------------- 2(b)
def _variant_2b(seed: int) -> Problem:
    rng = _rng("2b", seed)
    n = _draw(rng, "2b.batch_size")
    gamma = float(rng.integers(1, 4, endpoint=True))
    beta = float(rng.integers(-3, 3, endpoint=True))
    x = rng.integers(-5, 5, size=n, endpoint=True).astype(np.float64)
    g = rng.integers(-6, 6, size=n, endpoint=True).astype(np.float64)
    # Redraw the last upstream gradient among the values that make the batch mean a non-zero
    # integer (with mean 0, leaving out the mean term would go unnoticed).
    rest = int(g[:-1].sum())
    choices = [c for c in range(-6, 7) if (rest + c) % n == 0 and rest + c != 0]
    g[-1] = float(choices[int(rng.integers(0, len(choices)))])
    dx = norm.centered_batchnorm_backward(g, gamma)
    mean_g = float(g.mean())
    statement = (
        "A simplified batch norm only centres its inputs: "
        r"$y_i = \gamma (x_i - \mu) + \beta$ with $\mu = \frac{1}{n}\sum_{j=1}^{n} x_j$. "
        f"For a batch of $n = {n}$ inputs $x = {_tex(x)}$ with "
        f"$\\gamma = {_tex(gamma)}$ and $\\beta = {_tex(beta)}$, backpropagation "
        r"delivers the upstream gradients $\partial L/\partial y = "
        f"{_tex(g)}$. Find $\\partial L/\\partial x_j$ for every $j$."
    )
    solution = (
        r"$\partial L/\partial x_j = \gamma\left(\partial L/\partial y_j - \frac{1}{n}"
        r"\sum_i \partial L/\partial y_i\right)$; $x$ and $\beta$ do not enter. The mean upstream "
        f"gradient is ${_tex(mean_g)}$, so\n\n"
        f"$$\\partial L/\\partial x = {_tex(gamma)}\\cdot\\left({_tex(g)} - "
        f"{_tex(mean_g)}\\right) = {_tex(dx)}.$$\n\n"
        "(With $n = 1$ the gradient would be $0$: the only output is $\\beta$, whatever $x_1$ is.)"
    )
    return Problem(
        part="2b",
        seed=seed,
        title="2(b) Backward pass of a mean-only batch norm",
        data={"n": n, "x": _json(x), "gamma": _json(gamma),
              "beta": _json(beta), "upstream": _json(g)},
        answer={"dL_dx": _json(dx), "mean_upstream": _json(mean_g),
                "n1": _json(answers.q2b_gradient_n1())},
        checks={"2b": _answer(dx)},
        statement=statement,
        solution=solution,
    )


def _original_2b() -> Problem:
    value = answers.q2b_gradient_n1()
    statement = (
        r"For the centring-only batch norm $y_i = \gamma (x_i - \mu) + \beta$, "
        r"$\mu = \frac{1}{n}\sum_j x_j$, what is $\partial L/\partial x_1$ when the batch has "
        r"$n = 1$ element (in terms of $\partial L/\partial y_1$)?"
    )
    solution = (
        r"$\partial L/\partial x_1 = \gamma\left(\partial L/\partial y_1 - "
        r"\partial L/\partial y_1\right) = " + _tex(value) + "$: with one element, "
        r"$y_1 = \beta$ no matter what $x_1$ is."
    )
    return Problem(
        part="2b",
        seed=None,
        title="2(b) Backward pass of a mean-only batch norm",
        data={"n": 1},
        answer={"dL_dx": [_json(value)], "n1": _json(value)},
        checks={"2b": format_number(value)},
        statement=statement,
        solution=solution,
    )


# ----------------------------------------------------------------------------- 3(a), 3(b)
def _q3_layer(seed: int) -> tuple[int, int, int, int]:
    rng = _rng("3a", seed)
    c_in = int(rng.integers(2, 8, endpoint=True))
    c_out = int(rng.integers(2, 16, endpoint=True))
    k = int(rng.choice(list(RANGES["3.kernel"])))
    image = int(rng.choice([32, 64, 128, 224]))
    return c_in, c_out, k, image


def _problem_3a(c_in: int, c_out: int, k: int, image: int, seed: int | None) -> Problem:
    weights = params.conv2d_params(c_in, c_out, k, bias=False)
    total_bias = params.conv2d_params(c_in, c_out, k, bias=True)
    biases = total_bias - weights
    statement = (
        f"A {image}×{image} image with {c_in} channels goes through a standard convolutional "
        f"layer with {c_out} output channels and {k}×{k} kernels. How many learnable "
        "parameters does the layer have? (Count weights only, as the homework does.)"
    )
    solution = (
        f"Each of the {c_out} output channels has one {k}×{k}×{c_in} kernel: "
        f"${c_out} \\cdot {c_in} \\cdot {k} \\cdot {k} = {weights}$ weights. "
        f"(With one bias per output channel: ${weights} + {biases} = {total_bias}$; the image "
        "size does not matter.)"
    )
    return Problem(
        part="3a",
        seed=seed,
        title="3(a) Parameters of a standard convolution",
        data={"c_in": c_in, "c_out": c_out, "kernel": k, "image": [image, image, c_in]},
        answer={"total": weights, "weights": weights, "biases": biases,
                "total_with_bias": total_bias},
        checks={"3a": str(weights)},
        statement=statement,
        solution=solution,
        conventions={"reference": "weights only",
                     "also accepted": "weights plus one bias per output channel"},
    )


def _problem_3b(c_in: int, c_out: int, k: int, image: int, seed: int | None) -> Problem:
    stages: dict[str, dict[str, int]] = {}
    totals: dict[str, int] = {}
    for convention in answers.Q3_BIAS_CONVENTIONS:
        count = params.depthwise_separable_params(
            c_in, c_out, k, depthwise_bias=convention.depthwise,
            pointwise_bias=convention.pointwise,
        )
        totals[convention.name] = count.total
        if convention.name == "pytorch":
            for stage in count.stages:
                stages[stage.name] = {"weights": stage.weights, "biases": stage.biases}
    dw, pw = stages["depthwise"], stages["pointwise"]
    statement = (
        f"The layer of 3(a) ({c_in} → {c_out} channels, {k}×{k} kernels) is replaced by a "
        f"depthwise-separable convolution: a depthwise {k}×{k} convolution (one filter per "
        "input channel, no mixing between channels) followed by a pointwise 1×1 convolution "
        f"to {c_out} channels. How many learnable parameters does it have? "
        "(Count weights only.)"
    )
    solution = (
        f"Depthwise: {c_in} filters of {k}×{k}, ${c_in} \\cdot {k} \\cdot {k} = {dw['weights']}$ "
        f"weights. Pointwise: {c_out} filters of 1×1×{c_in}, ${c_out} \\cdot {c_in} = "
        f"{pw['weights']}$ weights. Total ${dw['weights']} + {pw['weights']} = "
        f"{totals['weights_only']}$.\n\n"
        f"With biases: PyTorch's two layers (every layer has a bias) "
        f"${dw['weights'] + dw['biases']} + {pw['weights'] + pw['biases']} = "
        f"{totals['pytorch']}$; Keras's SeparableConv2D (one bias per output channel) "
        f"${totals['keras']}$."
    )
    return Problem(
        part="3b",
        seed=seed,
        title="3(b) Parameters of a depthwise-separable convolution",
        data={"c_in": c_in, "c_out": c_out, "kernel": k, "image": [image, image, c_in]},
        answer={"total": totals["weights_only"], "depthwise": dw, "pointwise": pw,
                "totals": totals},
        checks={"3b": f"{dw['weights']}+{pw['weights']}"},
        statement=statement,
        solution=solution,
        conventions={"reference": "weights only",
                     "also accepted": "any choice of per-stage biases, with a note"},
    )


# ----------------------------------------------------------------------------- 4
def _integer_norm_column(rng: np.random.Generator, n: int) -> FloatArray:
    """An integer column (entries -4..4) whose Euclidean norm is a positive integer."""
    for _ in range(_MAX_TRIES):
        candidates = rng.integers(-4, 4, size=(64, n), endpoint=True)
        squares = np.sum(candidates * candidates, axis=1)
        roots = np.round(np.sqrt(squares)).astype(np.int64)
        good = np.flatnonzero((squares > 0) & (roots * roots == squares))
        if good.size:
            column: FloatArray = candidates[good[0]].astype(np.float64)
            return column
    raise RuntimeError("could not draw a column with an integer norm")  # pragma: no cover


def _problem_4(X: FloatArray, y: FloatArray, w_tilde: FloatArray, p: float,
               seed: int | None) -> Problem:
    norms = dropout.column_norms(X)
    gamma_tilde = dropout.tikhonov_gamma(X)
    gamma = dropout.equivalent_gamma(X, p)
    fit_residual = y - p * (X @ w_tilde)
    fit = float(fit_residual @ fit_residual)
    penalty = p * (1 - p) * float(np.sum((norms * w_tilde) ** 2))
    loss = dropout.expected_loss(X, y, w_tilde, p)
    w_inf = dropout.inference_weights(w_tilde, p)
    ridge = dropout.to_ridge(X, gamma)
    ridge_tilde = dropout.to_ridge(X, gamma_tilde)
    ridge_norms = dropout.column_norms(ridge)
    ridge_norms_tilde = dropout.column_norms(ridge_tilde)
    scale = math.sqrt((1 - p) / p)
    statement = (
        "Linear regression is trained with dropout: each entry of $X$ is kept independently "
        r"with probability $p$ (mask $R$, $R_{ij} \sim \mathrm{Bernoulli}(p)$). Take"
        f"\n\n$$X = {_tex(X)},\\quad y = {_tex(y)},\\quad "
        f"\\tilde w = {_tex(w_tilde)},\\quad p = {_tex(p)}.$$\n\n"
        r"(a) Compute $\mathbb{E}_R \lVert y - (R \odot X)\tilde w\rVert^2$ as the fit term "
        r"$\lVert y - pX\tilde w\rVert^2$ plus the penalty "
        r"$p(1-p)\lVert\tilde\Gamma\tilde w\rVert^2$, $\tilde\Gamma = "
        r"\mathrm{diag}(\lVert X_{:,j}\rVert)$." "\n\n"
        r"(b) Which weights $w$ should be used at test time, without dropout, and which "
        r"$\Gamma$ makes the dropout objective $\lVert y - Xw\rVert^2 + \lVert\Gamma w\rVert^2$?"
        "\n\n"
        r"(c) With that $\Gamma$, compute the ridge data matrix $\tilde X = X\Gamma^{-1}$ "
        r"(so that $\lambda = 1$)." "\n\n"
        r"(d) What are the column norms of $\tilde X$?"
    )
    solution = (
        f"Column norms: ${_tex(norms)}$, so "
        f"$\\tilde\\Gamma = \\mathrm{{diag}}{_tex(norms)}$.\n\n"
        f"(a) fit ${_tex(fit)}$ + penalty ${_tex(penalty)}$ = "
        f"${_tex(loss)}$.\n\n"
        f"(b) $w = p\\tilde w = {_tex(w_inf)}$ and "
        r"$\Gamma = \sqrt{(1-p)/p}\,\tilde\Gamma = \mathrm{diag}"
        f"{_tex(np.diag(gamma))}$.\n\n"
        f"(c) $\\tilde X = {_tex(ridge)}$.\n\n"
        f"(d) ${_tex(ridge_norms)}$: every column has norm "
        f"$\\sqrt{{p/(1-p)}} = {_tex(1 / scale)}$. (With "
        r"$\Gamma = \tilde\Gamma$ and $\lambda = (1-p)/p$ instead, every column has norm 1; "
        "the checker accepts both.)"
    )
    return Problem(
        part="4",
        seed=seed,
        title="4 Dropout as Tikhonov regularization",
        data={"X": _json(X), "y": _json(y), "w_tilde": _json(w_tilde), "p": _json(p)},
        answer={
            "column_norms": _json(norms),
            "fit_term": _json(fit),
            "penalty_term": _json(penalty),
            "expected_loss": _json(loss),
            "inference_weights": _json(w_inf),
            "gamma_diagonal": _json(np.diag(gamma)),
            "ridge_matrix": _json(ridge),
            "ridge_column_norms": _json(ridge_norms),
            "ridge_matrix_gamma_tilde": _json(ridge_tilde),
            "ridge_column_norms_gamma_tilde": _json(ridge_norms_tilde),
        },
        checks={
            "4a": f"{format_number(fit)}+{format_number(penalty)}",
            "4b": _answer(w_inf),
            "4c": _answer(ridge),
            "4d": _answer(ridge_norms),
        },
        statement=statement,
        solution=solution,
        conventions={"reference": "the Gamma of 4(b), sqrt((1-p)/p) Gamma-tilde, with lambda = 1",
                     "also accepted": "Gamma = Gamma-tilde with lambda = (1-p)/p"},
    )


def _variant_4(seed: int) -> Problem:
    rng = _rng("4", seed)
    n = int(rng.integers(3, 4, endpoint=True))
    d = int(rng.integers(2, 3, endpoint=True))
    X = np.stack([_integer_norm_column(rng, n) for _ in range(d)], axis=1)
    y = rng.integers(-3, 3, size=n, endpoint=True).astype(np.float64)
    w_tilde = _nonzero_ints(rng, -2, 2, d)
    p = float(rng.choice(list(RANGES["4.keep_probability"])))
    return _problem_4(X, y, w_tilde, p, seed)


# ----------------------------------------------------------------------------- public API
_VARIANTS: dict[str, Callable[[int], Problem]] = {
    "1b": _variant_1b,
    "1c": _variant_1c,
    "2b": _variant_2b,
    "3a": lambda seed: _problem_3a(*_q3_layer(seed), seed),
    "3b": lambda seed: _problem_3b(*_q3_layer(seed), seed),
    "4": _variant_4,
}

_Q3_ORIGINAL = (answers.Q3_C_IN, answers.Q3_C_OUT, answers.Q3_KERNEL, answers.Q3_IMAGE[0])

_ORIGINALS: dict[str, Callable[[], Problem]] = {
    "1b": lambda: _problem_1b(
        np.array(answers.Q1B_X, dtype=np.float64), np.array(answers.Q1B_Y, dtype=np.float64),
        answers.Q1B_FILTER_SIZE, None,
    ),
    "1c": lambda: _problem_1c(
        np.array(answers.Q1C_INPUT, dtype=np.float64),
        np.array(answers.Q1C_FILTER, dtype=np.float64), 1, 0, None,
    ),
    "2b": _original_2b,
    "3a": lambda: _problem_3a(*_Q3_ORIGINAL, None),
    "3b": lambda: _problem_3b(*_Q3_ORIGINAL, None),
    "4": lambda: _problem_4(
        np.array(answers.Q4_X, dtype=np.float64), np.array(answers.Q4_Y, dtype=np.float64),
        np.array(answers.Q4_W_TILDE, dtype=np.float64), answers.Q4_P, None,
    ),
}


def variant(part: str, seed: int) -> Problem:
    """A fresh instance of ``part`` (one of :data:`VARIANT_PARTS`; ``4a``-``4d`` mean ``4``)
    drawn from ``numpy.random.default_rng([seed, family])``, with its answer.

    ``seed`` must be an integer >= 0; the same (part, seed) always gives the same problem.

    >>> p = variant("1b", 0)
    >>> from hw5ref import conv
    >>> conv.conv1d(p.data["x"], p.answer["filter"]).tolist() == p.data["y"]
    True
    >>> variant("1b", -1)
    Traceback (most recent call last):
    ...
    ValueError: seed must be an integer >= 0, got -1
    """
    name = family(parts.normalize(part, ACCEPTED_PARTS))
    seed = integer(seed, "seed", 0)
    return _VARIANTS[name](seed)


def original(part: str) -> Problem:
    """The homework's own instance of ``part`` (for Q4, the site's numeric instance from
    :mod:`hw5ref.answers`), with its answer.

    >>> original("1b").answer["filter"]
    [2, -1, 3]
    >>> original("3b").answer["totals"]["weights_only"]
    39
    """
    name = family(parts.normalize(part, ACCEPTED_PARTS))
    return _ORIGINALS[name]()
