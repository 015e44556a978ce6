"""Grade an answer to a HW5 sub-part, for the original problem or a seeded variant.

:func:`check` compares an answer, written in the syntax below, with the answer computed by
:mod:`hw5ref.variants` and returns a :class:`Verdict` that says exactly what is wrong: which
entries of a vector or matrix (rows and columns counted from 1), which stage of a parameter
count, which term of the dropout loss, plus a note when the answer matches a known mistake.

Answer syntax
-------------
* a number: ``39``, ``-3``, ``28.08``, ``2/3`` (a fraction of integers), ``1e-3``;
* a vector: numbers separated by commas or spaces: ``2,-1,3`` or ``2 -1 3``;
* a matrix: rows separated by ``;`` (or new lines): ``-1,3,-2; 3,-3,1; 0,3,1``;
* JSON: ``[2, -1, 3]``, ``[[-1, 3, -2], [3, -3, 1], [0, 3, 1]]`` (fractions as strings);
* for the counts 3(a), 3(b) and the loss 4(a), a sum ``27+12`` whose terms are graded one by
  one (3(a): weights + biases; 3(b): depthwise + pointwise; 4(a): fit + penalty), optionally
  with its total: ``27+12=39``.

A number counts as correct if it equals the exact answer, or if it is a decimal with at least
two places that is the exact answer rounded (``0.33`` or ``0.333`` for 1/3, not ``0.3``).

Malformed answers (unreadable numbers, ragged rows, a wrong shape) raise
:class:`AnswerError`, a ``ValueError``.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from hw5ref import conv, variants
from hw5ref._validate import FloatArray, integer
from hw5ref.variants import Problem, format_number

__all__ = [
    "AnswerError",
    "AnswerShapeError",
    "AnswerSyntaxError",
    "ParsedAnswer",
    "Verdict",
    "check",
    "parse_answer",
]

_SUM_PARTS = ("3a", "3b", "4a")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.(\d*))?|\.(\d+))(?:[eE][+-]?\d+)?")
_FRACTION = re.compile(r"([+-]?\d+)\s*/\s*(\d+)")
_SUM_SPLIT = re.compile(r"(?<=[\d.])\s*\+\s*")


class AnswerError(ValueError):
    """The answer cannot be graded: it does not parse, or it has the wrong shape."""


class AnswerSyntaxError(AnswerError):
    """The answer text is not a number, vector, matrix or sum in the accepted syntax."""


class AnswerShapeError(AnswerError):
    """The answer parses but has the wrong shape for the part (e.g. 2x2 for a 3x3 output)."""


@dataclass(frozen=True)
class ParsedAnswer:
    """A parsed answer.

    ``values`` is 0-D, 1-D or 2-D; ``tolerances`` (same shape) is how far each entry may be
    from the exact answer (half a unit in the last written place for decimals with >= 2
    places, else ``1e-9`` relative).  For a sum ``a+b[=t]``, ``terms`` and
    ``term_tolerances`` hold the summands and ``values`` holds ``t`` if written, else the sum.
    """

    values: FloatArray
    tolerances: FloatArray
    terms: tuple[float, ...] = ()
    term_tolerances: tuple[float, ...] = ()
    stated_total: bool = False


def _number(token: str) -> tuple[float, float]:
    """Value and tolerance of one number token."""
    text = token.strip()
    frac = _FRACTION.fullmatch(text)
    if frac:
        num, den = int(frac.group(1)), int(frac.group(2))
        if den == 0:
            raise AnswerSyntaxError(f"cannot divide by zero in {token!r}")
        value = float(Fraction(num, den))
        return value, 1e-9 * max(1.0, abs(value))
    match = _NUMBER.fullmatch(text)
    if not match:
        raise AnswerSyntaxError(
            f"cannot read {token!r} as a number (use integers, decimals such as 0.25, "
            "or fractions such as 2/3)"
        )
    value = float(text)
    tol = 1e-9 * max(1.0, abs(value))
    places = match.group(1) if match.group(1) is not None else match.group(2)
    if places is not None and len(places) >= 2 and "e" not in text.lower():
        tol = max(tol, 0.5 * 10.0 ** -len(places) + 1e-12)
    return value, tol


def _from_tokens(rows: list[list[str]], ndim: int) -> ParsedAnswer:
    lengths = [len(r) for r in rows]
    if len(set(lengths)) > 1:
        detail = ", ".join(f"row {i + 1} has {n}" for i, n in enumerate(lengths))
        raise AnswerSyntaxError(f"the rows have different lengths ({detail})")
    pairs = [[_number(t) for t in row] for row in rows]
    values = np.array([[v for v, _ in row] for row in pairs], dtype=np.float64)
    tols = np.array([[t for _, t in row] for row in pairs], dtype=np.float64)
    if ndim == 0:
        return ParsedAnswer(values.reshape(()), tols.reshape(()))
    if ndim == 1:
        return ParsedAnswer(values[0], tols[0])
    return ParsedAnswer(values, tols)


def _reject_constant(name: str) -> Any:
    raise AnswerSyntaxError(f"{name} is not a finite number")


def _parse_json(text: str) -> ParsedAnswer:
    try:
        data = json.loads(text, parse_int=str, parse_float=str, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise AnswerSyntaxError(f"the answer looks like JSON but does not parse: {exc}") from None
    if isinstance(data, str):
        return _from_tokens([[data]], 0)
    if isinstance(data, list) and data and all(isinstance(e, str) for e in data):
        return _from_tokens([list(data)], 1)
    if (
        isinstance(data, list)
        and data
        and all(isinstance(r, list) and r and all(isinstance(e, str) for e in r) for r in data)
    ):
        return _from_tokens([list(r) for r in data], 2)
    raise AnswerSyntaxError(
        "a JSON answer must be a number, a non-empty list of numbers or a list of non-empty "
        f"lists of numbers; got {text!r}"
    )


def _parse_sum(text: str) -> ParsedAnswer:
    left, eq, right = text.partition("=")
    if "=" in right:
        raise AnswerSyntaxError(f"a sum may contain one '=' at most: {text!r}")
    tokens = _SUM_SPLIT.split(left.strip())
    if any(not t.strip() for t in tokens):
        raise AnswerSyntaxError(f"a term of the sum {text!r} is empty")
    pairs = [_number(t) for t in tokens]
    if eq:
        if not right.strip():
            raise AnswerSyntaxError(f"nothing after '=' in {text!r}")
        total, tol = _number(right)
    else:
        total = sum(v for v, _ in pairs)
        tol = sum(t for _, t in pairs)
    return ParsedAnswer(
        np.array(total, dtype=np.float64),
        np.array(tol, dtype=np.float64),
        terms=tuple(v for v, _ in pairs),
        term_tolerances=tuple(t for _, t in pairs),
        stated_total=bool(eq),
    )


def parse_answer(text: str) -> ParsedAnswer:
    """Parse an answer written in the syntax of this module's docstring.

    Raises ``TypeError`` if ``text`` is not a string and :class:`AnswerSyntaxError` (a
    ``ValueError``) saying what is unreadable.

    >>> parse_answer("-1,3,-2; 3,-3,1").values.tolist()
    [[-1.0, 3.0, -2.0], [3.0, -3.0, 1.0]]
    >>> parse_answer("27 + 12").terms
    (27.0, 12.0)
    >>> parse_answer("1,2; 3")
    Traceback (most recent call last):
    ...
    hw5ref.checker.AnswerSyntaxError: the rows have different lengths (row 1 has 2, row 2 has 1)
    """
    if not isinstance(text, str):
        raise TypeError(f"answer must be a string, got {type(text).__name__}")
    clean = text.replace("\u2212", "-").replace("\u2013", "-").strip()
    if not clean:
        raise AnswerSyntaxError("the answer is empty")
    if clean[0] in "[{\"":
        return _parse_json(clean)
    if clean.startswith("(") and clean.endswith(")"):
        clean = clean[1:-1].strip()
    rows = [r.strip() for r in re.split(r"[;\n]", clean)]
    if len(rows) > 1 and not rows[-1]:
        rows = rows[:-1]  # a trailing ';'
    if len(rows) == 1 and "," not in rows[0] and ("=" in rows[0] or _SUM_SPLIT.search(rows[0])):
        return _parse_sum(rows[0])
    tokens: list[list[str]] = []
    for i, row in enumerate(rows):
        if not row:
            raise AnswerSyntaxError(f"row {i + 1} is empty")
        entries = [e for e in re.split(r"\s*,\s*|\s+", row)]
        if any(not e for e in entries):
            raise AnswerSyntaxError(f"row {i + 1} has an empty entry: {row!r}")
        tokens.append(entries)
    if len(tokens) > 1:
        return _from_tokens(tokens, 2)
    return _from_tokens(tokens, 0 if len(tokens[0]) == 1 else 1)


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


def _shaped(parsed: ParsedAnswer, shape: tuple[int, ...], part: str) -> ParsedAnswer:
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
    return ParsedAnswer(parsed.values.reshape(shape), parsed.tolerances.reshape(shape),
                        parsed.terms, parsed.term_tolerances, parsed.stated_total)


def _close(got: FloatArray, tol: FloatArray, expected: FloatArray) -> bool:
    return bool(np.all(np.abs(got - expected) <= tol))


def _mismatches(got: FloatArray, tol: FloatArray, expected: FloatArray) -> list[str]:
    out = []
    for index in np.ndindex(expected.shape):
        g, e = float(got[index]), float(expected[index])
        if abs(g - e) > float(tol[index]):
            where = ",".join(str(i + 1) for i in index)
            name = {0: "", 1: f"entry {where}: ", 2: f"entry ({where}): "}[len(index)]
            out.append(f"{name}got {_fmt(g)}, expected {_fmt(e)}")
    return out


def _grade_array(
    problem: Problem,
    part: str,
    parsed: ParsedAnswer,
    expected: FloatArray,
    mistakes: Sequence[tuple[FloatArray, str]] = (),
    alternatives: Sequence[tuple[FloatArray, str]] = (),
    extra_details: Sequence[str] = (),
) -> Verdict:
    """Grade a vector/matrix answer; ``alternatives`` are also correct (with their note),
    ``mistakes`` are known wrong answers whose note is shown when the answer matches one."""
    answer = _shaped(parsed, expected.shape, part)
    got, tol = answer.values, answer.tolerances
    if _close(got, tol, expected):
        summary = (f"all {expected.size} entries match" if expected.ndim
                   else f"equals {_fmt(float(expected))}")
        return Verdict(part, problem.seed, True, summary)
    for alt, note in alternatives:
        if alt.shape == expected.shape and _close(got, tol, alt):
            return Verdict(part, problem.seed, True, "matches under another convention",
                           notes=(note,))
    wrong = _mismatches(got, tol, expected)
    notes = tuple(note for bad, note in mistakes
                  if bad.shape == expected.shape and _close(got, tol, bad))
    summary = f"{len(wrong)} of {expected.size} entries differ" if expected.ndim else wrong[0]
    if not expected.ndim:
        wrong = []
    return Verdict(part, problem.seed, False, summary, (*wrong, *extra_details), notes)


def _arr(value: Any) -> FloatArray:
    return np.asarray(value, dtype=np.float64)


# ----------------------------------------------------------------------------- per part
def _check_1b(problem: Problem, parsed: ParsedAnswer) -> Verdict:
    expected = _arr(problem.answer["filter"])
    x, y = _arr(problem.data["x"]), _arr(problem.data["y"])
    extra: list[str] = []
    answer = _shaped(parsed, expected.shape, "1b")
    produced = conv.conv1d(x, answer.values)
    if not np.allclose(produced, y):
        extra.append(
            f"with your filter the layer outputs [{', '.join(_fmt(v) for v in produced)}], "
            f"not y = [{', '.join(_fmt(v) for v in y)}]"
        )
    mistakes = [(expected[::-1].copy(),
                 "your filter is the answer reversed: that would be a flipped (signal-processing) "
                 "convolution; the layer here slides the filter without flipping it")]
    return _grade_array(problem, "1b", answer, expected, mistakes, extra_details=extra)


def _check_1c(problem: Problem, parsed: ParsedAnswer) -> Verdict:
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


def _check_2b(problem: Problem, parsed: ParsedAnswer) -> Verdict:
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


def _verdict_sum_mismatch(part: str, seed: int | None, parsed: ParsedAnswer) -> Verdict | None:
    if parsed.stated_total and parsed.terms:
        total = sum(parsed.terms)
        if abs(total - float(parsed.values)) > sum(parsed.term_tolerances) + float(
            parsed.tolerances
        ):
            return Verdict(part, seed, False, "the terms do not add up to the stated total",
                           (f"your terms add to {_fmt(total)}, not {_fmt(float(parsed.values))}",))
    return None


def _eq(got: float, tol: float, expected: float) -> bool:
    return abs(got - expected) <= tol


def _check_3a(problem: Problem, parsed: ParsedAnswer) -> Verdict:
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


def _check_3b(problem: Problem, parsed: ParsedAnswer) -> Verdict:
    answer = _shaped(parsed, (), "3b")
    seed, a, d = problem.seed, problem.answer, problem.data
    dw, pw = a["depthwise"], a["pointwise"]
    ref = int(a["totals"]["weights only"])
    bad = _verdict_sum_mismatch("3b", seed, answer)
    if bad:
        return bad
    stage_options = {
        name: (dw["weights"] + (dw["biases"] if dwb else 0),
               pw["weights"] + (pw["biases"] if pwb else 0))
        for name, (dwb, pwb) in variants.Q3_BIAS_CONVENTIONS.items()
    }
    ref_note = f"reference (weights only): {dw['weights']} + {pw['weights']} = {ref}"
    if len(answer.terms) == 2:
        (g1, g2), (t1, t2) = answer.terms, answer.term_tolerances
        for a1, s1, a2, s2, swapped in ((g1, t1, g2, t2, False), (g2, t2, g1, t1, True)):
            for name, (e_dw, e_pw) in stage_options.items():
                if _eq(a1, s1, e_dw) and _eq(a2, s2, e_pw):
                    stage_notes = [] if name == "weights only" else [
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
                details.append(f"{name} stage: {_fmt(got)} is right")
            else:
                details.append(f"{name} stage: got {_fmt(got)}, expected {w} (= {formula}; "
                               f"{w + b} with {b} biases)")
        return Verdict("3b", seed, False, "read as depthwise + pointwise", tuple(details))
    notes: list[str] = []
    if len(answer.terms) > 2:
        notes.append("only a single number or 'depthwise+pointwise' is graded stage by stage; "
                     "graded the total")
    got, tol = float(answer.values), float(answer.tolerances)
    for name, (e_dw, e_pw) in stage_options.items():
        if _eq(got, tol, e_dw + e_pw):
            if name != "weights only":
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
                       if name != "weights only")
    return Verdict("3b", seed, False, f"got {_fmt(got)}, expected {ref}",
                   (f"depthwise {dw['weights']} (c_in*k*k) + pointwise {pw['weights']} "
                    f"(c_out*c_in) = {ref}; also accepted: {others}",),
                   tuple(notes))


def _q4_arrays(problem: Problem) -> tuple[FloatArray, FloatArray, FloatArray, float]:
    d = problem.data
    return _arr(d["X"]), _arr(d["y"]), _arr(d["w_tilde"]), float(d["p"])


def _check_4a(problem: Problem, parsed: ParsedAnswer) -> Verdict:
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


def _check_4b(problem: Problem, parsed: ParsedAnswer) -> Verdict:
    expected = _arr(problem.answer["inference_weights"])
    _, _, w, p = _q4_arrays(problem)
    mistakes = [(w / p, "you divided by p; test-time weights are p times the dropout-trained "
                        "ones (dividing by p is what inverted dropout does during training)"),
                (w.copy(), "the weights need scaling by p when dropout is switched off")]
    return _grade_array(problem, "4b", parsed, expected, mistakes)


def _check_4cd(problem: Problem, parsed: ParsedAnswer, part: str) -> Verdict:
    a = problem.answer
    X, _, _, p = _q4_arrays(problem)
    norms = _arr(a["column_norms"])
    alt_note = ("matches Gamma = sqrt((1-p)/p) Gamma-tilde, the Gamma of 4(b); the reference "
                "uses Gamma = Gamma-tilde")
    if part == "4c":
        expected, alt = _arr(a["ridge_matrix"]), _arr(a["ridge_matrix_eq3"])
        mistakes = [(X * norms, "you multiplied the columns by their norms; X Gamma^-1 divides")]
    else:
        expected, alt = _arr(a["ridge_column_norms"]), _arr(a["ridge_column_norms_eq3"])
        mistakes = [(norms, "those are the column norms of X, not of X-tilde")]
    verdict = _grade_array(problem, part, parsed, expected, mistakes, [(alt, alt_note)])
    if not verdict.correct:
        alt_text = (_fmt_array(alt))
        return Verdict(part, verdict.seed, False, verdict.summary, verdict.details,
                       (*verdict.notes, f"with Gamma = sqrt((1-p)/p) Gamma-tilde (p = {_fmt(p)}) "
                                        f"the answer would be {alt_text}, also accepted"))
    return verdict


def _fmt_array(a: FloatArray) -> str:
    if a.ndim == 1:
        return ",".join(_fmt(v) for v in a)
    return "; ".join(_fmt_array(row) for row in a)


_CHECKERS: dict[str, Callable[[Problem, ParsedAnswer], Verdict]] = {
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
    """Grade ``answer`` for ``part`` (one of ``variants.CHECK_PARTS``) of the original problem
    (``seed=None``) or of ``variants.variant(part, seed)``.

    Raises ``TypeError``/``ValueError`` naming ``part``, ``answer`` or ``seed`` for bad
    arguments, and :class:`AnswerError` (a ``ValueError``) for a malformed answer or a wrong
    shape.

    >>> check("1b", "2,-1,3").correct
    True
    >>> print(check("1c", "-1,3,-2; 3,0,-1; 0,3,1").render(), end="")
    1c (original problem): wrong - 2 of 9 entries differ
      entry (2,2): got 0, expected -3
      entry (2,3): got -1, expected 1
    >>> print(check("3b", "30+16").render(), end="")
    3b (original problem): correct - depthwise 30 + pointwise 16 = 46
    note: counted with all biases (30 + 16 = 46); reference (weights only): 27 + 12 = 39
    """
    name = variants.normalize_part(part, variants.CHECK_PARTS)
    if seed is not None:
        seed = integer(seed, "seed", 0)
    parsed = parse_answer(answer)
    return _CHECKERS[name](_problem("4" if name.startswith("4") else name, seed), parsed)


@functools.lru_cache(maxsize=256)
def _problem(part: str, seed: int | None) -> Problem:
    """The (read-only here) problem a check grades against; cached because grading the four
    parts of Q4, or 3a next to 3b, needs the same instance again."""
    return variants.original(part) if seed is None else variants.variant(part, seed)
