"""Check kinds: each kind of claim in an evaluation record, declared once, with its grader.

A claim's ``check`` names a kind and holds that kind's data, for example
``{"kind": "conv_transpose2d", "input": [[-1, 2], [3, 1]], "filter": [[1, -1], [0, 1]],
"claimed": [[-1, 3, -2], [3, 0, -1], [0, 3, 1]]}``.  Every kind is a pydantic model below: its
fields (names, types, descriptions) are the one declaration from which the record schema
(``evaluations/schema.json``) and the check-kind table of the docs are generated, and its
``grade`` method computes the truth from :mod:`hw5ref` (or, for limits, :mod:`sympy`), never
from the record.  Entries and positions in records are counted from 1, as on the site.

This module is longer than the others because it holds every kind side by side: a kind's
fields and its grader must be read together, and the kinds share small helpers.
"""

from __future__ import annotations

import itertools
import json
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, Literal

import numpy as np
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from hw5ref import answers, conv, dropout, norm, params
from hw5ref.grading.expr import Expectation, evaluate, names_in
from hw5ref.reader import read_value
from hw5ref.values import Diff, compare, plain

__all__ = ["BASES", "CHECK_KINDS", "AnyCheck", "Basis", "Check", "Grade", "claim_seed",
           "grade_check"]

Status = Literal["correct", "wrong", "manual"]


def _reader(ndim: int, empty: bool = False) -> BeforeValidator:
    """Recorded numbers go through the project's one number reader (hw5ref.reader): exact
    fractions such as "2/3" are read, and NaN, infinities and overflows are refused."""
    shape = ("a number", "a vector", "a matrix")[ndim]

    def read(value: Any) -> Any:
        if empty and isinstance(value, list) and not value:
            return []
        array = read_value(value, "value")
        if array.ndim != ndim:
            raise ValueError(f"expected {shape}, got {array.ndim}-D data")
        return array.tolist()

    return BeforeValidator(read)


Number = Annotated[float, _reader(0)]
Vector = Annotated[list[float], _reader(1)]
Matrix = Annotated[list[list[float]], _reader(2)]
Terms = Annotated[list[float], _reader(1, empty=True)]  # a sum of no terms is 0
Value = Number | Vector | Matrix
Pair = Annotated[list[int], Field(min_length=2, max_length=2)]


@dataclass(frozen=True)
class Grade:
    """The computed grade of one claim.

    ``status`` is ``correct``/``wrong`` when the truth was computed and ``manual`` when it was
    not checkable; ``verdict`` is always ``correct`` or ``wrong`` (for manual claims: the
    verdict written in the record, with ``note`` holding its reasoning).  ``claimed`` and
    ``expected`` are display-ready values; ``diffs`` lists each differing entry or case;
    ``method`` says how the truth was obtained.
    """

    kind: str
    status: Status
    verdict: Literal["correct", "wrong"]
    claimed: Any
    expected: Any
    diffs: tuple[Diff, ...] = ()
    method: str = ""
    note: str = ""

    @property
    def computed(self) -> bool:
        """True when the grade was decided by computation, not by hand."""
        return self.status != "manual"


def _grade(kind: str, ok: bool, claimed: Any, expected: Any, diffs: Sequence[Diff],
           method: str, note: str = "") -> Grade:
    word: Literal["correct", "wrong"] = "correct" if ok else "wrong"
    return Grade(kind, word, word, plain(claimed), plain(expected), tuple(diffs), method, note)


def _arrays(kind: str, claimed: Any, expected: Any, method: str, mask: Any = None,
            atol: float = 1e-9) -> Grade:
    """Entry-wise grade; ``atol`` is relative to the largest expected entry (at least 1)."""
    scale = max(1.0, float(np.max(np.abs(np.asarray(expected, dtype=float)), initial=0.0)))
    ok, diffs = compare(claimed, expected, atol * scale, mask)
    return _grade(kind, ok, claimed, expected, diffs, method)


def _equal(kind: str, claimed: Any, expected: Any, method: str) -> Grade:
    ok = claimed == expected
    return _grade(kind, ok, claimed, expected,
                  () if ok else (Diff("value", plain(claimed), plain(expected)),), method)


class Check(BaseModel):
    """Base of every check kind: no field outside the declared ones (so no typed grade), no
    NaN or infinity in a number."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)
    #: One line for the docs' table of check kinds.
    summary: ClassVar[str] = ""

    def grade(self, seed: int) -> Grade:
        """The grade, computed; ``seed`` fixes any random instances."""
        raise NotImplementedError


# ----------------------------------------------------------------------------- published values
class ValueCheck(Check):
    summary: ClassVar[str] = "a published answer: compares with `hw5ref.answers.value(key)`"
    kind: Literal["value"]
    key: str = Field(description="key of hw5ref.answers")
    claimed: Value = Field(description="the value the model gave")
    index: int | Pair | None = Field(None, description="an entry of the value (from 1)")
    decimals: int | None = Field(None, description="the claim was rounded to this many places")

    def grade(self, seed: int) -> Grade:
        truth = np.asarray(answers.value(self.key), dtype=np.float64)
        where = f"answers.value({self.key!r})"
        if self.index is not None:
            idx = [self.index] if isinstance(self.index, int) else list(self.index)
            truth = truth[tuple(i - 1 for i in idx)]
            where += "[" + ", ".join(map(str, idx)) + "] (counted from 1)"
        atol = 0.5 * 10.0 ** (-self.decimals) if self.decimals is not None else 1e-9
        return _arrays(self.kind, self.claimed, truth, where, atol=atol)


class RatioCheck(Check):
    summary: ClassVar[str] = "a ratio of two published answers, rounded as the claim rounds it"
    kind: Literal["ratio"]
    numerator: str = Field(description="key of hw5ref.answers")
    denominator: str = Field(description="key of hw5ref.answers")
    claimed: Number
    decimals: int = Field(description="places the claim was rounded to")

    def grade(self, seed: int) -> Grade:
        truth = float(answers.value(self.numerator)) / float(answers.value(self.denominator))
        return _arrays(self.kind, self.claimed, truth,
                       f"answers.value({self.numerator!r}) / answers.value({self.denominator!r})",
                       atol=0.5 * 10.0**-self.decimals)


# ----------------------------------------------------------------------------- Q1 convolutions
class _Transposed(Check):
    input: Matrix = Field(description="the input matrix")
    filter: Matrix = Field(description="the filter")
    stride: int = Field(1, ge=1)


def _one_input(x: Any, position: Sequence[int]) -> Any:
    """``x`` with every entry but the one at 1-based ``position`` set to 0."""
    only = np.zeros_like(np.asarray(x, dtype=np.float64))
    i, j = (int(v) - 1 for v in position)
    only[i, j] = np.asarray(x, dtype=np.float64)[i, j]
    return only


class ConvTranspose2dCheck(_Transposed):
    summary: ClassVar[str] = ("a transposed-convolution output: "
                              "`hw5ref.conv.conv_transpose2d`")
    kind: Literal["conv_transpose2d"]
    padding: int = Field(0, ge=0)
    claimed: Matrix

    def grade(self, seed: int) -> Grade:
        truth = conv.conv_transpose2d(self.input, self.filter, self.stride, self.padding)
        return _arrays(self.kind, self.claimed, truth,
                       f"hw5ref.conv.conv_transpose2d(input, filter, stride={self.stride}, "
                       f"padding={self.padding})")


class TransposeContributionCheck(_Transposed):
    summary: ClassVar[str] = ("one input entry's scaled copy of the filter and where it lands "
                              "in the output")
    kind: Literal["transpose_contribution"]
    position: Pair = Field(description="the input entry [row, column], from 1")
    placed_at: Pair = Field(description="output entry of the copy's top-left corner, from 1")
    claimed: Matrix = Field(description="the scaled copy")

    def grade(self, seed: int) -> Grade:
        w = np.asarray(self.filter, dtype=np.float64)
        full = conv.conv_transpose2d(_one_input(self.input, self.position), w, self.stride)
        kh, kw = w.shape
        r, c = ((v - 1) * self.stride for v in self.position)
        block = full[r : r + kh, c : c + kw]
        ok, diffs = compare(self.claimed, block, 1e-9)
        if list(self.placed_at) != [r + 1, c + 1]:
            ok, diffs = False, (*diffs, Diff("placed_at", list(self.placed_at), [r + 1, c + 1]))
        return _grade(self.kind, ok, self.claimed, block, diffs,
                      "hw5ref.conv.conv_transpose2d of the input with every other entry set to 0")


class TransposeEntryCheck(_Transposed):
    summary: ClassVar[str] = ("one output entry of a transposed convolution and the terms "
                              "summed into it: each term must be the contribution of a "
                              "different filter copy that reaches the entry (a zero "
                              "contribution may be left out, but not invented)")
    kind: Literal["transpose_entry"]
    entry: Pair = Field(description="the output entry [row, column], from 1")
    terms: Terms = Field(description="the summands the model listed")
    claimed: Number = Field(description="the value it gave")

    @model_validator(mode="after")
    def _entry_in_output(self) -> TransposeEntryCheck:
        shape = conv.conv_transpose2d(self.input, self.filter, self.stride).shape
        if not all(1 <= v <= n for v, n in zip(self.entry, shape, strict=True)):
            raise ValueError(f"entry {list(self.entry)} is outside the {shape[0]}x{shape[1]} "
                             "output (rows and columns are counted from 1)")
        return self

    def _contributions(self) -> list[float]:
        """x[a, b] * w[r - a s, c - b s] for every input entry (a, b) whose scaled filter copy
        covers output entry (r, c), zeros included (0-based indices)."""
        x = np.asarray(self.input, dtype=np.float64)
        w = np.asarray(self.filter, dtype=np.float64)
        r, c = (v - 1 for v in self.entry)
        s = self.stride
        return [float(x[a, b] * w[r - a * s, c - b * s])
                for a, b in itertools.product(range(x.shape[0]), range(x.shape[1]))
                if 0 <= r - a * s < w.shape[0] and 0 <= c - b * s < w.shape[1]]

    def grade(self, seed: int) -> Grade:
        truth_terms = self._contributions()
        r, c = (v - 1 for v in self.entry)
        truth = float(conv.conv_transpose2d(self.input, self.filter, self.stride)[r, c])
        missing = sorted(truth_terms)
        extra: list[float] = []
        for t in self.terms:
            if t in missing:
                missing.remove(t)
            else:
                extra.append(t)
        missing = [t for t in missing if t != 0]  # a zero contribution may go unlisted
        diffs: list[Diff] = []
        if not abs(self.claimed - truth) <= 1e-9:
            diffs.append(Diff("value", plain(self.claimed), plain(truth)))
        if extra or missing:
            diffs.append(Diff("summands: not a contribution (claimed) / left out (expected)",
                              plain(extra), plain(missing)))
        if abs(sum(self.terms) - self.claimed) > 1e-9:
            diffs.append(Diff("sum of its own terms", plain(sum(self.terms)),
                              plain(self.claimed)))
        return _grade(self.kind, not diffs, [list(self.terms), self.claimed],
                      [truth_terms, truth], diffs,
                      "the contribution of each filter copy that reaches the entry, from the "
                      "input and filter; the value from hw5ref.conv.conv_transpose2d")


class TransposeRecipeCheck(_Transposed):
    summary: ClassVar[str] = ("a described procedure for transposed convolution (insert zeros, "
                              "pad, flip, then correlate), run literally and compared with "
                              "`hw5ref.conv.conv_transpose2d` on the homework data and a random "
                              "stride-2 case")
    kind: Literal["transpose_recipe"]
    insert_zeros: bool = Field(description="insert stride - 1 zeros between input entries")
    border_pad: Literal["none", "k-1"] = Field(description="zeros added around the border")
    flip: bool = Field(description="rotate the filter by 180 degrees before correlating")

    def run(self, x: Any, w: Any, stride: int) -> Any:
        """The recipe as written: the (spread, padded) input correlated with the (flipped)
        filter by ``hw5ref.conv.conv2d``."""
        xa, wa = np.asarray(x, dtype=np.float64), np.asarray(w, dtype=np.float64)
        if self.insert_zeros:
            h, wd = xa.shape
            spread = np.zeros(((h - 1) * stride + 1, (wd - 1) * stride + 1))
            spread[::stride, ::stride] = xa
            xa = spread
        if self.border_pad == "k-1":
            kh, kw = wa.shape
            xa = np.pad(xa, ((kh - 1, kh - 1), (kw - 1, kw - 1)))
        if self.flip:
            wa = wa[::-1, ::-1]
        return conv.conv2d(xa, wa)

    def grade(self, seed: int) -> Grade:
        rng = np.random.default_rng(seed)
        cases = [("homework data, stride 1", self.input, self.filter, 1),
                 ("random 3x2 input, 2x3 filter, stride 2", rng.integers(-3, 4, (3, 2)),
                  rng.integers(-3, 4, (2, 3)), 2)]
        diffs: list[Diff] = []
        first: tuple[Any, Any] | None = None
        for label, x, w, s in cases:
            truth = conv.conv_transpose2d(x, w, s)
            try:
                got: Any = self.run(x, w, s)
            except ValueError as exc:
                got = f"no output ({exc})"
            if first is None:
                first = (got, truth)
            if isinstance(got, str) or not compare(got, truth, 1e-9)[0]:
                diffs.append(Diff(label, plain(got), plain(truth)))
        assert first is not None
        return _grade(self.kind, not diffs, first[0], first[1], diffs,
                      "the recipe run literally vs hw5ref.conv.conv_transpose2d")


class OutputLengthCheck(Check):
    summary: ClassVar[str] = ("an output-size formula (checked on a grid) or value: "
                              "`hw5ref.conv` length functions")
    kind: Literal["output_length"]
    transposed: bool = Field(True, description="transposed convolution (else convolution)")
    formula: str | None = Field(None, description="expression in n, k, S, P")
    at: dict[Literal["n", "k", "S", "P"], int] | None = Field(
        None, description="sizes for `claimed`")
    claimed: int | None = None

    def grade(self, seed: int) -> Grade:
        fn = conv.conv_transpose_output_length if self.transposed else conv.conv_output_length
        diffs: list[Diff] = []
        claimed_show: Any = self.formula
        expected_show: Any = None
        if self.formula is not None:
            for n, k, s, p in itertools.product((2, 5, 8), (1, 2, 3), (1, 2, 3), (0, 1)):
                try:
                    truth = fn(n, k, s, p)
                except ValueError:
                    continue
                got = evaluate(self.formula, {"n": n, "k": k, "S": s, "P": p})
                if got != truth:
                    diffs.append(Diff(f"n={n}, k={k}, S={s}, P={p}", plain(got), truth))
            expected_show = "matches on the grid" if not diffs else "see differences"
        if self.claimed is not None:
            at = self.at or {}
            truth = fn(at["n"], at["k"], at.get("S", 1), at.get("P", 0))
            claimed_show, expected_show = self.claimed, truth
            if self.claimed != truth:
                diffs.append(Diff(str(at), self.claimed, truth))
        return _grade(self.kind, not diffs, claimed_show, expected_show, diffs[:5],
                      f"hw5ref.conv.{fn.__name__}")


class ConvEquationsCheck(Check):
    summary: ClassVar[str] = "the linear equations a 1-D convolution imposes on the unknown filter"
    kind: Literal["conv_equations"]
    x: Vector
    y: Vector
    size: int = Field(ge=1)
    stride: int = Field(1, ge=1)
    padding: int = Field(0, ge=0)
    rows: Matrix = Field(description="coefficient rows")
    rhs: Vector = Field(description="right-hand sides")

    def grade(self, seed: int) -> Grade:
        a = conv.conv1d_matrix(self.x, self.size, self.stride, self.padding)
        claimed = np.column_stack([np.asarray(self.rows, dtype=np.float64),
                                   np.asarray(self.rhs, dtype=np.float64)])
        return _arrays(self.kind, claimed, np.column_stack([a, np.asarray(self.y)]),
                       "[hw5ref.conv.conv1d_matrix(x, size) | y] (last column: right side)")


class EquationCheck(Check):
    summary: ClassVar[str] = "an equation in the unknowns, evaluated at the true values (a key)"
    kind: Literal["equation"]
    key: str = Field(description="hw5ref.answers key giving the true values")
    variables: list[str] = Field(description="names of the unknowns, in the key's order")
    lhs: str
    rhs: str

    def grade(self, seed: int) -> Grade:
        truth = np.asarray(answers.value(self.key), dtype=np.float64)
        env = {name: float(v) for name, v in zip(self.variables, truth, strict=True)}
        lhs, rhs = evaluate(self.lhs, env), evaluate(self.rhs, env)
        return _arrays(self.kind, rhs, lhs,
                       f"both sides at {', '.join(f'{k}={plain(v)}' for k, v in env.items())} "
                       f"(answers.value({self.key!r}))")


class RecoverFilterCheck(Check):
    summary: ClassVar[str] = ("a filter recovered from input and output: "
                              "`hw5ref.conv.recover_filter`")
    kind: Literal["recover_filter"]
    x: Vector
    y: Vector
    size: int = Field(ge=1)
    stride: int = Field(1, ge=1)
    padding: int = Field(0, ge=0)
    claimed: Vector

    def grade(self, seed: int) -> Grade:
        truth = conv.recover_filter(self.x, self.y, self.size, self.stride, self.padding)
        return _arrays(self.kind, self.claimed, truth, "hw5ref.conv.recover_filter(x, y, size)")


# ----------------------------------------------------------------------------- Q2 normalization
Axis = Literal["N", "C", "H", "W"]
Normalization = Literal["batch", "layer", "instance"]


def _axes_letters(kind: str) -> list[str]:
    return sorted(norm.AXIS_NAMES[a] for a in norm.normalization_axes(kind))


class NormalizationAxesCheck(Check):
    summary: ClassVar[str] = "the axes one normalization statistic is taken over"
    kind: Literal["normalization_axes"]
    normalization: Normalization
    claimed: list[Axis] = Field(description="axis letters")

    def grade(self, seed: int) -> Grade:
        return _equal(self.kind, sorted(self.claimed), _axes_letters(self.normalization),
                      f"hw5ref.norm.normalization_axes({self.normalization!r})")


class FigureLetterCheck(Check):
    summary: ClassVar[str] = "which letter of the homework figure shows a normalization"
    kind: Literal["figure_letter"]
    normalization: Normalization
    claimed: Literal["A", "B", "C"]

    def grade(self, seed: int) -> Grade:
        truth = [letter for letter, k in answers.Q2A_LETTERS.items() if k == self.normalization]
        return _equal(self.kind, [self.claimed], truth,
                      "hw5ref.answers.Q2A_LETTERS (the figure as Gemini's report reads it)")


class FigureAxesCheck(Check):
    summary: ClassVar[str] = "the axes a lettered panel of the figure shades"
    kind: Literal["figure_axes"]
    letter: Literal["A", "B", "C"]
    claimed: list[Axis] = Field(description="axis letters")

    def grade(self, seed: int) -> Grade:
        kind = answers.Q2A_LETTERS[self.letter]
        return _equal(self.kind, sorted(self.claimed), _axes_letters(kind),
                      f"panel {self.letter} = {kind} (hw5ref.answers.Q2A_LETTERS), "
                      f"hw5ref.norm.normalization_axes({kind!r})")


def _bn_env(n: int, rng: np.random.Generator) -> dict[str, Any]:
    g = rng.integers(-5, 6, n).astype(float)
    return {"g": g, "gamma": float(rng.choice([0.5, 2.0, 3.0])), "n": n, "S": float(g.sum()),
            "ones": np.ones, "eye": np.eye, "outer": np.outer}


class BatchnormJacobianCheck(Check):
    summary: ClassVar[str] = ("a derivative of Q2(b)'s mean-only batch norm (matrix J[i, j] = "
                              "d out_i / d x_j), from differences of "
                              "`hw5ref.norm.centered_batchnorm` (exact: the map is affine)")
    kind: Literal["batchnorm_jacobian"]
    of: Literal["y", "mean"] = "y"
    claimed: str = Field(description="expression in gamma, n; functions eye, ones, outer")
    where: Literal["all", "diagonal", "off_diagonal"] = "all"
    n: int | None = Field(None, ge=1, description="batch size (default: 3 and 5)")

    def grade(self, seed: int) -> Grade:
        rng = np.random.default_rng(seed)
        grade: Grade | None = None
        for n in (self.n,) if self.n is not None else (3, 5):
            env = _bn_env(n, rng)
            x = rng.integers(-4, 5, n).astype(float)
            gamma = env["gamma"] if self.of == "y" else 1.0
            base = norm.centered_batchnorm(x, gamma, 0.0)
            jac = np.column_stack([norm.centered_batchnorm(x + e, gamma, 0.0) - base
                                   for e in np.eye(n)])
            truth = jac if self.of == "y" else np.eye(n) - jac  # mean = x - (y at gamma 1)
            mask = _entry_mask(self.where, (n, n))
            grade = _arrays(self.kind, evaluate(self.claimed, env), truth,
                            f"finite differences of hw5ref.norm.centered_batchnorm, n={n}, "
                            f"gamma={plain(gamma)} ({self.where} entries)", mask=mask)
            if grade.status == "wrong":
                return grade
        assert grade is not None
        return grade


class BatchnormBackwardCheck(Check):
    summary: ClassVar[str] = ("Q2(b)'s gradient dL/dx for upstream gradients g: "
                              "`hw5ref.norm.centered_batchnorm_backward`")
    kind: Literal["batchnorm_backward"]
    claimed: str = Field(description="vector expression in g, gamma, n, S = sum(g); "
                                     "functions eye, ones")
    n: int | None = Field(None, ge=1, description="batch size (default: 3 and 5)")
    reduce: Literal["none", "sum"] = Field(
        "none", description="sum: compare the sum over the batch instead")

    def grade(self, seed: int) -> Grade:
        rng = np.random.default_rng(seed)
        grade: Grade | None = None
        for n in (self.n,) if self.n is not None else (3, 5):
            env = _bn_env(n, rng)
            truth = norm.centered_batchnorm_backward(env["g"], env["gamma"])
            if self.reduce == "sum":
                truth = np.asarray(truth.sum())
            grade = _arrays(self.kind, evaluate(self.claimed, env), truth,
                            f"hw5ref.norm.centered_batchnorm_backward(g={plain(env['g'])}, "
                            f"gamma={plain(env['gamma'])})")
            if grade.status == "wrong":
                return grade
        assert grade is not None
        return grade


#: Per-sample upstream gradients h_i = 2, 1, 2, 1, ... (mean 3/2), and how the loss scales them.
LARGE_N = 2**16
SCALINGS: dict[str, str] = {
    "sum": "loss summed over the batch: g_i = h_i (mean of g stays 3/2)",
    "mean": "loss averaged over the batch: g_i = h_i / n (every g_i -> 0)",
    "single_sample": "loss on sample 1 only: g = (h_1, 0, ..., 0) (sum of g stays 2)",
}
_G1_LIMITS = {"sum": 2.0, "mean": 0.0, "single_sample": 2.0}  # lim g_1 per scaling


def _large_batch_g(scaling: str, n: int) -> Any:
    h = np.where(np.arange(n) % 2 == 0, 2.0, 1.0)
    if scaling == "sum":
        return h
    if scaling == "mean":
        return h / n
    g = np.zeros(n)
    g[0] = h[0]
    return g


class LargeBatchLimitCheck(Check):
    summary: ClassVar[str] = ("the n -> infinity limit of dL/dx_1, as an expression in the "
                              "upstream gradient g1 and gamma, under each loss scaling, against "
                              "`hw5ref.norm.centered_batchnorm_backward` at n = 65536")
    kind: Literal["large_batch_limit"]
    claimed: str = Field(description="expression in g1 and gamma only (a limit written with "
                                     "the batch mean restates the finite-n formula, so it is "
                                     "not accepted)")
    scalings: list[Literal["sum", "mean", "single_sample"]] = Field(
        min_length=1, description="the loss scalings for which the claim is asserted")

    @model_validator(mode="after")
    def _only_g1_and_gamma(self) -> LargeBatchLimitCheck:
        unknown = names_in(self.claimed) - {"g1", "gamma"}
        if unknown:
            raise ValueError(f"claimed may use only g1 and gamma, not {sorted(unknown)}")
        return self

    def grade(self, seed: int) -> Grade:
        gamma = 2.0
        diffs: list[Diff] = []
        table: list[tuple[str, Any, Any, bool]] = []
        for scaling in SCALINGS:
            claimed = float(evaluate(self.claimed, {"g1": _G1_LIMITS[scaling], "gamma": gamma}))
            truth = float(norm.centered_batchnorm_backward(
                _large_batch_g(scaling, LARGE_N), gamma)[0])
            agrees = abs(claimed - truth) < 1e-3
            table.append((scaling, plain(claimed), plain(round(truth, 4)), agrees))
            if scaling in self.scalings and not agrees:
                diffs.append(Diff(scaling, plain(claimed), plain(round(truth, 4))))
        word: Literal["correct", "wrong"] = "wrong" if diffs else "correct"
        return Grade(self.kind, word, word, {s: c for s, c, _, _ in table},
                     {s: t for s, _, t, _ in table}, tuple(diffs),
                     f"hw5ref.norm.centered_batchnorm_backward at n={LARGE_N}, "
                     f"gamma={plain(gamma)}; asserted for: {', '.join(self.scalings)}",
                     note="; ".join(f"{s}: claim {'agrees' if a else 'differs'}"
                                    for s, _, _, a in table))


class LimitCheck(Check):
    summary: ClassVar[str] = "the limit of an expression as a variable -> infinity (sympy.limit)"
    kind: Literal["limit"]
    expr: str
    claimed: str
    variable: str = Field("n", description="the variable that tends to infinity")

    def grade(self, seed: int) -> Grade:
        import sympy  # type: ignore[import-untyped,unused-ignore]

        names = names_in(self.expr) | names_in(self.claimed) | {self.variable}
        env: dict[str, Any] = {name: sympy.Symbol(name, positive=(name == self.variable))
                               for name in names}
        expr = evaluate(self.expr, env)
        truth = sympy.limit(expr, env[self.variable], sympy.oo)
        claimed = evaluate(self.claimed, env)
        ok = sympy.cancel(sympy.together(truth - claimed)) == 0
        constant = env[self.variable] not in sympy.simplify(expr).free_symbols
        return _grade(self.kind, ok, str(claimed), str(truth),
                      () if ok else (Diff(f"{self.variable} -> oo", str(claimed), str(truth)),),
                      f"sympy.limit({self.expr}, {self.variable}, oo)",
                      note=(f"the expression does not depend on {self.variable} once "
                            "simplified, so its limit is the expression itself")
                      if constant else "")


# ----------------------------------------------------------------------------- Q3 parameters
class Separable(BaseModel):
    """Which stage of a depthwise-separable layer, and which stages carry a bias."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    depthwise_bias: bool
    pointwise_bias: bool
    stage: Literal["depthwise", "pointwise", "total"] = "total"


class ParamCountCheck(Check):
    summary: ClassVar[str] = "a parameter count: `hw5ref.params`"
    kind: Literal["param_count"]
    c_in: int = Field(ge=1)
    c_out: int = Field(ge=1)
    kernel: int = Field(ge=1)
    bias: bool = Field(False, description="standard convolution with a bias")
    separable: Separable | None = Field(None, description="a depthwise-separable layer instead")
    claimed: int

    def grade(self, seed: int) -> Grade:
        sep = self.separable
        if sep is None:
            truth = params.conv2d_params(self.c_in, self.c_out, self.kernel, bias=self.bias)
            method = (f"hw5ref.params.conv2d_params({self.c_in}, {self.c_out}, {self.kernel}, "
                      f"bias={self.bias})")
        else:
            count = params.depthwise_separable_params(
                self.c_in, self.c_out, self.kernel, depthwise_bias=sep.depthwise_bias,
                pointwise_bias=sep.pointwise_bias)
            truth = count.total if sep.stage == "total" else \
                {s.name: s.total for s in count.stages}[sep.stage]
            method = (f"hw5ref.params.depthwise_separable_params({self.c_in}, {self.c_out}, "
                      f"{self.kernel}, depthwise_bias={sep.depthwise_bias}, pointwise_bias="
                      f"{sep.pointwise_bias}): {sep.stage}")
        return _equal(self.kind, self.claimed, truth, method)


# ----------------------------------------------------------------------------- Q4 dropout
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
    return env, Expectation("R", list(dropout.masks((n, d), p)))


def _with_w(env: dict[str, Any], w: Any) -> dict[str, Any]:
    out = dict(env)
    out["w"] = w
    if "Ldrop" in env:
        out["Ldrop"] = dropout.enumerate_expected_loss(env["X"], env["y"], w, env["p"])
    return out


def _entry_mask(where: str, shape: tuple[int, ...]) -> Any:
    if where == "all" or len(shape) != 2:
        return None
    eye = np.eye(shape[0], shape[1], dtype=bool)
    return eye if where == "diagonal" else ~eye


class IdentityCheck(Check):
    summary: ClassVar[str] = ("an equation between two expressions, on random instances "
                              "(n x d = 3 x 2 and 2 x 3) with exact expectations over all "
                              "dropout masks")
    kind: Literal["identity"]
    lhs: str = Field(description="expression (Q4 names)")
    rhs: str = Field(description="expression (Q4 names): the model's line")
    where: Literal["all", "diagonal", "off_diagonal"] = "all"
    modulo: Literal["none", "constant_in_w"] = Field(
        "none", description="constant_in_w: equal up to a term that does not depend on w")

    def grade(self, seed: int) -> Grade:
        rng = np.random.default_rng(seed)
        need_loss = "Ldrop" in names_in(self.lhs) | names_in(self.rhs)
        grade: Grade | None = None
        for n, d in ((3, 2), (2, 3)):
            env, ex = _q4_env(n, d, rng, need_loss)
            label = f"random instance n={n}, d={d}, p={plain(env['p'])}"
            if self.modulo == "constant_in_w":
                w2 = env["w"] + rng.integers(1, 3, d)
                gaps = [float(evaluate(self.lhs, e, ex)) - float(evaluate(self.rhs, e, ex))
                        for e in (env, _with_w(env, w2))]
                ok = abs(gaps[0] - gaps[1]) <= 1e-9 * max(1.0, abs(gaps[0]))
                # claimed: the gap at a second w; expected: the gap at the first (equal if
                # constant)
                grade = _grade(self.kind, ok, gaps[1], gaps[0],
                               () if ok else (Diff("lhs - rhs at a second w / at the first w",
                                                   plain(gaps[1]), plain(gaps[0])),),
                               f"lhs - rhs evaluated at two different w on a {label}; equal "
                               "gaps mean the sides differ by a constant")
            else:
                lhs = np.asarray(evaluate(self.lhs, env, ex), dtype=np.float64)
                rhs = np.asarray(evaluate(self.rhs, env, ex), dtype=np.float64)
                # claimed: the right side (the model's new line); expected: the left side
                grade = _arrays(self.kind, rhs, lhs,
                                f"both sides on a {label}, expectations exact over all masks",
                                mask=_entry_mask(self.where, lhs.shape))
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


class ExpressionCheck(Check):
    summary: ClassVar[str] = ("a formula for a named Q4 quantity, on random instances, against "
                              "`hw5ref.dropout`")
    kind: Literal["expression"]
    reference: Literal["inference_weights", "ridge_matrix", "ridge_column_norms",
                       "equivalent_gamma", "tikhonov_gamma"]
    claimed: str = Field(description="expression (Q4 names)")
    fixed: dict[Literal["lam", "alpha"], float] = Field(
        default_factory=dict, description="values for lam / alpha")

    def grade(self, seed: int) -> Grade:
        rng = np.random.default_rng(seed)
        method, fn = _REFERENCES[self.reference]
        grade: Grade | None = None
        for n, d in ((3, 2), (4, 3)):
            env, _ = _q4_env(n, d, rng, need_loss=False)
            env.update({k: float(v) for k, v in self.fixed.items()})
            grade = _arrays(self.kind, evaluate(self.claimed, env), fn(env),
                            f"{method} on a random instance n={n}, d={d}, p={plain(env['p'])}")
            if grade.status == "wrong":
                return grade
        assert grade is not None
        return grade


# ----------------------------------------------------------------------------- not checkable
#: What a verdict that no computation decides rests on.
BASES: dict[str, str] = {
    "quoted": "rests on lines quoted from the reports",
    "reference": "rests on a definition or a standard result, named in the reasoning",
    "judgement": "our reading, which another reviewer could reasonably dispute",
}
Basis = Literal["quoted", "reference", "judgement"]


class ManualCheck(Check):
    summary: ClassVar[str] = ("not checkable by computation: a verdict judged by hand, with "
                              "reasoning and what it rests on")
    kind: Literal["manual"]
    verdict: Literal["correct", "wrong"]
    basis: Basis = Field(description="; ".join(f"{k}: {v}" for k, v in BASES.items()))
    reasoning: str = Field(min_length=1)

    def grade(self, seed: int) -> Grade:
        return Grade(self.kind, "manual", self.verdict, None, None, (),
                     f"judged by hand ({self.basis}: {BASES[self.basis]})", self.reasoning)


#: Every check kind, by its ``kind`` name, in the order the docs list them.
CHECK_KINDS: dict[str, type[Check]] = {
    cls.model_fields["kind"].annotation.__args__[0]: cls  # type: ignore[union-attr]
    for cls in (ValueCheck, RatioCheck, ConvTranspose2dCheck, TransposeContributionCheck,
                TransposeEntryCheck, TransposeRecipeCheck, OutputLengthCheck,
                ConvEquationsCheck, EquationCheck, RecoverFilterCheck,
                NormalizationAxesCheck, FigureLetterCheck, FigureAxesCheck,
                BatchnormJacobianCheck, BatchnormBackwardCheck, LargeBatchLimitCheck,
                LimitCheck, ParamCountCheck, IdentityCheck, ExpressionCheck, ManualCheck)
}

#: A check of any kind, told apart by its ``kind`` field.
AnyCheck = Annotated[
    ValueCheck | RatioCheck | ConvTranspose2dCheck | TransposeContributionCheck
    | TransposeEntryCheck | TransposeRecipeCheck | OutputLengthCheck | ConvEquationsCheck
    | EquationCheck | RecoverFilterCheck | NormalizationAxesCheck
    | FigureLetterCheck | FigureAxesCheck | BatchnormJacobianCheck | BatchnormBackwardCheck
    | LargeBatchLimitCheck | LimitCheck | ParamCountCheck | IdentityCheck | ExpressionCheck
    | ManualCheck,
    Field(discriminator="kind"),
]


def claim_seed(check: Check) -> int:
    """A stable random seed derived from a check's content, so a claim's random instances do
    not change between runs, and do not depend on the claim's id or its record."""
    data = check.model_dump(mode="json", exclude_defaults=True)
    return zlib.crc32(json.dumps(data, sort_keys=True).encode("utf-8"))


def grade_check(check: Check | dict[str, Any]) -> Grade:
    """Grade one check (a :class:`Check`, or a mapping with a ``kind`` and its fields).

    >>> grade_check({"kind": "value", "key": "q1b.filter", "claimed": [2, -1, 3]}).status
    'correct'
    >>> g = grade_check({"kind": "conv_transpose2d", "input": [[-1, 2], [3, 1]],
    ...                  "filter": [[1, -1], [0, 1]],
    ...                  "claimed": [[-1, 3, -2], [3, 0, 1], [0, 3, 1]]})
    >>> g.status, [(d.where, d.claimed, d.expected) for d in g.diffs]
    ('wrong', [('(2, 2)', 0.0, -3.0)])
    """
    if not isinstance(check, Check):
        from pydantic import TypeAdapter, ValidationError

        try:
            check = TypeAdapter(AnyCheck).validate_python(check)
        except ValidationError as exc:
            raise ValueError(f"invalid check: {exc}") from None
    return check.grade(claim_seed(check))
