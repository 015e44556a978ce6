"""The grader can fail and can pass, claim by claim.

For every computable claim of the repository's records: if it is graded correct, each mutant
of what it asserts (a value or matrix entry moved by one unit, a term added, a coefficient
doubled, a sign flipped, a letter, axis, position or procedure step changed) must grade wrong;
if it is graded wrong, the claim with the true value put in must grade correct. A claim that
does not flip is a check that cannot fail (or cannot pass) and fails this test.

Where the true value comes from: the grader's own computed ``expected`` for values, letters,
axes, counts, summands and limits (hw5ref or sympy, never typed here); the left side that the
record states for identities (evaluated exactly by the grader); an exhaustive search over the
eight procedures for a transposed-convolution recipe; and, for the formula kinds below, the
formulas derived by hand on the solutions pages (``DERIVED``).
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Iterator
from typing import Any

import pytest
from grading_support import EVALUATIONS, claims_of, load_yaml

from hw5ref.grading import grade_check
from hw5ref.grading.kinds import Grade

RECORDS = sorted(p for p in EVALUATIONS.glob("*.yaml") if p.name != "taxonomy.yaml")
CLAIMS = [c for path in RECORDS for c in claims_of(load_yaml(path))
          if c["check"]["kind"] != "manual"]

#: Formulas derived by hand (solutions pages Q2(b) and Q4), per check kind and reference.
DERIVED: dict[tuple[str, str], str] = {
    ("batchnorm_backward", "none"): "gamma*(g - S/n)",       # Q2(b): gamma (g_j - mean g)
    ("batchnorm_backward", "sum"): "0",                      # the centred gradients sum to 0
    ("batchnorm_jacobian", "y"): "gamma*(eye(n) - ones((n, n))/n)",
    ("batchnorm_jacobian", "mean"): "ones((n, n))/n",
    ("expression", "tikhonov_gamma"): "diag(sqrt(diag(X.T@X)))",  # column norms
    ("expression", "inference_weights"): "p*w",              # Q4(b): w = p w~
    ("expression", "ridge_matrix"): "X@inv(Gam)",            # Q4(c)
    ("expression", "equivalent_gamma"): "sqrt((1-p)/p)*diag(sqrt(diag(X.T@X)))",
}
_FORMULA_KINDS = {"batchnorm_backward", "batchnorm_jacobian", "expression", "large_batch_limit",
                  "limit"}


def _entries(value: Any, path: tuple[int, ...] = ()) -> Iterator[tuple[int, ...]]:
    if isinstance(value, list):
        for i, item in enumerate(value):
            yield from _entries(item, (*path, i))
    else:
        yield path


def _moved(value: Any, path: tuple[int, ...], step: float) -> Any:
    if not path:
        return value + step
    out = copy.deepcopy(value)
    target = out
    for i in path[:-1]:
        target = target[i]
    target[path[-1]] += step
    return out


def _with(check: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {**copy.deepcopy(check), **fields}


def _formula_mutants(check: dict[str, Any], field: str, modulo: bool = False
                     ) -> Iterator[tuple[str, dict[str, Any]]]:
    text = check[field]
    # a term (for a claim "up to a constant in w", a term that depends on w)
    yield "a term added", _with(check, **{field: f"({text}) + {'w@w' if modulo else '1'}"})
    if text.strip() != "0" and not text.strip().startswith("0*"):  # zero has no coefficient
        yield "coefficient doubled", _with(check, **{field: f"2*({text})"})
        yield "sign flipped", _with(check, **{field: f"-({text})"})


def mutants(check: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Changed copies of what a claim asserts, each of which must grade wrong."""
    kind = check["kind"]
    if kind in ("value", "ratio", "conv_transpose2d", "transpose_contribution",
                "recover_filter", "param_count"):
        step = 10.0 ** -check["decimals"] if check.get("decimals") is not None else 1
        for path in _entries(check["claimed"]):
            yield f"claimed{list(path)} moved", _with(
                check, claimed=_moved(check["claimed"], path, step))
    if kind == "transpose_contribution":
        for i in range(2):
            yield f"placed_at[{i}] moved", _with(check, placed_at=_moved(check["placed_at"],
                                                                          (i,), 1))
        for position in itertools.product((1, 2), repeat=2):
            if list(position) != check["position"]:
                yield f"position {list(position)}", _with(check, position=list(position))
    elif kind == "transpose_entry":
        terms, value = check["terms"], check["claimed"]
        yield "value moved", _with(check, terms=[terms[0] + 1, *terms[1:]], claimed=value + 1)
        yield "a zero term added", _with(check, terms=[*terms, 0])
        for i, t in enumerate(terms):
            if t != 0:
                rest = terms[:i] + terms[i + 1:]
                yield f"term {i + 1} dropped", _with(check, terms=rest, claimed=value - t)
                yield f"term {i + 1} negated", _with(
                    check, terms=[*rest, -t], claimed=value - 2 * t)
    elif kind == "transpose_recipe":
        yield "insert_zeros toggled", _with(check, insert_zeros=not check["insert_zeros"])
        yield "flip toggled", _with(check, flip=not check["flip"])
        yield "border_pad changed", _with(
            check, border_pad="none" if check["border_pad"] == "k-1" else "k-1")
    elif kind == "output_length":
        if check.get("formula") is not None:
            yield from _formula_mutants(check, "formula")
        if check.get("claimed") is not None:
            yield "claimed moved", _with(check, claimed=check["claimed"] + 1)
    elif kind == "conv_equations":
        for field in ("rows", "rhs"):
            for path in _entries(check[field]):
                yield f"{field}{list(path)} moved", _with(
                    check, **{field: _moved(check[field], path, 1)})
    elif kind == "equation":
        yield "a term added", _with(check, rhs=f"({check['rhs']}) + 1")
        yield "coefficient doubled", _with(check, lhs=f"2*({check['lhs']})")
    elif kind in ("normalization_axes", "figure_axes"):
        for axis in "NCHW":
            axes = set(check["claimed"]) ^ {axis}
            yield f"axis {axis} toggled", _with(check, claimed=sorted(axes))
    elif kind == "figure_letter":
        for letter in "ABC":
            if letter != check["claimed"]:
                yield f"letter {letter}", _with(check, claimed=letter)
    elif kind == "identity":
        yield from _formula_mutants(check, "rhs", check.get("modulo") == "constant_in_w")
    elif kind in _FORMULA_KINDS:
        yield from _formula_mutants(check, "claimed")


def corrected(check: dict[str, Any], grade: Grade) -> dict[str, Any]:
    """The claim with the true value put in (see the module docstring for where it comes
    from)."""
    kind = check["kind"]
    if kind == "transpose_entry":
        terms, value = grade.expected
        return _with(check, terms=terms, claimed=value)
    if kind == "transpose_recipe":
        right = [dict(zip(("insert_zeros", "border_pad", "flip"), steps, strict=True))
                 for steps in itertools.product((False, True), ("none", "k-1"), (False, True))
                 if grade_check(_with(check, **dict(zip(
                     ("insert_zeros", "border_pad", "flip"), steps, strict=True)))).status
                 == "correct"]
        assert len(right) == 1, right  # exactly one procedure is a transposed convolution
        return _with(check, **right[0])
    if kind == "figure_letter":
        return _with(check, claimed=grade.expected[0])
    if kind == "equation":
        return _with(check, rhs=repr(float(grade.expected)))
    if kind == "identity":
        return _with(check, rhs=check["lhs"])
    if kind == "limit":
        return _with(check, claimed=grade.expected)
    if kind in _FORMULA_KINDS:
        key = check.get("reference") or check.get("of") or check.get("reduce", "none")
        return _with(check, claimed=DERIVED[(kind, key)])
    return _with(check, claimed=grade.expected)


def survivors(check: dict[str, Any]) -> list[str]:
    """The mutants of a claim that still grade correct."""
    return [label for label, mutant in mutants(check) if grade_check(mutant).status != "wrong"]


@pytest.mark.parametrize("claim", CLAIMS, ids=[c["id"] for c in CLAIMS])
def test_every_computable_claim_flips(claim: dict[str, Any]) -> None:
    check = claim["check"]
    grade = grade_check(check)
    if grade.status == "correct":
        assert next(mutants(check), None) is not None, f"no mutant for {check['kind']!r}"
        assert not survivors(check), f"still graded correct after: {survivors(check)}"
    else:
        fixed = grade_check(corrected(check, grade))
        assert fixed.status == "correct", fixed.diffs


def test_a_check_that_cannot_fail_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    # The entry check before the re-audit compared nonzero summands only, as if any number of
    # zero contributions reached every entry; with that behaviour put back, the mutant that
    # adds a zero summand survives and this test's main check would fail.
    from hw5ref.grading import kinds

    check = next(c["check"] for c in CLAIMS if c["check"]["kind"] == "transpose_entry")
    assert not survivors(check)
    real = kinds.TransposeEntryCheck._contributions
    monkeypatch.setattr(kinds.TransposeEntryCheck, "_contributions",
                        lambda self: [*real(self), *[0.0] * 9])
    assert survivors(check) == ["a zero term added"]
