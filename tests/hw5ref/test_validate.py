"""hw5ref._validate, and every public function of the numeric core (conv, norm, params,
dropout) rejects bad arguments with an error whose message starts with the argument's name.

Each function is described once (valid arguments + what kind each argument is); the bad values
for each kind are generated below, so adding an argument to a function without describing it
fails ``test_every_public_function_and_argument_is_described``.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest

from hw5ref import _validate, conv, dropout, norm, params


@dataclass(frozen=True)
class Arg:
    """How an argument is validated: ``kind`` is one of array, int, pair, real, prob, flag,
    kind, rng, shape; ``ndim`` (arrays) or ``minimum`` (ints and pairs)."""

    kind: str
    ndim: int | tuple[int, ...] = 1
    minimum: int = 0


def A(ndim: int | tuple[int, ...]) -> Arg:
    return Arg("array", ndim=ndim)


def INT(minimum: int) -> Arg:
    return Arg("int", minimum=minimum)


def PAIR(minimum: int) -> Arg:
    return Arg("pair", minimum=minimum)


REAL, PROB, FLAG, KIND, RNG = Arg("real"), Arg("prob"), Arg("flag"), Arg("kind"), Arg("rng")
SHAPE = Arg("shape")

X2 = [[1.0, 2.0], [3.0, 4.0], [0.0, 1.0]]  # (3, 2)

#: function -> (valid keyword arguments, argument kinds)
SPECS: dict[Callable[..., Any], tuple[dict[str, Any], dict[str, Arg]]] = {
    conv.conv_output_length: (
        {"n": 5, "k": 3, "stride": 1, "padding": 0},
        {"n": INT(1), "k": INT(1), "stride": INT(1), "padding": INT(0)},
    ),
    conv.conv_transpose_output_length: (
        {"n": 2, "k": 2, "stride": 1, "padding": 0},
        {"n": INT(1), "k": INT(1), "stride": INT(1), "padding": INT(0)},
    ),
    conv.conv1d: (
        {"x": [1.0, 2.0, 3.0], "w": [1.0, -1.0], "stride": 1, "padding": 0},
        {"x": A(1), "w": A(1), "stride": INT(1), "padding": INT(0)},
    ),
    conv.conv2d: (
        {"x": [[1.0, 2.0], [3.0, 4.0]], "w": [[1.0]], "stride": 1, "padding": 0},
        {"x": A(2), "w": A(2), "stride": PAIR(1), "padding": PAIR(0)},
    ),
    conv.conv2d_multi: (
        {"x": np.ones((2, 3, 3)), "w": np.ones((4, 2, 2, 2)), "stride": 1, "padding": 0},
        {"x": A((3, 4)), "w": A(4), "stride": PAIR(1), "padding": PAIR(0)},
    ),
    conv.depthwise_conv2d: (
        {"x": np.ones((1, 2, 3, 3)), "w": np.ones((2, 2, 2)), "stride": 1, "padding": 0},
        {"x": A((3, 4)), "w": A(3), "stride": PAIR(1), "padding": PAIR(0)},
    ),
    conv.conv_transpose1d: (
        {"x": [1.0, 2.0], "w": [1.0, 1.0], "stride": 1, "padding": 0},
        {"x": A(1), "w": A(1), "stride": INT(1), "padding": INT(0)},
    ),
    conv.conv_transpose2d: (
        {"x": [[1.0, 2.0]], "w": [[1.0, 1.0]], "stride": 1, "padding": 0},
        {"x": A(2), "w": A(2), "stride": PAIR(1), "padding": PAIR(0)},
    ),
    conv.conv1d_matrix: (
        {"x": [1.0, 2.0, 3.0], "size": 2, "stride": 1, "padding": 0},
        {"x": A(1), "size": INT(1), "stride": INT(1), "padding": INT(0)},
    ),
    conv.recover_filter: (
        {"x": [1, 4, 0, -2, 3], "y": [-2, 2, 11], "size": 3, "stride": 1, "padding": 0},
        {"x": A(1), "y": A(1), "size": INT(1), "stride": INT(1), "padding": INT(0)},
    ),
    norm.normalization_axes: ({"kind": "batch"}, {"kind": KIND}),
    norm.normalize: (
        {"x": np.arange(8.0).reshape(2, 2, 1, 2), "kind": "batch", "eps": 1e-5},
        {"x": A(4), "kind": KIND, "eps": REAL},
    ),
    norm.centered_batchnorm: (
        {"x": [1.0, 2.0], "gamma": 1.0, "beta": 0.0},
        {"x": A((1, 2)), "gamma": REAL, "beta": REAL},
    ),
    norm.centered_batchnorm_backward: (
        {"dL_dy": [1.0, 2.0], "gamma": 1.0},
        {"dL_dy": A((1, 2)), "gamma": REAL},
    ),
    params.conv2d_params: (
        {"c_in": 3, "c_out": 4, "kernel": 3, "bias": True},
        {"c_in": INT(1), "c_out": INT(1), "kernel": PAIR(1), "bias": FLAG},
    ),
    params.depthwise_separable_params: (
        {"c_in": 3, "c_out": 4, "kernel": 3, "depthwise_bias": True, "pointwise_bias": False},
        {
            "c_in": INT(1),
            "c_out": INT(1),
            "kernel": PAIR(1),
            "depthwise_bias": FLAG,
            "pointwise_bias": FLAG,
        },
    ),
    params.separable_dimension: (
        {"c_in": 3, "c_out": 4, "kernel": 3, "bias": False},
        {"c_in": INT(1), "c_out": INT(1), "kernel": PAIR(1), "bias": FLAG},
    ),
    dropout.masks: ({"shape": (2, 3), "p": 0.5}, {"shape": SHAPE, "p": PROB}),
    dropout.column_norms: ({"X": X2}, {"X": A(2)}),
    dropout.tikhonov_gamma: ({"X": X2}, {"X": A(2)}),
    dropout.masked_loss: (
        {"X": X2, "y": [1.0, 0.0, 2.0], "w": [1.0, -1.0], "mask": [[1, 0], [1, 1], [0, 1]]},
        {"X": A(2), "y": A(1), "w": A(1), "mask": A(2)},
    ),
    dropout.expected_loss: (
        {"X": X2, "y": [1.0, 0.0, 2.0], "w": [1.0, -1.0], "p": 0.5},
        {"X": A(2), "y": A(1), "w": A(1), "p": PROB},
    ),
    dropout.enumerate_expected_loss: (
        {"X": X2, "y": [1.0, 0.0, 2.0], "w": [1.0, -1.0], "p": 0.5},
        {"X": A(2), "y": A(1), "w": A(1), "p": PROB},
    ),
    dropout.monte_carlo_loss: (
        {
            "X": X2,
            "y": [1.0, 0.0, 2.0],
            "w": [1.0, -1.0],
            "p": 0.5,
            "samples": 10,
            "rng": np.random.default_rng(0),
        },
        {"X": A(2), "y": A(1), "w": A(1), "p": PROB, "samples": INT(2), "rng": RNG},
    ),
    dropout.inference_weights: ({"w_tilde": [1.0, 2.0], "p": 0.5}, {"w_tilde": A(1), "p": PROB}),
    dropout.equivalent_gamma: ({"X": X2, "p": 0.5}, {"X": A(2), "p": PROB}),
    dropout.to_ridge: ({"X": X2, "gamma": np.eye(2)}, {"X": A(2), "gamma": A(2)}),
    dropout.tikhonov_loss: (
        {"X": X2, "y": [1.0, 0.0, 2.0], "w": [1.0, -1.0], "gamma": np.eye(2)},
        {"X": A(2), "y": A(1), "w": A(1), "gamma": A(2)},
    ),
    dropout.tikhonov_solution: (
        {"X": X2, "y": [1.0, 0.0, 2.0], "gamma": np.eye(2)},
        {"X": A(2), "y": A(1), "gamma": A(2)},
    ),
    dropout.dropout_minimizer: (
        {"X": X2, "y": [1.0, 0.0, 2.0], "p": 0.5},
        {"X": A(2), "y": A(1), "p": PROB},
    ),
}


def bad_values(arg: Arg, example: Any) -> Iterator[tuple[str, Any, type[Exception]]]:
    """(label, bad value, expected exception) for one argument."""
    if arg.kind == "array":
        good = np.array(example, dtype=float)
        allowed = (arg.ndim,) if isinstance(arg.ndim, int) else arg.ndim
        yield "0-D", 1.0, ValueError
        yield (
            "too many dims",
            good.reshape((1,) * (max(allowed) + 1 - good.ndim) + good.shape),
            ValueError,
        )
        yield "empty", np.zeros((0, *good.shape[1:])), ValueError
        for label, special in (("nan", np.nan), ("inf", np.inf), ("-inf", -np.inf)):
            bad = good.copy()
            bad.flat[0] = special
            yield label, bad, ValueError
        yield "string", "1 2 3", TypeError
        yield "strings", np.full(good.shape, "a"), TypeError
        yield "bools", np.ones(good.shape, dtype=bool), TypeError
        yield "complex", good.astype(complex), TypeError
        yield "objects", np.full(good.shape, None), TypeError
        yield "None", None, TypeError
        if good.ndim >= 2:
            yield "ragged", [[1.0, 2.0], [3.0]], ValueError
        # 10 million and one entries (calloc'ed zeros: no memory is touched), refused before the
        # float64 copy
        huge = (_validate.MAX_ELEMENTS + 1,) + (1,) * (max(allowed) - 1)
        yield "10 million and one entries", np.zeros(huge), ValueError
    elif arg.kind in ("int", "pair"):
        yield "bool", True, TypeError
        yield "float", 1.5, TypeError
        yield "integral float", 2.0, TypeError
        yield "string", "2", TypeError
        yield "None", None, TypeError
        yield "below minimum", arg.minimum - 1, ValueError
        if arg.kind == "pair":
            yield "triple", (2, 2, 2), ValueError
            yield "pair with bool", (2, True), TypeError
            yield "pair below minimum", (arg.minimum, arg.minimum - 1), ValueError
            yield "array", np.array([2, 2]), TypeError
    elif arg.kind in ("real", "prob"):
        yield "nan", float("nan"), ValueError
        yield "inf", float("inf"), ValueError
        yield "int beyond float64", 10**400, ValueError  # float() raised OverflowError
        yield "bool", True, TypeError
        yield "numpy bool", np.True_, TypeError
        yield "string", "0.5", TypeError
        yield "list", [0.5], TypeError
        yield "None", None, TypeError
        if arg.kind == "prob":
            yield "zero", 0.0, ValueError
            yield "negative", -0.25, ValueError
            yield "above one", 1.5, ValueError
    elif arg.kind == "flag":
        yield "int 1", 1, TypeError
        yield "int 0", 0, TypeError
        yield "string", "True", TypeError
        yield "None", None, TypeError
    elif arg.kind == "kind":
        yield "int", 3, TypeError
        yield "unknown", "group", ValueError
        yield "capitalised", "Batch", ValueError
    elif arg.kind == "shape":
        yield "int", 3, TypeError
        yield "string", "23", TypeError
        yield "None", None, TypeError
        yield "float entry", (2, 1.5), TypeError
        yield "bool entry", (2, True), TypeError
        yield "zero entry", (0, 2), ValueError
        yield "negative entry", [-1], ValueError
        yield "17 entries", (17,), ValueError
        yield "20 entries", (4, 5), ValueError
    elif arg.kind == "rng":
        yield "seed", 42, TypeError
        yield "legacy RandomState", np.random.RandomState(0), TypeError
    else:  # pragma: no cover - a typo in SPECS
        raise AssertionError(arg.kind)


def starts_with(name: str) -> str:
    return rf"^{re.escape(name)}\b"


def generic_cases() -> Iterator[Any]:
    for fn, (valid, kinds) in SPECS.items():
        for name, arg in kinds.items():
            for label, value, exc in bad_values(arg, valid[name]):
                yield pytest.param(
                    fn,
                    name,
                    value,
                    exc,
                    id=f"{fn.__module__.split('.')[-1]}.{fn.__name__}-{name}-{label}",
                )


@pytest.mark.parametrize(("fn", "name", "value", "exc"), list(generic_cases()))
def test_bad_argument_is_named(
    fn: Callable[..., Any], name: str, value: Any, exc: type[Exception]
) -> None:
    valid, _ = SPECS[fn]
    with pytest.raises(exc, match=starts_with(name)):
        fn(**{**valid, name: value})


@pytest.mark.parametrize("fn", list(SPECS), ids=lambda f: f.__name__)
def test_valid_arguments_are_accepted(fn: Callable[..., Any]) -> None:
    valid, _ = SPECS[fn]
    fn(**valid)  # the baseline of every case above must itself be valid


def test_every_public_function_and_argument_is_described() -> None:
    described = set(SPECS)
    for module in (conv, norm, params, dropout):
        for public in module.__all__:
            obj = getattr(module, public)
            if inspect.isfunction(obj):
                assert obj in described, f"{module.__name__}.{public} has no entry in SPECS"
    for fn, (valid, kinds) in SPECS.items():
        parameters = list(inspect.signature(fn).parameters)
        assert parameters == list(kinds) == list(valid), fn.__name__


# ------------------------------------------------------------------ relations between arguments

RELATION_CASES = [
    # filter longer than the padded input
    (conv.conv1d, {"x": [1.0, 2.0], "w": [1.0, 1.0, 1.0]}, "w"),
    (conv.conv2d, {"x": [[1.0, 2.0]], "w": [[1.0], [1.0], [1.0]], "padding": (0, 0)}, "w"),
    (conv.conv1d_matrix, {"x": [1.0, 2.0], "size": 5, "padding": 1}, "size"),
    (conv.conv2d_multi, {"x": np.ones((2, 2, 2)), "w": np.ones((1, 2, 3, 1))}, "w"),
    (conv.depthwise_conv2d, {"x": np.ones((2, 2, 2)), "w": np.ones((2, 1, 3))}, "w"),
    # channel counts that disagree
    (conv.conv2d_multi, {"x": np.ones((2, 2, 2)), "w": np.ones((1, 3, 1, 1))}, "w"),
    (conv.depthwise_conv2d, {"x": np.ones((2, 2, 2)), "w": np.ones((3, 1, 1))}, "w"),
    (conv.recover_filter, {"x": [1.0, 2.0], "y": [1.0], "size": 3}, "size"),
    (conv.conv_output_length, {"n": 2, "k": 5, "padding": 1}, "k"),
    # padding that crops away the whole transposed output: (1-1)*1 - 2*1 + 2 = 0 < 1
    (conv.conv_transpose1d, {"x": [1.0], "w": [1.0, 1.0], "padding": 1}, "padding"),
    (conv.conv_transpose2d, {"x": [[1.0]], "w": [[1.0, 1.0]], "padding": (0, 1)}, "padding"),
    (conv.conv_transpose_output_length, {"n": 1, "k": 2, "padding": 1}, "padding"),
    # y of the wrong length for recover_filter: 5 - 3 + 1 = 3 outputs, not 2
    (conv.recover_filter, {"x": [1, 4, 0, -2, 3], "y": [1.0, 2.0], "size": 3}, "y"),
    # eps
    (norm.normalize, {"x": np.ones((1, 1, 1, 2)), "kind": "layer", "eps": -1.0}, "eps"),
    (norm.normalize, {"x": np.ones((1, 1, 1, 2)), "kind": "layer", "eps": 0.0}, "eps"),
    # shapes that must agree with X
    (dropout.expected_loss, {"X": X2, "y": [1.0, 2.0], "w": [1.0, 1.0], "p": 0.5}, "y"),
    (dropout.expected_loss, {"X": X2, "y": [1.0, 2.0, 3.0], "w": [1.0], "p": 0.5}, "w"),
    (dropout.dropout_minimizer, {"X": X2, "y": [1.0], "p": 0.5}, "y"),
    (dropout.tikhonov_solution, {"X": X2, "y": [1.0], "gamma": np.eye(2)}, "y"),
    (
        dropout.masked_loss,
        {"X": X2, "y": [1.0, 0.0, 2.0], "w": [1.0, 1.0], "mask": [[1, 1]]},
        "mask",
    ),
    (dropout.to_ridge, {"X": X2, "gamma": np.eye(3)}, "gamma"),
    (
        dropout.tikhonov_loss,
        {"X": X2, "y": [0.0, 0.0, 0.0], "w": [1.0, 1.0], "gamma": [[1.0, 2.0]]},
        "gamma",
    ),
    (dropout.to_ridge, {"X": X2, "gamma": [[1.0, 2.0], [2.0, 4.0]]}, "gamma"),  # singular
    (
        dropout.tikhonov_solution,
        {"X": [[1.0, 0.0]], "y": [1.0], "gamma": np.zeros((2, 2))},
        "gamma",
    ),
    (dropout.dropout_minimizer, {"X": [[1.0, 0.0]], "y": [1.0], "p": 0.5}, "X"),
    # 4 x 5 = 20 entries: 2**20 masks, above the limit of 16 entries
    (
        dropout.enumerate_expected_loss,
        {"X": np.ones((4, 5)), "y": np.ones(4), "w": np.ones(5), "p": 0.5},
        "X",
    ),
]


@pytest.mark.parametrize(
    ("fn", "kwargs", "name"),
    RELATION_CASES,
    ids=[f"{fn.__name__}-{name}-{i}" for i, (fn, _, name) in enumerate(RELATION_CASES)],
)
def test_inconsistent_arguments_are_named(
    fn: Callable[..., Any], kwargs: dict[str, Any], name: str
) -> None:
    with pytest.raises(ValueError, match=starts_with(name)):
        fn(**kwargs)


# ------------------------------------------------------------------ the helpers themselves


def test_real_array_returns_a_float_copy() -> None:
    source = np.array([[1, 2], [3, 4]])
    out = _validate.real_array(source, "x", ndim=2)
    assert out.dtype == np.float64 and out.tolist() == [[1.0, 2.0], [3.0, 4.0]]
    out[0, 0] = 99.0
    assert source[0, 0] == 1  # the caller's array is untouched


def test_real_array_names_every_allowed_dimension() -> None:
    with pytest.raises(ValueError, match=r"^w must be 1-D or 2-D, got an array of shape \(\)"):
        _validate.real_array(3.0, "w", ndim=(1, 2))
    assert _validate.real_array(3, "w").shape == ()  # no ndim: any number of dimensions


def test_integers_accept_numpy_integers_and_return_python_ints() -> None:
    got = _validate.integer(np.int64(3), "n", 1)
    assert got == 3 and type(got) is int
    assert _validate.pair([1, np.int32(3)], "stride", 1) == (1, 3)
    assert _validate.integer(0, "padding", 0) == 0  # the minimum itself is allowed


def test_scalars_and_flags_accept_numpy_types() -> None:
    assert _validate.real_scalar(np.float32(0.5), "eps") == 0.5
    assert _validate.flag(np.bool_(True), "bias") is True
    assert _validate.probability(1) == 1.0  # p = 1 (no dropout) is allowed


def test_probability_uses_the_given_name() -> None:
    with pytest.raises(ValueError, match=r"^keep must be a keep probability in \(0, 1\]"):
        _validate.probability(1.5, "keep")


@pytest.mark.parametrize(
    ("X", "y", "w", "message"),
    [
        ([[1.0, 2.0]], [1.0, 2.0], [1.0, 1.0], r"^y must have one entry per row of X \(1\), got 2"),
        ([[1.0, 2.0]], [1.0], [1.0], r"^w must have one entry per column of X \(2\), got 1"),
        ([[1.0, 2.0]], [[1.0]], [1.0, 1.0], r"^y must be 1-D"),
    ],
)
def test_regression_data_names_the_argument_that_does_not_fit(
    X: object, y: object, w: object, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        _validate.regression_data(X, y, w)


# ------------------------------------------------------------------ limits and overflow
def test_limits_are_the_documented_ones() -> None:
    assert (_validate.MAX_ELEMENTS, _validate.MAX_WORK) == (10_000_000, 10**9)
    assert dropout.MAX_SAMPLES == 10_000_000 and dropout.MAX_MASK_ENTRIES == 16
    for module in (conv, dropout, _validate):
        assert "10 million" in (module.__doc__ or ""), module.__name__
    assert "10 million" in (norm.normalize.__doc__ or "")


def test_real_array_refuses_a_huge_input_before_copying_it() -> None:
    import tracemalloc

    ints = np.zeros(_validate.MAX_ELEMENTS + 1, dtype=np.int8)  # 10 MB; as float64, 80 MB
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match=r"^w has 10,000,001 entries; at most 10,000,000"):
            _validate.real_array(ints, "w")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 1e6
    assert _validate.real_array(np.zeros(_validate.MAX_ELEMENTS), "w").size == 10_000_000


def test_finite_result_names_the_arguments() -> None:
    assert _validate.finite_result(1.5, "x is", "y") == 1.5
    with pytest.raises(ValueError, match=r"^x and w are too large: the output overflows float64"):
        _validate.finite_result(np.array([1.0, np.inf]), "x and w are", "the output")
    with pytest.raises(ValueError, match=r"^gamma must be finite, got a number too large"):
        _validate.real_scalar(10**400, "gamma")
