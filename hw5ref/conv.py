"""Convolution and transposed convolution on single-channel 1-D and 2-D arrays.

Convention (deep learning, as in PyTorch): "convolution" is cross-correlation, the filter is
not flipped.  With zero padding ``P`` and stride ``S`` a length-``n`` input and length-``k``
filter give ``floor((n + 2P - k) / S) + 1`` outputs:

    y[i] = sum_t  x_pad[i*S + t] * w[t]

The transposed convolution of a length-``m`` input scatters scaled copies of the filter: every
input entry scales the whole filter, copies are placed ``S`` apart, overlaps are summed and
``P`` entries are cropped from each border, giving ``(m - 1)*S - 2P + k`` outputs.  It is the
adjoint (matrix transpose) of the convolution above whenever that length is the convolution's
input length ``n``, i.e. when ``S`` divides ``n + 2P - k``.  Otherwise the adjoint has
``r = (n + 2P - k) mod S`` more trailing entries and the transposed convolution is its first
``n - r`` entries (PyTorch's ``output_padding`` supplies the missing ones).

Argument errors raise ``TypeError``/``ValueError`` whose message starts with the argument's name.

Limits (``ValueError`` naming the argument, raised before anything is allocated): every array a
function reads or creates -- the padded input, the output, the scatter grid of a transposed
convolution, the window matrix -- has at most 10 million entries (``MAX_ELEMENTS``), and one
call does at most 10**9 multiply-adds (``MAX_WORK``); so ``padding=10**9`` or ``stride=10**9``
is refused at once.  A result that overflows float64 is a ``ValueError`` too.  The two length
formulas compute with any size.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from hw5ref._validate import (
    MAX_ELEMENTS,
    FloatArray,
    check_entries,
    check_work,
    finite_result,
    integer,
    pair,
    real_array,
)

__all__ = [
    "conv1d",
    "conv1d_matrix",
    "conv2d",
    "conv2d_multi",
    "conv_output_length",
    "conv_transpose1d",
    "conv_transpose2d",
    "conv_transpose_output_length",
    "depthwise_conv2d",
    "recover_filter",
]


def conv_output_length(n: int, k: int, stride: int = 1, padding: int = 0) -> int:
    """Output length of a convolution: ``floor((n + 2*padding - k) / stride) + 1``.

    >>> conv_output_length(5, 3)
    3
    >>> conv_output_length(224, 3, stride=2, padding=1)
    112
    """
    n = integer(n, "n", 1)
    k = integer(k, "k", 1)
    stride = integer(stride, "stride", 1)
    padding = integer(padding, "padding", 0)
    if k > n + 2 * padding:
        raise ValueError(
            f"k={k} (the filter length) is longer than the padded input "
            f"n + 2*padding = {n} + 2*{padding} = {n + 2 * padding}"
        )
    return (n + 2 * padding - k) // stride + 1


def conv_transpose_output_length(n: int, k: int, stride: int = 1, padding: int = 0) -> int:
    """Output length of a transposed convolution: ``(n - 1)*stride - 2*padding + k``.

    >>> conv_transpose_output_length(2, 2)
    3
    """
    n = integer(n, "n", 1)
    k = integer(k, "k", 1)
    stride = integer(stride, "stride", 1)
    padding = integer(padding, "padding", 0)
    out = (n - 1) * stride - 2 * padding + k
    if out < 1:
        raise ValueError(
            f"padding={padding} crops away the whole output: (n-1)*stride - 2*padding + k "
            f"= {out} < 1"
        )
    return out


def _check_filter_fits(
    shape_x: tuple[int, ...], shape_w: tuple[int, ...], padding: tuple[int, ...], name: str = "w"
) -> None:
    """Raise ``ValueError`` naming ``name`` if the filter is longer than the padded input."""
    for axis, (n, k, p) in enumerate(zip(shape_x, shape_w, padding, strict=True)):
        if k > n + 2 * p:
            raise ValueError(
                f"{name} is longer than the padded input along axis {axis}: "
                f"filter {k} > input {n} + 2*padding {p} = {n + 2 * p}"
            )


def _padded_entries(shape: tuple[int, ...], padding: tuple[int, ...], lead: int = 1) -> None:
    """Refuse a padded input of more than MAX_ELEMENTS entries (``lead``: batch x channels)."""
    count = lead
    for n, p in zip(shape, padding, strict=True):
        count *= n + 2 * p
    check_entries(count, "padding is too large", "the padded input")


def _conv_cost(outputs: int, taps: int) -> None:
    """Refuse an output of more than MAX_ELEMENTS entries or more than MAX_WORK multiply-adds."""
    check_entries(outputs, "x and w are too large", "the output")
    check_work(outputs * taps, "x and w are too large", "the convolution")


def _scatter_cost(full: tuple[int, ...], unstrided: tuple[int, ...], inputs: int, taps: int
                  ) -> None:
    """Refuse a transposed convolution whose scatter grid (before cropping) or work is absurd;
    blame the stride when the grid would be small with stride 1."""
    count = small = 1
    for n, m in zip(full, unstrided, strict=True):
        count, small = count * n, small * m
    blame = "stride is too large" if small <= MAX_ELEMENTS else "x and w are too large"
    check_entries(count, blame, "the scatter grid of the transposed convolution")
    check_work(inputs * taps, "x and w are too large", "the transposed convolution")


def conv1d(x: Any, w: Any, stride: int = 1, padding: int = 0) -> FloatArray:
    """1-D convolution (cross-correlation, no flip).

    ``x``: shape (n,), ``w``: shape (k,)  ->  shape (floor((n + 2P - k)/S) + 1,)
    with ``y[i] = sum_t x_pad[i*S + t] * w[t]``.

    >>> conv1d([1, 4, 0, -2, 3], [2, -1, 3]).tolist()
    [-2.0, 2.0, 11.0]
    >>> conv1d([1, 2, 3, 4], [1, 1], stride=2, padding=1).tolist()  # x_pad = [0,1,2,3,4,0]
    [1.0, 5.0, 4.0]
    """
    x = real_array(x, "x", ndim=1)
    w = real_array(w, "w", ndim=1)
    s = integer(stride, "stride", 1)
    p = integer(padding, "padding", 0)
    _check_filter_fits(x.shape, w.shape, (p,))
    _padded_entries(x.shape, (p,))
    k = w.shape[0]
    m = conv_output_length(x.shape[0], k, s, p)
    _conv_cost(m, k)
    windows = sliding_window_view(np.pad(x, p), k)[::s]
    with np.errstate(over="ignore", invalid="ignore"):
        out: FloatArray = np.einsum("ik,k->i", windows, w)
    return finite_result(out, "x and w are", "the convolution")


def conv2d(
    x: Any, w: Any, stride: int | tuple[int, int] = 1, padding: int | tuple[int, int] = 0
) -> FloatArray:
    """2-D convolution (cross-correlation, no flip).

    ``x``: shape (H, W), ``w``: shape (kh, kw)  ->  shape (Ho, Wo) with
    ``Ho = floor((H + 2Ph - kh)/Sh) + 1`` (likewise Wo) and
    ``y[i, j] = sum_{a,b} x_pad[i*Sh + a, j*Sw + b] * w[a, b]``.

    >>> conv2d([[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[1, 0], [0, -1]]).tolist()
    [[-4.0, -4.0], [-4.0, -4.0]]
    """
    x = real_array(x, "x", ndim=2)
    w = real_array(w, "w", ndim=2)
    sh, sw = pair(stride, "stride", 1)
    ph, pw = pair(padding, "padding", 0)
    _check_filter_fits(x.shape, w.shape, (ph, pw))
    _padded_entries(x.shape, (ph, pw))
    kh, kw = w.shape
    ho = conv_output_length(x.shape[0], kh, sh, ph)
    wo = conv_output_length(x.shape[1], kw, sw, pw)
    _conv_cost(ho * wo, kh * kw)
    with np.errstate(over="ignore", invalid="ignore"):
        out: FloatArray = np.einsum("hwab,ab->hw", _windows(x, kh, kw, (sh, sw), (ph, pw)), w)
    return finite_result(out, "x and w are", "the convolution")


def conv_transpose1d(x: Any, w: Any, stride: int = 1, padding: int = 0) -> FloatArray:
    """1-D transposed convolution: scatter-add of scaled filters, then crop.

    ``x``: shape (m,), ``w``: shape (k,)  ->  shape ((m-1)*S - 2P + k,)
    ``full[i*S : i*S + k] += x[i] * w`` for every i, then ``full[P : len(full) - P]``.
    This is the transpose of ``conv1d(., w, S, P)`` acting on inputs of that output length.

    >>> conv_transpose1d([1, 2], [1, 1, 1], stride=2).tolist()
    [1.0, 1.0, 3.0, 2.0, 2.0]
    """
    x = real_array(x, "x", ndim=1)
    w = real_array(w, "w", ndim=1)
    s = integer(stride, "stride", 1)
    p = integer(padding, "padding", 0)
    n, k = x.shape[0], w.shape[0]
    conv_transpose_output_length(n, k, s, p)
    _scatter_cost(((n - 1) * s + k,), (n - 1 + k,), n, k)
    full = np.zeros((n - 1) * s + k, dtype=np.float64)
    with np.errstate(over="ignore", invalid="ignore"):
        if n <= k:  # loop over whichever is shorter: inputs or filter taps
            for i in range(n):
                full[i * s : i * s + k] += x[i] * w
        else:
            for t in range(k):
                full[t : t + (n - 1) * s + 1 : s] += w[t] * x
    out: FloatArray = full[p : full.shape[0] - p]
    return finite_result(out, "x and w are", "the transposed convolution")


def conv_transpose2d(
    x: Any, w: Any, stride: int | tuple[int, int] = 1, padding: int | tuple[int, int] = 0
) -> FloatArray:
    """2-D transposed convolution: scatter-add of scaled filters, then crop.

    ``x``: shape (H, W), ``w``: shape (kh, kw)  ->  shape
    ((H-1)*Sh - 2Ph + kh, (W-1)*Sw - 2Pw + kw) with
    ``full[i*Sh : i*Sh + kh, j*Sw : j*Sw + kw] += x[i, j] * w``, then ``P`` cropped per border.
    This is the transpose of ``conv2d(., w, S, P)`` acting on inputs of that output shape.

    >>> conv_transpose2d([[-1, 2], [3, 1]], [[1, -1], [0, 1]]).astype(int).tolist()
    [[-1, 3, -2], [3, -3, 1], [0, 3, 1]]
    """
    x = real_array(x, "x", ndim=2)
    w = real_array(w, "w", ndim=2)
    sh, sw = pair(stride, "stride", 1)
    ph, pw = pair(padding, "padding", 0)
    (h, wd), (kh, kw) = x.shape, w.shape
    conv_transpose_output_length(h, kh, sh, ph)
    conv_transpose_output_length(wd, kw, sw, pw)
    shape = ((h - 1) * sh + kh, (wd - 1) * sw + kw)
    _scatter_cost(shape, (h - 1 + kh, wd - 1 + kw), h * wd, kh * kw)
    full = np.zeros(shape, dtype=np.float64)
    with np.errstate(over="ignore", invalid="ignore"):
        if h * wd <= kh * kw:  # loop over whichever is smaller: inputs or filter taps
            for i in range(h):
                for j in range(wd):
                    full[i * sh : i * sh + kh, j * sw : j * sw + kw] += x[i, j] * w
        else:
            for a in range(kh):
                for b in range(kw):
                    full[a : a + (h - 1) * sh + 1 : sh, b : b + (wd - 1) * sw + 1 : sw] += (
                        w[a, b] * x)
    out: FloatArray = full[ph : shape[0] - ph, pw : shape[1] - pw]
    return finite_result(out, "x and w are", "the transposed convolution")


def conv1d_matrix(x: Any, size: int, stride: int = 1, padding: int = 0) -> FloatArray:
    """The matrix ``A`` with ``conv1d(x, w, stride, padding) == A @ w`` for every length-``size`` w.

    Row ``i`` is the window ``x_pad[i*S : i*S + size]``; shape (m, size).

    >>> conv1d_matrix([1, 4, 0, -2, 3], 3).astype(int).tolist()
    [[1, 4, 0], [4, 0, -2], [0, -2, 3]]
    """
    x = real_array(x, "x", ndim=1)
    k = integer(size, "size", 1)
    s = integer(stride, "stride", 1)
    p = integer(padding, "padding", 0)
    _check_filter_fits(x.shape, (k,), (p,), name="size")
    _padded_entries(x.shape, (p,))
    m = conv_output_length(x.shape[0], k, s, p)
    check_entries(m * k, "x and size are too large", f"the ({m}, {k}) window matrix")
    out: FloatArray = np.array(sliding_window_view(np.pad(x, p), k)[::s], dtype=np.float64)
    return out


def recover_filter(x: Any, y: Any, size: int, stride: int = 1, padding: int = 0) -> FloatArray:
    """The unique length-``size`` filter ``w`` with ``conv1d(x, w, stride, padding) == y``.

    Solves the linear system ``A w = y`` where ``A = conv1d_matrix(x, size, stride, padding)``
    (shape (m, size)).  Raises ``ValueError`` saying "no filter" when the system is
    inconsistent and "more than one filter" when ``A`` has rank < size.

    >>> recover_filter([1, 4, 0, -2, 3], [-2, 2, 11], size=3).tolist()
    [2.0, -1.0, 3.0]
    """
    a = conv1d_matrix(x, size, stride, padding)
    y = real_array(y, "y", ndim=1)
    if y.shape[0] != a.shape[0]:
        raise ValueError(
            f"y must have the convolution's output length {a.shape[0]} "
            f"(for len(x)={len(np.atleast_1d(x))}, size={size}, stride={stride}, "
            f"padding={padding}), got {y.shape[0]}"
        )
    m, k = a.shape
    check_work(m * k * min(m, k), "x and size are too large", "solving for the filter")
    # Solve in units of powers of two near max|x| and max|y| (exact rescalings), so no
    # intermediate overflows whatever the magnitudes: w = w_s * (y_unit / x_unit).
    x_unit, y_unit = _unit(a), _unit(y)
    a_s, y_s = a / x_unit, y / y_unit
    with np.errstate(over="ignore", invalid="ignore"):
        w_s, _, rank, _ = np.linalg.lstsq(a_s, y_s, rcond=None)
        # Least squares is backward stable, so for a consistent system |A w - y| is at most a
        # few ulps of |A| |w| (plus |y|), whatever the conditioning of A.
        tol = 1e-9 * (float(np.abs(a_s).max()) * float(np.abs(w_s).max(initial=0.0))
                      + float(np.abs(y_s).max()))

        def solves(v_s: FloatArray) -> bool:
            return bool(np.allclose(a_s @ v_s, y_s, rtol=0.0, atol=tol))

        if not (np.isfinite(tol) and solves(w_s)):
            raise ValueError(
                "no filter of this size maps x to y: the linear system A w = y is inconsistent"
            )
        if rank < k:
            raise ValueError(
                f"more than one filter maps x to y: the system has rank {rank} < filter size "
                f"{k}, so the filter is not determined"
            )
        w = w_s * (y_unit / x_unit)
        if not np.all(np.isfinite(w)):
            raise ValueError("y is too large for x: the filter overflows float64 (beyond 1.8e308)")
        # Snap entries within 1e-9 of an integer (so [2, -1, 3] prints exactly), but only if the
        # snapped filter still solves the system: a filter of scale 1e-12 must not become zeros.
        rounded = np.round(w)
        snapped: FloatArray = np.where(np.abs(w - rounded) < 1e-9, rounded, w).astype(np.float64)
        return snapped if solves(snapped * (x_unit / y_unit)) else w.astype(np.float64)


def _unit(v: FloatArray) -> float:
    """A power of two at least half of max|v| (1 for zeros): dividing by it is exact."""
    peak = float(np.abs(v).max())
    return 1.0 if peak == 0 else math.ldexp(1.0, math.frexp(peak)[1] - 1)


def _windows(
    x: FloatArray, kh: int, kw: int, stride: tuple[int, int], padding: tuple[int, int]
) -> FloatArray:
    """Strided (kh, kw) windows of the padded last two axes: (..., Ho, Wo, kh, kw)."""
    (sh, sw), (ph, pw) = stride, padding
    pad = [(0, 0)] * (x.ndim - 2) + [(ph, ph), (pw, pw)]
    view = sliding_window_view(np.pad(x, pad), (kh, kw), axis=(-2, -1))
    out: FloatArray = view[..., ::sh, ::sw, :, :]
    return out


def _stack_cost(shape: tuple[int, ...], kernel: tuple[int, int], stride: tuple[int, int],
                padding: tuple[int, int]) -> tuple[int, int, int, int]:
    """Refuse an absurd padded (N, C, H, W) stack; return N, C and the output size Ho, Wo."""
    n, c, h, w = shape
    _padded_entries((h, w), padding, lead=n * c)
    ho = conv_output_length(h, kernel[0], stride[0], padding[0])
    wo = conv_output_length(w, kernel[1], stride[1], padding[1])
    return n, c, ho, wo


def _image_stack(x: Any) -> tuple[FloatArray, bool]:
    """x as (N, C, H, W); the flag says whether the caller passed a single (C, H, W) image."""
    arr = real_array(x, "x", ndim=(3, 4))
    return (arr[None], True) if arr.ndim == 3 else (arr, False)


def conv2d_multi(
    x: Any, w: Any, stride: int | tuple[int, int] = 1, padding: int | tuple[int, int] = 0
) -> FloatArray:
    """Multi-channel (and batched) 2-D convolution, as a standard conv layer without bias.

    ``x``: shape (C_in, H, W) or (N, C_in, H, W); ``w``: shape (C_out, C_in, kh, kw)
    -> shape (C_out, Ho, Wo) or (N, C_out, Ho, Wo), with Ho, Wo as in :func:`conv2d` and
    ``y[n, o] = sum_c conv2d(x[n, c], w[o, c], stride, padding)``.

    >>> x = [[[1, 2], [3, 4]], [[0, 1], [1, 0]]]          # C_in = 2 channels of 2x2
    >>> w = [[[[1]], [[10]]]]                              # C_out = 1, 1x1 kernel
    >>> conv2d_multi(x, w).tolist()                        # x[0] + 10 * x[1]
    [[[1.0, 12.0], [13.0, 4.0]]]
    """
    xs, single = _image_stack(x)
    w = real_array(w, "w", ndim=4)
    if w.shape[1] != xs.shape[1]:
        raise ValueError(
            f"w must have shape (C_out, C_in, kh, kw) with C_in = {xs.shape[1]} input channels, "
            f"got {w.shape}"
        )
    s = pair(stride, "stride", 1)
    p = pair(padding, "padding", 0)
    kh, kw = w.shape[2:]
    _check_filter_fits(xs.shape[2:], (kh, kw), p)
    n, c, ho, wo = _stack_cost(xs.shape, (kh, kw), s, p)
    _conv_cost(n * w.shape[0] * ho * wo, c * kh * kw)
    with np.errstate(over="ignore", invalid="ignore"):
        out: FloatArray = np.einsum("nchwab,ocab->nohw", _windows(xs, kh, kw, s, p), w)
    finite_result(out, "x and w are", "the convolution")
    return out[0] if single else out


def depthwise_conv2d(
    x: Any, w: Any, stride: int | tuple[int, int] = 1, padding: int | tuple[int, int] = 0
) -> FloatArray:
    """Depthwise 2-D convolution: channel c is convolved with its own filter ``w[c]`` only.

    ``x``: shape (C, H, W) or (N, C, H, W); ``w``: shape (C, kh, kw) -> shape (C, Ho, Wo) or
    (N, C, Ho, Wo), ``y[n, c] = conv2d(x[n, c], w[c], stride, padding)``.  (PyTorch stores the
    same weights as (C, 1, kh, kw) in ``Conv2d(C, C, k, groups=C)``.)

    >>> depthwise_conv2d([[[1, 2], [3, 4]], [[0, 1], [1, 0]]], [[[1]], [[10]]]).tolist()
    [[[1.0, 2.0], [3.0, 4.0]], [[0.0, 10.0], [10.0, 0.0]]]
    """
    xs, single = _image_stack(x)
    w = real_array(w, "w", ndim=3)
    if w.shape[0] != xs.shape[1]:
        raise ValueError(
            f"w must have shape (C, kh, kw) with one filter per input channel (C = "
            f"{xs.shape[1]}), got {w.shape}"
        )
    s = pair(stride, "stride", 1)
    p = pair(padding, "padding", 0)
    kh, kw = w.shape[1:]
    _check_filter_fits(xs.shape[2:], (kh, kw), p)
    n, c, ho, wo = _stack_cost(xs.shape, (kh, kw), s, p)
    _conv_cost(n * c * ho * wo, kh * kw)
    with np.errstate(over="ignore", invalid="ignore"):
        out: FloatArray = np.einsum("nchwab,cab->nchw", _windows(xs, kh, kw, s, p), w)
    finite_result(out, "x and w are", "the convolution")
    return out[0] if single else out
