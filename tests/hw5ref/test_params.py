"""hw5ref.params against counts by hand, against the sizes of arrays with the layers' shapes, and
(separable_dimension) against the rank of the Jacobian of the layer's parametrization."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hw5ref import params

SETTINGS = settings(max_examples=120, deadline=None)


def numel(*shapes: tuple[int, ...]) -> int:
    """Total number of entries of zero arrays built with these shapes."""
    return sum(np.zeros(shape, dtype=np.int8).size for shape in shapes)


def test_standard_conv_by_hand() -> None:
    # Q3: 3 -> 4 channels, 3x3 kernel: weights 3*3*3*4 = 108, plus 4 biases = 112.
    assert params.conv2d_params(3, 4, 3) == 112
    assert params.conv2d_params(3, 4, 3, bias=False) == 108
    # Q1(a): 3 -> 16 channels, 3x3: 3*3*3*16 = 432, plus 16 biases = 448.
    assert params.conv2d_params(3, 16, 3) == 448
    # Non-square kernel (3, 5), 2 -> 7 channels: 3*5*2*7 = 210, plus 7 = 217.
    assert params.conv2d_params(2, 7, (3, 5)) == 217


def test_depthwise_separable_by_hand() -> None:
    # Q3: depthwise = 3 filters of 3x3 = 27 weights (+3 biases); pointwise = 1x1 from 3 to 4
    # channels = 12 weights (+4 biases). Weights only: 27 + 12 = 39; all biases: 30 + 16 = 46;
    # pointwise biases only: 27 + 16 = 43.
    count = params.depthwise_separable_params(3, 4, 3)
    depthwise, pointwise = count.stages
    assert (depthwise.name, depthwise.weight_shape) == ("depthwise", (3, 1, 3, 3))
    assert (pointwise.name, pointwise.weight_shape) == ("pointwise", (4, 3, 1, 1))
    assert (depthwise.weights, depthwise.biases, depthwise.total) == (27, 3, 30)
    assert (pointwise.weights, pointwise.biases, pointwise.total) == (12, 4, 16)
    assert (count.weights, count.biases, count.total) == (39, 7, 46)
    no_bias = params.depthwise_separable_params(3, 4, 3, depthwise_bias=False, pointwise_bias=False)
    assert no_bias.total == 39
    pw_only = params.depthwise_separable_params(3, 4, 3, depthwise_bias=False)
    assert pw_only.total == 43


@SETTINGS
@given(
    c_in=st.integers(1, 64),
    c_out=st.integers(1, 64),
    kh=st.integers(1, 7),
    kw=st.integers(1, 7),
    bias=st.booleans(),
    dw_bias=st.booleans(),
    pw_bias=st.booleans(),
)
def test_counts_equal_the_sizes_of_the_parameter_arrays(
    c_in: int, c_out: int, kh: int, kw: int, bias: bool, dw_bias: bool, pw_bias: bool
) -> None:
    # Shapes as PyTorch stores them: Conv2d weight (c_out, c_in, kh, kw), bias (c_out,);
    # depthwise = Conv2d(groups=c_in): weight (c_in, 1, kh, kw);
    # pointwise = 1x1 Conv2d: weight (c_out, c_in, 1, 1).
    standard = numel((c_out, c_in, kh, kw)) + (numel((c_out,)) if bias else 0)
    assert params.conv2d_params(c_in, c_out, (kh, kw), bias=bias) == standard
    sep = params.depthwise_separable_params(
        c_in, c_out, (kh, kw), depthwise_bias=dw_bias, pointwise_bias=pw_bias
    )
    dw = numel((c_in, 1, kh, kw)) + (numel((c_in,)) if dw_bias else 0)
    pw = numel((c_out, c_in, 1, 1)) + (numel((c_out,)) if pw_bias else 0)
    assert [s.total for s in sep.stages] == [dw, pw]
    assert sep.total == dw + pw
    # Weights-only ratio separable / standard = (k c_in + c_in c_out) / (k c_in c_out)
    # = 1/c_out + 1/k with k = kh*kw (Q3: 1/4 + 1/9 = 13/36).
    weights_ratio = Fraction(sep.weights, params.conv2d_params(c_in, c_out, (kh, kw), bias=False))
    assert weights_ratio == Fraction(1, c_out) + Fraction(1, kh * kw)


def test_square_kernel_int_equals_pair() -> None:
    assert params.conv2d_params(5, 6, 4) == params.conv2d_params(5, 6, (4, 4)) == 4 * 4 * 5 * 6 + 6


# ------------------------------------------------------------------ separable_dimension


def separable_jacobian(
    rng: np.random.Generator, c_in: int, c_out: int, kh: int, kw: int, bias: bool
) -> np.ndarray:
    """Jacobian of the map (D, P[, b_d, b_p]) -> (effective kernel K, effective bias b) of a
    depthwise-separable layer, at a random point, built column by column from the definition

        K[o, c] = P[o, c] * D[c]          (c_out x c_in x kh x kw)
        b[o]    = sum_c P[o, c] b_d[c] + b_p[o]

    (the layer maps x to sum_c K[o, c] * x[c] + b[o], so (K, b) is what it computes).
    The rank at a generic point is the number of independent parameters.
    """
    D = rng.normal(size=(c_in, kh, kw))
    P = rng.normal(size=(c_out, c_in))
    b_d = rng.normal(size=c_in)
    n_out = c_out * c_in * kh * kw + (c_out if bias else 0)
    columns = []

    def column() -> tuple[np.ndarray, np.ndarray]:
        return np.zeros((c_out, c_in, kh, kw)), np.zeros(c_out)

    for c, i, j in np.ndindex(c_in, kh, kw):  # d K[o, c, i, j] / d D[c, i, j] = P[o, c]
        dK, db = column()
        dK[:, c, i, j] = P[:, c]
        columns.append((dK, db))
    for o, c in np.ndindex(c_out, c_in):  # d K[o, c] / d P[o, c] = D[c]; d b[o] = b_d[c]
        dK, db = column()
        dK[o, c] = D[c]
        db[o] = b_d[c]
        columns.append((dK, db))
    if bias:
        for c in range(c_in):  # d b[o] / d b_d[c] = P[o, c]
            dK, db = column()
            db[:] = P[:, c]
            columns.append((dK, db))
        for o in range(c_out):  # d b[o] / d b_p[o] = 1
            dK, db = column()
            db[o] = 1.0
            columns.append((dK, db))
    jac = np.column_stack([np.concatenate([dK.ravel(), db if bias else []])
                           for dK, db in columns])
    assert jac.shape[0] == n_out
    return jac


@pytest.mark.parametrize("bias", [False, True])
@pytest.mark.parametrize(
    ("c_in", "c_out", "kh", "kw"),
    [(3, 4, 3, 3), (1, 1, 1, 1), (2, 5, 1, 3), (4, 2, 2, 2), (3, 1, 3, 3), (1, 3, 2, 1)],
)
def test_separable_dimension_is_the_rank_of_the_parametrization(
    c_in: int, c_out: int, kh: int, kw: int, bias: bool
) -> None:
    jac = separable_jacobian(np.random.default_rng(0), c_in, c_out, kh, kw, bias)
    rank = int(np.linalg.matrix_rank(jac))
    assert params.separable_dimension(c_in, c_out, (kh, kw), bias=bias) == rank


def test_separable_dimension_by_hand() -> None:
    # Q3: c_in = 3, c_out = 4, 3x3. Per input channel, P[:, c] D[c] is a rank-one 4 x 9 block:
    # 4 + 9 - 1 = 12 numbers (rescaling D[c] by a and P[:, c] by 1/a changes nothing), so
    # 3 * 12 = 36 of the 27 + 12 = 39 weights are independent; with biases the depthwise ones
    # fold into the pointwise ones: 36 + 4 = 40.
    assert params.separable_dimension(3, 4, 3) == 36
    assert params.separable_dimension(3, 4, 3, bias=True) == 40
