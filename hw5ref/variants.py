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
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from hw5ref import answers, conv, dropout, norm, params
from hw5ref._validate import FloatArray, integer

__all__ = [
    "CHECK_PARTS",
    "Q3_BIAS_CONVENTIONS",
    "Q4_KEEP_PROBABILITIES",
    "VARIANT_PARTS",
    "Problem",
    "format_number",
    "normalize_part",
    "original",
    "variant",
]

#: Sub-parts that :func:`variant` can generate.
VARIANT_PARTS: tuple[str, ...] = ("1b", "1c", "2b", "3a", "3b", "4")
#: Sub-parts whose answers :mod:`hw5ref.checker` grades; ``4a``-``4d`` are read from part ``4``.
CHECK_PARTS: tuple[str, ...] = ("1b", "1c", "2b", "3a", "3b", "4a", "4b", "4c", "4d")

#: Keep probabilities used by Q4 variants: sqrt(p / (1 - p)) is 1, 2 and 3 for these.
Q4_KEEP_PROBABILITIES: tuple[float, ...] = (0.5, 0.8, 0.9)

#: Bias conventions for Q3(b): name -> (depthwise bias, pointwise bias).  The first one is the
#: reference answer (the homework counts weights only); the others are accepted with a note.
Q3_BIAS_CONVENTIONS: dict[str, tuple[bool, bool]] = {
    "weights only": (False, False),
    "all biases": (True, True),
    "pointwise biases only": (False, True),
    "depthwise biases only": (True, False),
}

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

    def to_dict(self) -> dict[str, Any]:
        """The problem as a JSON-ready dict with the stable keys ``part``, ``seed``, ``title``,
        ``data``, ``answer``, ``checks``, ``conventions``, ``statement``, ``solution``.

        >>> sorted(original("1b").to_dict())  # doctest: +NORMALIZE_WHITESPACE
        ['answer', 'checks', 'conventions', 'data', 'part', 'seed', 'solution',
         'statement', 'title']
        """
        return {
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
def format_number(x: float) -> str:
    """Short exact text for a number: an integer, a decimal with at most 6 places, a fraction
    ``a/b`` with ``b <= 1000``, or failing those 8 significant digits.

    >>> format_number(3.0), format_number(28.080000000000002), format_number(1 / 3)
    ('3', '28.08', '1/3')
    >>> format_number(-0.0), format_number(2 ** 0.5)
    ('0', '1.4142136')
    """
    if isinstance(x, bool) or not isinstance(x, (int, float, np.integer, np.floating)):
        raise TypeError(f"x must be a real number, got {type(x).__name__}")
    v = float(x)
    if not math.isfinite(v):
        raise ValueError(f"x must be finite, got {v}")
    if v == round(v) and abs(v) < 1e15:
        return str(round(v)) if v != 0 else "0"
    for places in range(7):
        scaled = v * 10**places
        if abs(scaled - round(scaled)) < 1e-9 * max(1.0, abs(scaled)):
            text = f"{round(scaled) / 10**places:.{places}f}"
            return "0" if float(text) == 0 else text
    frac = Fraction(v).limit_denominator(1000)
    if abs(float(frac) - v) < 1e-9 * max(1.0, abs(v)):
        return f"{frac.numerator}/{frac.denominator}"
    return f"{v:.8g}"


def _tex_number(x: float) -> str:
    text = format_number(x)
    if "/" in text:
        num, den = text.lstrip("-").split("/")
        return ("-" if text.startswith("-") else "") + rf"\tfrac{{{num}}}{{{den}}}"
    return text


def _tex_vector(v: Sequence[float] | FloatArray) -> str:
    return "[" + r",\ ".join(_tex_number(float(e)) for e in v) + "]"


def _tex_matrix(m: FloatArray | Sequence[Sequence[float]]) -> str:
    rows = [" & ".join(_tex_number(float(e)) for e in row) for row in m]
    return r"\begin{bmatrix} " + r" \\ ".join(rows) + r" \end{bmatrix}"


def _text_vector(v: Sequence[float] | FloatArray) -> str:
    return ",".join(format_number(float(e)) for e in v)


def _text_matrix(m: FloatArray | Sequence[Sequence[float]]) -> str:
    return "; ".join(_text_vector(row) for row in m)


def _json_number(x: float) -> int | float:
    v = float(x)
    return round(v) if abs(v - round(v)) < 1e-9 else round(v, 10)


def _json_vector(v: Sequence[float] | FloatArray) -> list[int | float]:
    return [_json_number(float(e)) for e in v]


def _json_matrix(m: FloatArray | Sequence[Sequence[float]]) -> list[list[int | float]]:
    return [_json_vector(row) for row in m]


# ----------------------------------------------------------------------------- parts
def normalize_part(part: Any, allowed: Sequence[str] = VARIANT_PARTS) -> str:
    """Canonical name of a sub-part: ``"Q1(b)"``, ``"q1b"`` and ``" 1B "`` all give ``"1b"``.

    Raises ``TypeError`` for a non-string and ``ValueError`` (listing ``allowed``) for an
    unknown part.

    >>> normalize_part("Q1(b)"), normalize_part("4", ("4",))
    ('1b', '4')
    """
    if not isinstance(part, str):
        raise TypeError(f"part must be a string such as '1b', got {type(part).__name__}")
    name = part.strip().lower().replace("(", "").replace(")", "").replace(" ", "")
    name = name.removeprefix("q")
    if name not in allowed:
        raise ValueError(f"part must be one of {', '.join(allowed)}; got {part!r}")
    return name


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
        f"$$x = {_tex_vector(x)}$$\n\nto the output\n\n$$y = {_tex_vector(y)}.$$\n\n"
        f"The filter has length {k}. Find it."
    )
    solution = (
        f"Each output is the dot product of a length-{k} window of $x$ with the filter, so "
        f"$y = A w$ where the rows of $A$ are the windows:\n\n$$A = {_tex_matrix(windows)}.$$\n\n"
        f"$A$ is {windows.shape[0]}×{k} with rank {rank}, full column rank, so exactly one "
        f"filter fits:\n\n$$w = {_tex_vector(w)}.$$"
    )
    return Problem(
        part="1b",
        seed=seed,
        title="1(b) Recovering a 1-D filter",
        data={"x": _json_vector(x), "y": _json_vector(y), "filter_size": k, "stride": 1,
              "padding": 0},
        answer={"filter": _json_vector(w), "window_matrix": _json_matrix(windows),
                "window_rank": rank},
        checks={"1b": _text_vector(w)},
        statement=statement,
        solution=solution,
    )


def _variant_1b(seed: int) -> Problem:
    rng = _rng("1b", seed)
    k = int(rng.integers(2, 4, endpoint=True))
    n = 2 * k - 1 + int(rng.integers(0, 1, endpoint=True))
    w = _nonzero_ints(rng, -3, 3, k)
    for _ in range(_MAX_TRIES):
        x = rng.integers(-4, 4, size=n, endpoint=True).astype(np.float64)
        if np.linalg.matrix_rank(conv.conv1d_matrix(x, k)) == k:
            break
    else:  # pragma: no cover - full rank is drawn within a few tries
        raise RuntimeError("could not draw an input with a full-rank window matrix")
    problem = _problem_1b(x, conv.conv1d(x, w), k, seed)
    if problem.answer["filter"] != _json_vector(w):  # pragma: no cover - internal consistency
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
        f"$$X = {_tex_matrix(x)}$$\n\nwith the filter\n\n$$W = {_tex_matrix(w)}$$\n\n"
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
        f"$$Y = {_tex_matrix(out)}.$$"
    )
    return Problem(
        part="1c",
        seed=seed,
        title="1(c) Transposed convolution",
        data={"input": _json_matrix(x), "filter": _json_matrix(w), "stride": stride,
              "padding": padding},
        answer={"output": _json_matrix(out), "output_shape": [ho, wo]},
        checks={"1c": _text_matrix(out)},
        statement=statement,
        solution=solution,
    )


def _variant_1c(seed: int) -> Problem:
    rng = _rng("1c", seed)
    for _ in range(_MAX_TRIES):
        h, wd = (int(v) for v in rng.integers(2, 3, size=2, endpoint=True))
        k = int(rng.integers(2, 3, endpoint=True))
        stride = int(rng.integers(1, 2, endpoint=True))
        padding = int(rng.integers(0, 1, endpoint=True))
        sizes = [(n - 1) * stride - 2 * padding + k for n in (h, wd)]
        if min(sizes) >= 2 and max(sizes) <= 6:
            break
    else:  # pragma: no cover
        raise RuntimeError("could not draw valid transposed-convolution sizes")
    x = _nonzero_ints(rng, -3, 3, h * wd).reshape(h, wd)
    w = _nonzero_ints(rng, -2, 2, k * k).reshape(k, k)
    return _problem_1c(x, w, stride, padding, seed)


# ----------------------------------------------------------------------------- 2(b)
def _variant_2b(seed: int) -> Problem:
    rng = _rng("2b", seed)
    n = int(rng.integers(2, 5, endpoint=True))
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
        f"For a batch of $n = {n}$ inputs $x = {_tex_vector(x)}$ with "
        f"$\\gamma = {_tex_number(gamma)}$ and $\\beta = {_tex_number(beta)}$, backpropagation "
        r"delivers the upstream gradients $\partial L/\partial y = "
        f"{_tex_vector(g)}$. Find $\\partial L/\\partial x_j$ for every $j$."
    )
    solution = (
        r"$\partial L/\partial x_j = \gamma\left(\partial L/\partial y_j - \frac{1}{n}"
        r"\sum_i \partial L/\partial y_i\right)$; $x$ and $\beta$ do not enter. The mean upstream "
        f"gradient is ${_tex_number(mean_g)}$, so\n\n"
        f"$$\\partial L/\\partial x = {_tex_number(gamma)}\\cdot\\left({_tex_vector(g)} - "
        f"{_tex_number(mean_g)}\\right) = {_tex_vector(dx)}.$$\n\n"
        "(With $n = 1$ the gradient would be $0$: the only output is $\\beta$, whatever $x_1$ is.)"
    )
    return Problem(
        part="2b",
        seed=seed,
        title="2(b) Backward pass of a mean-only batch norm",
        data={"n": n, "x": _json_vector(x), "gamma": _json_number(gamma),
              "beta": _json_number(beta), "upstream": _json_vector(g)},
        answer={"dL_dx": _json_vector(dx), "mean_upstream": _json_number(mean_g),
                "n1": _json_number(answers.q2b_gradient_n1())},
        checks={"2b": _text_vector(dx)},
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
        r"\partial L/\partial y_1\right) = " + _tex_number(value) + "$: with one element, "
        r"$y_1 = \beta$ no matter what $x_1$ is."
    )
    return Problem(
        part="2b",
        seed=None,
        title="2(b) Backward pass of a mean-only batch norm",
        data={"n": 1},
        answer={"dL_dx": [_json_number(value)], "n1": _json_number(value)},
        checks={"2b": format_number(value)},
        statement=statement,
        solution=solution,
    )


# ----------------------------------------------------------------------------- 3(a), 3(b)
def _q3_layer(seed: int) -> tuple[int, int, int, int]:
    rng = _rng("3a", seed)
    c_in = int(rng.integers(2, 8, endpoint=True))
    c_out = int(rng.integers(2, 16, endpoint=True))
    k = int(rng.choice([3, 5, 7]))
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
    for name, (dw_bias, pw_bias) in Q3_BIAS_CONVENTIONS.items():
        count = params.depthwise_separable_params(
            c_in, c_out, k, depthwise_bias=dw_bias, pointwise_bias=pw_bias
        )
        totals[name] = count.total
        if name == "all biases":
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
        f"{totals['weights only']}$.\n\n"
        f"Other bias conventions: all biases ${dw['weights'] + dw['biases']} + "
        f"{pw['weights'] + pw['biases']} = {totals['all biases']}$; pointwise biases only "
        f"${totals['pointwise biases only']}$; depthwise biases only "
        f"${totals['depthwise biases only']}$."
    )
    return Problem(
        part="3b",
        seed=seed,
        title="3(b) Parameters of a depthwise-separable convolution",
        data={"c_in": c_in, "c_out": c_out, "kernel": k, "image": [image, image, c_in]},
        answer={"total": totals["weights only"], "depthwise": dw, "pointwise": pw,
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
    gamma_eq3 = dropout.equivalent_gamma(X, p)
    fit_residual = y - p * (X @ w_tilde)
    fit = float(fit_residual @ fit_residual)
    penalty = p * (1 - p) * float(np.sum((norms * w_tilde) ** 2))
    loss = dropout.expected_loss(X, y, w_tilde, p)
    w_inf = dropout.inference_weights(w_tilde, p)
    ridge = dropout.to_ridge(X, gamma_tilde)
    ridge_eq3 = dropout.to_ridge(X, gamma_eq3)
    ridge_norms = dropout.column_norms(ridge)
    ridge_norms_eq3 = dropout.column_norms(ridge_eq3)
    scale = math.sqrt(p / (1 - p)) if p < 1 else math.inf
    statement = (
        "Linear regression is trained with dropout: each entry of $X$ is kept independently "
        r"with probability $p$ (mask $R$, $R_{ij} \sim \mathrm{Bernoulli}(p)$). Take"
        f"\n\n$$X = {_tex_matrix(X)},\\quad y = {_tex_vector(y)},\\quad "
        f"\\tilde w = {_tex_vector(w_tilde)},\\quad p = {_tex_number(p)}.$$\n\n"
        r"(a) Compute $\mathbb{E}_R \lVert y - (R \odot X)\tilde w\rVert^2$ as the fit term "
        r"$\lVert y - pX\tilde w\rVert^2$ plus the penalty "
        r"$p(1-p)\lVert\tilde\Gamma\tilde w\rVert^2$, $\tilde\Gamma = "
        r"\mathrm{diag}(\lVert X_{:,j}\rVert)$." "\n\n"
        r"(b) Which weights $w$ should be used at test time, without dropout?" "\n\n"
        r"(c) With $\Gamma = \tilde\Gamma$, compute the ridge data matrix "
        r"$\tilde X = X\Gamma^{-1}$." "\n\n"
        r"(d) What are the column norms of $\tilde X$?"
    )
    solution = (
        f"Column norms: ${_tex_vector(norms)}$, so "
        f"$\\tilde\\Gamma = \\mathrm{{diag}}{_tex_vector(norms)}$.\n\n"
        f"(a) fit ${_tex_number(fit)}$ + penalty ${_tex_number(penalty)}$ = "
        f"${_tex_number(loss)}$.\n\n"
        f"(b) $w = p\\tilde w = {_tex_vector(w_inf)}$ (the $\\Gamma$ of the classical "
        r"objective is then $\sqrt{(1-p)/p}\,\tilde\Gamma = \mathrm{diag}"
        f"{_tex_vector(np.diag(gamma_eq3))}$).\n\n"
        f"(c) $\\tilde X = {_tex_matrix(ridge)}$.\n\n"
        f"(d) ${_tex_vector(ridge_norms)}$: every column has the same norm. (With the "
        r"$\Gamma = \sqrt{(1-p)/p}\,\tilde\Gamma$ of (b) instead, every norm is "
        f"$\\sqrt{{p/(1-p)}} = {_tex_number(scale)}$; the checker accepts both.)"
    )
    text_ridge = _text_matrix(ridge)
    return Problem(
        part="4",
        seed=seed,
        title="4 Dropout as Tikhonov regularization",
        data={"X": _json_matrix(X), "y": _json_vector(y), "w_tilde": _json_vector(w_tilde),
              "p": _json_number(p)},
        answer={
            "column_norms": _json_vector(norms),
            "fit_term": _json_number(fit),
            "penalty_term": _json_number(penalty),
            "expected_loss": _json_number(loss),
            "inference_weights": _json_vector(w_inf),
            "gamma_eq3_diagonal": _json_vector(np.diag(gamma_eq3)),
            "ridge_matrix": _json_matrix(ridge),
            "ridge_column_norms": _json_vector(ridge_norms),
            "ridge_matrix_eq3": _json_matrix(ridge_eq3),
            "ridge_column_norms_eq3": _json_vector(ridge_norms_eq3),
        },
        checks={
            "4a": f"{format_number(fit)}+{format_number(penalty)}",
            "4b": _text_vector(w_inf),
            "4c": text_ridge,
            "4d": _text_vector(ridge_norms),
        },
        statement=statement,
        solution=solution,
        conventions={"reference": "Gamma = Gamma-tilde = diag(column norms) in 4(c), 4(d)",
                     "also accepted": "Gamma = sqrt((1-p)/p) Gamma-tilde, the Gamma of 4(b)"},
    )


def _variant_4(seed: int) -> Problem:
    rng = _rng("4", seed)
    n = int(rng.integers(3, 4, endpoint=True))
    d = int(rng.integers(2, 3, endpoint=True))
    X = np.stack([_integer_norm_column(rng, n) for _ in range(d)], axis=1)
    y = rng.integers(-3, 3, size=n, endpoint=True).astype(np.float64)
    w_tilde = _nonzero_ints(rng, -2, 2, d)
    p = float(rng.choice(Q4_KEEP_PROBABILITIES))
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

_ALIASES = {"4a": "4", "4b": "4", "4c": "4", "4d": "4"}


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
    name = normalize_part(part, (*VARIANT_PARTS, *_ALIASES))
    seed = integer(seed, "seed", 0)
    return _VARIANTS[_ALIASES.get(name, name)](seed)


def original(part: str) -> Problem:
    """The homework's own instance of ``part`` (for Q4, the site's numeric instance from
    :mod:`hw5ref.answers`), with its answer.

    >>> original("1b").answer["filter"]
    [2, -1, 3]
    >>> original("3b").answer["totals"]["weights only"]
    39
    """
    name = normalize_part(part, (*VARIANT_PARTS, *_ALIASES))
    return _ORIGINALS[_ALIASES.get(name, name)]()
