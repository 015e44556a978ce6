"""hw5ref.variants: every generated variant's answer, checked by a route that does not use
hw5ref's numeric core; determinism per seed, variety across seeds, the JSON shape, and argument
validation.

Oracles: 1b: numpy.correlate and an exact (rational) rank of the window matrix; 1c:
scipy.signal.convolve2d of the zero-inserted input, then cropping; 2b: finite differences of an
explicit loss; 3a/3b: products of the weight-tensor shapes written out here; 4: exact
enumeration of every dropout mask (vectorised) and hand formulas for the remaining sub-parts.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable
from fractions import Fraction

import numpy as np
import pytest
import scipy.signal
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.lib.stride_tricks import sliding_window_view

from hw5ref import variants

SEEDS = range(200)
RANGES = variants.RANGES


def within(name: str, value: float) -> bool:
    """``value`` lies in the published inclusive range ``RANGES[name]``."""
    low, high = RANGES[name]
    return low <= value <= high


def _ints(values: list[float] | list[list[float]]) -> bool:
    arr = np.asarray(values, dtype=float)
    return bool(np.all(arr == np.round(arr)))


def _each_seed(check: Callable[[int], None], seeds: Iterable[int] = SEEDS) -> None:
    """Run ``check`` for every seed; a failure names the seed."""
    for seed in seeds:
        try:
            check(seed)
        except AssertionError as exc:
            raise AssertionError(f"seed {seed}: {exc}") from exc


def _exact_rank(rows: list[list[int]]) -> int:
    """Rank by Gaussian elimination over the rationals (no floating point)."""
    m = [[Fraction(v) for v in row] for row in rows]
    rank, cols = 0, len(m[0]) if m else 0
    for c in range(cols):
        pivot = next((r for r in range(rank, len(m)) if m[r][c] != 0), None)
        if pivot is None:
            continue
        m[rank], m[pivot] = m[pivot], m[rank]
        for r in range(len(m)):
            if r != rank and m[r][c] != 0:
                f = m[r][c] / m[rank][c]
                m[r] = [a - f * b for a, b in zip(m[r], m[rank], strict=True)]
        rank += 1
    return rank


def test_exact_rank_on_known_matrices() -> None:
    assert _exact_rank([[1, 4, 0], [4, 0, -2], [0, -2, 3]]) == 3  # the homework's windows
    assert _exact_rank([[1, 2], [2, 4], [3, 6]]) == 1
    assert _exact_rank([[0, 0], [0, 0]]) == 0


# ----------------------------------------------------------------------------- 1(b)
def _check_1b_filter_reproduces_y_and_is_unique(seed: int) -> None:
    p = variants.variant("1b", seed)
    x = np.array(p.data["x"], dtype=float)
    y = np.array(p.data["y"], dtype=float)
    w = np.array(p.answer["filter"], dtype=float)
    k = p.data["filter_size"]
    # small integer data, as promised
    assert _ints(p.data["x"]) and _ints(p.data["y"]) and _ints(p.answer["filter"])
    assert len(w) == k and within("1b.filter_length", k)
    assert np.abs(w).max() <= 3 and np.any(w != 0)
    assert np.abs(x).max() <= 4
    # numpy.correlate does not flip the filter: exactly the layer's convention
    np.testing.assert_array_equal(np.correlate(x, w, mode="valid"), y)
    # uniqueness: the windows (rows of A in y = A w) have full column rank, exactly
    windows = sliding_window_view(x.astype(int), k)
    assert _exact_rank(windows.tolist()) == k
    assert p.answer["window_matrix"] == windows.tolist()


def test_1b_filter_reproduces_y_and_is_unique() -> None:
    _each_seed(_check_1b_filter_reproduces_y_and_is_unique)


def test_1b_uniqueness_over_many_more_seeds() -> None:
    """300 further seeds: the exact rank of the window matrix equals the filter length."""
    for seed in range(200, 500):
        p = variants.variant("1b", seed)
        windows = sliding_window_view(np.array(p.data["x"], dtype=int), p.data["filter_size"])
        assert _exact_rank(windows.tolist()) == p.data["filter_size"], seed


# ----------------------------------------------------------------------------- 1(c)
def _transposed_conv_oracle(x: np.ndarray, w: np.ndarray, stride: int, padding: int) -> np.ndarray:
    """Zero-insert (stride - 1) zeros between input entries, take the full *true* convolution
    (scipy flips w, which turns a sliding sum into the scatter of scaled copies), crop."""
    up = np.zeros(((x.shape[0] - 1) * stride + 1, (x.shape[1] - 1) * stride + 1))
    up[::stride, ::stride] = x
    full = scipy.signal.convolve2d(up, w, mode="full")
    return full[padding : full.shape[0] - padding, padding : full.shape[1] - padding]


def _check_1c_output_matches_scipy(seed: int) -> None:
    p = variants.variant("1c", seed)
    x = np.array(p.data["input"], dtype=float)
    w = np.array(p.data["filter"], dtype=float)
    stride, padding = p.data["stride"], p.data["padding"]
    expected = _transposed_conv_oracle(x, w, stride, padding)
    np.testing.assert_array_equal(np.array(p.answer["output"], dtype=float), expected)
    assert p.answer["output_shape"] == list(expected.shape)
    # the promised ranges: small integers, stride 1-2, padding 0-1, output 2..6 per side
    assert _ints(p.data["input"]) and _ints(p.data["filter"])
    assert within("1c.stride", stride) and within("1c.padding", padding)
    assert all(within("1c.output_size", n) for n in expected.shape)
    assert all(within("1c.input_size", n) for n in x.shape)
    assert w.shape[0] == w.shape[1] and within("1c.filter_size", w.shape[0])


def test_1c_output_matches_scipy() -> None:
    _each_seed(_check_1c_output_matches_scipy)


def test_1c_variants_cover_strides_and_paddings() -> None:
    data = [variants.variant("1c", s).data for s in range(100)]
    seen = {(d["stride"], d["padding"]) for d in data}
    strides = range(RANGES["1c.stride"][0], RANGES["1c.stride"][1] + 1)
    paddings = range(RANGES["1c.padding"][0], RANGES["1c.padding"][1] + 1)
    assert seen == {(s, p) for s in strides for p in paddings}


# ----------------------------------------------------------------------------- 2(b)
def _loss(x: np.ndarray, g: np.ndarray, gamma: float, beta: float) -> float:
    """A loss whose gradient with respect to y is exactly g: L = sum_i g_i * y_i."""
    y = gamma * (x - x.mean()) + beta
    return float(g @ y)


def _finite_difference(x: np.ndarray, g: np.ndarray, gamma: float, beta: float) -> np.ndarray:
    h = 1e-3
    out = np.empty_like(x)
    for j in range(len(x)):
        e = np.zeros_like(x)
        e[j] = h
        out[j] = (_loss(x + e, g, gamma, beta) - _loss(x - e, g, gamma, beta)) / (2 * h)
    return out


def _check_2b_gradient_matches_finite_differences(seed: int) -> None:
    p = variants.variant("2b", seed)
    d = p.data
    x = np.array(d["x"], dtype=float)
    g = np.array(d["upstream"], dtype=float)
    numeric = _finite_difference(x, g, d["gamma"], d["beta"])
    np.testing.assert_allclose(p.answer["dL_dx"], numeric, atol=1e-6)
    assert len(x) == len(g) == d["n"] and within("2b.batch_size", d["n"])
    # integer data and, because the mean upstream gradient is an integer, an integer answer
    assert _ints(d["upstream"]) and _ints(p.answer["dL_dx"]) and float(d["gamma"]).is_integer()
    assert sum(d["upstream"]) % d["n"] == 0 and sum(d["upstream"]) != 0
    # n = 1: the single output is beta whatever x_1 is
    one = _finite_difference(x[:1], g[:1], d["gamma"], d["beta"])
    assert abs(one[0]) < 1e-9 and p.answer["n1"] == 0


def test_2b_gradient_matches_finite_differences() -> None:
    _each_seed(_check_2b_gradient_matches_finite_differences)


# ----------------------------------------------------------------------------- 3(a), 3(b)
def _check_3_counts_are_weight_shape_products(seed: int) -> None:
    a, b = variants.variant("3a", seed), variants.variant("3b", seed)
    assert a.data == b.data  # one layer per seed
    c_in, c_out, k = a.data["c_in"], a.data["c_out"], a.data["kernel"]
    assert k in RANGES["3.kernel"]
    standard = math.prod((c_out, c_in, k, k))
    depthwise = math.prod((c_in, 1, k, k))
    pointwise = math.prod((c_out, c_in, 1, 1))
    assert a.answer["total"] == a.answer["weights"] == standard
    assert a.answer["total_with_bias"] == standard + c_out
    assert b.answer["depthwise"] == {"weights": depthwise, "biases": c_in}
    assert b.answer["pointwise"] == {"weights": pointwise, "biases": c_out}
    assert b.answer["totals"] == {
        "weights_only": depthwise + pointwise,
        # PyTorch: both nn.Conv2d layers carry a bias (c_in depthwise, c_out pointwise)
        "pytorch": depthwise + c_in + pointwise + c_out,
        # Keras SeparableConv2D: one bias per output channel, after the pointwise stage
        "keras": depthwise + pointwise + c_out,
    }
    assert b.answer["total"] == depthwise + pointwise


def test_3_counts_are_weight_shape_products() -> None:
    _each_seed(_check_3_counts_are_weight_shape_products)


# ----------------------------------------------------------------------------- 4
def _enumerated_loss(X: np.ndarray, y: np.ndarray, w: np.ndarray, p: float) -> float:
    """E_R ||y - (R*X)w||^2 summed over all 2**(n*d) masks, weighted by their probability."""
    bits = (np.arange(2**X.size)[:, None] >> np.arange(X.size)[None, :]) & 1
    masks = bits.astype(float).reshape(-1, *X.shape)  # row m = the binary digits of m
    kept = masks.reshape(len(masks), -1).sum(axis=1)
    prob = p**kept * (1 - p) ** (X.size - kept)
    residual = y[None, :] - np.einsum("mnd,d->mn", masks * X[None], w)
    return float(prob @ np.sum(residual**2, axis=1))


def _check_4_answers_match_enumeration_and_hand_formulas(seed: int) -> None:
    prob = variants.variant("4", seed)
    d, a = prob.data, prob.answer
    X = np.array(d["X"], dtype=float)
    y = np.array(d["y"], dtype=float)
    w = np.array(d["w_tilde"], dtype=float)
    p = d["p"]
    assert p in RANGES["4.keep_probability"] and X.shape[0] in (3, 4) and X.shape[1] in (2, 3)
    assert _ints(d["X"]) and _ints(d["y"]) and _ints(d["w_tilde"]) and np.any(w != 0)
    # exact expectation over every mask
    assert a["expected_loss"] == pytest.approx(_enumerated_loss(X, y, w, p), abs=1e-9)
    fit = float(np.sum((y - p * X @ w) ** 2))
    assert a["fit_term"] == pytest.approx(fit, abs=1e-9)
    assert a["fit_term"] + a["penalty_term"] == pytest.approx(a["expected_loss"], abs=1e-9)
    # integer column norms by construction
    norms = [math.sqrt(sum(X[i, j] ** 2 for i in range(X.shape[0]))) for j in range(X.shape[1])]
    assert a["column_norms"] == pytest.approx(norms) and _ints(a["column_norms"])
    assert a["inference_weights"] == pytest.approx([p * v for v in w])
    # Gamma = sqrt((1-p)/p) Gamma-tilde: sqrt(p/(1-p)) = 1, 2, 3 for p = 0.5, 0.8, 0.9 ...
    scale = math.sqrt(p / (1 - p))
    assert scale == pytest.approx(round(scale))  # an integer: the answers stay short
    assert a["gamma_diagonal"] == pytest.approx([n / scale for n in norms])
    # ... X-tilde = X Gamma^-1 multiplies column j by scale / ||X_j||: every norm is the scale
    cols, rows = range(X.shape[1]), range(X.shape[0])
    ridge = [[X[i, j] * scale / norms[j] for j in cols] for i in rows]
    np.testing.assert_allclose(a["ridge_matrix"], ridge, atol=1e-9)
    assert a["ridge_column_norms"] == pytest.approx([scale] * X.shape[1])
    # with Gamma = Gamma-tilde (and lambda = (1-p)/p) each column is divided by its norm: 1
    unit = [[X[i, j] / norms[j] for j in cols] for i in rows]
    np.testing.assert_allclose(a["ridge_matrix_gamma_tilde"], unit, atol=1e-9)
    assert a["ridge_column_norms_gamma_tilde"] == pytest.approx([1.0] * X.shape[1])


def test_4_answers_match_enumeration_and_hand_formulas() -> None:
    _each_seed(_check_4_answers_match_enumeration_and_hand_formulas)


def test_4_variants_use_every_keep_probability() -> None:
    assert {variants.variant("4", s).data["p"] for s in range(60)} \
        == set(RANGES["4.keep_probability"])


def test_q3_variants_use_every_kernel_size() -> None:
    kernels = {variants.variant("3a", s).data["kernel"] for s in range(60)}
    assert kernels == set(RANGES["3.kernel"])


# ----------------------------------------------------------------------------- originals
def test_originals_match_the_homework_by_hand() -> None:
    """The original problems' answers, derived by hand (tests/hw5ref/test_answers.py)."""
    assert variants.original("1b").answer["filter"] == [2, -1, 3]
    assert variants.original("1c").answer["output"] == [[-1, 3, -2], [3, -3, 1], [0, 3, 1]]
    assert variants.original("2b").answer["dL_dx"] == [0]
    assert variants.original("3a").answer["total"] == 3 * 3 * 3 * 4
    assert variants.original("3b").answer["totals"] == {
        "weights_only": 27 + 12, "pytorch": 30 + 16, "keras": 27 + 16}
    q4 = variants.original("4").answer
    # X = [[1,0,2],[2,3,0],[2,0,1],[0,4,2]], y = [1,2,0,-1], w = [1,-1,2], p = 0.8:
    # pXw = 0.8*[5,-1,4,0] = [4,-0.8,3.2,0]; y - pXw = [-3,2.8,-3.2,-1] -> 9+7.84+10.24+1
    assert q4["fit_term"] == pytest.approx(28.08)
    # p(1-p) * (9*1 + 25*1 + 9*4) = 0.16 * 70
    assert q4["penalty_term"] == pytest.approx(11.2)
    assert q4["column_norms"] == [3, 5, 3]


def test_enumeration_oracle_on_a_hand_case() -> None:
    # one entry, p = 1/2: the mask keeps x (loss 0) or drops it (loss y^2 = 1) -> 1/2
    assert _enumerated_loss(np.array([[1.0]]), np.array([1.0]), np.array([1.0]), 0.5) == 0.5
    # two entries in one row, p = 0.8, y = 3, X = [1, 2], w = [1, 1]: masks give residuals
    # 3 (both dropped), 2, 1, 0 with probabilities 0.04, 0.16, 0.16, 0.64
    expected = 0.04 * 9 + 0.16 * 4 + 0.16 * 1 + 0.64 * 0
    got = _enumerated_loss(np.array([[1.0, 2.0]]), np.array([3.0]), np.array([1.0, 1.0]), 0.8)
    assert got == pytest.approx(expected)


@settings(max_examples=30, deadline=None)
@given(st.integers(min_value=0, max_value=2**63 - 1))
def test_large_seeds_pass_the_same_oracles(seed: int) -> None:
    """Seeds far from the 0..199 range used above, drawn by hypothesis."""
    for check in (_check_1b_filter_reproduces_y_and_is_unique, _check_1c_output_matches_scipy,
                  _check_2b_gradient_matches_finite_differences,
                  _check_3_counts_are_weight_shape_products,
                  _check_4_answers_match_enumeration_and_hand_formulas):
        check(seed)


# ------------------------------------------------------------ determinism, shape, arguments
def test_same_seed_same_problem_whatever_was_drawn_before() -> None:
    # A variant depends on (part, seed) only, not on what was generated before it: seeds drawn
    # upwards part by part, then downwards with every part interleaved, give the same problems.
    first = {(part, seed): json.dumps(variants.variant(part, seed).to_dict(), sort_keys=True)
             for part in variants.VARIANT_PARTS for seed in range(30)}
    for seed in reversed(range(30)):
        for part in reversed(variants.VARIANT_PARTS):
            again = json.dumps(variants.variant(part, seed).to_dict(), sort_keys=True)
            assert again == first[part, seed], (part, seed)


@pytest.mark.parametrize(("part", "minimum"), [("1b", 95), ("1c", 95), ("2b", 95), ("3a", 60),
                                               ("4", 95)])
def test_different_seeds_give_different_problems(part: str, minimum: int) -> None:
    distinct = {json.dumps(variants.variant(part, s).data, sort_keys=True) for s in range(100)}
    assert len(distinct) >= minimum


def test_3a_and_3b_describe_the_same_layer_and_4_aliases_are_one_instance() -> None:
    for seed in range(30):
        assert variants.variant("3a", seed).data == variants.variant("3b", seed).data
        assert variants.variant("4b", seed).to_dict() == variants.variant("4", seed).to_dict()


@pytest.mark.parametrize("part", variants.VARIANT_PARTS)
def test_json_shape(part: str) -> None:
    data = variants.variant(part, 2).to_dict()
    assert list(data) == ["part", "seed", "title", "data", "answer", "checks", "conventions",
                          "statement", "solution"]
    assert json.loads(json.dumps(data)) == data  # plain JSON types only
    expected_checks = {"4": ["4a", "4b", "4c", "4d"]}.get(part, [part])
    assert list(data["checks"]) == expected_checks
    # for handing out: the same without the answer, the checks and the solution
    handout = variants.variant(part, 2).to_dict(show_answer=False)
    assert handout == {k: v for k, v in data.items() if k not in ("answer", "checks", "solution")}


def test_original_problems_have_no_seed_and_say_so() -> None:
    for part in variants.VARIANT_PARTS:
        problem = variants.original(part)
        assert problem.seed is None
        heading = problem.to_markdown().splitlines()[0]
        assert heading.endswith(
            "(the site's numeric instance)" if part == "4" else "(original problem)")


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: variants.variant("5a", 1), ValueError,
         "part must be one of 1b, 1c, 2b, 3a, 3b, 4, 4a, 4b, 4c, 4d; got '5a'"),
        (lambda: variants.original("4e"), ValueError, "part must be one of"),
        (lambda: variants.variant(1, 1), TypeError, "part must be a string"),
        (lambda: variants.variant("1b", -1), ValueError, "seed must be an integer >= 0"),
        (lambda: variants.variant("1b", 1.0), TypeError, "seed must be an integer"),
        (lambda: variants.variant("1b", "1"), TypeError, "seed must be an integer"),
        (lambda: variants.variant("1b", None), TypeError, "seed must be an integer"),
        (lambda: variants.original("2a"), ValueError, "part must be one of"),
        (lambda: variants.original("1b").to_markdown(show_answer=1), TypeError, "show_answer"),
        (lambda: variants.original("1b").to_dict(show_answer=0), TypeError, "show_answer"),
    ],
)
def test_bad_arguments(call: object, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        call()  # type: ignore[operator]
