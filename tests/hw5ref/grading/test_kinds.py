"""hw5ref.grading.kinds: the grader on claims whose right answer is derived by hand in this file.

Nothing here compares the grader with itself: each expected grade, differing entry and value
comes from a derivation written out below.  Entries, positions and indices in checks are
counted from 1, as in the records and on the site.
"""

from __future__ import annotations

import typing
from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError

from hw5ref.grading import CHECK_KINDS, Check, Grade, grade_check
from hw5ref.grading.kinds import AnyCheck, ManualCheck, claim_seed

X_IN = [[-1, 2], [3, 1]]
W = [[1, -1], [0, 1]]


def diffs(grade: Any) -> list[tuple[str, Any, Any]]:
    return [(d.where, d.claimed, d.expected) for d in grade.diffs]


# ----------------------------------------------------------------------------- Q1(c)
# Transposed convolution, stride 1, by hand (counted from 1): each input x_ij scales W and
# lands with its top-left corner at (i, j).  Entry (r, c) sums x_ij * W_(r-i+1)(c-j+1):
#   (1,1) = -1*1                         = -1
#   (1,2) = -1*(-1) + 2*1                =  3
#   (1,3) = 2*(-1)                       = -2
#   (2,1) = -1*0 + 3*1                   =  3
#   (2,2) = (-1)(1) + (2)(0) + (3)(-1) + (1)(1) = -3      [W22, W21, W12, W11]
#   (2,3) = 2*1 + 1*(-1)                 =  1
#   (3,1) = 3*0                          =  0
#   (3,2) = 3*1 + 1*0                    =  3
#   (3,3) = 1*1                          =  1
HAND_OUTPUT = [[-1, 3, -2], [3, -3, 1], [0, 3, 1]]


def transpose_check(claimed: Any) -> dict[str, Any]:
    return {"kind": "conv_transpose2d", "input": X_IN, "filter": W, "claimed": claimed}


def test_hand_computed_transpose_output_is_graded_correct() -> None:
    grade = grade_check(transpose_check(HAND_OUTPUT))
    assert grade.status == "correct" and grade.diffs == ()


def test_claude_first_attempt_differs_at_exactly_two_entries() -> None:
    grade = grade_check(transpose_check([[-1, 3, -2], [3, 0, -1], [0, 3, 1]]))
    assert grade.status == "wrong"
    assert diffs(grade) == [("(2, 2)", 0, -3), ("(2, 3)", -1, 1)]


def test_claude_second_attempt_differs_only_at_the_centre() -> None:
    grade = grade_check(transpose_check([[-1, 3, -2], [3, 0, 1], [0, 3, 1]]))
    assert diffs(grade) == [("(2, 2)", 0, -3)]


def test_gemini_output_differs_at_the_centre_and_its_right_neighbour() -> None:
    grade = grade_check(transpose_check([[-1, 3, -2], [3, -1, -3], [0, 3, 1]]))
    assert diffs(grade) == [("(2, 2)", -1, -3), ("(2, 3)", -3, 1)]


def test_wrong_shape_is_one_shape_diff() -> None:
    grade = grade_check(transpose_check([[-1, 3], [3, -3]]))
    assert grade.status == "wrong" and diffs(grade) == [("shape", [2, 2], [3, 3])]


def test_entry_check_finds_the_missing_and_the_misplaced_summand() -> None:
    # Centre summands by hand: -1, 0, -3, 1 (nonzero: -1, -3, 1).
    right = grade_check({"kind": "transpose_entry", "input": X_IN, "filter": W, "entry": [2, 2],
                         "terms": [-1, 0, -3, 1], "claimed": -3})
    claude = grade_check({"kind": "transpose_entry", "input": X_IN, "filter": W,
                          "entry": [2, 2], "terms": [-1, 0, 1], "claimed": 0})
    gemini = grade_check({"kind": "transpose_entry", "input": X_IN, "filter": W,
                          "entry": [2, 2], "terms": [-1, -3, 2, 1], "claimed": -1})
    assert right.status == "correct"
    assert claude.status == "wrong"
    assert ("value", 0, -3) in diffs(claude)
    assert diffs(claude)[-1][1:] == ([], [-3])  # nothing extra, -3 missing
    assert gemini.status == "wrong"
    assert diffs(gemini)[-1][1:] == ([2], [])  # the 2 does not belong here


# Which copies reach which entries (by hand, 1-based; copy of input (a, b) covers rows a..a+1,
# columns b..b+1): (3,1) is reached by the copy of (2,1) only, whose value there is 0 * 3 = 0;
# (1,3) only by the copy of (1,2), value -1 * 2 = -2; (2,2) by all four copies: -1, 0, -3, 1.
@pytest.mark.parametrize(("entry", "terms", "claimed", "status"), [
    ([3, 1], [0], 0, "correct"),
    ([3, 1], [0, 0, 0], 0, "wrong"),      # three zeros where one copy reaches
    ([1, 3], [-2, 0], -2, "wrong"),       # a zero from a copy that does not reach (1,3)
    ([2, 2], [-1, -3, 1], -3, "correct"),  # a zero contribution may go unlisted
    ([2, 2], [-1, 0, 0, -3, 1], -3, "wrong"),  # but not be listed twice
])
def test_entry_check_counts_zero_contributions(entry: list[int], terms: list[float],
                                               claimed: float, status: str) -> None:
    # The old check compared nonzero summands only, so the two "wrong" rows above passed.
    grade = grade_check({"kind": "transpose_entry", "input": X_IN, "filter": W,
                         "entry": entry, "terms": terms, "claimed": claimed})
    assert grade.status == status


def test_entry_check_catches_terms_that_do_not_add_up() -> None:
    # Right summands (1 and 2 at entry (1,2)) but a wrong total.
    grade = grade_check({"kind": "transpose_entry", "input": X_IN, "filter": W, "entry": [1, 2],
                         "terms": [1, 2], "claimed": 4})
    assert grade.status == "wrong"
    assert ("sum of its own terms", 3, 4) in diffs(grade)


@pytest.mark.parametrize(("position", "placed", "block", "status"), [
    ([2, 1], [2, 1], [[3, -3], [0, 3]], "correct"),     # x_21 = 3: 3 * W
    ([1, 2], [1, 2], [[2, -2], [0, 2]], "correct"),     # x_12 = 2: 2 * W
    ([2, 1], [1, 2], [[3, -3], [0, 3]], "wrong"),       # right block, wrong place
    ([2, 2], [2, 2], [[-1, 1], [0, -1]], "wrong"),      # x_22 = 1: 1 * W has the other sign
])
def test_contribution_blocks(position: list[int], placed: list[int], block: Any,
                             status: str) -> None:
    grade = grade_check({"kind": "transpose_contribution", "input": X_IN, "filter": W,
                         "position": position, "placed_at": placed, "claimed": block})
    assert grade.status == status


@pytest.mark.parametrize(("recipe", "status"), [
    # Gemini's description taken literally: zeros between inputs, then plain correlation.
    ({"insert_zeros": True, "border_pad": "none", "flip": False}, "wrong"),
    # The textbook equivalence: zeros between inputs, k-1 border padding, flipped filter.
    ({"insert_zeros": True, "border_pad": "k-1", "flip": True}, "correct"),
    ({"insert_zeros": True, "border_pad": "k-1", "flip": False}, "wrong"),  # no flip
    ({"insert_zeros": False, "border_pad": "k-1", "flip": True}, "wrong"),  # stride 2 fails
])
def test_transpose_recipes(recipe: dict[str, Any], status: str) -> None:
    grade = grade_check({"kind": "transpose_recipe", "input": X_IN, "filter": W, **recipe})
    assert grade.status == status


def test_a_recipe_must_say_what_it_does() -> None:
    # The old kind had a "scatter" method that ran hw5ref's own algorithm whatever the record
    # said, so it passed for any data; now every step of the procedure is data.
    with pytest.raises(ValueError, match="invalid check"):
        grade_check({"kind": "transpose_recipe", "method": "scatter", "input": X_IN,
                     "filter": W})


def test_literal_zero_insertion_recipe_gives_a_1x1_output() -> None:
    # A 2x2 input correlated (valid) with a 2x2 filter has one output: -1*1 + 2*(-1) + 3*0 + 1*1.
    grade = grade_check({"kind": "transpose_recipe", "insert_zeros": True, "border_pad": "none",
                         "flip": False, "input": X_IN, "filter": W})
    assert grade.claimed == [[-2]]


@pytest.mark.parametrize(("formula", "status"), [
    ("(n - 1)*S - 2*P + k", "correct"),
    ("(n - 1)*S + k", "wrong"),        # ignores padding: wrong whenever P > 0
    ("n*S - 2*P + k - 1", "wrong"),    # equal only when S = 1
])
def test_transposed_output_length_formula(formula: str, status: str) -> None:
    assert grade_check({"kind": "output_length", "transposed": True,
                        "formula": formula}).status == status


def test_output_length_values() -> None:
    # (2 - 1)*1 - 0 + 2 = 3 ; standard conv floor((224 + 2 - 3)/1) + 1 = 224
    assert grade_check({"kind": "output_length", "transposed": True,
                        "at": {"n": 2, "k": 2, "S": 1, "P": 0}, "claimed": 3}).status == "correct"
    assert grade_check({"kind": "output_length", "transposed": False,
                        "at": {"n": 224, "k": 3, "S": 1, "P": 1}, "claimed": 224}).status \
        == "correct"
    assert grade_check({"kind": "output_length", "transposed": False,
                        "at": {"n": 224, "k": 3, "S": 1, "P": 0}, "claimed": 224}).status \
        == "wrong"


# ----------------------------------------------------------------------------- Q1(b)
# x = [1, 4, 0, -2, 3], y = [-2, 2, 11]; with w = [2, -1, 3]:
# 1*2 + 4*(-1) + 0*3 = -2, 4*2 + 0 + (-2)*3 = 2, 0 + (-2)(-1) + 3*3 = 11.
def test_recover_filter_right_and_wrong() -> None:
    base = {"kind": "recover_filter", "x": [1, 4, 0, -2, 3], "y": [-2, 2, 11], "size": 3}
    assert grade_check({**base, "claimed": [2, -1, 3]}).status == "correct"
    wrong = grade_check({**base, "claimed": [2, 1, 3]})
    assert diffs(wrong) == [("2", 1, -1)]


def test_conv_equations_rows() -> None:
    base = {"kind": "conv_equations", "x": [1, 4, 0, -2, 3], "y": [-2, 2, 11], "size": 3}
    right = grade_check({**base, "rows": [[1, 4, 0], [4, 0, -2], [0, -2, 3]], "rhs": [-2, 2, 11]})
    flipped = grade_check({**base, "rows": [[0, 4, 1], [-2, 0, 4], [3, -2, 0]],
                           "rhs": [-2, 2, 11]})  # the rows a flipped filter would give
    assert right.status == "correct" and flipped.status == "wrong"


@pytest.mark.parametrize(("lhs", "rhs", "status"), [
    ("-8*b - c", "5", "correct"),      # -8(-1) - 3 = 5
    ("-26*b", "26", "correct"),        # -26(-1) = 26
    ("-8*b - c", "-5", "wrong"),
    ("2*a - c", "1", "correct"),       # 4 - 3 = 1
])
def test_derived_equations_at_the_true_filter(lhs: str, rhs: str, status: str) -> None:
    check = {"kind": "equation", "key": "q1b.filter", "variables": ["a", "b", "c"],
             "lhs": lhs, "rhs": rhs}
    assert grade_check(check).status == status


def test_published_value_with_index_and_rounding() -> None:
    # indices count from 1: the filter's first entry is 2, the output's centre is -3
    assert grade_check({"kind": "value", "key": "q1b.filter", "index": 1,
                        "claimed": 2}).status == "correct"
    assert grade_check({"kind": "value", "key": "q1b.filter", "index": 2,
                        "claimed": 2}).status == "wrong"
    assert grade_check({"kind": "value", "key": "q1c.output", "index": [2, 2],
                        "claimed": -3}).status == "correct"
    # a value rounded to 4 places: 109345/173701 = 0.62950...
    rounded = {"kind": "value", "key": "q4.dropout_minimizer", "index": 1, "decimals": 4}
    assert grade_check({**rounded, "claimed": 0.6295}).status == "correct"
    assert grade_check({**rounded, "claimed": 0.6296}).status == "wrong"
    # 39/108 = 0.3611...: "0.36" is right to two decimals, "0.37" is not.
    ratio = {"kind": "ratio", "numerator": "q3.weights_only.separable",
             "denominator": "q3.weights_only.standard", "decimals": 2}
    assert grade_check({**ratio, "claimed": 0.36}).status == "correct"
    assert grade_check({**ratio, "claimed": 0.37}).status == "wrong"


# ----------------------------------------------------------------------------- Q2
def test_normalization_axes_and_figure() -> None:
    assert grade_check({"kind": "normalization_axes", "normalization": "batch",
                        "claimed": ["N", "H", "W"]}).status == "correct"
    assert grade_check({"kind": "normalization_axes", "normalization": "layer",
                        "claimed": ["N", "H", "W"]}).status == "wrong"
    # Both reports: A = batch, B = layer.  Claude answered B and C.
    assert grade_check({"kind": "figure_letter", "normalization": "batch",
                        "claimed": "A"}).status == "correct"
    assert grade_check({"kind": "figure_letter", "normalization": "batch",
                        "claimed": "B"}).status == "wrong"
    assert grade_check({"kind": "figure_axes", "letter": "C",
                        "claimed": ["H", "W"]}).status == "correct"


# dL/dx_j = gamma (g_j - mean(g)).  Example: g = (1, 2, 6), gamma = 2: mean 3 -> (-4, -2, 6).
@pytest.mark.parametrize(("formula", "status"), [
    ("gamma*(g - S/n)", "correct"),
    ("gamma*g - gamma/n*S", "correct"),
    ("gamma*g - gamma*S", "wrong"),          # Gemini: the 1/n dropped
    ("gamma*g", "wrong"),                    # the mean term forgotten
])
def test_batchnorm_gradient_formulas(formula: str, status: str) -> None:
    assert grade_check({"kind": "batchnorm_backward", "claimed": formula}).status == status


def test_input_gradients_sum_to_zero_over_the_batch() -> None:
    # sum_j gamma (g_j - mean g) = gamma (sum g - n mean g) = 0; Gemini's formula sums to
    # gamma S (1 - n), which is not 0 for n > 1 unless S = 0.
    assert grade_check({"kind": "batchnorm_backward", "reduce": "sum",
                        "claimed": "0"}).status == "correct"
    assert grade_check({"kind": "batchnorm_backward", "reduce": "sum",
                        "claimed": "gamma*S*(1 - n)"}).status == "wrong"


def test_dropped_one_over_n_is_harmless_only_for_a_batch_of_one() -> None:
    assert grade_check({"kind": "batchnorm_backward", "claimed": "gamma*g - gamma*S",
                        "n": 1}).status == "correct"


@pytest.mark.parametrize(("formula", "where", "status"), [
    ("gamma*(eye(n) - ones((n, n))/n)", "all", "correct"),
    ("gamma*(1 - 1/n)", "diagonal", "correct"),
    ("-gamma/n", "off_diagonal", "correct"),
    ("-gamma/n", "all", "wrong"),
    ("gamma*eye(n)", "all", "wrong"),
])
def test_batchnorm_jacobian(formula: str, where: str, status: str) -> None:
    assert grade_check({"kind": "batchnorm_jacobian", "claimed": formula,
                        "where": where}).status == status


def test_mean_jacobian() -> None:
    assert grade_check({"kind": "batchnorm_jacobian", "of": "mean",
                        "claimed": "ones((n, n))/n"}).status == "correct"


# Per-sample gradients h = (2, 1, 2, 1, ...), gamma = 2.  By hand, as n -> infinity:
#   sum-reduced loss:   g = h,        mean m = 3/2, dL/dx_1 -> 2 (2 - 3/2) = 1
#   single-sample loss: g = (2,0,..), mean -> 0,    dL/dx_1 -> 2 * 2     = 4
#   mean-reduced loss:  g = h / n,    all -> 0,     dL/dx_1 -> 0
def test_large_batch_limit_depends_on_loss_scaling() -> None:
    # gamma (g1 - m), with m the limit of the batch mean, is the finite-n formula with its mean
    # replaced by the limit: it agreed under every scaling, so it could not fail.  The kind
    # no longer offers m.
    with pytest.raises(ValueError, match="only g1 and gamma"):
        grade_check({"kind": "large_batch_limit", "claimed": "gamma*(g1 - m)",
                     "scalings": ["sum"]})
    intended = grade_check({"kind": "large_batch_limit", "claimed": "gamma*g1",
                            "scalings": ["single_sample"]})
    assert intended.claimed == {"sum": 4, "mean": 0, "single_sample": 4}
    assert intended.expected == pytest.approx({"sum": 1, "mean": 0, "single_sample": 4},
                                              abs=1e-3)
    gemini_sum = grade_check({"kind": "large_batch_limit", "claimed": "gamma*g1",
                              "scalings": ["sum"]})
    assert gemini_sum.status == "wrong" and diffs(gemini_sum)[0][:2] == ("sum", 4)
    gemini_bounded = grade_check({"kind": "large_batch_limit", "claimed": "gamma*g1",
                                  "scalings": ["single_sample", "mean"]})
    assert gemini_bounded.status == "correct"


def test_symbolic_limits() -> None:
    assert grade_check({"kind": "limit", "expr": "gamma*gi - gamma/n*S",
                        "claimed": "gamma*gi"}).status == "correct"
    assert grade_check({"kind": "limit", "expr": "gamma*gi - gamma*S",
                        "claimed": "gamma*gi"}).status == "wrong"
    assert grade_check({"kind": "limit", "expr": "(2*n + 1)/n",
                        "claimed": "2"}).status == "correct"
    # An expression that does not depend on n once simplified is its own limit; the grade
    # says so, since such a claim may have been true by construction.
    by_construction = grade_check({"kind": "limit", "expr": "gamma*(gj - (n*m)/n)",
                                   "claimed": "gamma*(gj - m)"})
    assert by_construction.status == "correct"
    assert "does not depend on n" in by_construction.note


# ----------------------------------------------------------------------------- Q3
# Standard: 3*3*3*4 = 108 weights + 4 biases = 112.  Depthwise 3*3*3 = 27 (+3), pointwise
# 3*4 = 12 (+4): 39 without biases, 46 with all, 43 with pointwise biases only.
@pytest.mark.parametrize(("check", "claimed"), [
    ({"bias": False}, 108),
    ({"bias": True}, 112),
    ({"separable": {"depthwise_bias": False, "pointwise_bias": False}}, 39),
    ({"separable": {"depthwise_bias": True, "pointwise_bias": True}}, 46),
    ({"separable": {"depthwise_bias": False, "pointwise_bias": True}}, 43),
    ({"separable": {"depthwise_bias": True, "pointwise_bias": True, "stage": "depthwise"}}, 30),
    ({"separable": {"depthwise_bias": True, "pointwise_bias": True, "stage": "pointwise"}}, 16),
])
def test_param_counts(check: dict[str, Any], claimed: int) -> None:
    base = {"kind": "param_count", "c_in": 3, "c_out": 4, "kernel": 3}
    assert grade_check({**base, **check, "claimed": claimed}).status == "correct"
    assert grade_check({**base, **check, "claimed": claimed + 1}).status == "wrong"


# ----------------------------------------------------------------------------- Q4
TARGET = "sq(y - p*X@w) + p*(1-p)*sq(N@w)"


@pytest.mark.parametrize(("lhs", "rhs", "extra", "status"), [
    ("Ldrop", TARGET, {}, "correct"),
    ("E(sq(y - (R*X)@w))", TARGET, {}, "correct"),
    # Claude's step 5: the cross term without its p.
    ("Ldrop", "y@y - 2*y@X@w + w@(p**2*X.T@X + p*(1-p)*N2)@w", {}, "wrong"),
    # Claude's conclusion is not the loss even up to a constant...
    ("Ldrop", "p**2*sq(y - X@w) + p*(1-p)*sq(N@w)", {"modulo": "constant_in_w"}, "wrong"),
    # ...while the target plus any constant is.
    ("Ldrop", TARGET + " + 5", {"modulo": "constant_in_w"}, "correct"),
    ("Ldrop", TARGET + " + 5", {}, "wrong"),
    # Gemini: a diagonal matrix squared is not itself.
    ("N2@N2", "N2", {}, "wrong"),
    ("E(outer(R[0], R[0]))", "p**2*ones((d, d))", {"where": "off_diagonal"}, "correct"),
    ("E(outer(R[0], R[0]))", "p**2*ones((d, d))", {}, "wrong"),
    ("E(outer(R[0], R[0]))", "p*ones((d, d))", {"where": "diagonal"}, "correct"),
])
def test_identities(lhs: str, rhs: str, extra: dict[str, Any], status: str) -> None:
    assert grade_check({"kind": "identity", "lhs": lhs, "rhs": rhs, **extra}).status == status


@pytest.mark.parametrize(("reference", "claimed", "status"), [
    ("inference_weights", "p*w", "correct"),
    ("inference_weights", "w/p", "wrong"),
    ("ridge_matrix", "X@inv(Gam)", "correct"),
    ("ridge_matrix", "X@Gam", "wrong"),
    ("ridge_column_norms", "ones(d)/alpha", "correct"),
    ("equivalent_gamma", "sqrt((1-p)/p)*N", "correct"),
    ("equivalent_gamma", "sqrt(p*(1-p))*N", "wrong"),
    ("tikhonov_gamma", "N2", "wrong"),
])
def test_expressions(reference: str, claimed: str, status: str) -> None:
    check = {"kind": "expression", "reference": reference, "claimed": claimed}
    assert grade_check(check).status == status


def test_expression_with_a_fixed_constant() -> None:
    check = {"kind": "expression", "reference": "ridge_column_norms", "claimed": "ones(d)"}
    assert grade_check({**check, "fixed": {"alpha": 1}}).status == "correct"
    assert grade_check(check).status == "wrong"  # random alpha is never 1
    with pytest.raises(ValueError, match="invalid check"):  # only lam and alpha may be fixed
        grade_check({**check, "fixed": {"p": 0.5}})


# ----------------------------------------------------------------------------- manual, errors
def test_manual_claims_keep_verdict_and_reasoning() -> None:
    grade = grade_check({"kind": "manual", "verdict": "wrong", "basis": "judgement",
                         "reasoning": "because"})
    assert (grade.status, grade.verdict, grade.note, grade.computed) == \
        ("manual", "wrong", "because", False)
    assert "judgement" in grade.method
    for bad in ({"verdict": "maybe", "basis": "quoted"}, {"verdict": "wrong"},
                {"verdict": "wrong", "basis": "hunch"}):
        with pytest.raises(ValueError, match="invalid check"):
            grade_check({"kind": "manual", "reasoning": "x", **bad})


@pytest.mark.parametrize(("check", "message"), [
    ([1, 2], "invalid check"),
    ({"kind": "nope"}, "'nope'"),
    ({"kind": "value", "key": "q1b.filter"}, "claimed"),
    ({"kind": "expression", "reference": "nope", "claimed": "w"}, "reference"),
    # a grade typed into a computable check is not a field of any kind
    ({"kind": "value", "key": "q1b.filter", "claimed": [2, -1, 3], "grade": "correct"}, "grade"),
    ({"kind": "conv_transpose2d", "input": X_IN, "filter": W, "claimed": HAND_OUTPUT,
      "verdict": "correct"}, "verdict"),
    ({"kind": "value", "key": "q1b.filter", "claimed": float("nan")}, "claimed"),
    ({"kind": "value", "key": "q1b.filter", "claimed": [2, float("inf"), 3]}, "claimed"),
    ({"kind": "param_count", "c_in": 0, "c_out": 4, "kernel": 3, "claimed": 0}, "c_in"),
])
def test_grade_check_rejects_bad_input(check: Any, message: str) -> None:
    with pytest.raises(ValueError, match="invalid check") as info:
        grade_check(check)
    assert message in str(info.value)


def test_a_check_model_grades_like_its_mapping() -> None:
    # grade_check takes a model or a mapping; the model is what the records hold
    model = ManualCheck(kind="manual", verdict="correct", basis="quoted", reasoning="r")
    assert grade_check(model).verdict == "correct"
    with pytest.raises(ValidationError):
        ManualCheck(kind="manual", verdict="correct", basis="quoted", reasoning="r",
                    grade="x")  # type: ignore[call-arg]


def test_claim_seed_depends_on_the_content_only() -> None:
    a = {"kind": "identity", "lhs": "Ldrop", "rhs": "Ldrop"}
    b = {"rhs": "Ldrop", "lhs": "Ldrop", "kind": "identity", "where": "all"}  # a default, spelt
    c = {"kind": "identity", "lhs": "Ldrop", "rhs": "Ldrop + 0"}
    adapter: TypeAdapter[Check] = TypeAdapter(AnyCheck)
    seeds = [claim_seed(adapter.validate_python(x)) for x in (a, b, c)]
    assert seeds[0] == seeds[1] != seeds[2]


def test_every_kind_is_declared_once_with_a_summary_and_a_grader() -> None:
    # CHECK_KINDS and the AnyCheck union are written out separately in kinds.py: they must list
    # the same classes, each with a summary for the docs and its own grade().
    union = typing.get_args(typing.get_args(AnyCheck)[0])
    assert set(union) == set(CHECK_KINDS.values()) and len(union) == len(CHECK_KINDS)
    for name, cls in CHECK_KINDS.items():
        assert typing.get_args(cls.model_fields["kind"].annotation) == (name,)
        assert cls.summary, name
        assert cls.grade is not Check.grade, name


def test_a_count_without_bias_by_default() -> None:
    grade = grade_check({"kind": "param_count", "c_in": 3, "c_out": 4, "kernel": 3,
                         "claimed": 112})
    assert isinstance(grade, Grade) and grade.computed
    # bias defaults to false: 3*3*3*4 = 108, not the 112 that counts 4 biases
    assert (grade.status, grade.claimed, grade.expected) == ("wrong", 112, 108)
    assert diffs(grade) == [("value", 112, 108)]


def test_the_q4_names_the_record_format_page_lists_are_the_names_the_grader_defines() -> None:
    """The page's list of names for Q4 expressions is written by hand: it must be exactly the
    environment of the Q4 checks (plus ``E``, the expectation over the mask ``R``)."""
    import re
    from pathlib import Path

    import numpy as np

    from hw5ref.grading import kinds

    page = (Path(__file__).resolve().parents[3] / "docs" / "model-analysis"
            / "add-an-evaluation.md").read_text(encoding="utf-8")
    paragraph = page[page.index("In the Q4 checks the names are:"):
                     page.index("## Grading a claim from Python")]
    listed = set(re.findall(r"`([A-Za-z]\w*)`", paragraph))
    env, mask = kinds._q4_env(2, 2, np.random.default_rng(0))
    assert listed == set(env) | {mask.name, "E"}
