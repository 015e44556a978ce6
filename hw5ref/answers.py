"""HW5 problem data and every answer, computed from the data by the other modules.

The site reads its numbers from here and nowhere else: :func:`published` maps a stable key
(``"q1b.filter"``, ``"q3b.total.weights_only"``, ...) to the value a page displays.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from hw5ref import conv, dropout, norm, params
from hw5ref._validate import FloatArray

# ---------------------------------------------------------------- Q1: convolutions
#: Q1(a) illustration: a 224x224 RGB image through a 3x3 convolution with 16 output channels
#: (padding 1, so the output is 224x224x16), versus a dense layer with the same input and output.
Q1A_IMAGE = (224, 224, 3)
Q1A_CONV_OUT_CHANNELS = 16
Q1A_KERNEL = 3

#: Q1(b): input signal, output signal, filter length (stride 1, no padding).
Q1B_X = (1, 4, 0, -2, 3)
Q1B_Y = (-2, 2, 11)
Q1B_FILTER_SIZE = 3

#: Q1(c): 2x2 input and 2x2 filter, transposed convolution with stride 1 and padding 0.
Q1C_INPUT = ((-1, 2), (3, 1))
Q1C_FILTER = ((1, -1), (0, 1))

# ---------------------------------------------------------------- Q2: normalization
#: Q2(a): the homework figure's letters, as both reports describe the shaded regions.
Q2A_LETTERS = {"A": "batch", "B": "layer", "C": "instance"}

# ---------------------------------------------------------------- Q3: depthwise separable
Q3_IMAGE = (224, 224, 3)
Q3_C_IN = 3
Q3_C_OUT = 4
Q3_KERNEL = 3

#: The bias conventions the two reports (and their reviewers) used.
Q3_CONVENTIONS: dict[str, tuple[bool, bool, bool]] = {
    # name: (standard conv bias, depthwise bias, pointwise bias)
    "weights_only": (False, False, False),
    "all_biases": (True, True, True),
    "pointwise_biases_only": (False, False, True),
}

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


def q2b_gradient_n1(upstream: float = 1.0, gamma: float = 1.0) -> float:
    """Q2(b), n = 1: dL/dx_1 for any upstream gradient and gamma (the answer is 0)."""
    return float(norm.centered_batchnorm_backward([upstream], gamma)[0])


def q3_counts(convention: str) -> dict[str, int]:
    """Q3 counts under a bias convention: standard conv total, depthwise, pointwise, total."""
    try:
        conv_bias, dw_bias, pw_bias = Q3_CONVENTIONS[convention]
    except KeyError:
        raise ValueError(
            f"convention must be one of {sorted(Q3_CONVENTIONS)}, got {convention!r}"
        ) from None
    sep = params.depthwise_separable_params(
        Q3_C_IN, Q3_C_OUT, Q3_KERNEL, depthwise_bias=dw_bias, pointwise_bias=pw_bias
    )
    depthwise, pointwise = sep.stages
    return {
        "standard": params.conv2d_params(Q3_C_IN, Q3_C_OUT, Q3_KERNEL, bias=conv_bias),
        "depthwise": depthwise.total,
        "pointwise": pointwise.total,
        "separable": sep.total,
    }


def q4_instance() -> dict[str, Any]:
    """Numeric instance of Q4: the dropout loss terms, the inference weights, X̃ and its norms."""
    X = np.array(Q4_X, dtype=float)
    y = np.array(Q4_Y, dtype=float)
    w_tilde = np.array(Q4_W_TILDE, dtype=float)
    p = Q4_P
    gamma_tilde = dropout.tikhonov_gamma(X)
    x_ridge = dropout.to_ridge(X, gamma_tilde)
    residual = y - p * X @ w_tilde
    penalty = p * (1 - p) * float(np.sum((dropout.column_norms(X) * w_tilde) ** 2))
    return {
        "column_norms": dropout.column_norms(X),
        "fit_term": float(residual @ residual),
        "penalty_term": penalty,
        "expected_loss": dropout.expected_loss(X, y, w_tilde, p),
        "inference_weights": dropout.inference_weights(w_tilde, p),
        "ridge_column_norms": dropout.column_norms(x_ridge),
    }


def _q3(convention: str, part: str) -> Callable[[], int]:
    return lambda: q3_counts(convention)[part]


def _q4(field: str) -> Callable[[], Any]:
    return lambda: q4_instance()[field]


_PUBLISHED: dict[str, Callable[[], Any]] = {
    "q1a.conv_params": lambda: q1a_param_comparison()["conv"],
    "q1a.dense_params": lambda: q1a_param_comparison()["dense"],
    "q1b.filter": q1b_filter,
    "q1c.output": q1c_output,
    "q2b.n1": q2b_gradient_n1,
    **{
        f"q3.{conv_name}.{part}": _q3(conv_name, part)
        for conv_name in Q3_CONVENTIONS
        for part in ("standard", "depthwise", "pointwise", "separable")
    },
    **{f"q4.{field}": _q4(field) for field in (
        "column_norms", "fit_term", "penalty_term", "expected_loss",
        "inference_weights", "ridge_column_norms",
    )},
}


def published() -> dict[str, Any]:
    """Every key a page may display, with its value (numbers or numpy arrays)."""
    return {key: fn() for key, fn in _PUBLISHED.items()}


def value(key: str) -> Any:
    """The published value for ``key``; ``ValueError`` names the unknown key."""
    if not isinstance(key, str):
        raise TypeError(f"key must be a string, got {type(key).__name__}")
    try:
        return _PUBLISHED[key]()
    except KeyError:
        raise ValueError(f"unknown answer key {key!r}; known keys: {sorted(_PUBLISHED)}") from None


# ---------------------------------------------------------------- Q3/Q4 pages: extra keys
def q3_weights_only_ratio() -> float:
    """Q3: separable / standard weights without biases, ``(k²c_in + c_in c_out)/(k²c_in c_out)``."""
    counts = q3_counts("weights_only")
    return counts["separable"] / counts["standard"]


def q4_tikhonov() -> dict[str, Any]:
    """Q4(b)-(d) on the numeric instance: the classical problem that dropout training solves.

    ``gamma_scale`` is ``sqrt((1-p)/p)``, so ``Γ = gamma_scale · Γ̃``; ``dropout_minimizer`` is
    w̃* and ``tikhonov_minimizer`` is w* for that Γ (equal to ``p · w̃*``);
    ``ridge_column_norms_equivalent_gamma`` are the column norms of ``X Γ⁻¹`` for that Γ.
    """
    X = np.array(Q4_X, dtype=float)
    y = np.array(Q4_Y, dtype=float)
    gamma = dropout.equivalent_gamma(X, Q4_P)
    return {
        "p": Q4_P,
        "gamma_scale": float(np.sqrt((1 - Q4_P) / Q4_P)),
        "equivalent_gamma_diag": np.diag(gamma).copy(),
        "dropout_minimizer": dropout.dropout_minimizer(X, y, Q4_P),
        "tikhonov_minimizer": dropout.tikhonov_solution(X, y, gamma),
        "ridge_column_norms_equivalent_gamma": dropout.column_norms(dropout.to_ridge(X, gamma)),
        "ridge_lambda": q4_ridge_lambda(),
    }


def q4_ridge_lambda() -> float:
    """Q4(c): the λ of the ridge form, measured rather than assumed.

    With ``X̃ = to_ridge(X, Γ)`` and ``w̃ = Γw``, ``λ = (L(w) - ||y - X̃w̃||²) / ||w̃||²`` where
    ``L`` is the Tikhonov objective; evaluated on the instance (Γ from 4(b), w = w̃ of 4(a)).
    """
    X = np.array(Q4_X, dtype=float)
    y = np.array(Q4_Y, dtype=float)
    w = np.array(Q4_W_TILDE, dtype=float)
    gamma = dropout.equivalent_gamma(X, Q4_P)
    v = gamma @ w
    fit = y - dropout.to_ridge(X, gamma) @ v
    return float((dropout.tikhonov_loss(X, y, w, gamma) - fit @ fit) / (v @ v))


def _q4t(field: str) -> Callable[[], Any]:
    return lambda: q4_tikhonov()[field]


_PUBLISHED.update(
    {
        "q3.weights_only.ratio": q3_weights_only_ratio,
        **{f"q4.{field}": _q4t(field) for field in (
            "p", "gamma_scale", "equivalent_gamma_diag", "dropout_minimizer",
            "tikhonov_minimizer", "ridge_column_norms_equivalent_gamma", "ridge_lambda",
        )},
    }
)


# ---------------------------------------------------------------- Q1/Q2 site additions
def q2a_letter(kind: str) -> str:
    """Q2(a): the homework figure's letter for a normalization kind.

    >>> q2a_letter("batch"), q2a_letter("layer")
    ('A', 'B')
    """
    norm.normalization_axes(kind)  # validates kind: TypeError / ValueError naming it
    return {name: letter for letter, name in Q2A_LETTERS.items()}[kind]


def _q1a(field: str) -> Callable[[], int]:
    return lambda: q1a_param_comparison()[field]


def _q2a(kind: str) -> Callable[[], str]:
    return lambda: q2a_letter(kind)


_PUBLISHED.update(
    {
        "q1a.inputs": _q1a("inputs"),
        "q1a.outputs": _q1a("outputs"),
        **{f"q2a.{kind}": _q2a(kind) for kind in Q2A_LETTERS.values()},
    }
)
