"""Check kinds: how each kind of claim in an evaluation record is graded by computation.

A claim names a check kind and its data, e.g.
``{"kind": "conv_transpose2d", "input": [[-1, 2], [3, 1]], "filter": [[1, -1], [0, 1]],
"claimed": [[-1, 3, -2], [3, 0, -1], [0, 3, 1]]}``.  :func:`grade_check` looks the kind up in
:data:`CHECKS` and returns a :class:`~hw5ref.grading.grade.Grade`; the truth always comes
from :mod:`hw5ref` (or, for limits, from :mod:`sympy`), never from the record.
"""

from __future__ import annotations

import itertools
import json
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from hw5ref import answers, conv, dropout, norm, params
from hw5ref.grading.expr import Expectation, evaluate, names_in
from hw5ref.grading.grade import Diff, Grade, compare_arrays, show

__all__ = ["CHECKS", "CheckKind", "claim_seed", "grade_check", "grade_claim"]

Check = Mapping[str, Any]


@dataclass(frozen=True)
class CheckKind:
    """A check kind: its ``name``, a one-line ``summary``, its data ``fields`` and the grader."""

    name: str
    summary: str
    fields: str
    run: Callable[[Check, int], Grade]


CHECKS: dict[str, CheckKind] = {}


def _register(name: str, summary: str, fields: str) -> Callable[
    [Callable[[Check, int], Grade]], Callable[[Check, int], Grade]
]:
    def wrap(fn: Callable[[Check, int], Grade]) -> Callable[[Check, int], Grade]:
        CHECKS[name] = CheckKind(name, summary, fields, fn)
        return fn

    return wrap


def _field(check: Check, name: str, default: Any = ...) -> Any:
    if name in check:
        return check[name]
    if default is ...:
        raise ValueError(f"check kind {check.get('kind')!r} needs the field {name!r}")
    return default


def _from_arrays(
    kind: str, claimed: Any, expected: Any, method: str, mask: Any = None, atol: float = 1e-9
) -> Grade:
    ok, diffs = compare_arrays(claimed, expected, atol=atol, mask=mask)
    return Grade(kind, "correct" if ok else "wrong", "correct" if ok else "wrong",
                 show(claimed), show(expected), diffs, method)


def _from_equal(kind: str, claimed: Any, expected: Any, method: str, note: str = "") -> Grade:
    ok = claimed == expected
    diffs = () if ok else (Diff("value", show(claimed), show(expected)),)
    return Grade(kind, "correct" if ok else "wrong", "correct" if ok else "wrong",
                 show(claimed), show(expected), diffs, method, note)


# ----------------------------------------------------------------------------- published values
@_register("value", "a published answer: compares with `hw5ref.answers.value(key)`",
           "key, claimed, index (optional entry), decimals (optional: claimed was rounded)")
def _value(check: Check, seed: int) -> Grade:
    key = _field(check, "key")
    truth = np.asarray(answers.value(key), dtype=np.float64)
    index = check.get("index")
    where = f"answers.value({key!r})"
    if index is not None:
        truth = truth[tuple(index)] if isinstance(index, list) else truth[index]
        where += f"[{', '.join(map(str, index)) if isinstance(index, list) else index}]"
    decimals = check.get("decimals")
    atol = 0.5 * 10.0 ** (-decimals) if decimals is not None else 1e-9
    return _from_arrays("value", _field(check, "claimed"), truth, where, atol=atol)


@_register("ratio", "a ratio of two published answers, rounded as the claim rounds it",
           "numerator (key), denominator (key), claimed, decimals")
def _ratio(check: Check, seed: int) -> Grade:
    num, den = _field(check, "numerator"), _field(check, "denominator")
    truth = float(answers.value(num)) / float(answers.value(den))
    decimals = int(_field(check, "decimals"))
    return _from_arrays("ratio", _field(check, "claimed"), truth,
                        f"answers.value({num!r}) / answers.value({den!r})",
                        atol=0.5 * 10.0**-decimals)


# ----------------------------------------------------------------------------- Q1 convolutions
@_register("conv_transpose2d", "a transposed-convolution output: `hw5ref.conv.conv_transpose2d`",
           "input, filter, stride (default 1), padding (default 0), claimed (matrix)")
def _conv_transpose2d(check: Check, seed: int) -> Grade:
    stride, padding = check.get("stride", 1), check.get("padding", 0)
    truth = conv.conv_transpose2d(_field(check, "input"), _field(check, "filter"), stride, padding)
    return _from_arrays("conv_transpose2d", _field(check, "claimed"), truth,
                        f"hw5ref.conv.conv_transpose2d(input, filter, stride={stride}, "
                        f"padding={padding})")


def _one_input(x: Any, position: Sequence[int]) -> Any:
    only = np.zeros_like(np.asarray(x, dtype=np.float64))
    i, j = position
    only[i, j] = np.asarray(x, dtype=np.float64)[i, j]
    return only


@_register("transpose_contribution",
           "one input entry's scaled copy of the filter and where it lands in the output",
           "input, filter, position [i, j], placed_at [row, col] (top-left), claimed (block)")
def _transpose_contribution(check: Check, seed: int) -> Grade:
    x, w = _field(check, "input"), np.asarray(_field(check, "filter"), dtype=np.float64)
    stride = int(check.get("stride", 1))
    i, j = _field(check, "position")
    full = conv.conv_transpose2d(_one_input(x, (i, j)), w, stride)
    kh, kw = w.shape
    r, c = i * stride, j * stride
    block = full[r : r + kh, c : c + kw]
    ok, diffs = compare_arrays(_field(check, "claimed"), block)
    placed = list(_field(check, "placed_at"))
    if placed != [r, c]:
        ok, diffs = False, (*diffs, Diff("placed_at", placed, [r, c]))
    return Grade("transpose_contribution", "correct" if ok else "wrong",
                 "correct" if ok else "wrong", show(_field(check, "claimed")), show(block), diffs,
                 "hw5ref.conv.conv_transpose2d of the input with every other entry set to 0")


@_register("transpose_entry",
           "one output entry of a transposed convolution and the terms summed into it",
           "input, filter, entry [row, col], terms (claimed summands), claimed (value)")
def _transpose_entry(check: Check, seed: int) -> Grade:
    x = np.asarray(_field(check, "input"), dtype=np.float64)
    w = _field(check, "filter")
    stride = int(check.get("stride", 1))
    r, c = _field(check, "entry")
    truth_terms = [
        float(conv.conv_transpose2d(_one_input(x, (a, b)), w, stride)[r, c])
        for a in range(x.shape[0]) for b in range(x.shape[1])
    ]
    truth = sum(truth_terms)
    claimed = _field(check, "claimed")
    claimed_terms = [float(t) for t in _field(check, "terms")]
    expected_nz = sorted(t for t in truth_terms if t != 0)
    claimed_nz = sorted(t for t in claimed_terms if t != 0)
    diffs: list[Diff] = []
    if abs(float(claimed) - truth) > 1e-9:
        diffs.append(Diff("value", show(claimed), show(truth)))
    if claimed_nz != expected_nz:
        missing = list(expected_nz)
        extra = []
        for t in claimed_nz:
            if t in missing:
                missing.remove(t)
            else:
                extra.append(t)
        diffs.append(Diff("summands: extra (claimed) / missing (expected)", show(extra),
                          show(missing)))
    if abs(sum(claimed_terms) - float(claimed)) > 1e-9:
        diffs.append(Diff("sum of its own terms", show(sum(claimed_terms)), show(claimed)))
    ok = not diffs
    return Grade("transpose_entry", "correct" if ok else "wrong", "correct" if ok else "wrong",
                 show([[t for t in claimed_terms if t != 0], claimed]),
                 show([[t for t in truth_terms if t != 0], truth]), tuple(diffs),
                 "each input entry's contribution from hw5ref.conv.conv_transpose2d, summed")


def _scatter(x: Any, w: Any, stride: int) -> Any:
    """The recipe 'scale the whole filter by each input entry, place it at (i*s, j*s), add'."""
    xa, wa = np.asarray(x, dtype=np.float64), np.asarray(w, dtype=np.float64)
    (h, wd), (kh, kw) = xa.shape, wa.shape
    out = np.zeros(((h - 1) * stride + kh, (wd - 1) * stride + kw))
    for i, j in itertools.product(range(h), range(wd)):
        out[i * stride : i * stride + kh, j * stride : j * stride + kw] += xa[i, j] * wa
    return out


def _correlate_recipe(x: Any, w: Any, stride: int, recipe: Mapping[str, Any]) -> Any:
    xa, wa = np.asarray(x, dtype=np.float64), np.asarray(w, dtype=np.float64)
    if recipe.get("insert_zeros", False):
        h, wd = xa.shape
        spread = np.zeros(((h - 1) * stride + 1, (wd - 1) * stride + 1))
        spread[::stride, ::stride] = xa
        xa = spread
    if recipe.get("border_pad", "none") == "k-1":
        kh, kw = wa.shape
        xa = np.pad(xa, ((kh - 1, kh - 1), (kw - 1, kw - 1)))
    if recipe.get("flip", False):
        wa = wa[::-1, ::-1]
    return conv.conv2d(xa, wa)


@_register("transpose_recipe",
           "a described procedure for transposed convolution, run literally and compared with "
           "`hw5ref.conv.conv_transpose2d` on the homework data and a random stride-2 case",
           "method (scatter | correlate), insert_zeros, border_pad (none | k-1), flip, "
           "input, filter")
def _transpose_recipe(check: Check, seed: int) -> Grade:
    rng = np.random.default_rng(seed)
    cases = [("homework data, stride 1", _field(check, "input"), _field(check, "filter"), 1),
             ("random 3x2 input, 2x3 filter, stride 2", rng.integers(-3, 4, (3, 2)),
              rng.integers(-3, 4, (2, 3)), 2)]
    method = _field(check, "method")
    diffs: list[Diff] = []
    first_claimed: Any = None
    first_truth: Any = None
    for label, x, w, s in cases:
        truth = conv.conv_transpose2d(x, w, s)
        try:
            got = _scatter(x, w, s) if method == "scatter" else _correlate_recipe(x, w, s, check)
        except ValueError as exc:
            got = f"no output ({exc})"
        if first_claimed is None:
            first_claimed, first_truth = got, truth
        if isinstance(got, str):
            diffs.append(Diff(label, got, show(truth)))
            continue
        ok, _ = compare_arrays(got, truth)
        if not ok:
            diffs.append(Diff(label, show(got), show(truth)))
    ok = not diffs
    return Grade("transpose_recipe", "correct" if ok else "wrong", "correct" if ok else "wrong",
                 show(first_claimed), show(first_truth), tuple(diffs),
                 "the recipe run literally vs hw5ref.conv.conv_transpose2d")


_LENGTH_VARS = ("n", "k", "S", "P")


@_register("output_length",
           "an output-size formula (checked on a grid) or value: `hw5ref.conv` length functions",
           "transposed (bool), formula (expression in n, k, S, P) and/or at {n,k,S,P} + claimed")
def _output_length(check: Check, seed: int) -> Grade:
    fn = conv.conv_transpose_output_length if check.get("transposed", True) \
        else conv.conv_output_length
    diffs: list[Diff] = []
    formula = check.get("formula")
    claimed_show: Any = formula
    expected_show: Any = None
    if formula is not None:
        for n, k, s, p in itertools.product((2, 5, 8), (1, 2, 3), (1, 2, 3), (0, 1)):
            try:
                truth = fn(n, k, s, p)
            except ValueError:
                continue
            got = evaluate(formula, {"n": n, "k": k, "S": s, "P": p})
            if got != truth:
                diffs.append(Diff(f"n={n}, k={k}, S={s}, P={p}", show(got), truth))
        expected_show = "matches on the grid" if not diffs else "see differences"
    if "claimed" in check:
        at = _field(check, "at")
        truth = fn(at["n"], at["k"], at.get("S", 1), at.get("P", 0))
        claimed_show, expected_show = check["claimed"], truth
        if check["claimed"] != truth:
            diffs.append(Diff(str(at), check["claimed"], truth))
    ok = not diffs
    return Grade("output_length", "correct" if ok else "wrong", "correct" if ok else "wrong",
                 show(claimed_show), show(expected_show), tuple(diffs[:5]),
                 f"hw5ref.conv.{fn.__name__}")


@_register("conv_equations",
           "the linear equations a 1-D convolution imposes on the unknown filter",
           "x, y, size, stride, padding, rows (coefficient rows), rhs")
def _conv_equations(check: Check, seed: int) -> Grade:
    a = conv.conv1d_matrix(_field(check, "x"), _field(check, "size"), check.get("stride", 1),
                           check.get("padding", 0))
    y = np.asarray(_field(check, "y"), dtype=np.float64)
    claimed = np.column_stack([np.asarray(_field(check, "rows"), dtype=np.float64),
                               np.asarray(_field(check, "rhs"), dtype=np.float64)])
    return _from_arrays("conv_equations", claimed, np.column_stack([a, y]),
                        "[hw5ref.conv.conv1d_matrix(x, size) | y] (last column: right side)")


@_register("equation", "an equation in the unknowns, evaluated at the true values (a key)",
           "key (answers key giving the true values), variables (names), lhs, rhs")
def _equation(check: Check, seed: int) -> Grade:
    key = _field(check, "key")
    truth = np.asarray(answers.value(key), dtype=np.float64)
    env = {name: float(v) for name, v in zip(_field(check, "variables"), truth, strict=True)}
    lhs, rhs = evaluate(_field(check, "lhs"), env), evaluate(_field(check, "rhs"), env)
    return _from_arrays("equation", rhs, lhs,
                        f"both sides at {', '.join(f'{k}={show(v)}' for k, v in env.items())} "
                        f"(answers.value({key!r}))")


@_register("recover_filter",
           "a filter recovered from input and output: `hw5ref.conv.recover_filter`",
           "x, y, size, stride, padding, claimed")
def _recover_filter(check: Check, seed: int) -> Grade:
    truth = conv.recover_filter(_field(check, "x"), _field(check, "y"), _field(check, "size"),
                                check.get("stride", 1), check.get("padding", 0))
    return _from_arrays("recover_filter", _field(check, "claimed"), truth,
                        "hw5ref.conv.recover_filter(x, y, size)")


@_register("translation",
           "which of translation invariance / equivariance a conv layer has, by shifting a "
           "random image through `hw5ref.conv.conv2d`",
           "claimed (list of: invariant, equivariant)")
def _translation(check: Check, seed: int) -> Grade:
    rng = np.random.default_rng(seed)
    x = np.zeros((10, 10))
    x[2:6, 2:6] = rng.integers(-3, 4, (4, 4))
    w = rng.integers(-2, 3, (3, 3)).astype(float)
    w[0, 0] = 1.0  # a filter that is not constant
    shift = (1, 1)
    out = conv.conv2d(x, w)
    out_shifted = conv.conv2d(np.roll(x, shift, axis=(0, 1)), w)
    truth = []
    if np.allclose(out_shifted, out):
        truth.append("invariant")
    if np.allclose(out_shifted, np.roll(out, shift, axis=(0, 1))):
        truth.append("equivariant")
    claimed = sorted(_field(check, "claimed"))
    return _from_equal("translation", claimed, truth,
                       "conv2d(shift(x)) compared with conv2d(x) and shift(conv2d(x))")


# ----------------------------------------------------------------------------- Q2 normalization
def _axes_letters(kind: str) -> list[str]:
    return sorted(norm.AXIS_NAMES[a] for a in norm.normalization_axes(kind))


@_register("normalization_axes", "the axes one normalization statistic is taken over",
           "normalization (batch | layer | instance), claimed (axis letters from N, C, H, W)")
def _normalization_axes(check: Check, seed: int) -> Grade:
    kind = _field(check, "normalization")
    return _from_equal("normalization_axes", sorted(_field(check, "claimed")), _axes_letters(kind),
                       f"hw5ref.norm.normalization_axes({kind!r})")


@_register("figure_letter", "which letter of the homework figure shows a normalization",
           "normalization (batch | layer | instance), claimed (letter)")
def _figure_letter(check: Check, seed: int) -> Grade:
    kind = _field(check, "normalization")
    truth = [letter for letter, k in answers.Q2A_LETTERS.items() if k == kind]
    return _from_equal("figure_letter", [_field(check, "claimed")], truth,
                       "hw5ref.answers.Q2A_LETTERS (the figure as both reports describe it)")


@_register("figure_axes", "the axes a lettered panel of the figure shades",
           "letter, claimed (axis letters)")
def _figure_axes(check: Check, seed: int) -> Grade:
    letter = _field(check, "letter")
    kind = answers.Q2A_LETTERS[letter]
    return _from_equal("figure_axes", sorted(_field(check, "claimed")), _axes_letters(kind),
                       f"panel {letter} = {kind} (hw5ref.answers.Q2A_LETTERS), "
                       f"hw5ref.norm.normalization_axes({kind!r})")


def _bn_env(n: int, rng: np.random.Generator) -> dict[str, Any]:
    g = rng.integers(-5, 6, n).astype(float)
    return {"g": g, "gamma": float(rng.choice([0.5, 2.0, 3.0])), "n": n, "S": float(g.sum()),
            "ones": np.ones, "eye": np.eye, "outer": np.outer}


def _instances(check: Check, default: Sequence[int]) -> Sequence[int]:
    n = check.get("n")
    return (int(n),) if n is not None else default


@_register("batchnorm_jacobian",
           "a derivative of Q2(b)'s mean-only batch norm (matrix J[i, j] = d out_i / d x_j), "
           "from differences of `hw5ref.norm.centered_batchnorm` (exact: the map is affine)",
           "of (y | mean), claimed (expression in gamma, n; functions eye, ones, outer), "
           "where (all | diagonal | off_diagonal), n (optional)")
def _batchnorm_jacobian(check: Check, seed: int) -> Grade:
    rng = np.random.default_rng(seed)
    where = check.get("where", "all")
    for n in _instances(check, (3, 5)):
        env = _bn_env(n, rng)
        x = rng.integers(-4, 5, n).astype(float)
        gamma = env["gamma"] if check.get("of", "y") == "y" else 1.0
        base = norm.centered_batchnorm(x, gamma, 0.0)
        jac = np.column_stack([norm.centered_batchnorm(x + e, gamma, 0.0) - base
                               for e in np.eye(n)])
        truth = jac if check.get("of", "y") == "y" else np.eye(n) - jac  # mean = x - (y at gamma 1)
        mask = {"all": np.ones((n, n), bool), "diagonal": np.eye(n, dtype=bool),
                "off_diagonal": ~np.eye(n, dtype=bool)}[where]
        claimed = evaluate(_field(check, "claimed"), env)
        grade = _from_arrays("batchnorm_jacobian", claimed, truth,
                             f"finite differences of hw5ref.norm.centered_batchnorm, n={n}, "
                             f"gamma={show(gamma)} ({where} entries)", mask=mask)
        if grade.status == "wrong":
            return grade
    return grade


@_register("batchnorm_backward", "Q2(b)'s gradient dL/dx for upstream gradients g: "
           "`hw5ref.norm.centered_batchnorm_backward`",
           "claimed (vector expression in g, gamma, n, S = sum(g); functions eye, ones), "
           "n (optional), reduce (none | sum: compare the sum over the batch instead)")
def _batchnorm_backward(check: Check, seed: int) -> Grade:
    rng = np.random.default_rng(seed)
    reduce = check.get("reduce", "none")
    for n in _instances(check, (3, 5)):
        env = _bn_env(n, rng)
        truth = norm.centered_batchnorm_backward(env["g"], env["gamma"])
        if reduce == "sum":
            truth = np.asarray(truth.sum())
        grade = _from_arrays("batchnorm_backward", evaluate(_field(check, "claimed"), env), truth,
                             f"hw5ref.norm.centered_batchnorm_backward(g={show(env['g'])}, "
                             f"gamma={show(env['gamma'])})")
        if grade.status == "wrong":
            return grade
    return grade


#: Per-sample upstream gradients h_i = 2, 1, 2, 1, ... (mean 3/2), and how the loss scales them.
LARGE_N = 2**16
SCALINGS: dict[str, str] = {
    "sum": "loss summed over the batch: g_i = h_i (mean of g stays 3/2)",
    "mean": "loss averaged over the batch: g_i = h_i / n (every g_i -> 0)",
    "single_sample": "loss on sample 1 only: g = (h_1, 0, ..., 0) (sum of g stays 2)",
}
_LIMITS = {  # exact limits of g_1 and of the batch mean m = (1/n) sum g_i, per scaling
    "sum": (2.0, 1.5), "mean": (0.0, 0.0), "single_sample": (2.0, 0.0),
}


def _large_batch_g(scaling: str, n: int) -> Any:
    h = np.where(np.arange(n) % 2 == 0, 2.0, 1.0)
    if scaling == "sum":
        return h
    if scaling == "mean":
        return h / n
    g = np.zeros(n)
    g[0] = h[0]
    return g


@_register("large_batch_limit",
           "the n -> infinity limit of dL/dx_1 under each loss scaling, against "
           "`hw5ref.norm.centered_batchnorm_backward` at n = 65536",
           "claimed (expression in g1, m = lim mean of g, gamma), scalings (where it is asserted)")
def _large_batch_limit(check: Check, seed: int) -> Grade:
    gamma = 2.0
    asserted = list(_field(check, "scalings"))
    diffs: list[Diff] = []
    table: list[list[Any]] = []
    for scaling in SCALINGS:
        g1, m = _LIMITS[scaling]
        claimed = float(evaluate(_field(check, "claimed"), {"g1": g1, "m": m, "gamma": gamma}))
        truth = float(norm.centered_batchnorm_backward(_large_batch_g(scaling, LARGE_N), gamma)[0])
        agrees = abs(claimed - truth) < 1e-3
        table.append([scaling, show(claimed), show(round(truth, 4)), agrees])
        if scaling in asserted and not agrees:
            diffs.append(Diff(scaling, show(claimed), show(round(truth, 4))))
    ok = not diffs
    return Grade("large_batch_limit", "correct" if ok else "wrong", "correct" if ok else "wrong",
                 {row[0]: row[1] for row in table}, {row[0]: row[2] for row in table},
                 tuple(diffs), f"hw5ref.norm.centered_batchnorm_backward at n={LARGE_N}, "
                 f"gamma={show(gamma)}; asserted for: {', '.join(asserted)}",
                 note="; ".join(f"{s}: claim {'agrees' if a else 'differs'}"
                                for s, _, _, a in table))


@_register("limit", "the limit of an expression as a variable -> infinity (sympy.limit)",
           "expr, claimed, variable (default n); other names are free symbols")
def _limit(check: Check, seed: int) -> Grade:
    import sympy  # type: ignore[import-untyped,unused-ignore]

    var = check.get("variable", "n")
    expr_src, claimed_src = _field(check, "expr"), _field(check, "claimed")
    names = names_in(expr_src) | names_in(claimed_src) | {var}
    env: dict[str, Any] = {name: sympy.Symbol(name, positive=(name == var)) for name in names}
    truth = sympy.limit(evaluate(expr_src, env), env[var], sympy.oo)
    claimed = evaluate(claimed_src, env)
    ok = sympy.cancel(sympy.together(truth - claimed)) == 0
    return Grade("limit", "correct" if ok else "wrong", "correct" if ok else "wrong",
                 str(claimed), str(truth),
                 () if ok else (Diff(f"{var} -> oo", str(claimed), str(truth)),),
                 f"sympy.limit({expr_src}, {var}, oo)")


# ----------------------------------------------------------------------------- Q3 parameters
@_register("param_count", "a parameter count: `hw5ref.params`",
           "c_in, c_out, kernel, bias (standard conv) or separable {depthwise_bias, "
           "pointwise_bias, stage: depthwise | pointwise | total}, claimed")
def _param_count(check: Check, seed: int) -> Grade:
    c_in, c_out, kernel = _field(check, "c_in"), _field(check, "c_out"), _field(check, "kernel")
    sep = check.get("separable")
    if sep is None:
        bias = bool(check.get("bias", False))
        truth = params.conv2d_params(c_in, c_out, kernel, bias=bias)
        method = f"hw5ref.params.conv2d_params({c_in}, {c_out}, {kernel}, bias={bias})"
    else:
        count = params.depthwise_separable_params(
            c_in, c_out, kernel, depthwise_bias=bool(sep["depthwise_bias"]),
            pointwise_bias=bool(sep["pointwise_bias"]))
        stage = sep.get("stage", "total")
        truth = count.total if stage == "total" else \
            {s.name: s.total for s in count.stages}[stage]
        method = (f"hw5ref.params.depthwise_separable_params({c_in}, {c_out}, {kernel}, "
                  f"depthwise_bias={sep['depthwise_bias']}, pointwise_bias="
                  f"{sep['pointwise_bias']}): {stage}")
    return _from_equal("param_count", _field(check, "claimed"), truth, method)


# ----------------------------------------------------------------------------- Q4 dropout
def _masks(n: int, d: int, p: float) -> list[tuple[Any, float]]:
    out = []
    for bits in itertools.product((0.0, 1.0), repeat=n * d):
        mask = np.array(bits).reshape(n, d)
        kept = int(mask.sum())
        out.append((mask, p**kept * (1 - p) ** (n * d - kept)))
    return out


def _q4_env(
    n: int, d: int, rng: np.random.Generator, need_loss: bool = True
) -> tuple[dict[str, Any], Expectation]:
    X = rng.integers(-3, 4, (n, d)).astype(float)
    X[0] = np.where(X[0] == 0, 1.0, X[0])  # no zero column, so Γ̃ is invertible
    p = float(rng.choice([0.3, 0.6, 0.75]))
    env: dict[str, Any] = {
        "X": X, "y": rng.integers(-3, 4, n).astype(float),
        "w": rng.integers(-3, 4, d).astype(float), "v": rng.integers(-3, 4, d).astype(float),
        "p": p, "n": n, "d": d,
        "lam": float(rng.choice([0.5, 2.0, 3.0])), "alpha": float(rng.choice([0.5, 2.0, 4.0])),
        "Gam": np.diag(rng.choice([0.5, 1.5, 2.0, 3.0], d)),
        "N": dropout.tikhonov_gamma(X),
        "N2": dropout.tikhonov_gamma(X) @ dropout.tikhonov_gamma(X),
        "sq": lambda a: float(np.asarray(a) @ np.asarray(a)),
        "diag": np.diag, "ones": np.ones, "eye": np.eye, "inv": np.linalg.inv,
        "sqrt": np.sqrt, "outer": np.outer,
    }
    if need_loss:
        env["Ldrop"] = dropout.enumerate_expected_loss(X, env["y"], env["w"], p)
    return env, Expectation("R", _masks(n, d, p))


def _with_w(env: dict[str, Any], w: Any) -> dict[str, Any]:
    out = dict(env)
    out["w"] = w
    if "Ldrop" in env:
        out["Ldrop"] = dropout.enumerate_expected_loss(env["X"], env["y"], w, env["p"])
    return out


Q4_NAMES = ("X (n x d data), y (n), w (d, the weights w~), v (d, a second vector), p (keep "
            "probability), R (the dropout mask, only inside E(...)), Ldrop (the exact expected "
            "dropout loss, by enumerating masks), N = diag(column norms) (the homework's Γ̃), "
            "N2 = N @ N, Gam (a random invertible diagonal Γ), lam, alpha, n, d; functions "
            "E, sq (squared norm), diag, ones, eye, inv, sqrt, outer")


def _entry_mask(where: str, shape: tuple[int, ...]) -> Any:
    if where == "all" or len(shape) != 2:
        return None
    eye = np.eye(shape[0], shape[1], dtype=bool)
    return eye if where == "diagonal" else ~eye


@_register("identity",
           "an equation between two expressions, on random instances (n x d = 3 x 2 and 2 x 3) "
           "with exact expectations over all dropout masks",
           "lhs, rhs (expressions), where (all | diagonal | off_diagonal), modulo "
           "(none | constant_in_w: equal up to a term that does not depend on w)")
def _identity(check: Check, seed: int) -> Grade:
    rng = np.random.default_rng(seed)
    lhs_src, rhs_src = _field(check, "lhs"), _field(check, "rhs")
    where, modulo = check.get("where", "all"), check.get("modulo", "none")
    need_loss = "Ldrop" in names_in(lhs_src) | names_in(rhs_src)
    grade: Grade | None = None
    for n, d in ((3, 2), (2, 3)):
        env, ex = _q4_env(n, d, rng, need_loss)
        label = f"random instance n={n}, d={d}, p={show(env['p'])}"
        if modulo == "constant_in_w":
            w2 = env["w"] + rng.integers(1, 3, d)
            gaps = [float(evaluate(lhs_src, e, ex)) - float(evaluate(rhs_src, e, ex))
                    for e in (env, _with_w(env, w2))]
            ok = abs(gaps[0] - gaps[1]) <= 1e-9 * max(1.0, abs(gaps[0]))
            # claimed: the gap at a second w; expected: the gap at the first (equal if constant)
            grade = Grade("identity", "correct" if ok else "wrong", "correct" if ok else "wrong",
                          show(gaps[1]), show(gaps[0]),
                          () if ok else (Diff("lhs - rhs at a second w / at the first w",
                                              show(gaps[1]), show(gaps[0])),),
                          f"lhs - rhs evaluated at two different w on a {label}; equal gaps "
                          "mean the sides differ by a constant")
        else:
            lhs = np.asarray(evaluate(lhs_src, env, ex), dtype=np.float64)
            rhs = np.asarray(evaluate(rhs_src, env, ex), dtype=np.float64)
            # claimed: the right side (the model's new line); expected: the left side
            grade = _from_arrays("identity", rhs, lhs,
                                 f"both sides on a {label}, expectations exact over all masks",
                                 mask=_entry_mask(where, lhs.shape))
        if grade.status == "wrong":
            return grade
    assert grade is not None
    return grade


_REFERENCES: dict[str, tuple[str, Callable[[dict[str, Any]], Any]]] = {
    "inference_weights": ("hw5ref.dropout.inference_weights(w, p)",
                          lambda e: dropout.inference_weights(e["w"], e["p"])),
    "ridge_matrix": ("hw5ref.dropout.to_ridge(X, Gam)",
                     lambda e: dropout.to_ridge(e["X"], e["Gam"])),
    "ridge_column_norms": ("column norms of hw5ref.dropout.to_ridge(X, alpha * Γ̃)",
                           lambda e: dropout.column_norms(dropout.to_ridge(
                               e["X"], e["alpha"] * dropout.tikhonov_gamma(e["X"])))),
    "equivalent_gamma": ("hw5ref.dropout.equivalent_gamma(X, p)",
                         lambda e: dropout.equivalent_gamma(e["X"], e["p"])),
    "tikhonov_gamma": ("hw5ref.dropout.tikhonov_gamma(X)",
                       lambda e: dropout.tikhonov_gamma(e["X"])),
}


@_register("expression",
           "a formula for a named Q4 quantity, on random instances, against `hw5ref.dropout`",
           f"reference ({' | '.join(_REFERENCES)}), claimed (expression), fixed (optional: "
           "values for lam / alpha)")
def _expression(check: Check, seed: int) -> Grade:
    rng = np.random.default_rng(seed)
    ref = _field(check, "reference")
    if ref not in _REFERENCES:
        raise ValueError(f"reference must be one of {sorted(_REFERENCES)}, got {ref!r}")
    method, fn = _REFERENCES[ref]
    grade: Grade | None = None
    fixed = dict(check.get("fixed", {}))
    if set(fixed) - {"lam", "alpha"}:
        raise ValueError(f"fixed may set lam or alpha only, got {sorted(fixed)}")
    for n, d in ((3, 2), (4, 3)):
        env, _ = _q4_env(n, d, rng, need_loss=False)
        env.update({k: float(v) for k, v in fixed.items()})
        grade = _from_arrays("expression", evaluate(_field(check, "claimed"), env), fn(env),
                             f"{method} on a random instance n={n}, d={d}, p={show(env['p'])}")
        if grade.status == "wrong":
            return grade
    assert grade is not None
    return grade


# ----------------------------------------------------------------------------- not checkable
@_register("manual", "not checkable by computation: a verdict judged by hand, with reasoning",
           "verdict (correct | wrong), reasoning")
def _manual(check: Check, seed: int) -> Grade:
    verdict = _field(check, "verdict")
    if verdict not in ("correct", "wrong"):
        raise ValueError(f"a manual verdict must be 'correct' or 'wrong', got {verdict!r}")
    return Grade("manual", "manual", verdict, None, None, (), "judged by hand",
                 str(_field(check, "reasoning")))


# ----------------------------------------------------------------------------- entry points
def claim_seed(check: Check) -> int:
    """A stable random seed derived from a check's content, so a claim's random instances do
    not change between runs, and do not depend on the claim's id or its record.

    >>> claim_seed({"kind": "value", "key": "q1b.filter", "claimed": [2, -1, 3]}) == claim_seed(
    ...     {"claimed": [2, -1, 3], "key": "q1b.filter", "kind": "value"})
    True
    """
    return zlib.crc32(json.dumps(check, sort_keys=True, default=str).encode("utf-8"))


def grade_check(check: Check, seed: int = 0) -> Grade:
    """Grade one check (a mapping with a ``kind`` and that kind's fields).

    >>> grade_check({"kind": "value", "key": "q1b.filter", "claimed": [2, -1, 3]}).status
    'correct'
    >>> g = grade_check({"kind": "conv_transpose2d", "input": [[-1, 2], [3, 1]],
    ...                  "filter": [[1, -1], [0, 1]],
    ...                  "claimed": [[-1, 3, -2], [3, 0, 1], [0, 3, 1]]})
    >>> g.status, [(d.where, d.claimed, d.expected) for d in g.diffs]
    ('wrong', [('(1, 1)', 0, -3)])
    """
    if not isinstance(check, Mapping):
        raise TypeError(f"check must be a mapping, got {type(check).__name__}")
    kind = check.get("kind")
    if kind not in CHECKS:
        raise ValueError(f"unknown check kind {kind!r}; known kinds: {sorted(CHECKS)}")
    return CHECKS[kind].run(check, seed)


def grade_claim(claim: Mapping[str, Any]) -> Grade:
    """Grade a claim from a record: its ``check``, seeded by the check's content."""
    if not isinstance(claim, Mapping) or "check" not in claim or "id" not in claim:
        raise ValueError("a claim must be a mapping with 'id' and 'check'")
    return grade_check(claim["check"], claim_seed(claim["check"]))
