"""hw5ref.norm against a direct loop over normalization groups and central finite differences."""

from __future__ import annotations

import functools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from hw5ref import norm

SETTINGS = settings(max_examples=120, deadline=None)

nchw = hnp.arrays(
    np.int64,
    st.tuples(*(st.integers(1, 3) for _ in range(4))),
    elements=st.integers(-20, 20),
).map(lambda a: a.astype(np.float64))

#: W >= 2, so every batch/layer/instance group has at least two cells.
nchw_wide = hnp.arrays(
    np.int64,
    st.tuples(st.integers(1, 3), st.integers(1, 3), st.integers(1, 3), st.integers(2, 3)),
    elements=st.integers(-20, 20),
).map(lambda a: a.astype(np.float64))


def groups(shape: tuple[int, int, int, int], kind: str) -> list[list[tuple[int, int, int, int]]]:
    """Index lists of each normalization group, written out per kind:
    batch = one group per channel c, layer = one per sample n, instance = one per (n, c)."""
    n_, c_, h_, w_ = shape
    cells = [
        (n, c, h, w) for n in range(n_) for c in range(c_) for h in range(h_) for w in range(w_)
    ]
    if kind == "batch":
        return [[i for i in cells if i[1] == c] for c in range(c_)]
    if kind == "layer":
        return [[i for i in cells if i[0] == n] for n in range(n_)]
    return [[i for i in cells if i[:2] == (n, c)] for n in range(n_) for c in range(c_)]


def loop_normalize(x: np.ndarray, kind: str, eps: float) -> np.ndarray:
    out = np.empty_like(x)
    for members in groups(x.shape, kind):
        values = [float(x[i]) for i in members]
        mean = math.fsum(values) / len(values)
        var = math.fsum((v - mean) ** 2 for v in values) / len(values)
        for i in members:
            out[i] = (x[i] - mean) / math.sqrt(var + eps)
    return out


@pytest.mark.parametrize("kind", ["batch", "layer", "instance"])
def test_axes_are_the_axes_along_which_a_group_varies(kind: str) -> None:
    # The statistics are taken over exactly the axes along which the cells of one group (as
    # written out in groups() above) differ; on (2, 3, 2, 2) every axis has two or more cells.
    # By hand: batch -> N, H, W (0, 2, 3); layer -> C, H, W (1, 2, 3); instance -> H, W (2, 3).
    members = groups((2, 3, 2, 2), kind)[0]
    varying = tuple(a for a in range(4) if len({cell[a] for cell in members}) > 1)
    assert norm.normalization_axes(kind) == varying
    assert varying == {"batch": (0, 2, 3), "layer": (1, 2, 3), "instance": (2, 3)}[kind]


@SETTINGS
@given(nchw, st.sampled_from(["batch", "layer", "instance"]), st.sampled_from([1e-5, 0.5, 3.0]))
def test_normalize_matches_a_loop_over_groups(x: np.ndarray, kind: str, eps: float) -> None:
    np.testing.assert_allclose(
        norm.normalize(x, kind, eps), loop_normalize(x, kind, eps), atol=1e-12
    )


@SETTINGS
@given(nchw_wide, st.sampled_from(["batch", "layer", "instance"]))
def test_normalize_gives_mean_0_and_variance_1_per_group(x: np.ndarray, kind: str) -> None:
    member_lists = groups(x.shape, kind)
    # eps = 0 needs every group non-constant: bump one cell of any constant group.
    for members in member_lists:
        if len({float(x[i]) for i in members}) == 1:
            x = x.copy()
            x[members[0]] += 1.0
    y = norm.normalize(x, kind, eps=0.0)
    for members in member_lists:
        values = np.array([y[i] for i in members])
        assert abs(values.mean()) < 1e-12
        assert abs((values**2).mean() - 1.0) < 1e-12


def test_normalize_by_hand() -> None:
    # Layer norm of one sample with values [0, 2] (N=1, C=2, H=W=1): mean 1, biased variance
    # ((0-1)^2 + (2-1)^2)/2 = 1, so the output is [-1, 1].
    y = norm.normalize(np.array([0.0, 2.0]).reshape(1, 2, 1, 1), "layer", eps=0.0)
    assert y.ravel().tolist() == [-1.0, 1.0]
    # Batch norm of the same tensor: each channel is its own group of one value, variance 0:
    # (x - x) / sqrt(0 + 1) = 0 with eps = 1.
    y = norm.normalize(np.array([0.0, 2.0]).reshape(1, 2, 1, 1), "batch", eps=1.0)
    assert y.ravel().tolist() == [0.0, 0.0]


# ------------------------------------------------------------------ Q2(b) mean-only batch norm


def test_centered_batchnorm_by_hand() -> None:
    # x = [1, 2, 6]: mean 3; gamma 2, beta 1: 2*(1-3)+1 = -3, 2*(2-3)+1 = -1, 2*(6-3)+1 = 7
    assert norm.centered_batchnorm([1, 2, 6], 2.0, 1.0).tolist() == [-3.0, -1.0, 7.0]
    # (n, d) input: column means [2, 10]
    got = norm.centered_batchnorm([[1, 10], [3, 10]], 1.0, 0.0)
    assert got.tolist() == [[-1.0, 0.0], [1.0, 0.0]]


def test_centered_batchnorm_backward_by_hand() -> None:
    # g = [1, 2, 6], mean 3, gamma 2: 2*(1-3) = -4, 2*(2-3) = -2, 2*(6-3) = 6
    assert norm.centered_batchnorm_backward([1, 2, 6], 2.0).tolist() == [-4.0, -2.0, 6.0]
    # n = 1: the single output is beta whatever x is, so the gradient is gamma*(g - g) = 0.
    assert norm.centered_batchnorm_backward([3.0], 5.0).tolist() == [0.0]


@functools.cache
def small_ints(shape: tuple[int, ...]) -> st.SearchStrategy[np.ndarray]:
    return hnp.arrays(np.int64, shape, elements=st.integers(-5, 5))


@st.composite
def batch_and_loss(draw: st.DrawFn) -> tuple[np.ndarray, float, float, np.ndarray, np.ndarray]:
    shape = draw(
        st.one_of(st.tuples(st.integers(1, 6)), st.tuples(st.integers(1, 5), st.integers(1, 3)))
    )
    ints = small_ints(shape)
    x = draw(ints).astype(float)
    gamma = float(draw(st.integers(-3, 3)))
    beta = float(draw(st.integers(-3, 3)))
    a, b = draw(ints).astype(float), draw(ints).astype(float)
    return x, gamma, beta, a, b


@SETTINGS
@given(batch_and_loss())
def test_centered_batchnorm_backward_matches_central_differences(case: tuple) -> None:
    # Random scalar loss L(y) = sum(a*y + b*y^2) / 4 with dL/dy = (a + 2 b y) / 4.
    x, gamma, beta, a, b = case

    def loss(x_: np.ndarray) -> float:
        y = norm.centered_batchnorm(x_, gamma, beta)
        return float(np.sum(a * y + b * y * y)) / 4

    y = norm.centered_batchnorm(x, gamma, beta)
    analytic = norm.centered_batchnorm_backward((a + 2 * b * y) / 4, gamma)
    h = 1e-3
    numeric = np.empty_like(x)
    for idx in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[idx] = h
        numeric[idx] = (loss(x + e) - loss(x - e)) / (2 * h)
    # L is quadratic in x, so central differences are exact up to rounding.
    np.testing.assert_allclose(analytic, numeric, rtol=0, atol=1e-7)


@pytest.mark.parametrize("n", [10, 1_000, 100_000])
def test_q2b_large_batch_limit_for_a_one_sample_loss(n: int) -> None:
    # Loss on sample 1 only: g = e_1. dL/dx_1 = gamma (1 - 1/n) -> gamma, and for j != 1
    # dL/dx_j = -gamma/n -> 0: for large n the batch mean barely depends on any one x_j.
    gamma = 2.0
    g = np.zeros(n)
    g[0] = 1.0
    grad = norm.centered_batchnorm_backward(g, gamma)
    assert grad[0] == pytest.approx(gamma * (1 - 1 / n), rel=1e-12)
    assert grad[1] == pytest.approx(-gamma / n, rel=1e-12)
    assert np.allclose(grad[1:], grad[1])


# ------------------------------------------------------------------ hostile input
@pytest.mark.parametrize(("kind", "shape", "group"), [
    ("batch", (3, 1, 1, 1), "channel 1"),
    ("layer", (1, 3, 1, 1), "sample 1"),
    ("instance", (1, 1, 3, 1), "sample 1, channel 1"),
])
def test_a_group_constant_up_to_rounding_is_refused_with_eps_0(
    kind: str, shape: tuple[int, int, int, int], group: str
) -> None:
    # Three copies of 0.1: rounding leaves a variance of about 1e-34, and eps = 0 used to divide
    # by it, giving +-1 instead of the constant-group error.
    x = np.full(shape, 0.1)
    assert float(np.var(x)) > 0  # the rounding the relative tolerance has to absorb
    with pytest.raises(ValueError, match=rf"^eps=0 with a constant normalization group \({group}:"):
        norm.normalize(x, kind, eps=0.0)
    assert np.all(np.abs(norm.normalize(x, kind, eps=1e-5)) < 1e-12)  # eps > 0: about 0


def test_the_first_constant_group_is_named_from_1() -> None:
    x = np.arange(8.0).reshape(2, 2, 2, 1)
    x[1, 1] = 7.0  # sample 2, channel 2 is constant
    with pytest.raises(ValueError, match=r"\(sample 2, channel 2: "):
        norm.normalize(x, "instance", eps=0.0)


def test_a_group_beyond_the_tolerance_is_normalized() -> None:
    spread = 1e-9  # far above 1e-12 of the largest entry
    y = norm.normalize(np.array([1.0, 1.0 + spread]).reshape(1, 1, 1, 2), "layer", eps=0.0)
    np.testing.assert_allclose(y.ravel(), [-1.0, 1.0], rtol=1e-6)


@SETTINGS
@given(nchw_wide, st.sampled_from(["batch", "layer", "instance"]), st.integers(-1000, 960))
def test_normalize_is_exact_at_any_scale(x: np.ndarray, kind: str, power: int) -> None:
    # Scaling x by a power of two changes nothing (eps = 0). Before, 2**960-sized groups
    # overflowed the variance (output 0) and 2**-1000-sized ones underflowed it (an error).
    for members in groups(x.shape, kind):
        if len({float(x[i]) for i in members}) == 1:
            x = x.copy()
            x[members[0]] += 1.0
    scaled = x * 2.0**power
    assert np.array_equal(norm.normalize(scaled, kind, eps=0.0), norm.normalize(x, kind, eps=0.0))


def test_huge_and_subnormal_groups_by_hand() -> None:
    huge = np.array([1e200, -1e200]).reshape(1, 1, 1, 2)
    assert norm.normalize(huge, "layer").ravel().tolist() == [1.0, -1.0]  # was [0, -0]
    tiny = np.array([3e-320, -3e-320]).reshape(1, 1, 1, 2)  # subnormal, yet not constant
    assert norm.normalize(tiny, "layer", eps=0.0).ravel().tolist() == [1.0, -1.0]


@pytest.mark.parametrize(("call", "message"), [
    (lambda: norm.centered_batchnorm([1e308, -1e308], 2.0, 0.0),
     r"^x, gamma and beta are too large: the output overflows float64"),
    (lambda: norm.centered_batchnorm([0.0, 4.0], 1e308, 0.0),
     r"^x, gamma and beta are too large"),
    (lambda: norm.centered_batchnorm_backward([1e308, -1e308], 2.0),
     r"^dL_dy and gamma are too large: the gradient overflows float64"),
])
def test_overflow_is_a_value_error_not_inf(call: object, message: str) -> None:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # and no RuntimeWarning on the way
        with pytest.raises(ValueError, match=message):
            call()  # type: ignore[operator]


def test_normalize_refuses_more_than_10_million_entries() -> None:
    from hw5ref._validate import MAX_ELEMENTS

    x = np.zeros((MAX_ELEMENTS + 1, 1, 1, 1))  # calloc: no memory is touched
    with pytest.raises(ValueError, match=r"^x has 10,000,001 entries; at most 10,000,000"):
        norm.normalize(x, "batch")
