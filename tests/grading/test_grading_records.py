"""The evaluation records: schema, consistency rules, and that grades cannot be typed in."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from grading_support import EVALUATIONS, FAKE, load_yaml

from hw5ref.grading.analysis import load_analysis
from hw5ref.grading.records import (
    ENV_VAR,
    PARTS,
    RecordError,
    evaluations_dir,
    iter_claims,
    load_evaluations,
)

SCHEMA = json.loads((EVALUATIONS / "schema.json").read_text(encoding="utf-8"))
RECORD_FILES = sorted(p for p in EVALUATIONS.glob("*.yaml") if p.name != "taxonomy.yaml")
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


def claims_of(record: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for _, _, c in iter_claims(record)]


def first_claim(record: dict[str, Any], kind: str) -> dict[str, Any]:
    return next(c for c in claims_of(record) if c["check"]["kind"] == kind)


def test_schema_is_a_valid_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def test_there_are_records_for_both_reports() -> None:
    assert {p.stem for p in RECORD_FILES} >= {"claude", "gemini-2.5-flash"}


@pytest.mark.parametrize("path", RECORD_FILES, ids=lambda p: p.name)
def test_record_validates_against_the_schema(path: Path) -> None:
    record = load_yaml(path)
    errors = [e.message for e in VALIDATOR.iter_errors(record)]
    assert errors == []
    assert record["model"] == path.stem
    assert set(record["parts"]) == set(PARTS)


@pytest.mark.parametrize("path", RECORD_FILES, ids=lambda p: p.name)
def test_every_numeric_final_answer_is_a_value(path: Path) -> None:
    # Sub-parts with numeric answers store the final answer as a checked value, not prose.
    record = load_yaml(path)
    numeric = {"q1b", "q1c", "q3a", "q3b"}
    for part in numeric:
        last = record["parts"][part]["attempts"][-1]["claims"]
        finals = [c for c in last if c.get("final")]
        assert finals and all(c["check"]["kind"] != "manual" for c in finals), part


def test_repository_records_are_consistent() -> None:
    analysis = load_analysis(EVALUATIONS)
    assert analysis.problems == ()


def test_every_taxonomy_kind_is_used() -> None:
    # The taxonomy keeps only what the data needs.
    analysis = load_analysis(EVALUATIONS)
    used: set[str] = set()
    for model in analysis.models:
        used |= set(analysis.tag_counts(model))
    assert used == set(analysis.taxonomy)


def test_claude_retried_q1c_and_both_attempts_are_recorded() -> None:
    record = load_yaml(EVALUATIONS / "claude.yaml")
    attempts = record["parts"]["q1c"]["attempts"]
    assert [a["attempt"] for a in attempts] == [1, 2]


# ----------------------------------------------------------------------------- typed grades
@pytest.mark.parametrize("field", ["grade", "verdict", "status"])
def test_a_grade_cannot_be_typed_into_a_computable_claim(field: str) -> None:
    record = load_yaml(EVALUATIONS / "claude.yaml")
    claim = first_claim(record, "conv_transpose2d")
    claim["check"][field] = "correct"
    assert list(VALIDATOR.iter_errors(record)), f"schema accepted a typed {field!r}"
    record = load_yaml(EVALUATIONS / "claude.yaml")
    first_claim(record, "conv_transpose2d")[field] = "correct"
    assert list(VALIDATOR.iter_errors(record)), f"schema accepted a claim-level {field!r}"


def test_manual_claims_need_reasoning() -> None:
    record = load_yaml(EVALUATIONS / "claude.yaml")
    del first_claim(record, "manual")["check"]["reasoning"]
    assert list(VALIDATOR.iter_errors(record))


@pytest.mark.parametrize("edit", [
    lambda r: r["parts"].pop("q4d"),                                      # a sub-part missing
    lambda r: first_claim(r, "value").update(quote="x" * 200),             # a long quote
    lambda r: first_claim(r, "value").update(tags=["dropped-factor"]),     # tags, no explanation
    lambda r: first_claim(r, "value")["check"].update(kind="guess"),       # unknown check kind
    lambda r: first_claim(r, "value")["check"].pop("key"),                 # a field missing
    lambda r: r["parts"]["q1a"]["reviewer"].update(verdict="fine"),        # unknown verdict
])
def test_schema_rejects_malformed_records(edit: Callable[[dict[str, Any]], Any]) -> None:
    record = load_yaml(EVALUATIONS / "claude.yaml")
    edit(record)
    assert list(VALIDATOR.iter_errors(record))


# ----------------------------------------------------------------------------- loader rules
def test_loader_reports_a_typed_grade(make_evaluations: Callable[..., Path]) -> None:
    directory = make_evaluations(lambda r: first_claim(r, "value").update(grade="correct"))
    with pytest.raises(RecordError, match=f"{FAKE}.yaml"):
        load_evaluations(directory)


@pytest.mark.parametrize(("edit", "message"), [
    (lambda r: first_claim(r, "value").update(tags=["guesswork"], explanation="x"),
     "unknown tag 'guesswork'"),
    (lambda r: r.update(model="someone-else"), "must equal the file name"),
    (lambda r: r["parts"]["q1b"]["attempts"][0]["claims"].append(
        copy.deepcopy(r["parts"]["q1b"]["attempts"][0]["claims"][0])), "duplicate claim id"),
    (lambda r: r["parts"]["q1c"]["audit"][0]["evidence"].append("no-such-claim"),
     "is not a claim id"),
    (lambda r: r["parts"]["q1c"]["attempts"][1].update(attempt=3), "numbered 1, 2"),
])
def test_loader_structural_rules(make_evaluations: Callable[..., Path],
                                 edit: Callable[[dict[str, Any]], Any], message: str) -> None:
    with pytest.raises(RecordError, match=message):
        load_evaluations(make_evaluations(edit))


def _make_q1b_filter_wrong(record: dict[str, Any]) -> None:
    claim = next(c for c in claims_of(record) if c["id"].endswith("q1b-filter"))
    claim["check"]["claimed"] = [2, 1, 3]


def test_changing_a_claimed_value_changes_the_computed_grade(
        make_evaluations: Callable[..., Path]) -> None:
    # The grade follows the data: the same record with a wrong filter is graded wrong, and the
    # missing error tag is reported, because grades are computed, not stored.
    analysis = load_analysis(make_evaluations(_make_q1b_filter_wrong))
    claim = analysis.claim(f"{FAKE}-q1b-filter")
    assert claim.grade.status == "wrong"
    assert any("graded wrong but carries no error-class tag" in p for p in analysis.problems)
    assert any(f"{FAKE}/q1b" in p and "audit note" in p for p in analysis.problems)


def test_a_correct_claim_cannot_carry_an_error_tag(make_evaluations: Callable[..., Path]) -> None:
    def edit(record: dict[str, Any]) -> None:
        first_claim(record, "value").update(tags=["arithmetic-slip"], explanation="x")

    analysis = load_analysis(make_evaluations(edit))
    assert any("graded correct but tagged" in p for p in analysis.problems)


def test_disagreeing_note_must_match_the_verdicts(make_evaluations: Callable[..., Path]) -> None:
    def edit(record: dict[str, Any]) -> None:
        record["parts"]["q1b"]["audit"] = [{"kind": "disagrees", "note": "not really"}]

    analysis = load_analysis(make_evaluations(edit))
    assert any("use 'adds'" in p for p in analysis.problems)


def test_prose_references_must_resolve(make_evaluations: Callable[..., Path]) -> None:
    def edit(record: dict[str, Any]) -> None:
        record["parts"]["q1b"]["answer"] = "The filter is @{q1b.nothing}."

    analysis = load_analysis(make_evaluations(edit))
    assert any("bad @{...} reference" in p for p in analysis.problems)


def test_evaluations_dir_resolution(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_VAR, raising=False)
    assert evaluations_dir() == EVALUATIONS
    monkeypatch.setenv(ENV_VAR, str(tmp_path))
    assert evaluations_dir() == tmp_path
    assert evaluations_dir(EVALUATIONS) == EVALUATIONS
    with pytest.raises(ValueError, match="does not exist"):
        evaluations_dir(tmp_path / "missing")
    with pytest.raises(TypeError, match="path must be a path"):
        evaluations_dir(3)  # type: ignore[arg-type]


def test_loader_needs_schema_and_taxonomy(tmp_path: Path) -> None:
    with pytest.raises(RecordError, match=r"schema\.json is missing"):
        load_evaluations(tmp_path)
