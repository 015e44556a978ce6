"""hw5ref.checker: answers from independent oracles are accepted, each wrong entry or stage is
named (entries counted from 1), the reports' actual answers get the verdicts worked out by hand,
and bad arguments fail loudly."""

from __future__ import annotations

import functools
import math
from fractions import Fraction
from typing import Any

import numpy as np
import pytest
import scipy.signal
from numpy.lib.stride_tricks import sliding_window_view

from hw5ref import variants
from hw5ref.checker import CHECK_PARTS, AnswerShapeError, Verdict, check
from hw5ref.reader import ReadError

SEEDS = range(60)


def _vec(values: np.ndarray | list[float]) -> str:
    return ",".join(repr(float(v)) for v in values)


def _mat(rows: np.ndarray) -> str:
    return "; ".join(_vec(row) for row in rows)


# ----------------------------------------------------------------------------- oracle answers
@functools.cache
def _data(part: str, seed: int) -> dict[str, Any]:
    return variants.variant(part, seed).data


def _oracle_1b(seed: int) -> str:
    d = _data("1b", seed)
    windows = sliding_window_view(np.array(d["x"], dtype=float), d["filter_size"])
    return _vec(np.linalg.lstsq(windows, np.array(d["y"], dtype=float), rcond=None)[0])


def _oracle_1c(seed: int) -> str:
    d = _data("1c", seed)
    x, s, pad = np.array(d["input"], dtype=float), d["stride"], d["padding"]
    up = np.zeros(((x.shape[0] - 1) * s + 1, (x.shape[1] - 1) * s + 1))
    up[::s, ::s] = x
    full = scipy.signal.convolve2d(up, np.array(d["filter"], dtype=float))
    return _mat(full[pad : full.shape[0] - pad, pad : full.shape[1] - pad])


def _oracle_2b(seed: int) -> str:
    d = _data("2b", seed)
    g = [Fraction(v) for v in d["upstream"]]
    mean = sum(g, Fraction(0)) / len(g)
    return ",".join(str(d["gamma"] * (v - mean)) for v in g)


def _oracle_3(seed: int, part: str) -> str:
    d = _data(part, seed)
    if part == "3a":
        return str(d["c_out"] * d["c_in"] * d["kernel"] ** 2)
    return str(d["c_in"] * d["kernel"] ** 2 + d["c_out"] * d["c_in"])


def _oracle_4(seed: int, part: str) -> str:
    d = _data("4", seed)
    X = [[Fraction(v) for v in row] for row in d["X"]]
    y = [Fraction(v) for v in d["y"]]
    w = [Fraction(v) for v in d["w_tilde"]]
    p = Fraction(d["p"]).limit_denominator(10)
    n, m = len(X), len(X[0])
    norms2 = [sum(X[i][j] ** 2 for i in range(n)) for j in range(m)]
    if part == "4a":
        fit = sum((y[i] - p * sum(X[i][j] * w[j] for j in range(m))) ** 2 for i in range(n))
        return str(fit + p * (1 - p) * sum(norms2[j] * w[j] ** 2 for j in range(m)))
    if part == "4b":
        return ",".join(str(p * v) for v in w)
    # The reference Gamma of 4(b) is sqrt((1-p)/p) Gamma-tilde, so X-tilde = X Gamma^-1 has
    # column j times sqrt(p/(1-p)) / ||X_j||, and every column has norm sqrt(p/(1-p)).
    ratio = p / (1 - p)  # 1, 4 or 9
    scale = math.isqrt(ratio.numerator) // math.isqrt(ratio.denominator)
    assert scale * scale == ratio
    if part == "4c":
        norms = [math.isqrt(int(v)) for v in norms2]
        return "; ".join(",".join(str(X[i][j] * scale / norms[j]) for j in range(m))
                         for i in range(n))
    return ",".join(str(scale) for _ in range(m))


def _oracle(part: str, seed: int) -> str:
    """The answer to a gradable part of the variant with this seed, computed here from the
    problem data without hw5ref's numeric core."""
    if part in ("1b", "1c", "2b"):
        return {"1b": _oracle_1b, "1c": _oracle_1c, "2b": _oracle_2b}[part](seed)
    return _oracle_3(seed, part) if part.startswith("3") else _oracle_4(seed, part)


def test_oracle_answers_are_accepted_for_every_part() -> None:
    for seed in SEEDS:
        for part in CHECK_PARTS:
            text = _oracle(part, seed)
            verdict = check(part, text, seed)
            assert verdict.correct, (seed, part, text, verdict.render())
            assert verdict.notes == (), (seed, part, verdict.notes)


def test_the_reference_answers_printed_with_each_variant_are_accepted() -> None:
    for seed in SEEDS:
        for part in variants.VARIANT_PARTS:
            for check_part, text in variants.variant(part, seed).checks.items():
                assert check(check_part, text, seed).correct, (seed, check_part, text)
    for part in variants.VARIANT_PARTS:
        for check_part, text in variants.original(part).checks.items():
            assert check(check_part, text).correct, (check_part, text)


@pytest.mark.parametrize("part", ["1b", "1c", "2b", "4b", "4c"])
def test_one_perturbed_entry_is_named_exactly(part: str) -> None:
    rng = np.random.default_rng(12345)
    for seed in SEEDS:
        oracle = _oracle(part, seed)
        rows = [[float(Fraction(t)) for t in r.split(",")] for r in oracle.split(";")]
        values = np.array(rows if part in ("1c", "4c") else rows[0])
        index = tuple(int(rng.integers(0, n)) for n in values.shape)
        right = values[index]
        values[index] = right + 1
        text = _mat(values) if values.ndim == 2 else _vec(values)
        verdict = check(part, text, seed)
        assert not verdict.correct
        entry_lines = [line for line in verdict.details if line.startswith("entry")]
        where = ", ".join(str(i + 1) for i in index)
        label = f"entry ({where})" if values.ndim == 2 else f"entry {where}"
        assert len(entry_lines) == 1, (seed, verdict.details)
        assert entry_lines[0].startswith(f"{label}: got ")
        expected_text = entry_lines[0].rsplit("expected ", 1)[1]
        assert float(Fraction(expected_text)) == pytest.approx(right, abs=1e-6)
        assert verdict.summary == f"1 of {values.size} entries differ"


# ----------------------------------------------------------------------------- the reports
def test_1c_answers_from_the_reports() -> None:
    # correct answer, from the hand sums in the solution: Y22 = -1 + (-3) + 1 = -3, Y23 = -2 + 1...
    assert check("1c", "-1,3,-2; 3,-3,1; 0,3,1").correct
    claude_1 = check("1c", "-1,3,-2; 3,0,-1; 0,3,1")
    assert claude_1.details == (
        "entry (2, 2): got 0, expected -3",
        "entry (2, 3): got -1, expected 1",
    )
    claude_2 = check("1c", "-1,3,-2; 3,0,1; 0,3,1")
    assert claude_2.details == ("entry (2, 2): got 0, expected -3",)
    gemini = check("1c", "[[-1,3,-2],[3,-1,-3],[0,3,1]]")
    assert gemini.details == (
        "entry (2, 2): got -1, expected -3",
        "entry (2, 3): got -3, expected 1",
    )


def test_1c_recognises_a_transposed_or_flipped_output() -> None:
    # transposed: [[-1,3,0],[3,-3,3],[-2,1,1]]
    transposed = check("1c", "-1,3,0; 3,-3,3; -2,1,1")
    assert not transposed.correct and any("transposed" in n for n in transposed.notes)
    # filter rotated by 180 degrees, [[1,0],[-1,1]], scattered by hand:
    # -1*F at (0,0), 2*F at (0,1), 3*F at (1,0), 1*F at (1,1)
    flipped = check("1c", "-1,2,0; 4,-2,2; -3,2,1")
    assert not flipped.correct and any("180 degrees" in n for n in flipped.notes)


def test_1b_answers() -> None:
    assert check("1b", "2,-1,3").correct
    reversed_filter = check("1b", "3,-1,2")
    assert any("reversed" in n for n in reversed_filter.notes)
    # the layer's output for the wrong filter, by hand: [3-4+0, 12+0-4, 0+2+6] = [-1, 8, 8]
    assert any("[-1, 8, 8]" in d for d in reversed_filter.details)


def test_2b_answers() -> None:
    assert check("2b", "0").correct and check("2b", "[0]").correct
    wrong = check("2b", "1")
    assert not wrong.correct and wrong.summary == "got 1, expected 0"


def test_2b_known_mistakes_are_recognised() -> None:
    for seed in range(40):
        d = _data("2b", seed)
        g, gamma = np.array(d["upstream"], dtype=float), d["gamma"]
        no_mean = check("2b", _vec(gamma * g), seed)
        assert not no_mean.correct and any("mean term" in n for n in no_mean.notes)
        summed = check("2b", _vec(gamma * (g - g.sum())), seed)
        assert not summed.correct and any("1/n" in n for n in summed.notes)


def test_3a_conventions() -> None:
    gemini = check("3a", "108")  # weights only, as the homework asks
    assert gemini.correct and gemini.notes == ()
    claude = check("3a", "112")  # with 4 biases: accepted, with a note
    assert claude.correct and "one bias per output channel" in claude.notes[0]
    assert check("3a", "108+4").correct and check("3a", "108+0").correct
    assert not check("3a", "100+4").correct
    one_kernel = check("3a", "27")  # 3*3*3: a single output channel's kernel
    assert not one_kernel.correct and any("one output channel" in n for n in one_kernel.notes)
    separable = check("3a", "39")
    assert not separable.correct and any("depthwise-separable" in n for n in separable.notes)


PYTORCH = "PyTorch's biases (every layer)"
KERAS = "Keras's biases (one per output channel)"


# Q3 by hand: depthwise 3*3*3 = 27 weights (+3 biases), pointwise 3*4 = 12 (+4 biases).
# PyTorch (a bias on both layers): 30 + 16 = 46; Keras's SeparableConv2D (one bias per output
# channel, after the pointwise stage): 27 + 16 = 43.
@pytest.mark.parametrize(
    ("answer", "convention"),
    [("39", None), ("27+12", None), ("27+12=39", None), ("46", PYTORCH),
     ("30+16", PYTORCH), ("30+16=46", PYTORCH), ("43", KERAS), ("27+16", KERAS), ("12+27", None)],
)
def test_3b_conventions(answer: str, convention: str | None) -> None:
    verdict = check("3b", answer)
    assert verdict.correct
    if convention is None:
        assert all("counted with" not in n for n in verdict.notes)
    else:
        assert verdict.notes[0].startswith(f"counted with {convention}")
        assert "reference (weights only): 27 + 12 = 39" in verdict.notes[0]


def test_3b_wrong_answers_name_the_stage_or_the_mix_up() -> None:
    stage = check("3b", "9+12")
    assert not stage.correct
    assert stage.details[0].startswith("depthwise stage: got 9, expected 27")
    assert stage.details[1] == "pointwise stage: 12 counts that stage without its biases"
    # 30 = 27 + 3 depthwise biases, 12 without the pointwise ones: each stage is a count of
    # that stage, but no convention counts depthwise biases and not pointwise ones.
    mixed = check("3b", "30+12")
    assert not mixed.correct
    assert mixed.details[:2] == ("depthwise stage: 30 counts that stage with its biases",
                                 "pointwise stage: 12 counts that stage without its biases")
    assert "not in a combination any convention uses" in mixed.details[2]
    pointwise = check("3b", "27+7")
    assert pointwise.details[1].startswith("pointwise stage: got 7, expected 12")
    assert any("standard convolution" in n for n in check("3b", "108").notes)
    assert any("depthwise stage alone" in n for n in check("3b", "27").notes)
    # one depthwise filter per *output* channel: 4*9 + 12 = 48
    assert any("per output channel" in n for n in check("3b", "48").notes)
    inconsistent = check("3b", "27+12=40")
    assert not inconsistent.correct and inconsistent.details == ("your terms add to 39, not 40",)
    summed = check("3b", "27+3+12+4")  # four terms: graded as the total 46
    assert summed.correct and "graded the total" in summed.notes[0]


def test_3b_a_bias_count_no_framework_uses_is_wrong() -> None:
    # depthwise biases without pointwise ones: 27 + 3 + 12 = 42, neither 39, 46 nor 43
    verdict = check("3b", "42")
    assert not verdict.correct and verdict.summary == "got 42, expected 39"
    assert verdict.details == (
        "depthwise 27 (c_in*k*k) + pointwise 12 (c_out*c_in) = 39; also accepted: "
        f"46 with {PYTORCH}, 43 with {KERAS}",
    )


def test_3_conventions_hold_for_variants() -> None:
    for seed in range(50):
        d = _data("3b", seed)
        c_in, c_out, k = d["c_in"], d["c_out"], d["kernel"]
        dw, pw = c_in * k * k, c_out * c_in
        assert check("3b", str(dw + c_in + pw + c_out), seed).notes[0].startswith(
            f"counted with {PYTORCH}")
        keras = check("3b", f"{dw}+{pw + c_out}", seed)
        assert keras.correct and keras.notes[0].startswith(f"counted with {KERAS}")
        assert check("3a", str(c_out * c_in * k * k + c_out), seed).correct
        # c_in, c_out >= 2, so one extra parameter matches no bias convention
        assert not check("3b", str(dw + pw + 1), seed).correct


def test_4_answers_for_the_site_instance() -> None:
    # fit 28.08 and penalty 11.2, derived by hand in test_answers.py
    assert check("4a", "39.28").correct and check("4a", "28.08+11.2").correct
    assert check("4a", "11.2 + 28.08").notes == ("read as penalty + fit",)
    alone = check("4a", "28.08")
    assert not alone.correct and any("fit term alone" in n for n in alone.notes)
    # Gemini-style squared norms in the penalty: 0.16 * (81 + 625 + 81*4) = 164.8
    squared = check("4a", "28.08+164.8")
    assert squared.details[1].startswith("penalty: got 164.8, expected 11.2")
    assert any("squares the column norms" in n for n in squared.notes)
    assert check("4b", "0.8,-0.8,1.6").correct
    divided = check("4b", "1.25,-1.25,2.5")
    assert any("divided by p" in n for n in divided.notes)
    # 4(c): Gamma = sqrt(0.2/0.8) diag(3, 5, 3) = diag(3/2, 5/2, 3/2); X Gamma^-1 divides the
    # columns (1,2,2,0), (0,3,0,4), (2,0,1,2) by 3/2, 5/2, 3/2.
    reference = check("4c", "2/3,0,4/3; 4/3,1.2,0; 4/3,0,2/3; 0,1.6,4/3")
    assert reference.correct and reference.notes == ()
    assert check("4c", "0.67,0,1.33; 1.33,1.2,0; 1.33,0,0.67; 0,1.6,1.33").correct
    rounded_once = check("4c", "0.7,0,1.3; 1.3,1.2,0; 1.3,0,0.7; 0,1.6,1.3")
    assert not rounded_once.correct and rounded_once.details[0] == (
        "entry (1, 1): got 0.7, expected 2/3")
    # With Gamma = Gamma-tilde (lambda = (1-p)/p) the columns are divided by 3, 5, 3: accepted
    tilde = check("4c", "1/3,0,2/3; 2/3,0.6,0; 2/3,0,1/3; 0,0.8,2/3")
    assert tilde.correct and "Gamma = Gamma-tilde" in tilde.notes[0]
    # 4(d): every column of X Gamma^-1 has norm sqrt(0.8 / 0.2) = 2 (or 1 with Gamma-tilde)
    assert check("4d", "2,2,2").correct and check("4d", "2 2 2").notes == ()
    unit = check("4d", "1,1,1")
    assert unit.correct and "Gamma = Gamma-tilde" in unit.notes[0]
    norms_of_x = check("4d", "3,5,3")
    assert not norms_of_x.correct and any("norms of X" in n for n in norms_of_x.notes)


# ----------------------------------------------------------------------------- bad input
def test_wrong_shapes_raise_answer_shape_error() -> None:
    with pytest.raises(AnswerShapeError, match=r"1c expects a 3x3 matrix .* got a 2x2 matrix"):
        check("1c", "1,2; 3,4")
    with pytest.raises(AnswerShapeError, match="separate the rows with ';'"):
        check("1c", "-1,3,-2,3,-3,1,0,3,1")
    with pytest.raises(AnswerShapeError, match="1b expects a vector of 3 numbers"):
        check("1b", "2,-1")
    with pytest.raises(AnswerShapeError, match="sums such as"):
        check("1b", "2+1")
    with pytest.raises(AnswerShapeError, match="3a expects a single number"):
        check("3a", "108,4")


def test_malformed_answer_raises_read_error() -> None:
    with pytest.raises(ReadError, match="cannot read") as info:
        check("1b", "2,x,3")
    assert "'x'" in str(info.value)  # the message points at what it could not read


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"part": "5a", "answer": "1"}, ValueError, "part must be one of"),
        ({"part": "4", "answer": "1"}, ValueError,
         "part must be one of 1b, 1c, 2b, 3a, 3b, 4a, 4b, 4c, 4d; got '4'"),
        ({"part": "2a", "answer": "A"}, ValueError, "part must be one of"),
        ({"part": 1, "answer": "1"}, TypeError, "part must be a string"),
        ({"part": "1b", "answer": 1}, TypeError, "answer must be a string"),
        ({"part": "1b", "answer": "1", "seed": -1}, ValueError, "seed must be an integer >= 0"),
        ({"part": "1b", "answer": "1", "seed": 1.5}, TypeError, "seed must be an integer"),
        ({"part": "1b", "answer": "1", "seed": True}, TypeError, "seed must be an integer"),
    ],
)
def test_bad_arguments(kwargs: dict[str, object], error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        check(**kwargs)  # type: ignore[arg-type]


def test_verdict_rendering_and_dict() -> None:
    verdict = check("1c", "-1,3,-2; 3,0,1; 0,3,1", seed=None)
    assert verdict.render() == (
        "1c (original problem): wrong - 1 of 9 entries differ\n"
        "  entry (2, 2): got 0, expected -3\n"
    )
    assert verdict.to_dict() == {
        "part": "1c", "seed": None, "correct": False, "summary": "1 of 9 entries differ",
        "details": ["entry (2, 2): got 0, expected -3"], "notes": [],
    }
    assert Verdict("4a", None, True, "x").label == "4a (site instance)"
    assert Verdict("1b", 3, True, "x").label == "1b (seed 3)"


# ----------------------------------------------------------------------------- hostile input
@pytest.mark.parametrize(("part", "answer", "summary", "detail"), [
    # huge but finite: graded wrong, and written short (they used to print 309 digits)
    ("3a", "1e308", "got 1e+308, expected 108", None),
    ("1c", "1e300,1,1;1,1,1;1,1,1", "7 of 9 entries differ", "entry (1, 1): got 1e+300, "),
    # the layer's output for this filter overflows: noted, not an error ("x must be finite")
    ("1b", "1e308,2,3", "2 of 3 entries differ", "with your filter the layer's output overflows"),
    # terms whose sum overflows: they used to raise "x must be finite, got inf"
    ("3b", "1e308+1e308=1e308", "the terms do not add up to the stated total",
     "your terms add to more than 1.8e308, not 1e+308"),
    ("4a", "1e300+1e300", "read as fit + penalty", "fit term: got 1e+300, expected 28.08"),
])
def test_huge_finite_answers_are_graded_wrong(part: str, answer: str, summary: str,
                                              detail: str | None) -> None:
    verdict = check(part, answer)
    assert not verdict.correct and verdict.summary == summary
    assert detail is None or any(d.startswith(detail) for d in verdict.details), verdict.details
    assert len(verdict.render()) < 600


@pytest.mark.parametrize("part", CHECK_PARTS)
@pytest.mark.parametrize("bad", ["inf", "-inf", "nan", "1e999", "9" * 400, "1/0"])
def test_nothing_non_finite_is_graded(part: str, bad: str) -> None:
    with pytest.raises(ReadError, match=r"not finite|too large|divides by zero"):
        check(part, bad)
    with pytest.raises(ReadError, match=r"term 2 (is not finite|is too large|divides by zero)"):
        check(part, f"27+{bad}")
