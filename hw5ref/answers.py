"""HW5 problem data and every published answer, computed from the data by the other modules.

The site reads every value it shows from here and nowhere else: :func:`value` maps a stable
key (``"q1b.filter"``, ``"q3.weights_only.separable"``, ...) to the value, and :data:`ENTRIES`
says for each key whether it is problem data or a result, and at what precision it is
published (``decimals``; None means exact). Keys of problem data (``data=True``) are the
numbers a page may also write out by hand; results are only ever rendered from here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from hw5ref import conv, dropout, norm, params
from hw5ref._validate import FloatArray
from hw5ref.parts import SUBPARTS
from hw5ref.values import format_value, plain

# ---------------------------------------------------------------- Q1: convolutions
#: Q1(a) illustration: a 224x224 RGB image through a 3x3 convolution with 16 output channels
#: (padding 1, so the output is 224x224x16), versus a dense layer with the same input and output.
Q1A_IMAGE = (224, 224, 3)
Q1A_CONV_OUT_CHANNELS = 16
Q1A_KERNEL = 3

#: Q1(b): input signal, output signal, filter length (stride 1, no padding), and the
#: homework's hint (the filter's first entry).
Q1B_X = (1, 4, 0, -2, 3)
Q1B_Y = (-2, 2, 11)
Q1B_FILTER_SIZE = 3
Q1B_HINT = 2

#: Q1(c): 2x2 input and 2x2 filter, transposed convolution with stride 1 and padding 0.
Q1C_INPUT = ((-1, 2), (3, 1))
Q1C_FILTER = ((1, -1), (0, 1))

# ---------------------------------------------------------------- Q2: normalization
#: Q2(a): the homework figure's letters, as Gemini's report reads the figure (confirmed by its
#: reviewer; the figure itself is not available).
Q2A_LETTERS = {"A": "batch", "B": "layer", "C": "instance"}

# ---------------------------------------------------------------- Q3: depthwise separable
Q3_IMAGE = (224, 224, 3)
Q3_C_IN = 3
Q3_C_OUT = 4
Q3_KERNEL = 3


@dataclass(frozen=True)
class BiasConvention:
    """Which layers of Q3 count a bias: the standard convolution, the depthwise stage and the
    pointwise stage. ``name`` is the key used in answer keys and records."""

    name: str
    label: str
    standard: bool
    depthwise: bool
    pointwise: bool


#: The ways of counting Q3's parameters. The first is the reference answer: the problem says
#: to ignore biases throughout. PyTorch's layers (``nn.Conv2d``, and two of them for the
#: separable layer) all carry a bias by default; Keras's ``SeparableConv2D`` has one bias per
#: output channel, after the pointwise stage.
Q3_BIAS_CONVENTIONS: tuple[BiasConvention, ...] = (
    BiasConvention("weights_only", "weights only", False, False, False),
    BiasConvention("pytorch", "PyTorch's biases (every layer)", True, True, True),
    BiasConvention("keras", "Keras's biases (one per output channel)", True, False, True),
)

# ---------------------------------------------------------------- Q4: dropout
#: A numeric instance for Q4 (the homework's Q4 is symbolic): columns have norms 3, 5, 3.
Q4_X = ((1, 0, 2), (2, 3, 0), (2, 0, 1), (0, 4, 2))
Q4_Y = (1, 2, 0, -1)
Q4_W_TILDE = (1, -1, 2)
Q4_P = 0.8


def q1a_param_comparison() -> dict[str, int]:
    """Parameter counts for Q1(a): a 3x3 conv layer vs a dense layer with the same shapes."""
    h, w, c = Q1A_IMAGE
    n_in = h * w * c
    n_out = h * w * Q1A_CONV_OUT_CHANNELS
    return {
        "conv": params.conv2d_params(c, Q1A_CONV_OUT_CHANNELS, Q1A_KERNEL),
        "dense": n_in * n_out + n_out,
        "inputs": n_in,
        "outputs": n_out,
    }


def q1b_filter() -> FloatArray:
    """Q1(b): the length-3 filter mapping ``Q1B_X`` to ``Q1B_Y``."""
    return conv.recover_filter(Q1B_X, Q1B_Y, Q1B_FILTER_SIZE)


def q1c_output() -> FloatArray:
    """Q1(c): the 3x3 transposed convolution of ``Q1C_INPUT`` with ``Q1C_FILTER``."""
    return conv.conv_transpose2d(Q1C_INPUT, Q1C_FILTER)


def q2a_letter(kind: str) -> str:
    """Q2(a): the homework figure's letter for a normalization kind.

    >>> q2a_letter("batch"), q2a_letter("layer")
    ('A', 'B')
    """
    norm.normalization_axes(kind)  # validates kind: TypeError / ValueError naming it
    return {name: letter for letter, name in Q2A_LETTERS.items()}[kind]


def q2b_gradient_n1(upstream: float = 1.0, gamma: float = 1.0) -> float:
    """Q2(b), n = 1: dL/dx_1 for any upstream gradient and gamma (the answer is 0)."""
    return float(norm.centered_batchnorm_backward([upstream], gamma)[0])


def q3_convention(name: str) -> BiasConvention:
    """The bias convention called ``name`` (one of :data:`Q3_BIAS_CONVENTIONS`)."""
    for convention in Q3_BIAS_CONVENTIONS:
        if convention.name == name:
            return convention
    raise ValueError(f"convention must be one of {[c.name for c in Q3_BIAS_CONVENTIONS]}, "
                     f"got {name!r}")


def q3_counts(convention: str) -> dict[str, int]:
    """Q3 counts under a bias convention: standard conv total, depthwise, pointwise, total."""
    c = q3_convention(convention)
    sep = params.depthwise_separable_params(
        Q3_C_IN, Q3_C_OUT, Q3_KERNEL, depthwise_bias=c.depthwise, pointwise_bias=c.pointwise
    )
    depthwise, pointwise = sep.stages
    return {
        "standard": params.conv2d_params(Q3_C_IN, Q3_C_OUT, Q3_KERNEL, bias=c.standard),
        "depthwise": depthwise.total,
        "pointwise": pointwise.total,
        "separable": sep.total,
    }


def q3_filter_weights() -> int:
    """Q3(a): the weights of one output channel's filter, ``k * k * c_in``."""
    return params.conv2d_params(Q3_C_IN, 1, Q3_KERNEL, bias=False)


def q3_weights_only_ratio() -> float:
    """Q3: separable / standard weights without biases, ``(k²c_in + c_in c_out)/(k²c_in c_out)``."""
    counts = q3_counts("weights_only")
    return counts["separable"] / counts["standard"]


def _q4_arrays() -> tuple[FloatArray, FloatArray, FloatArray]:
    return (np.array(Q4_X, dtype=float), np.array(Q4_Y, dtype=float),
            np.array(Q4_W_TILDE, dtype=float))


def q4_instance() -> dict[str, Any]:
    """Numeric instance of Q4: the dropout loss terms, the inference weights, X̃ and its norms."""
    X, y, w_tilde = _q4_arrays()
    p = Q4_P
    residual = y - p * X @ w_tilde
    gamma_w = dropout.column_norms(X) * w_tilde
    penalty = p * (1 - p) * float(gamma_w @ gamma_w)
    return {
        "Xw": X @ w_tilde,
        "fit_residual": residual,
        "gamma_w": gamma_w,
        "mask_count": 2 ** X.size,
        "column_norms": dropout.column_norms(X),
        "fit_term": float(residual @ residual),
        "penalty_term": penalty,
        "expected_loss": dropout.expected_loss(X, y, w_tilde, p),
        "inference_weights": dropout.inference_weights(w_tilde, p),
        "ridge_column_norms": dropout.column_norms(
            dropout.to_ridge(X, dropout.tikhonov_gamma(X))),
    }


def q4_tikhonov() -> dict[str, Any]:
    """Q4(b)-(d) on the numeric instance: the classical problem that dropout training solves.

    ``gamma_scale`` is ``sqrt((1-p)/p)``, so ``Γ = gamma_scale · Γ̃``; ``dropout_minimizer`` is
    w̃* and ``tikhonov_minimizer`` is w* for that Γ (equal to ``p · w̃*``);
    ``ridge_column_norms_equivalent_gamma`` are the column norms of ``X Γ⁻¹`` for that Γ.
    """
    X, y, _ = _q4_arrays()
    gamma = dropout.equivalent_gamma(X, Q4_P)
    return {
        "gamma_scale": float(np.sqrt((1 - Q4_P) / Q4_P)),
        "equivalent_gamma_diag": np.diag(gamma).copy(),
        "dropout_minimizer": dropout.dropout_minimizer(X, y, Q4_P),
        "tikhonov_minimizer": dropout.tikhonov_solution(X, y, gamma),
        "ridge_column_norms_equivalent_gamma": dropout.column_norms(dropout.to_ridge(X, gamma)),
        "ridge_lambda": q4_ridge_lambda(),
        "dropout_ridge_lambda": (1 - Q4_P) / Q4_P,
    }


def q4_ridge_lambda() -> float:
    """Q4(c): the λ of the ridge form, measured rather than assumed.

    With ``X̃ = to_ridge(X, Γ)`` and ``w̃ = Γw``, ``λ = (L(w) - ||y - X̃w̃||²) / ||w̃||²`` where
    ``L`` is the Tikhonov objective; evaluated on the instance (Γ from 4(b), w = w̃ of 4(a)).
    """
    X, y, w = _q4_arrays()
    gamma = dropout.equivalent_gamma(X, Q4_P)
    v = gamma @ w
    fit = y - dropout.to_ridge(X, gamma) @ v
    return float((dropout.tikhonov_loss(X, y, w, gamma) - fit @ fit) / (v @ v))


# ---------------------------------------------------------------- the registry of keys
@dataclass(frozen=True)
class Entry:
    """A published key: how to compute its value, whether it is problem ``data`` (a page may
    write it out by hand, tied to this key) or a result (only ever rendered from here), and the
    precision it is published at (``decimals``; None: exact)."""

    key: str
    compute: Callable[[], Any]
    data: bool = False
    decimals: int | None = None


def _const(v: Any) -> Callable[[], Any]:
    return lambda: v


def _field(fn: Callable[[], dict[str, Any]], name: str) -> Callable[[], Any]:
    return lambda: fn()[name]


def _letter(kind: str) -> Callable[[], str]:
    return lambda: q2a_letter(kind)


def _q3(convention: str, part: str) -> Callable[[], int]:
    return lambda: q3_counts(convention)[part]


def _entries() -> tuple[Entry, ...]:
    out = [
        Entry("q1a.image", _const(Q1A_IMAGE), data=True),
        Entry("q1a.out_channels", _const(Q1A_CONV_OUT_CHANNELS), data=True),
        Entry("q1a.kernel", _const(Q1A_KERNEL), data=True),
        *(Entry(f"q1a.{name}", _field(q1a_param_comparison, field))
          for name, field in (("conv_params", "conv"), ("dense_params", "dense"),
                              ("inputs", "inputs"), ("outputs", "outputs"))),
        Entry("q1b.x", _const(Q1B_X), data=True),
        Entry("q1b.y", _const(Q1B_Y), data=True),
        Entry("q1b.size", _const(Q1B_FILTER_SIZE), data=True),
        Entry("q1b.hint", _const(Q1B_HINT), data=True),
        Entry("q1b.windows", lambda: conv.conv1d_matrix(Q1B_X, Q1B_FILTER_SIZE)),
        Entry("q1b.det", lambda: round(float(np.linalg.det(
            conv.conv1d_matrix(Q1B_X, Q1B_FILTER_SIZE))), 9)),
        Entry("q1b.filter", q1b_filter),
        Entry("q1c.input", _const(Q1C_INPUT), data=True),
        Entry("q1c.filter", _const(Q1C_FILTER), data=True),
        Entry("q1c.output_size", lambda: conv.conv_transpose_output_length(
            len(Q1C_INPUT), len(Q1C_FILTER))),
        Entry("q1c.output", q1c_output),
        *(Entry(f"q2a.{kind}", _letter(kind)) for kind in Q2A_LETTERS.values()),
        Entry("q2b.n1", q2b_gradient_n1),
        Entry("q3.image", _const(Q3_IMAGE), data=True),
        Entry("q3.c_in", _const(Q3_C_IN), data=True),
        Entry("q3.c_out", _const(Q3_C_OUT), data=True),
        Entry("q3.kernel", _const(Q3_KERNEL), data=True),
        Entry("q3.filter_weights", q3_filter_weights),
        Entry("q3.dimension", lambda: params.separable_dimension(Q3_C_IN, Q3_C_OUT, Q3_KERNEL)),
        Entry("q3.dimension_with_biases", lambda: params.separable_dimension(
            Q3_C_IN, Q3_C_OUT, Q3_KERNEL, bias=True)),
        *(Entry(f"q3.{c.name}.{part}", _q3(c.name, part))
          for c in Q3_BIAS_CONVENTIONS
          for part in ("standard", "depthwise", "pointwise", "separable")),
        Entry("q3.weights_only.ratio", q3_weights_only_ratio, decimals=3),
        Entry("q4.X", _const(Q4_X), data=True),
        Entry("q4.y", _const(Q4_Y), data=True),
        Entry("q4.w_tilde", _const(Q4_W_TILDE), data=True),
        Entry("q4.p", _const(Q4_P), data=True),
        *(Entry(f"q4.{name}", _field(q4_instance, name)) for name in (
            "Xw", "fit_residual", "gamma_w", "mask_count",
            "column_norms", "fit_term", "penalty_term", "expected_loss",
            "inference_weights", "ridge_column_norms")),
        *(Entry(f"q4.{name}", _field(q4_tikhonov, name), decimals=decimals)
          for name, decimals in (
              ("gamma_scale", None), ("equivalent_gamma_diag", None),
              ("dropout_minimizer", 4), ("tikhonov_minimizer", 4),
              ("ridge_column_norms_equivalent_gamma", None), ("ridge_lambda", None),
              ("dropout_ridge_lambda", None))),
    ]
    return tuple(out)


#: Every published key, in page order.
ENTRIES: dict[str, Entry] = {e.key: e for e in _entries()}


def entry(key: str) -> Entry:
    """The :class:`Entry` of ``key``; ``ValueError`` names an unknown key."""
    if not isinstance(key, str):
        raise TypeError(f"key must be a string, got {type(key).__name__}")
    try:
        return ENTRIES[key]
    except KeyError:
        raise ValueError(f"unknown answer key {key!r}; known keys: {sorted(ENTRIES)}") from None


def value(key: str) -> Any:
    """The published value of ``key`` (a number, a letter, a tuple of data or a numpy array).

    >>> value("q1b.filter").tolist(), value("q2a.batch"), value("q3.weights_only.separable")
    ([2.0, -1.0, 3.0], 'A', 39)
    """
    return entry(key).compute()


def published() -> dict[str, Any]:
    """Every key with its value."""
    return {key: e.compute() for key, e in ENTRIES.items()}


#: Sub-parts of the keys whose names do not say (``q3.*`` and ``q4.*``); a question's problem
#: data belongs to all its sub-parts.
_PARTS_BY_NAME: dict[str, tuple[str, ...]] = {
    "q4.Xw": ("q4a",), "q4.fit_residual": ("q4a",), "q4.gamma_w": ("q4a",),
    "q4.mask_count": ("q4a",), "q4.column_norms": ("q4a",), "q4.fit_term": ("q4a",),
    "q4.penalty_term": ("q4a",), "q4.expected_loss": ("q4a",),
    "q4.inference_weights": ("q4b",), "q4.gamma_scale": ("q4b",),
    "q4.equivalent_gamma_diag": ("q4b",), "q4.dropout_minimizer": ("q4b",),
    "q4.tikhonov_minimizer": ("q4b",),
    "q4.ridge_lambda": ("q4c",), "q4.dropout_ridge_lambda": ("q4c",),
    "q4.ridge_column_norms": ("q4d",), "q4.ridge_column_norms_equivalent_gamma": ("q4d",),
}


def parts_of(key: str) -> tuple[str, ...]:
    """The sub-parts whose answer a key belongs to (any key, also one no longer published).

    >>> parts_of("q1c.output"), parts_of("q3.pytorch.standard"), parts_of("q3.keras.separable")
    (('q1c',), ('q3a',), ('q3b',))
    >>> parts_of("q4.p")
    ('q4a', 'q4b', 'q4c', 'q4d')
    """
    head, _, rest = key.partition(".")
    if len(head) == 3:
        return (head,)
    if key in _PARTS_BY_NAME:
        return _PARTS_BY_NAME[key]
    if head == "q3" and (rest.endswith(".standard") or rest == "filter_weights"):
        return ("q3a",)
    if head == "q3" and not (key in ENTRIES and ENTRIES[key].data):
        return ("q3b",)
    return tuple(p.id for p in SUBPARTS if p.id.startswith(head))


def published_text(key: str) -> str:
    """The value of ``key`` as the site prints it, at its published precision: two values are
    the same published answer exactly when their texts are equal."""
    return format_value(value(key), "text", entry(key).decimals)


def answer_key() -> dict[str, dict[str, Any]]:
    """Every key with its value, its published text and precision (``answers.json``)."""
    return {key: {"value": plain(e.compute(), 17), "text": published_text(key),
                  "decimals": e.decimals, "parts": list(parts_of(key))}
            for key, e in ENTRIES.items()}
