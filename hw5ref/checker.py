"""Grade an answer to a HW5 sub-part, for the original problem or a seeded variant.

:func:`check` reads an answer with :mod:`hw5ref.reader` (its docstring lists the notations),
compares it with the answer computed by :mod:`hw5ref.variants` and returns a :class:`Verdict`
that says exactly what is wrong: which entries of a vector or matrix (rows and columns counted
from 1), which stage of a parameter count, which term of the dropout loss, plus a note when the
answer matches a known mistake.  For the counts 3(a), 3(b) and the loss 4(a), a sum ``27+12``
is graded term by term (3(a): weights + biases; 3(b): depthwise + pointwise; 4(a): fit +
penalty), optionally with its total ``27+12=39``.

A number counts as correct if it equals the exact answer, or if it is a decimal with at least
two places that is the exact answer rounded (``0.33`` or ``0.333`` for 1/3, not ``0.3``).

Malformed answers raise :class:`hw5ref.reader.ReadError` (unreadable) or
:class:`AnswerShapeError` (a wrong shape), both ``ValueError``.

One module because each sub-part's grading rule sits beside the others: the rules share the
tolerance, the accepted alternatives and the message format.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from hw5ref import answers, conv, parts, variants
from hw5ref._validate import FloatArray, integer
from hw5ref.reader import Reading, read_answer
from hw5ref.values import Diff, compare, format_number, format_value
from hw5ref.variants import Problem

__all__ = ["CHECK_PARTS", "AnswerError", "AnswerShapeError", "Verdict", "check"]

_SUM_PARTS = ("3a", "3b", "4a")
_REFERENCE = answers.Q3_BIAS_CONVENTIONS[0].label  # the count the problem asks for


class AnswerError(ValueError):
    """The answer cannot be graded: it has the wrong shape for the part."""


class AnswerShapeError(AnswerError):
    """The answer reads but has the wrong shape for the part (e.g. 2x2 for a 3x3 output)."""


# ----------------------------------------------------------------------------- verdicts
@dataclass(frozen=True)
class Verdict:
    """The result of grading: ``correct``, a one-line ``summary``, ``details`` (what is
    wrong, entry by entry or stage by stage) and ``notes`` (conventions, known mistakes).

    >>> v = Verdict("3b", 7, False, "got 1, expected 287", ("depthwise 175 + pointwise 112",))
    >>> print(v.render(), end="")
    3b (seed 7): wrong - got 1, expected 287
      depthwise 175 + pointwise 112
    """

    part: str
    seed: int | None
    correct: bool
    summary: str
    details: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """``"1c (original problem)"``, ``"4a (site instance)"`` or ``"1c (seed 7)"``."""
        if self.seed is not None:
            return f"{self.part} (seed {self.seed})"
        return f"{self.part} (site instance)" if self.part[0] == "4" else (
            f"{self.part} (original problem)"
        )

    def render(self) -> str:
        """Plain text: ``label: correct|wrong - summary``, indented details, ``note:`` lines."""
        word = "correct" if self.correct else "wrong"
        lines = [f"{self.label}: {word} - {self.summary}"]
        lines += [f"  {d}" for d in self.details]
        lines += [f"note: {n}" for n in self.notes]
        return "\n".join(lines) + "\n"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict with keys part, seed, correct, summary, details, notes."""
        return {
            "part": self.part,
            "seed": self.seed,
            "correct": self.correct,
            "summary": self.summary,
            "details": list(self.details),
            "notes": list(self.notes),
        }


def _fmt(x: float) -> str:
    return format_number(float(x))


def _describe_shape(shape: tuple[int, ...]) -> str:
    if len(shape) == 0:
        return "a single number"
    if len(shape) == 1:
        return f"a vector of {shape[0]} number{'s' if shape[0] != 1 else ''}"
    return f"a {shape[0]}x{shape[1]} matrix ({shape[0]} rows of {shape[1]} numbers)"


def _shaped(parsed: Reading, shape: tuple[int, ...], part: str) -> Reading:
    """``parsed`` reshaped to ``shape`` when that is unambiguous, else AnswerShapeError."""
    if parsed.terms and part not in _SUM_PARTS:
        raise AnswerShapeError(
            f"{part} expects {_describe_shape(shape)}; sums such as '27+12' are only read for "
            f"{', '.join(_SUM_PARTS)}"
        )
    got = parsed.values.shape
    ok = got == shape
    if not ok and len(shape) <= 1 and parsed.values.size == (shape[0] if shape else 1):
        ok = len(got) <= 1 or 1 in got  # a 1-element vector for a number, a 1xn row, ...
    if not ok:
        hint = ""
        if len(shape) == 2 and parsed.values.size == shape[0] * shape[1]:
            hint = "; separate the rows with ';'"
        raise AnswerShapeError(
            f"{part} expects {_describe_shape(shape)}, got {_describe_shape(got)}{hint}"
        )
    return Reading(parsed.values.reshape(shape), parsed.tolerances.reshape(shape),
                        parsed.terms, parsed.term_tolerances, parsed.stated_total)


def _close(got: FloatArray, tol: FloatArray, expected: FloatArray) -> bool:
    return compare(got, expected, tol)[0]


def _mismatches(diffs: Sequence[Diff], vector: bool) -> list[str]:
    return [(f"entry {d.where}: " if vector else "")
            + f"got {_fmt(d.claimed)}, expected {_fmt(d.expected)}" for d in diffs]


def _grade_array(
    problem: Problem,
    part: str,
    parsed: Reading,
    expected: FloatArray,
    mistakes: Sequence[tuple[FloatArray, str]] = (),
    alternatives: Sequence[tuple[FloatArray, str]] = (),
    extra_details: Sequence[str] = (),
) -> Verdict:
    """Grade a vector/matrix answer; ``alternatives`` are also correct (with their note),
    ``mistakes`` are known wrong answers whose note is shown when the answer matches one."""
    answer = _shaped(parsed, expected.shape, part)
    got, tol = answer.values, answer.tolerances
    ok, diffs = compare(got, expected, tol)
    if ok:
        summary = (f"all {expected.size} entries match" if expected.ndim
                   else f"equals {_fmt(float(expected))}")
        return Verdict(part, problem.seed, True, summary)
    for alt, note in alternatives:
        if alt.shape == expected.shape and _close(got, tol, alt):
            return Verdict(part, problem.seed, True, "matches under another convention",
                           notes=(note,))
    wrong = _mismatches(diffs, bool(expected.ndim))
    notes = tuple(note for bad, note in mistakes
                  if bad.shape == expected.shape and _close(got, tol, bad))
    summary = f"{len(wrong)} of {expected.size} entries differ" if expected.ndim else wrong[0]
    if not expected.ndim:
        wrong = []
    return Verdict(part, problem.seed, False, summary, (*wrong, *extra_details), notes)


def _arr(value: Any) -> FloatArray:
    return np.asarray(value, dtype=np.float64)


# ----------------------------------------------------------------------------- per part
def _check_1b(problem: Problem, parsed: Reading) -> Verdict:
    expected = _arr(problem.answer["filter"])
    x, y = _arr(problem.data["x"]), _arr(problem.data["y"])
    extra: list[str] = []
    answer = _shaped(parsed, expected.shape, "1b")
    try:
        produced = conv.conv1d(x, answer.values)
    except ValueError:  # a filter so large that the output overflows
        extra.append("with your filter the layer's output overflows float64")
    else:
        if not np.allclose(produced, y):
            extra.append(
                f"with your filter the layer outputs [{', '.join(_fmt(v) for v in produced)}], "
                f"not y = [{', '.join(_fmt(v) for v in y)}]"
            )
    mistakes = [(expected[::-1].copy(),
                 "your filter is the answer reversed: that would be a flipped (signal-processing) "
                 "convolution; the layer here slides the filter without flipping it")]
    return _grade_array(problem, "1b", answer, expected, mistakes, extra_details=extra)


def _check_1c(problem: Problem, parsed: Reading) -> Verdict:
    expected = _arr(problem.answer["output"])
    x, w = _arr(problem.data["input"]), _arr(problem.data["filter"])
    stride, padding = int(problem.data["stride"]), int(problem.data["padding"])
    flipped = conv.conv_transpose2d(x, w[::-1, ::-1], stride, padding)
    mistakes = [
        (expected.T.copy(), "your matrix is the answer transposed"),
        (flipped, "this is the output for the filter rotated by 180 degrees: placing scaled "
                  "copies of W needs no flip (the flip appears only if you rewrite the "
                  "transposed convolution as an ordinary one on a zero-padded input)"),
    ]
    return _grade_array(problem, "1c", parsed, expected, mistakes)


def _check_2b(problem: Problem, parsed: Reading) -> Verdict:
    expected = _arr(problem.answer["dL_dx"])
    if problem.seed is None:
        return _grade_array(
            problem, "2b", parsed, expected.reshape(()),
            mistakes=[],
            extra_details=("with n = 1 the output y_1 = beta does not depend on x_1",),
        )
    g, gamma = _arr(problem.data["upstream"]), float(problem.data["gamma"])
    mistakes = [
        (gamma * g, "you left out the mean term: subtract gamma times the mean of dL/dy"),
        (gamma * (g - g.sum()), "you subtracted the sum of the upstream gradients instead of "
                                "their mean (the 1/n is missing)"),
        (g - g.mean(), "the factor gamma is missing"),
    ]
    return _grade_array(problem, "2b", parsed, expected, mistakes)


def _verdict_sum_mismatch(part: str, seed: int | None, parsed: Reading) -> Verdict | None:
    if parsed.stated_total and parsed.terms:
        try:  # exact, and raises for an intermediate overflow
            total = math.fsum(parsed.terms)
        except OverflowError:
            total = math.inf
        if not abs(total - float(parsed.values)) <= math.fsum(parsed.term_tolerances) + float(
            parsed.tolerances
        ):
            added = _fmt(total) if math.isfinite(total) else "more than 1.8e308"
            return Verdict(part, seed, False, "the terms do not add up to the stated total",
                           (f"your terms add to {added}, not {_fmt(float(parsed.values))}",))
    return None


def _eq(got: float, tol: float, expected: float) -> bool:
    return abs(got - expected) <= tol


def _check_3a(problem: Problem, parsed: Reading) -> Verdict:
    answer = _shaped(parsed, (), "3a")
    seed, a, d = problem.seed, problem.answer, problem.data
    weights, biases = int(a["weights"]), int(a["biases"])
    formula = f"c_out*c_in*k*k = {d['c_out']}*{d['c_in']}*{d['kernel']}*{d['kernel']}"
    with_bias_note = (f"counted with one bias per output channel ({weights} + {biases} = "
                      f"{weights + biases}); the reference answer counts weights only: {weights}")
    bad = _verdict_sum_mismatch("3a", seed, answer)
    if bad:
        return bad
    if len(answer.terms) == 2:
        (gw, gb), (tw, tb) = answer.terms, answer.term_tolerances
        details = []
        if not _eq(gw, tw, weights):
            details.append(f"weights: got {_fmt(gw)}, expected {weights} (= {formula})")
        if not (_eq(gb, tb, 0) or _eq(gb, tb, biases)):
            details.append(f"biases: got {_fmt(gb)}, expected 0 (weights only) or {biases} "
                           "(one per output channel)")
        if details:
            return Verdict("3a", seed, False, "read as weights + biases", tuple(details))
        if _eq(gb, tb, biases) and biases:
            return Verdict("3a", seed, True, "weights and biases match", notes=(with_bias_note,))
        return Verdict("3a", seed, True, f"{weights} weights, no biases")
    notes: list[str] = []
    if len(answer.terms) > 2:
        notes.append("only a single number or 'weights+biases' is graded term by term; "
                     "graded the total")
    got, tol = float(answer.values), float(answer.tolerances)
    if _eq(got, tol, weights):
        return Verdict("3a", seed, True, f"{weights} = {formula}", notes=tuple(notes))
    if _eq(got, tol, weights + biases):
        return Verdict("3a", seed, True, f"{weights + biases} weights and biases",
                       notes=(*notes, with_bias_note))
    c_in, c_out, k = int(d["c_in"]), int(d["c_out"]), int(d["kernel"])
    sep = _separable_totals(problem)
    known = [
        (c_in * k * k, "that is one output channel's kernel; there is one per output channel"),
        (c_in * c_out, "the kernel size k*k is missing"),
        (c_out * k * k, "the input channels are missing: each kernel spans all c_in channels"),
        *((v, "that is a depthwise-separable count (3(b)), not the standard convolution")
          for v in sorted(set(sep))),
    ]
    notes += [note for value, note in known if _eq(got, tol, value)]
    return Verdict("3a", seed, False, f"got {_fmt(got)}, expected {weights}",
                   (f"weights: {formula} = {weights} (with biases: {weights + biases})",),
                   tuple(notes))


def _separable_totals(problem: Problem) -> tuple[int, ...]:
    """The separable totals, under every bias convention, for the layer of a Q3 problem."""
    d = problem.data
    base = _problem("3b", problem.seed)
    if base.data["c_in"] != d["c_in"]:  # pragma: no cover - 3a and 3b share the layer
        raise RuntimeError("3(a) and 3(b) describe different layers")
    return tuple(int(v) for v in base.answer["totals"].values())


def _check_3b(problem: Problem, parsed: Reading) -> Verdict:
    answer = _shaped(parsed, (), "3b")
    seed, a, d = problem.seed, problem.answer, problem.data
    dw, pw = a["depthwise"], a["pointwise"]
    ref = int(a["totals"]["weights_only"])
    bad = _verdict_sum_mismatch("3b", seed, answer)
    if bad:
        return bad
    stage_options = {
        c.label: (dw["weights"] + (dw["biases"] if c.depthwise else 0),
                          pw["weights"] + (pw["biases"] if c.pointwise else 0))
        for c in answers.Q3_BIAS_CONVENTIONS
    }
    ref_note = f"reference (weights only): {dw['weights']} + {pw['weights']} = {ref}"
    if len(answer.terms) == 2:
        (g1, g2), (t1, t2) = answer.terms, answer.term_tolerances
        for a1, s1, a2, s2, swapped in ((g1, t1, g2, t2, False), (g2, t2, g1, t1, True)):
            for name, (e_dw, e_pw) in stage_options.items():
                if _eq(a1, s1, e_dw) and _eq(a2, s2, e_pw):
                    stage_notes = [] if name == _REFERENCE else [
                        f"counted with {name} ({e_dw} + {e_pw} = {e_dw + e_pw}); {ref_note}"
                    ]
                    if swapped:
                        stage_notes.append("read as pointwise + depthwise")
                    return Verdict("3b", seed, True,
                                   f"depthwise {e_dw} + pointwise {e_pw} = {e_dw + e_pw}",
                                   notes=tuple(stage_notes))
        details = []
        stages = (
            ("depthwise", dw, g1, t1, f"c_in*k*k = {d['c_in']}*{d['kernel']}*{d['kernel']}"),
            ("pointwise", pw, g2, t2, f"c_out*c_in = {d['c_out']}*{d['c_in']}"),
        )
        for name, stage, got, tol, formula in stages:
            w, b = stage["weights"], stage["biases"]
            if _eq(got, tol, w) or _eq(got, tol, w + b):
                details.append(f"{name} stage: {_fmt(got)} counts that stage "
                               f"{'with' if _eq(got, tol, w + b) else 'without'} its biases")
            else:
                details.append(f"{name} stage: got {_fmt(got)}, expected {w} (= {formula}; "
                               f"{w + b} with {b} biases)")
        if all("counts that stage" in d for d in details):
            accepted = ", ".join(f"{e_dw} + {e_pw} ({name})"
                                 for name, (e_dw, e_pw) in stage_options.items())
            details.append("each stage is counted one of two ways, but not in a combination "
                           f"any convention uses: {accepted}")
        return Verdict("3b", seed, False, "read as depthwise + pointwise", tuple(details))
    notes: list[str] = []
    if len(answer.terms) > 2:
        notes.append("only a single number or 'depthwise+pointwise' is graded stage by stage; "
                     "graded the total")
    got, tol = float(answer.values), float(answer.tolerances)
    for name, (e_dw, e_pw) in stage_options.items():
        if _eq(got, tol, e_dw + e_pw):
            if name != _REFERENCE:
                notes.append(f"counted with {name} ({e_dw} + {e_pw} = {e_dw + e_pw}); {ref_note}")
            return Verdict("3b", seed, True, f"{e_dw + e_pw} = depthwise {e_dw} + pointwise {e_pw}",
                           notes=tuple(notes))
    c_in, c_out, k = int(d["c_in"]), int(d["c_out"]), int(d["kernel"])
    std = int(_problem("3a", seed).answer["weights"])
    known = [
        (std, "that is the standard convolution of 3(a)"),
        (std + c_out, "that is the standard convolution of 3(a), with biases"),
        (dw["weights"], "that is the depthwise stage alone; add the pointwise 1x1 stage"),
        (pw["weights"], "that is the pointwise stage alone; add the depthwise stage"),
        (c_out * k * k + c_in * c_out, "that counts one depthwise filter per output channel; "
                                       "depthwise has one per input channel"),
    ]
    notes += [note for value, note in known if _eq(got, tol, value)]
    others = ", ".join(f"{e_dw + e_pw} with {name}" for name, (e_dw, e_pw) in stage_options.items()
                       if name != _REFERENCE)
    return Verdict("3b", seed, False, f"got {_fmt(got)}, expected {ref}",
                   (f"depthwise {dw['weights']} (c_in*k*k) + pointwise {pw['weights']} "
                    f"(c_out*c_in) = {ref}; also accepted: {others}",),
                   tuple(notes))


def _q4_arrays(problem: Problem) -> tuple[FloatArray, FloatArray, FloatArray, float]:
    d = problem.data
    return _arr(d["X"]), _arr(d["y"]), _arr(d["w_tilde"]), float(d["p"])


def _check_4a(problem: Problem, parsed: Reading) -> Verdict:
    answer = _shaped(parsed, (), "4a")
    seed, a = problem.seed, problem.answer
    fit, penalty, loss = float(a["fit_term"]), float(a["penalty_term"]), float(a["expected_loss"])
    X, y, w, p = _q4_arrays(problem)
    norms = _arr(a["column_norms"])
    r_nop = y - X @ w
    squared_penalty = p * (1 - p) * float(np.sum((norms**2 * w) ** 2))
    bad = _verdict_sum_mismatch("4a", seed, answer)
    if bad:
        return bad
    if len(answer.terms) == 2:
        (g1, g2), (t1, t2) = answer.terms, answer.term_tolerances
        if _eq(g1, t1, fit) and _eq(g2, t2, penalty):
            return Verdict("4a", seed, True, f"fit {_fmt(fit)} + penalty {_fmt(penalty)} = "
                                             f"{_fmt(loss)}")
        if _eq(g1, t1, penalty) and _eq(g2, t2, fit):
            return Verdict("4a", seed, True, f"penalty {_fmt(penalty)} + fit {_fmt(fit)} = "
                                             f"{_fmt(loss)}", notes=("read as penalty + fit",))
        details, notes = [], []
        if _eq(g1, t1, fit):
            details.append(f"fit term: {_fmt(g1)} is right")
        else:
            details.append(f"fit term: got {_fmt(g1)}, expected {_fmt(fit)} (= ||y - pXw||^2)")
            if _eq(g1, t1, float(r_nop @ r_nop)):
                notes.append("your fit term is ||y - Xw||^2: the factor p is missing")
        if _eq(g2, t2, penalty):
            details.append(f"penalty: {_fmt(g2)} is right")
        else:
            details.append(f"penalty: got {_fmt(g2)}, expected {_fmt(penalty)} "
                           "(= p(1-p) sum_j ||X_j||^2 w_j^2)")
            if _eq(g2, t2, squared_penalty):
                notes.append("your penalty squares the column norms twice: Gamma-tilde holds "
                             "the norms ||X_j||, not ||X_j||^2")
        return Verdict("4a", seed, False, "read as fit + penalty", tuple(details), tuple(notes))
    got, tol = float(answer.values), float(answer.tolerances)
    if _eq(got, tol, loss):
        return Verdict("4a", seed, True, f"{_fmt(loss)} = fit {_fmt(fit)} + penalty "
                                         f"{_fmt(penalty)}")
    known = [
        (fit, "that is the fit term alone; add the penalty p(1-p)||Gamma-tilde w||^2"),
        (penalty, "that is the penalty alone; add the fit term ||y - pXw||^2"),
        (fit + squared_penalty, "the penalty squares the column norms twice"),
        (float(r_nop @ r_nop) + penalty, "the fit term lost its factor p: it is ||y - pXw||^2"),
        (p * p * float(r_nop @ r_nop) + penalty, "p^2||y - Xw||^2 is not ||y - pXw||^2"),
    ]
    return Verdict("4a", seed, False, f"got {_fmt(got)}, expected {_fmt(loss)}",
                   (f"fit ||y - pXw||^2 = {_fmt(fit)}, penalty p(1-p)||Gamma-tilde w||^2 = "
                    f"{_fmt(penalty)}",),
                   tuple(note for value, note in known if _eq(got, tol, value)))


def _check_4b(problem: Problem, parsed: Reading) -> Verdict:
    expected = _arr(problem.answer["inference_weights"])
    _, _, w, p = _q4_arrays(problem)
    mistakes = [(w / p, "you divided by p; test-time weights are p times the dropout-trained "
                        "ones (dividing by p is what inverted dropout does during training)"),
                (w.copy(), "the weights need scaling by p when dropout is switched off")]
    return _grade_array(problem, "4b", parsed, expected, mistakes)


def _check_4cd(problem: Problem, parsed: Reading, part: str) -> Verdict:
    a = problem.answer
    X, _, _, _ = _q4_arrays(problem)
    norms = _arr(a["column_norms"])
    alt_note = ("matches Gamma = Gamma-tilde with lambda = (1-p)/p; the reference uses the Gamma "
                "of 4(b), sqrt((1-p)/p) Gamma-tilde, with lambda = 1")
    if part == "4c":
        expected, alt = _arr(a["ridge_matrix"]), _arr(a["ridge_matrix_gamma_tilde"])
        mistakes = [(X * norms, "you multiplied the columns by their norms; X Gamma^-1 divides")]
    else:
        expected, alt = _arr(a["ridge_column_norms"]), _arr(a["ridge_column_norms_gamma_tilde"])
        mistakes = [(norms, "those are the column norms of X, not of X-tilde")]
    verdict = _grade_array(problem, part, parsed, expected, mistakes, [(alt, alt_note)])
    if not verdict.correct:
        return Verdict(part, verdict.seed, False, verdict.summary, verdict.details,
                       (*verdict.notes, f"with Gamma = Gamma-tilde and lambda = (1-p)/p the "
                                        f"answer would be {format_value(alt, 'answer')}, also "
                                        "accepted"))
    return verdict


_CHECKERS: dict[str, Callable[[Problem, Reading], Verdict]] = {
    "1b": _check_1b,
    "1c": _check_1c,
    "2b": _check_2b,
    "3a": _check_3a,
    "3b": _check_3b,
    "4a": _check_4a,
    "4b": _check_4b,
    "4c": lambda problem, parsed: _check_4cd(problem, parsed, "4c"),
    "4d": lambda problem, parsed: _check_4cd(problem, parsed, "4d"),
}


def check(part: str, answer: str, seed: int | None = None) -> Verdict:
    """Grade ``answer`` for ``part`` (one of :data:`CHECK_PARTS`) of the original problem
    (``seed=None``) or of ``variants.variant(part, seed)``.

    Raises ``TypeError``/``ValueError`` naming ``part``, ``answer`` or ``seed`` for bad
    arguments, and :class:`AnswerError` (a ``ValueError``) for a malformed answer or a wrong
    shape.

    >>> check("1b", "2,-1,3").correct
    True
    >>> print(check("1c", "-1,3,-2; 3,0,-1; 0,3,1").render(), end="")
    1c (original problem): wrong - 2 of 9 entries differ
      entry (2, 2): got 0, expected -3
      entry (2, 3): got -1, expected 1
    >>> print(check("3b", "30+16").render(), end="")  # doctest: +NORMALIZE_WHITESPACE
    3b (original problem): correct - depthwise 30 + pointwise 16 = 46
    note: counted with PyTorch's biases (every layer) (30 + 16 = 46);
    reference (weights only): 27 + 12 = 39
    """
    name = parts.normalize(part, CHECK_PARTS)
    if seed is not None:
        seed = integer(seed, "seed", 0)
    parsed = read_answer(answer)
    return _CHECKERS[name](_problem(variants.family(name), seed), parsed)


@functools.lru_cache(maxsize=256)
def _problem(part: str, seed: int | None) -> Problem:
    """The (read-only here) problem a check grades against; cached because grading the four
    parts of Q4, or 3a next to 3b, needs the same instance again."""
    return variants.original(part) if seed is None else variants.variant(part, seed)


#: Sub-parts whose answers :func:`check` grades, in the order of :data:`hw5ref.parts.SUBPARTS`.
CHECK_PARTS: tuple[str, ...] = tuple(p.name for p in parts.SUBPARTS if p.name in _CHECKERS)
