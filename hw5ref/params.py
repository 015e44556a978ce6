"""Learnable-parameter counts for standard and depthwise-separable 2-D convolutions.

A standard convolution from ``c_in`` to ``c_out`` channels with a ``kh x kw`` kernel holds a
weight tensor of shape (c_out, c_in, kh, kw) and, optionally, a bias of shape (c_out,).

A depthwise-separable convolution is two stages:

* depthwise: one ``kh x kw`` filter per input channel, weight shape (c_in, 1, kh, kw),
  optional bias (c_in,);
* pointwise: a 1x1 convolution mixing channels, weight shape (c_out, c_in, 1, 1),
  optional bias (c_out,).
"""

from __future__ import annotations

from dataclasses import dataclass

from hw5ref._validate import flag, integer, pair

__all__ = [
    "ParamCount", "Stage", "conv2d_params", "depthwise_separable_params", "separable_dimension",
]


@dataclass(frozen=True)
class Stage:
    """One layer's parameters: ``weights`` (product of the weight shape) and ``biases``."""

    name: str
    weight_shape: tuple[int, ...]
    weights: int
    biases: int

    @property
    def total(self) -> int:
        return self.weights + self.biases


@dataclass(frozen=True)
class ParamCount:
    """A per-stage breakdown; ``total`` sums every stage's weights and biases."""

    stages: tuple[Stage, ...]

    @property
    def weights(self) -> int:
        return sum(s.weights for s in self.stages)

    @property
    def biases(self) -> int:
        return sum(s.biases for s in self.stages)

    @property
    def total(self) -> int:
        return self.weights + self.biases


def _stage(name: str, shape: tuple[int, ...], n_bias: int, bias: bool) -> Stage:
    weights = 1
    for d in shape:
        weights *= d
    return Stage(name, shape, weights, n_bias if bias else 0)


def conv2d_params(c_in: int, c_out: int, kernel: int | tuple[int, int], bias: bool = True) -> int:
    """Parameters of a standard convolution: ``kh*kw*c_in*c_out + (c_out if bias else 0)``.

    >>> conv2d_params(3, 4, 3)
    112
    >>> conv2d_params(3, 4, 3, bias=False)
    108
    """
    c_in = integer(c_in, "c_in", 1)
    c_out = integer(c_out, "c_out", 1)
    kh, kw = pair(kernel, "kernel", 1)
    use_bias = flag(bias, "bias")
    return _stage("conv", (c_out, c_in, kh, kw), c_out, use_bias).total


def depthwise_separable_params(
    c_in: int,
    c_out: int,
    kernel: int | tuple[int, int],
    depthwise_bias: bool = True,
    pointwise_bias: bool = True,
) -> ParamCount:
    """Depthwise (c_in filters of kh x kw) then pointwise (1x1, c_in -> c_out) parameters.

    depthwise weights ``c_in*kh*kw`` (+ ``c_in`` biases), pointwise weights ``c_in*c_out``
    (+ ``c_out`` biases).

    >>> count = depthwise_separable_params(3, 4, 3, depthwise_bias=False, pointwise_bias=False)
    >>> [(s.name, s.weights, s.biases) for s in count.stages], count.total
    ([('depthwise', 27, 0), ('pointwise', 12, 0)], 39)
    """
    c_in = integer(c_in, "c_in", 1)
    c_out = integer(c_out, "c_out", 1)
    kh, kw = pair(kernel, "kernel", 1)
    dw_bias = flag(depthwise_bias, "depthwise_bias")
    pw_bias = flag(pointwise_bias, "pointwise_bias")
    return ParamCount(
        (
            _stage("depthwise", (c_in, 1, kh, kw), c_in, dw_bias),
            _stage("pointwise", (c_out, c_in, 1, 1), c_out, pw_bias),
        )
    )


def separable_dimension(c_in: int, c_out: int, kernel: int | tuple[int, int],
                        bias: bool = False) -> int:
    """How many independent numbers a depthwise-separable layer has, as a function of its input:
    ``c_in * (c_out + kh*kw - 1)``, plus ``c_out`` with biases.

    The layer equals a standard convolution whose kernel for output ``o`` and input ``c`` is
    ``P[o, c] * D[c]`` (depthwise filter ``D[c]``, pointwise matrix ``P``). For each input
    channel that is a rank-one ``c_out x (kh*kw)`` block, which has ``c_out + kh*kw - 1``
    degrees of freedom: scaling ``D[c]`` by ``a`` and ``P[:, c]`` by ``1/a`` changes nothing.
    With nothing between the stages, depthwise biases fold into the pointwise bias, so the
    biases add ``c_out`` independent numbers, not ``c_in + c_out``.

    >>> separable_dimension(3, 4, 3), separable_dimension(3, 4, 3, bias=True)
    (36, 40)
    """
    c_in = integer(c_in, "c_in", 1)
    c_out = integer(c_out, "c_out", 1)
    kh, kw = pair(kernel, "kernel", 1)
    return c_in * (c_out + kh * kw - 1) + (c_out if flag(bias, "bias") else 0)
