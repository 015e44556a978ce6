"""hw5ref.conv against oracles that share no code with it.

* conv1d / conv2d: numpy.correlate and scipy.signal.correlate on an np.pad-ed input, with the
  stride applied by slicing the stride-1 result.
* conv_transpose1d / conv_transpose2d: (i) the dense matrix of the convolution, built column by
  column from the definition in this file, transposed; (ii) the adjoint identity
  <conv(z, w), x> = <z, conv_transpose(x, w)>; (iii) the "insert S-1 zeros, pad by k-1,
  full correlation with the flipped kernel, crop P" formulation.
* recover_filter: round trips on full-rank cases; inconsistent and rank-deficient cases.

Values are integer-valued floats, so every comparison is exact.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
import pytest
import scipy.linalg
import scipy.signal
from hypothesis import assume, event, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from hw5ref import conv

SETTINGS = settings(max_examples=120, deadline=None)


@functools.cache
def int_floats(shape: int | tuple[int, ...]) -> st.SearchStrategy[np.ndarray]:
    """Arrays of small integers stored as float64 (sums of products stay exact)."""
    return hnp.arrays(np.int64, shape, elements=st.integers(-9, 9)).map(
        lambda a: a.astype(np.float64)
    )


# ------------------------------------------------------------------ independent constructions


def conv_matrix_1d(w: np.ndarray, n: int, stride: int, padding: int) -> np.ndarray:
    """Dense M (m x n) with conv(z) = M z, built column by column: input entry j meets filter
    tap t in output i exactly when i*S + t - P == j."""
    k = len(w)
    m = (n + 2 * padding - k) // stride + 1
    mat = np.zeros((m, n))
    for j in range(n):
        for i in range(m):
            t = j + padding - i * stride
            if 0 <= t < k:
                mat[i, j] = w[t]
    return mat


def conv_matrix_2d(
    w: np.ndarray, shape: tuple[int, int], stride: tuple[int, int], padding: tuple[int, int]
) -> np.ndarray:
    """Dense M with conv2d(z).ravel() = M z.ravel() (row-major), column by column."""
    (kh, kw), (h, wd), (sh, sw), (ph, pw) = w.shape, shape, stride, padding
    ho, wo = (h + 2 * ph - kh) // sh + 1, (wd + 2 * pw - kw) // sw + 1
    mat = np.zeros((ho * wo, h * wd))
    for a in range(h):
        for b in range(wd):
            for i in range(ho):
                for j in range(wo):
                    u, v = a + ph - i * sh, b + pw - j * sw
                    if 0 <= u < kh and 0 <= v < kw:
                        mat[i * wo + j, a * wd + b] = w[u, v]
    return mat


def zero_insert_transpose_1d(x: np.ndarray, w: np.ndarray, stride: int, padding: int) -> np.ndarray:
    """Transposed conv as: S-1 zeros between entries, pad k-1, correlate with w[::-1], crop P."""
    k = len(w)
    z = np.zeros((len(x) - 1) * stride + 1)
    z[::stride] = x
    full = np.correlate(np.pad(z, k - 1), w[::-1], mode="valid")
    return full[padding : len(full) - padding]


def zero_insert_transpose_2d(
    x: np.ndarray, w: np.ndarray, stride: tuple[int, int], padding: tuple[int, int]
) -> np.ndarray:
    (h, wd), (kh, kw), (sh, sw), (ph, pw) = x.shape, w.shape, stride, padding
    z = np.zeros(((h - 1) * sh + 1, (wd - 1) * sw + 1))
    z[::sh, ::sw] = x
    zp = np.pad(z, ((kh - 1, kh - 1), (kw - 1, kw - 1)))
    full = scipy.signal.correlate2d(zp, w[::-1, ::-1], mode="valid")
    return full[ph : full.shape[0] - ph, pw : full.shape[1] - pw]


# ------------------------------------------------------------------ hypothesis cases


@st.composite
def conv1d_cases(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, int, int]:
    p = draw(st.integers(0, 3))
    n = draw(st.integers(1, 12))
    k = draw(st.integers(1, min(n + 2 * p, 7)))
    s = draw(st.integers(1, 4))
    return draw(int_floats(n)), draw(int_floats(k)), s, p


@st.composite
def conv2d_cases(
    draw: st.DrawFn,
) -> tuple[np.ndarray, np.ndarray, tuple[int, int], tuple[int, int]]:
    ph, pw = draw(st.integers(0, 2)), draw(st.integers(0, 2))
    h, wd = draw(st.integers(1, 7)), draw(st.integers(1, 7))
    kh = draw(st.integers(1, min(h + 2 * ph, 4)))
    kw = draw(st.integers(1, min(wd + 2 * pw, 4)))
    sh, sw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    return draw(int_floats((h, wd))), draw(int_floats((kh, kw))), (sh, sw), (ph, pw)


@st.composite
def recover_cases(draw: st.DrawFn, extra_rows: int = 0) -> tuple[np.ndarray, np.ndarray, int, int]:
    """(x, w, S, P) whose convolution has m >= k + extra_rows outputs (so A can be full rank)."""
    k, s = draw(st.integers(1, 5)), draw(st.integers(1, 3))
    m = draw(st.integers(k + extra_rows, k + extra_rows + 4))
    p = draw(st.integers(0, min(2, ((m - 1) * s + k - 1) // 2)))
    n_min = (m - 1) * s + k - 2 * p  # >= 1: the shortest input giving exactly m outputs...
    n = draw(st.integers(n_min, n_min + s - 1))  # ...up to the stride's remainder
    assert (n + 2 * p - k) // s + 1 == m
    return draw(int_floats(n)), draw(int_floats(k)), s, p


@st.composite
def transpose1d_cases(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, int, int]:
    """(x, w, S, P) with a non-empty transposed output; n_out = (m-1)S - 2P + k."""
    m, k, s = draw(st.integers(1, 8)), draw(st.integers(1, 5)), draw(st.integers(1, 4))
    p = draw(st.integers(0, ((m - 1) * s + k - 1) // 2))
    return draw(int_floats(m)), draw(int_floats(k)), s, p


@st.composite
def transpose2d_cases(
    draw: st.DrawFn,
) -> tuple[np.ndarray, np.ndarray, tuple[int, int], tuple[int, int]]:
    h, wd = draw(st.integers(1, 5)), draw(st.integers(1, 5))
    kh, kw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    sh, sw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    ph = draw(st.integers(0, ((h - 1) * sh + kh - 1) // 2))
    pw = draw(st.integers(0, ((wd - 1) * sw + kw - 1) // 2))
    return draw(int_floats((h, wd))), draw(int_floats((kh, kw))), (sh, sw), (ph, pw)


# ------------------------------------------------------------------ conv1d / conv2d


@SETTINGS
@given(conv1d_cases())
def test_conv1d_matches_numpy_correlate(case: tuple[np.ndarray, np.ndarray, int, int]) -> None:
    x, w, s, p = case
    expected = np.correlate(np.pad(x, p), w, mode="valid")[::s]
    got = conv.conv1d(x, w, stride=s, padding=p)
    np.testing.assert_array_equal(got, expected)
    assert got.shape == (conv.conv_output_length(len(x), len(w), s, p),)
    np.testing.assert_array_equal(got, conv_matrix_1d(w, len(x), s, p) @ x)


@SETTINGS
@given(conv2d_cases())
def test_conv2d_matches_scipy_correlate(case: tuple) -> None:
    x, w, (sh, sw), (ph, pw) = case
    padded = np.pad(x, ((ph, ph), (pw, pw)))
    expected = scipy.signal.correlate(padded, w, mode="valid", method="direct")[::sh, ::sw]
    got = conv.conv2d(x, w, stride=(sh, sw), padding=(ph, pw))
    np.testing.assert_array_equal(got, expected)
    matrix = conv_matrix_2d(w, x.shape, (sh, sw), (ph, pw))
    np.testing.assert_array_equal(got.ravel(), matrix @ x.ravel())


def test_conv1d_by_hand() -> None:
    # Q1(b): windows of [1, 4, 0, -2, 3] against [2, -1, 3]:
    #   1*2 + 4*(-1) + 0*3 = -2;  4*2 + 0*(-1) + (-2)*3 = 2;  0*2 + (-2)*(-1) + 3*3 = 11
    np.testing.assert_array_equal(conv.conv1d([1, 4, 0, -2, 3], [2, -1, 3]), [-2, 2, 11])
    # stride 2, padding 1: x_pad = [0, 1, 2, 3, 4, 0], windows start at 0, 2, 4:
    #   0+1 = 1, 2+3 = 5, 4+0 = 4
    np.testing.assert_array_equal(conv.conv1d([1, 2, 3, 4], [1, 1], 2, 1), [1, 5, 4])


def test_conv2d_by_hand_is_not_flipped() -> None:
    # x = [[1,2],[3,4]], w = [[1,0],[0,0]]: correlation picks x[0,0] = 1 (a flipped kernel
    # would pick x[1,1] = 4).
    assert conv.conv2d([[1, 2], [3, 4]], [[1, 0], [0, 0]]).tolist() == [[1.0]]
    # Anisotropic stride/padding: x = [[1,2,3]], w = [[1]], stride (1, 2), padding (1, 0):
    # rows 0..2 of [[0,0,0],[1,2,3],[0,0,0]], columns 0 and 2.
    got = conv.conv2d([[1, 2, 3]], [[1]], stride=(1, 2), padding=(1, 0))
    assert got.tolist() == [[0.0, 0.0], [1.0, 3.0], [0.0, 0.0]]


def test_output_length_formulas_by_hand() -> None:
    # floor((5 + 0 - 3)/1) + 1 = 3; floor((224 + 2 - 3)/2) + 1 = 111 + 1 = 112
    assert conv.conv_output_length(5, 3) == 3
    assert conv.conv_output_length(224, 3, stride=2, padding=1) == 112
    # floor((7 + 2*1 - 3)/3) + 1 = floor(6/3) + 1 = 3
    assert conv.conv_output_length(7, 3, 3, 1) == 3
    # transposed: (2-1)*1 - 0 + 2 = 3;  (4-1)*2 - 2*1 + 3 = 7
    assert conv.conv_transpose_output_length(2, 2) == 3
    assert conv.conv_transpose_output_length(4, 3, 2, 1) == 7


# ------------------------------------------------------------------ transposed convolution


@SETTINGS
@given(transpose1d_cases(), st.data())
def test_conv_transpose1d_three_oracles(
    case: tuple[np.ndarray, np.ndarray, int, int], data: st.DataObject
) -> None:
    x, w, s, p = case
    got = conv.conv_transpose1d(x, w, stride=s, padding=p)
    n = (len(x) - 1) * s - 2 * p + len(w)
    assert got.shape == (n,) == (conv.conv_transpose_output_length(len(x), len(w), s, p),)
    # (i) transpose of the convolution matrix for inputs of length n (which map to len(x))
    matrix = conv_matrix_1d(w, n, s, p)
    assert matrix.shape == (len(x), n)
    np.testing.assert_array_equal(got, matrix.T @ x)
    # (ii) adjoint identity with a random z of length n
    z = data.draw(int_floats(n))
    assert float(conv.conv1d(z, w, s, p) @ x) == float(z @ got)
    # (iii) zero insertion + pad k-1 + flipped-kernel full correlation, then crop P
    np.testing.assert_array_equal(got, zero_insert_transpose_1d(x, w, s, p))


@SETTINGS
@given(transpose2d_cases(), st.data())
def test_conv_transpose2d_three_oracles(case: tuple, data: st.DataObject) -> None:
    x, w, (sh, sw), (ph, pw) = case
    got = conv.conv_transpose2d(x, w, stride=(sh, sw), padding=(ph, pw))
    out_shape = (
        (x.shape[0] - 1) * sh - 2 * ph + w.shape[0],
        (x.shape[1] - 1) * sw - 2 * pw + w.shape[1],
    )
    assert got.shape == out_shape
    matrix = conv_matrix_2d(w, out_shape, (sh, sw), (ph, pw))
    np.testing.assert_array_equal(got.ravel(), matrix.T @ x.ravel())
    z = data.draw(int_floats(out_shape))
    lhs = float(np.sum(conv.conv2d(z, w, (sh, sw), (ph, pw)) * x))
    assert lhs == float(np.sum(z * got))
    np.testing.assert_array_equal(got, zero_insert_transpose_2d(x, w, (sh, sw), (ph, pw)))


@SETTINGS
@given(conv1d_cases())
def test_conv_transpose1d_is_a_prefix_of_the_adjoint_when_stride_leaves_a_remainder(
    case: tuple[np.ndarray, np.ndarray, int, int],
) -> None:
    # For an arbitrary input length n the adjoint of conv has length n; the transposed conv of
    # the conv's output has length n - r with r = (n + 2P - k) mod S, and agrees on that prefix.
    z, w, s, p = case
    n, k = len(z), len(w)
    r = (n + 2 * p - k) % s
    m = (n + 2 * p - k) // s + 1
    assume((m - 1) * s - 2 * p + k >= 1)
    x = np.arange(1.0, m + 1)
    adjoint = conv_matrix_1d(w, n, s, p).T @ x
    np.testing.assert_array_equal(conv.conv_transpose1d(x, w, s, p), adjoint[: n - r])


def test_q1c_transposed_conv_by_hand() -> None:
    # Q1(c): each input entry X[i,j] stamps X[i,j] * W at offset (i, j) of a 3x3 output,
    # W = [[1,-1],[0,1]]:
    #   Y[0,0] = (-1)(1) = -1
    #   Y[0,1] = (-1)(-1) + (2)(1) = 3           Y[0,2] = (2)(-1) = -2
    #   Y[1,0] = (-1)(0) + (3)(1) = 3
    #   Y[1,1] = (-1)(1) + (2)(0) + (3)(-1) + (1)(1) = -3
    #   Y[1,2] = (2)(1) + (1)(-1) = 1
    #   Y[2,0] = (3)(0) = 0   Y[2,1] = (3)(1) + (1)(0) = 3   Y[2,2] = (1)(1) = 1
    expected = [[-1, 3, -2], [3, -3, 1], [0, 3, 1]]
    got = conv.conv_transpose2d([[-1, 2], [3, 1]], [[1, -1], [0, 1]])
    np.testing.assert_array_equal(got, expected)


def test_conv_transpose1d_by_hand() -> None:
    # x = [1, 2], w = [1, 1, 1], stride 2: [1,1,1,0,0] + [0,0,2,2,2] = [1,1,3,2,2];
    # padding 1 crops one entry from each end: [1,3,2].
    np.testing.assert_array_equal(conv.conv_transpose1d([1, 2], [1, 1, 1], 2), [1, 1, 3, 2, 2])
    np.testing.assert_array_equal(conv.conv_transpose1d([1, 2], [1, 1, 1], 2, 1), [1, 3, 2])


# ------------------------------------------------------------------ recover_filter


@SETTINGS
@given(recover_cases())
def test_recover_filter_round_trip(case: tuple[np.ndarray, np.ndarray, int, int]) -> None:
    x, w, s, p = case
    k = len(w)
    y = np.correlate(np.pad(x, p), w, mode="valid")[::s]
    windows = np.array([np.pad(x, p)[i * s : i * s + k] for i in range(len(y))])
    full_rank = np.linalg.matrix_rank(windows) == k
    event("A full rank" if full_rank else "A rank-deficient")
    if not full_rank:  # e.g. x mostly zeros: w is not determined by y
        with pytest.raises(ValueError, match="more than one filter"):
            conv.recover_filter(x, y, size=k, stride=s, padding=p)
        return
    recovered = conv.recover_filter(x, y, size=k, stride=s, padding=p)
    np.testing.assert_allclose(recovered, w, rtol=0, atol=1e-8)
    np.testing.assert_allclose(conv.conv1d(x, recovered, s, p), y, rtol=0, atol=1e-8)


@pytest.mark.parametrize("scale", [1e-300, 1e-13, 1e-6, 1.0, 1e6, 1e13, 1e300])
def test_recover_filter_round_trip_at_any_scale(scale: float) -> None:
    # Regression: an absolute 1e-9 "snap to integers" used to turn a 1e-13-scale filter into
    # zeros, so conv1d(x, recovered) was 0 instead of y.
    x = np.array([1.0, 4, 0, -2, 3]) / scale
    w = np.array([2.0, -1, 3]) * scale
    y = np.array([-2.0, 2, 11])  # = conv1d(x, w): the scales cancel
    recovered = conv.recover_filter(x, y, size=3)
    np.testing.assert_allclose(recovered, w, rtol=1e-9)
    np.testing.assert_allclose(conv.conv1d(x, recovered), y, rtol=1e-9)


def test_q1b_filter_by_hand() -> None:
    # Q1(b): A w = y with rows the windows of x = [1, 4, 0, -2, 3]:
    #   [1, 4, 0] w = -2,  [4, 0, -2] w = 2,  [0, -2, 3] w = 11.
    # w = [2, -1, 3]: 2 - 4 + 0 = -2;  8 + 0 - 6 = 2;  0 + 2 + 9 = 11, and det A =
    # 1*(0*3 - (-2)(-2)) - 4*(4*3 - 0) + 0 = -4 - 48 = -52 != 0, so it is the only one.
    np.testing.assert_array_equal(conv.recover_filter([1, 4, 0, -2, 3], [-2, 2, 11], 3), [2, -1, 3])


@SETTINGS
@given(recover_cases(extra_rows=1), st.integers(1, 5))
def test_recover_filter_rejects_targets_outside_the_range(
    case: tuple[np.ndarray, np.ndarray, int, int], bump: int
) -> None:
    x, w, s, p = case
    k = len(w)
    windows = np.array(
        [np.pad(x, p)[i * s : i * s + k] for i in range((len(x) + 2 * p - k) // s + 1)]
    )
    left_null = scipy.linalg.null_space(windows.T)  # vectors orthogonal to every column of A
    assert left_null.shape[1] > 0  # m > k rows, so A^T has a null space
    y = windows @ w + bump * left_null[:, 0]
    with pytest.raises(ValueError, match="no filter"):
        conv.recover_filter(x, y, size=k, stride=s, padding=p)


@pytest.mark.parametrize(
    ("x", "y", "size", "stride", "padding", "message"),
    [
        # x all zeros: every window is 0, so y = 0 is reached by every filter...
        ([0, 0, 0, 0], [0, 0, 0], 2, 1, 0, "more than one filter"),
        # ...and any non-zero y by none.
        ([0, 0, 0, 0], [0, 1, 0], 2, 1, 0, "no filter"),
        # constant x: every window is [1, 1], so only w0 + w1 is determined.
        ([1, 1, 1, 1, 1], [2, 2, 2, 2], 2, 1, 0, "more than one filter"),
        ([1, 1, 1, 1, 1], [1, 2, 3, 4], 2, 1, 0, "no filter"),
        # one window of length 3 (m = 1 < k = 3): underdetermined.
        ([1, 2, 3], [5], 3, 1, 0, "more than one filter"),
        # Q1(b) data with one output changed: A is invertible... but only with all 3 outputs;
        # with stride 2 there are 2 equations for 3 unknowns.
        ([1, 4, 0, -2, 3], [-2, 11], 3, 2, 0, "more than one filter"),
        # tiny scale, inconsistent: [1,1] windows can't give [1e-12, 2e-12, ...]. Regression:
        # an absolute tolerance floor of 1e-9 used to accept this.
        ([1e-12] * 5, [1e-24, 2e-24, 3e-24, 4e-24], 2, 1, 0, "no filter"),
    ],
)
def test_recover_filter_failure_messages(
    x: list[float], y: list[float], size: int, stride: int, padding: int, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        conv.recover_filter(x, y, size, stride, padding)


def test_recover_filter_rank_deficient_and_inconsistent_says_no_filter() -> None:
    # Both defects at once: no filter exists, which is the more useful statement.
    with pytest.raises(ValueError, match="no filter"):
        conv.recover_filter([0, 0, 0], [1], size=3)


def test_conv1d_matrix_rows_are_windows() -> None:
    # padding 1, stride 2 over [1, 2, 3]: x_pad = [0, 1, 2, 3, 0], windows of 2 at 0 and 2.
    assert conv.conv1d_matrix([1, 2, 3], 2, stride=2, padding=1).tolist() == [[0, 1], [2, 3]]


# ------------------------------------------------------------------ multi-channel / batched


@st.composite
def multi_cases(draw: st.DrawFn) -> dict[str, Any]:
    """Shapes, stride and padding from hypothesis; integer values from a drawn numpy seed."""
    ph, pw = draw(st.integers(0, 2)), draw(st.integers(0, 2))
    h, wd = draw(st.integers(1, 5)), draw(st.integers(1, 5))
    kh = draw(st.integers(1, min(h + 2 * ph, 3)))
    kw = draw(st.integers(1, min(wd + 2 * pw, 3)))
    n, c_in, c_out = draw(st.integers(1, 2)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    return {
        "x": rng.integers(-9, 10, (n, c_in, h, wd)).astype(float),
        "w": rng.integers(-9, 10, (c_out, c_in, kh, kw)).astype(float),
        "depthwise": rng.integers(-9, 10, (c_in, kh, kw)).astype(float),
        "pointwise": rng.integers(-9, 10, (c_out, c_in, 1, 1)).astype(float),
        "stride": (draw(st.integers(1, 3)), draw(st.integers(1, 3))),
        "padding": (ph, pw),
    }


def scipy_conv2d(x2: np.ndarray, w2: np.ndarray, stride: tuple, padding: tuple) -> np.ndarray:
    (sh, sw), (ph, pw) = stride, padding
    padded = np.pad(x2, ((ph, ph), (pw, pw)))
    return scipy.signal.correlate(padded, w2, mode="valid", method="direct")[::sh, ::sw]


@SETTINGS
@given(multi_cases())
def test_conv2d_multi_and_depthwise_match_per_channel_scipy(case: dict[str, Any]) -> None:
    x, w, d, s, p = case["x"], case["w"], case["depthwise"], case["stride"], case["padding"]
    n, c_in = x.shape[:2]
    expected = np.array(
        [
            [sum(scipy_conv2d(x[b, c], w[o, c], s, p) for c in range(c_in)) for o in range(len(w))]
            for b in range(n)
        ]
    )
    np.testing.assert_array_equal(conv.conv2d_multi(x, w, s, p), expected)
    np.testing.assert_array_equal(conv.conv2d_multi(x[0], w, s, p), expected[0])  # unbatched
    expected_dw = np.array(
        [[scipy_conv2d(x[b, c], d[c], s, p) for c in range(c_in)] for b in range(n)]
    )
    np.testing.assert_array_equal(conv.depthwise_conv2d(x, d, s, p), expected_dw)
    np.testing.assert_array_equal(conv.depthwise_conv2d(x[0], d, s, p), expected_dw[0])


@SETTINGS
@given(multi_cases())
def test_depthwise_then_pointwise_is_a_standard_conv_with_a_factored_kernel(
    case: dict[str, Any],
) -> None:
    # Q3: a depthwise-separable layer computes y[o] = sum_c P[o, c] (x[c] * D[c]) = sum_c x[c] *
    # (P[o, c] D[c]), i.e. a standard conv whose (C_out, C_in, kh, kw) kernel is P[o, c] * D[c]:
    # c_in*kh*kw + c_out*c_in numbers parametrize what would otherwise take c_out*c_in*kh*kw.
    x, d, pw, s, p = (
        case["x"],
        case["depthwise"],
        case["pointwise"],
        case["stride"],
        case["padding"],
    )
    separable = conv.conv2d_multi(conv.depthwise_conv2d(x, d, s, p), pw)
    factored = pw[:, :, 0, 0][:, :, None, None] * d[None, :, :, :]
    np.testing.assert_array_equal(separable, conv.conv2d_multi(x, factored, s, p))


def test_conv2d_multi_by_hand() -> None:
    # Two 2x2 channels [[1,2],[3,4]] and [[0,1],[1,0]]; one output channel with 1x1 weights
    # (1, 10): y = x0 + 10 x1 = [[1, 12], [13, 4]].
    x = [[[1, 2], [3, 4]], [[0, 1], [1, 0]]]
    assert conv.conv2d_multi(x, [[[[1]], [[10]]]]).tolist() == [[[1, 12], [13, 4]]]
    # Same input, 2x2 kernels [[1,0],[0,0]] on channel 0 and [[0,0],[0,1]] on channel 1:
    # x0[0,0] + x1[1,1] = 1 + 0 = 1.
    w = [[[[1, 0], [0, 0]], [[0, 0], [0, 1]]]]
    assert conv.conv2d_multi(x, w).tolist() == [[[1.0]]]


# ------------------------------------------------------------------ hostile input
ABSURD_SIZES = [
    # (call, message): refused before anything is allocated. Each used to allocate gigabytes
    # (MemoryError at best) or, for the work limit, run for minutes.
    (lambda: conv.conv1d([1.0], [1.0], padding=10**9),
     r"^padding is too large: the padded input would have 2,000,000,001 entries"),
    (lambda: conv.conv2d([[1.0]], [[1.0]], padding=10**5), r"^padding is too large"),
    (lambda: conv.conv2d([[1.0]], [[1.0]], padding=(0, 10**9)), r"^padding is too large"),
    (lambda: conv.conv1d_matrix([1.0], 1, padding=10**9), r"^padding is too large"),
    (lambda: conv.conv2d_multi(np.ones((2, 1, 1)), np.ones((1, 2, 1, 1)), padding=3000),
     r"^padding is too large"),
    (lambda: conv.depthwise_conv2d(np.ones((1, 1, 1)), np.ones((1, 1, 1)), padding=5000),
     r"^padding is too large"),
    (lambda: conv.conv_transpose1d([1.0, 2.0], [1.0], stride=10**9),
     r"^stride is too large: the scatter grid of the transposed convolution would have"),
    (lambda: conv.conv_transpose2d([[1.0, 2.0], [3.0, 4.0]], [[1.0]], stride=10**4),
     r"^stride is too large"),
    (lambda: conv.conv1d(np.ones(10**6), np.ones(5 * 10**5)),
     r"^x and w are too large: the convolution would take 250,000,500,000 multiply-adds"),
    (lambda: conv.conv2d(np.ones((1000, 1000)), np.ones((400, 400))),
     r"^x and w are too large: the convolution would take"),
    (lambda: conv.conv1d_matrix(np.ones(10**6), 100), r"^x and size are too large: the "),
    (lambda: conv.recover_filter(np.ones(4000), np.ones(2000), 2001),
     r"^x and size are too large: solving for the filter would take"),
]


@pytest.mark.parametrize(("call", "message"), ABSURD_SIZES)
def test_absurd_sizes_are_refused_up_front(call: Any, message: str) -> None:
    import time
    import tracemalloc

    tracemalloc.start()
    start = time.process_time()
    try:
        with pytest.raises(ValueError, match=message):
            call()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert time.process_time() - start < 1.0
    assert peak < 50e6  # bytes: the inputs themselves at most, nothing of the absurd size


@pytest.mark.parametrize("call", [
    lambda: conv.conv1d([1e300, 1e300], [1e10]),
    lambda: conv.conv2d([[1e308, 1e308]], [[1e308, 1.0]]),
    lambda: conv.conv2d_multi(np.full((1, 1, 1), 1e200), np.full((1, 1, 1, 1), 1e200)),
    lambda: conv.depthwise_conv2d(np.full((1, 1, 1), 1e200), np.full((1, 1, 1), 1e200)),
    lambda: conv.conv_transpose1d([1e308], [10.0]),
    lambda: conv.conv_transpose2d([[1e308, 1e308]], [[10.0]]),
])
def test_an_overflowing_convolution_is_a_value_error_not_inf(call: Any) -> None:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no RuntimeWarning on the way either
        with pytest.raises(ValueError, match=r"^x and w are too large: the (transposed )?"
                                             r"convolution overflows float64"):
            call()


def test_a_filter_beyond_float64_is_a_value_error() -> None:
    x = np.array([1.0, 4, 0, -2, 3]) * 1e-300
    with pytest.raises(ValueError, match=r"^y is too large for x: the filter overflows"):
        conv.recover_filter(x, [-2e300, 2e300, 11e300], size=3)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 300), st.integers(1, 300), st.integers(1, 3))
def test_long_signals_match_the_definitions(n: int, k: int, s: int) -> None:
    # The vectorized conv1d, and conv_transpose1d's loop over the shorter of inputs and taps.
    rng = np.random.default_rng(n * 7919 + k)
    x, w = rng.integers(-9, 10, n).astype(float), rng.integers(-9, 10, k).astype(float)
    if k <= n:
        assert np.array_equal(conv.conv1d(x, w, s), np.correlate(x, w, mode="valid")[::s])
    full = np.zeros((n - 1) * s + k)
    for i in range(n):  # the definition: scatter-add a scaled filter per input entry
        full[i * s : i * s + k] += x[i] * w
    assert np.array_equal(conv.conv_transpose1d(x, w, s), full)
