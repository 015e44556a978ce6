"""Normalization layers on NCHW arrays, and the mean-only batch norm of Q2(b).

For an activation tensor ``x`` of shape (N, C, H, W) each normalization subtracts a mean and
divides by a standard deviation taken over a set of axes:

=========  ==============  =====================================
kind       axes            one statistic per
=========  ==============  =====================================
batch      (0, 2, 3)       channel c          (over N, H, W)
layer      (1, 2, 3)       sample n           (over C, H, W)
instance   (2, 3)          (sample n, channel c) (over H, W)
=========  ==============  =====================================
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np

from hw5ref._validate import FloatArray, finite_result, real_array, real_scalar

__all__ = [
    "AXIS_NAMES",
    "CONSTANT_GROUP_RTOL",
    "NORMALIZATION_KINDS",
    "centered_batchnorm",
    "centered_batchnorm_backward",
    "normalization_axes",
    "normalize",
]

Kind = Literal["batch", "layer", "instance"]

#: Names of the four NCHW axes, in order.
AXIS_NAMES: tuple[str, str, str, str] = ("N", "C", "H", "W")

_AXES: dict[str, tuple[int, ...]] = {
    "batch": (0, 2, 3),
    "layer": (1, 2, 3),
    "instance": (2, 3),
}

#: The normalization kinds this module knows, in the order the homework's figure letters them.
NORMALIZATION_KINDS: tuple[str, ...] = tuple(_AXES)


def normalization_axes(kind: str) -> tuple[int, ...]:
    """The NCHW axes that one mean/variance is computed over.

    >>> normalization_axes("batch")
    (0, 2, 3)
    >>> normalization_axes("layer")
    (1, 2, 3)
    """
    if not isinstance(kind, str):
        raise TypeError(f"kind must be a string, got {type(kind).__name__}")
    try:
        return _AXES[kind]
    except KeyError:
        raise ValueError(f"kind must be one of {sorted(_AXES)}, got {kind!r}") from None


#: With ``eps = 0`` a normalization group whose entries span at most this fraction of its largest
#: magnitude (``max - min <= 1e-12 * max|x|``) counts as constant: rounding would dominate it.
CONSTANT_GROUP_RTOL = 1e-12

_GROUP_NAMES: dict[str, tuple[str, ...]] = {
    "batch": ("channel",), "layer": ("sample",), "instance": ("sample", "channel"),
}


def normalize(x: Any, kind: str, eps: float = 1e-5) -> FloatArray:
    """Training-mode normalization without affine parameters.

    ``x``: shape (N, C, H, W) -> same shape, ``(x - mean) / sqrt(var + eps)`` with the mean
    and the biased variance (divide by the group size) over ``normalization_axes(kind)``.
    Computed in units of a power of two near each group's largest magnitude, so no finite
    ``x`` overflows.  With ``eps = 0`` a constant group (entries within
    :data:`CONSTANT_GROUP_RTOL` of each other, relative to the largest) would divide by zero
    and is refused; ``x`` may have at most 10 million entries.

    >>> x = np.arange(16.0).reshape(2, 2, 2, 2)
    >>> y = normalize(x, "layer", eps=0.0)
    >>> bool(np.allclose(y.mean(axis=(1, 2, 3)), 0)), bool(np.allclose(y.var(axis=(1, 2, 3)), 1))
    (True, True)
    """
    axes = normalization_axes(kind)
    x = real_array(x, "x", ndim=4)
    eps = real_scalar(eps, "eps")
    if eps < 0:
        raise ValueError(f"eps must be >= 0, got {eps}")
    peak = np.max(np.abs(x), axis=axes, keepdims=True)
    # unit: a power of two between half the group's largest magnitude and all of it (1 for an
    # all-zero group): dividing by it is exact, so the result is the same, but no intermediate
    # overflows or underflows
    unit = np.where(peak > 0, np.ldexp(1.0, np.frexp(peak)[1] - 1), 1.0)
    xs = x / unit
    if eps == 0:
        spread = np.max(xs, axis=axes, keepdims=True) - np.min(xs, axis=axes, keepdims=True)
        constant = spread <= CONSTANT_GROUP_RTOL * (peak / unit)
        if np.any(constant):
            where = np.argwhere(constant.reshape([x.shape[i] for i in range(4) if i not in axes]))
            group = ", ".join(f"{name} {int(i) + 1}"
                              for name, i in zip(_GROUP_NAMES[kind], where[0], strict=True))
            raise ValueError(f"eps=0 with a constant normalization group ({group}: its entries "
                             f"differ by at most {CONSTANT_GROUP_RTOL:g} of its largest) divides "
                             "by zero; use eps > 0")
    mean = xs.mean(axis=axes, keepdims=True)
    var = xs.var(axis=axes, keepdims=True)
    with np.errstate(over="ignore"):  # eps / unit**2 for a tiny group: inf, so the output is 0
        out: FloatArray = (xs - mean) / np.sqrt(var + eps / unit / unit)
    return out


def centered_batchnorm(x: Any, gamma: float, beta: float) -> FloatArray:
    """Mean-only batch norm of Q2(b): ``y_i = gamma * (x_i - mean(x)) + beta``.

    ``x``: shape (n,) or (n, d) (mean over the batch axis 0) -> same shape.

    >>> centered_batchnorm([1.0, 2.0, 6.0], gamma=2.0, beta=1.0).tolist()
    [-3.0, -1.0, 7.0]
    """
    x = real_array(x, "x", ndim=(1, 2))
    g = real_scalar(gamma, "gamma")
    b = real_scalar(beta, "beta")
    with np.errstate(over="ignore", invalid="ignore"):
        out: FloatArray = g * (x - x.mean(axis=0)) + b
    return finite_result(out, "x, gamma and beta are", "the output")


def centered_batchnorm_backward(dL_dy: Any, gamma: float) -> FloatArray:
    """Backward pass of :func:`centered_batchnorm`.

    ``dL/dx_j = gamma * (dL/dy_j - (1/n) * sum_i dL/dy_i)``; ``dL_dy``: shape (n,) or (n, d).
    ``beta`` does not appear: it shifts every output equally.

    >>> centered_batchnorm_backward([3.0], gamma=5.0).tolist()
    [0.0]
    >>> centered_batchnorm_backward([1.0, 2.0, 6.0], gamma=2.0).tolist()
    [-4.0, -2.0, 6.0]
    """
    g = real_array(dL_dy, "dL_dy", ndim=(1, 2))
    gamma = real_scalar(gamma, "gamma")
    with np.errstate(over="ignore", invalid="ignore"):
        out: FloatArray = gamma * (g - g.mean(axis=0))
    return finite_result(out, "dL_dy and gamma are", "the gradient")
