"""hw5ref.grading.analysis: every claim graded, each sub-part's outcome by the rules of the module
docstring, the consistency problems it reports, and counts recounted here from the records.

The outcome cases edit a copy of Claude's record (the fake model of conftest.py) in its Q1(b),
where by hand: the final claim is the filter [2, -1, 3] (right: [1,4,0]·w = -2, [4,0,-2]·w = 2,
[0,-2,3]·w = 11) and a non-final claim is the eliminated equation -8b - c = 5 (right:
8 - 3 = 5 at b = -1, c = 3).
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from grading_support import EVALUATIONS, FAKE, FAKE_NAME, claim, claims_of, load_yaml

from hw5ref.grading.analysis import Analysis, load_analysis


@pytest.fixture(scope="module")
def real() -> Analysis:
    return load_analysis(EVALUATIONS)


def q1b(analysis: Analysis) -> Any:
    model = next(m for m in analysis.models if m.model == FAKE)
    return model.parts["q1b"]


# ----------------------------------------------------------------------------- the repository
def test_repository_records_are_consistent(real: Analysis) -> None:
    assert real.problems == ()


def test_every_taxonomy_kind_is_used(real: Analysis) -> None:
    # The taxonomy keeps only what the data needs.
    used: set[str] = set()
    for model in real.models:
        used |= set(real.tag_counts(model))
    assert used == set(real.taxonomy)


def test_counts_recounted_from_the_records(real: Analysis) -> None:
    n = real.counts()
    records = [load_yaml(p) for p in sorted(EVALUATIONS.glob("*.yaml"))
               if p.name != "taxonomy.yaml"]
    own = [c for r in records for part in r["parts"].values()
           for a in part["attempts"] for c in a["claims"]]
    reviewer = [c for r in records for part in r["parts"].values()
                for c in part.get("reviewer_claims", [])]
    assert n["models"] == len(records)
    assert n["subparts"] == 11 * len(records)  # Q1 (a)-(c), Q2 (a)-(b), Q3 (a)-(b), Q4 (a)-(d)
    assert n["claims"] == len(own)
    assert n["reviewer_claims"] == len(reviewer)
    assert n["manual"] == sum(c["check"]["kind"] == "manual" for c in own)
    assert n["computed"] == n["claims"] - n["manual"]
    assert n["audit_notes"] == sum(len(part.get("audit", [])) for r in records
                                   for part in r["parts"].values())
    graded = [c for m in real.models for c in m.claims]
    assert n["wrong"] == sum(c.grade.verdict == "wrong" for c in graded)
    assert n["wrong"] == n["wrong_computed"] + n["wrong_manual"]
    assert n["wrong_manual"] == sum(c["check"]["kind"] == "manual"
                                    and c["check"]["verdict"] == "wrong" for c in own)
    assert n["root_errors"] == sum(c.wrong and "propagated-error" not in c.tags for c in graded)
    severities = Counter(c.get("severity") for c in own)
    assert {k: v for k, v in n.items() if k in (
        "wrong_substantive", "wrong_minor", "wrong_terminology")} == {
        f"wrong_{s}": severities[s] for s in ("substantive", "minor", "terminology")}
    assert n["wrong"] == sum(severities[s] for s in ("substantive", "minor", "terminology"))
    assert n["wrong_possible_artifact"] == sum("artifact" in c for c in own)
    assert n["manual_judgement"] == sum(c["check"].get("basis") == "judgement" for c in own)
    outcomes = Counter(p.outcome for m in real.models for p in m.parts.values())
    assert {k: v for k, v in n.items() if k.startswith("outcome_")} == {
        f"outcome_{o}": outcomes[o] for o in ("correct", "incomplete", "flawed", "wrong")}
    assert n["disagreements"] == sum(not p.agrees for m in real.models for p in m.parts.values())


def test_claude_q1c_grades(real: Analysis) -> None:
    # Claude's first Q1(c) output [[-1,3,-2],[3,0,-1],[0,3,1]] against the right one (centre
    # -3 and (2, 3) = 1, see tests/hw5ref/test_answers.py): wrong at exactly those two entries.
    c = real.claim("claude-q1c-a1-output")
    assert (c.model, c.part, c.attempt, c.final) == ("claude", "q1c", 1, True)
    assert c.grade.status == "wrong"
    assert [(d.where, d.claimed, d.expected) for d in c.grade.diffs] == [
        ("(2, 2)", 0, -3), ("(2, 3)", -1, 1)]
    with pytest.raises(KeyError):
        real.claim("no-such-claim")


def test_tag_counts_count_claims_and_findings(real: Analysis) -> None:
    for model in real.models:
        data = load_yaml(EVALUATIONS / f"{model.model}.yaml")
        expected: Counter[str] = Counter()
        for part in data["parts"].values():
            for a in part["attempts"]:
                for c in a["claims"]:
                    expected.update(c.get("tags", []))
            for f in part.get("findings", []):
                expected.update(f["tags"])
        assert real.tag_counts(model) == expected


# ----------------------------------------------------------------------------- outcome rules
def test_unchanged_copy_is_correct_and_agrees(make_evaluations: Callable[..., Path]) -> None:
    part = q1b(load_analysis(make_evaluations()))
    assert (part.outcome, part.reviewer_verdict, part.agrees) == ("correct", "correct", True)


def _wrong(suffix: str, field: str, value: Any, severity: str = "substantive"
           ) -> Callable[[dict[str, Any]], None]:
    def edit(record: dict[str, Any]) -> None:
        c = claim(record, suffix)
        c["check"][field] = value
        c.update(tags=["arithmetic-slip"], explanation="x", severity=severity)
    return edit


def _wrong_final(record: dict[str, Any]) -> None:
    claim(record, "q1b-filter")["check"]["claimed"] = [2, 1, 3]


def _missing_piece(record: dict[str, Any]) -> None:
    record["parts"]["q1b"]["findings"] = [
        {"tags": ["incomplete-answer"], "note": "x", "basis": "quoted"}]


def _a_weakness(record: dict[str, Any]) -> None:
    record["parts"]["q1b"]["findings"] = [
        {"tags": ["over-complication"], "note": "x", "basis": "judgement"}]


@pytest.mark.parametrize(("edit", "outcome"), [
    # a final claim has a substantive error
    (_wrong("q1b-filter", "claimed", [2, 1, 3]), "wrong"),
    # the final answer is right, another statement has a substantive error
    (_wrong("q1b-eliminate-a", "rhs", "-5"), "flawed"),
    # minor and terminology errors are shown but never change an outcome
    (_wrong("q1b-filter", "claimed", [2, 1, 3], "minor"), "correct"),
    (_wrong("q1b-eliminate-a", "rhs", "-5", "terminology"), "correct"),
    (_missing_piece, "incomplete"),  # no error, but a finding says something is missing
    (_a_weakness, "correct"),       # a weakness that does not make the answer incomplete
])
def test_outcome_rules(make_evaluations: Callable[..., Path],
                       edit: Callable[[dict[str, Any]], None], outcome: str) -> None:
    analysis = load_analysis(make_evaluations(edit))
    part = q1b(analysis)
    assert part.outcome == outcome
    assert part.agrees is (outcome == "correct")  # the reviewer said "correct"
    if outcome == "correct":
        assert not [p for p in analysis.problems if p.startswith(FAKE)]


def test_a_wrong_claim_needs_a_severity_and_a_correct_one_has_none(
        make_evaluations: Callable[..., Path]) -> None:
    def edit(record: dict[str, Any]) -> None:
        _wrong("q1b-filter", "claimed", [2, 1, 3])(record)
        del claim(record, "q1b-filter")["severity"]
        claim(record, "q1b-eliminate-a")["severity"] = "minor"

    problems = load_analysis(make_evaluations(edit)).problems
    assert f"{FAKE}-q1b-filter: graded wrong but has no severity" in problems
    assert f"{FAKE}-q1b-eliminate-a: graded correct but has a severity" in problems


def test_a_possible_artifact_is_counted_apart(make_evaluations: Callable[..., Path]) -> None:
    def edit(record: dict[str, Any]) -> None:
        _wrong("q1b-filter", "claimed", [2, 1, 3], "minor")(record)
        claim(record, "q1b-filter")["artifact"] = {
            "certainty": "moderate", "reasoning": "x", "evidence": [{"line": 41, "text": "x"}]}

    before = load_analysis(EVALUATIONS).counts()
    after = load_analysis(make_evaluations(edit)).counts()
    # the fake model copies Claude's record, which flags no line
    assert after["wrong_possible_artifact"] == before["wrong_possible_artifact"] + 1


def test_only_the_last_attempt_decides(make_evaluations: Callable[..., Path]) -> None:
    # attempt 1 ends with a wrong filter (tagged), attempt 2 with the right one
    def retried(record: dict[str, Any]) -> None:
        body = record["parts"]["q1b"]
        first = body["attempts"][0]
        second = {"attempt": 2, "prompt": "try again", "claims": [copy.deepcopy(
            claim(record, "q1b-filter"))]}
        second["claims"][0]["id"] = f"{FAKE}-q1b-filter-again"
        _wrong("q1b-filter", "claimed", [2, 1, 3])(record)
        assert claim(record, "q1b-filter") in first["claims"]
        body["attempts"].append(second)

    analysis = load_analysis(make_evaluations(retried))
    part = q1b(analysis)
    assert part.attempts == 2 and part.outcome == "correct"
    assert [c.id for c in part.last_attempt] == [f"{FAKE}-q1b-filter-again"]
    assert [c.id for c in part.wrong_claims] == [f"{FAKE}-q1b-filter"]
    assert not [p for p in analysis.problems if p.startswith(f"{FAKE}")]


# ----------------------------------------------------------------------------- problems
def test_changing_a_claimed_value_changes_the_computed_grade(
        make_evaluations: Callable[..., Path]) -> None:
    # The grade follows the data: the same record with a wrong filter is graded wrong, and the
    # missing error tag is reported, because grades are computed, not stored.
    analysis = load_analysis(make_evaluations(_wrong_final))
    graded = analysis.claim(f"{FAKE}-q1b-filter")
    assert graded.grade.status == "wrong"
    assert [(d.where, d.claimed, d.expected) for d in graded.grade.diffs] == [("2", 1, -1)]
    assert f"{FAKE}-q1b-filter: graded wrong but carries no error-class tag" in analysis.problems
    assert f"{FAKE}-q1b-filter: graded wrong but has no severity" in analysis.problems


def test_a_correct_claim_cannot_carry_an_error_tag(make_evaluations: Callable[..., Path]) -> None:
    def edit(record: dict[str, Any]) -> None:
        claim(record, "q1b-filter").update(tags=["arithmetic-slip"], explanation="x")

    analysis = load_analysis(make_evaluations(edit))
    assert (f"{FAKE}-q1b-filter: graded correct but tagged with error kinds "
            "['arithmetic-slip']") in analysis.problems


def test_a_weakness_tag_on_a_correct_claim_is_fine(make_evaluations: Callable[..., Path]) -> None:
    def edit(record: dict[str, Any]) -> None:
        claim(record, "q1b-filter").update(tags=["over-complication"], explanation="x")

    analysis = load_analysis(make_evaluations(edit))
    assert not [p for p in analysis.problems if p.startswith(FAKE)]


def test_disagreeing_note_must_match_the_verdicts(make_evaluations: Callable[..., Path]) -> None:
    def edit(record: dict[str, Any]) -> None:
        record["parts"]["q1b"]["audit"] = [
            {"kind": "disagrees", "reviewer": "said correct", "facts": "it is"}]

    analysis = load_analysis(make_evaluations(edit))
    assert any(p.startswith(f"{FAKE}/q1b: audit note says 'disagrees'") and "use 'adds'" in p
               for p in analysis.problems)


def test_the_last_attempt_needs_a_final_claim(make_evaluations: Callable[..., Path]) -> None:
    analysis = load_analysis(make_evaluations(lambda r: claim(r, "q1b-filter").update(
        final=False)))
    assert f"{FAKE}/q1b: the last attempt has no claim marked final" in analysis.problems


# ----------------------------------------------------------------------------- a third model
def test_a_third_model_is_graded_like_the_record_it_copies(
        make_evaluations: Callable[..., Path]) -> None:
    analysis = load_analysis(make_evaluations())
    assert analysis.problems == ()
    assert analysis.counts()["models"] == 3
    fake = next(m for m in analysis.models if m.model == FAKE)
    original = next(m for m in analysis.models if m.model == "claude")
    assert fake.name == FAKE_NAME
    assert [(c.grade.status, c.grade.verdict) for c in fake.claims] == \
        [(c.grade.status, c.grade.verdict) for c in original.claims]
    assert {p: r.outcome for p, r in fake.parts.items()} == \
        {p: r.outcome for p, r in original.parts.items()}
    data = load_yaml(EVALUATIONS / "claude.yaml")
    reviewer = [c for part in data["parts"].values() for c in part.get("reviewer_claims", [])]
    assert len(fake.claims) + len(fake.reviewer_claims) == len(claims_of(data))
    assert len(fake.reviewer_claims) == len(reviewer)
