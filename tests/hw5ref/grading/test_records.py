"""hw5ref.grading.records: the record format (pydantic models), the generated JSON Schema, the
loader's consistency rules, and that grades cannot be typed in."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from grading_support import EVALUATIONS, FAKE, claim, claims_of, first_claim, load_yaml
from pydantic import ValidationError

from hw5ref.grading.records import (
    ENV_VAR,
    Record,
    RecordError,
    evaluations_dir,
    json_schema,
    load_evaluations,
)
from hw5ref.parts import SUBPARTS

RECORD_FILES = sorted(p for p in EVALUATIONS.glob("*.yaml") if p.name != "taxonomy.yaml")
SCHEMA_FILE = EVALUATIONS / "schema.json"
SCHEMA = json_schema()
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


def claude() -> dict[str, Any]:
    return load_yaml(EVALUATIONS / "claude.yaml")


def rejected(record: dict[str, Any]) -> list[str]:
    """The validation errors of a record as ``"loc: message"``; fails if it is accepted."""
    with pytest.raises(ValidationError) as info:
        Record.model_validate(record)
    return [f"{'/'.join(map(str, e['loc']))}: {e['msg']}" for e in info.value.errors()]


def has(errors: list[str], fragment: str) -> bool:
    return any(fragment in e for e in errors)


# ----------------------------------------------------------------------------- the schema file
def test_committed_schema_is_generated_from_the_models() -> None:
    committed = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert committed == SCHEMA, (
        "evaluations/schema.json is stale: regenerate it with "
        "python -m hw5ref.grading.records > evaluations/schema.json")


def test_schema_is_a_valid_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize("path", RECORD_FILES, ids=lambda p: p.name)
def test_records_pass_both_the_models_and_the_generated_schema(path: Path) -> None:
    data = load_yaml(path)
    record = Record.model_validate(data)
    assert record.model == path.stem
    assert [e.message for e in VALIDATOR.iter_errors(data)] == []


@pytest.mark.parametrize("edit", [
    lambda r: r["parts"].pop("q4d"),
    lambda r: first_claim(r, "value")["check"].update(kind="guess"),
    lambda r: first_claim(r, "conv_transpose2d")["check"].update(grade="correct"),
    lambda r: r["parts"]["q1a"]["reviewer"].update(verdict="fine"),
], ids=["missing-part", "unknown-kind", "typed-grade", "unknown-verdict"])
def test_the_generated_schema_rejects_what_the_models_reject(
        edit: Callable[[dict[str, Any]], Any]) -> None:
    record = claude()
    edit(record)
    rejected(record)
    assert list(VALIDATOR.iter_errors(record))


# ----------------------------------------------------------------------------- the records
def test_there_are_records_for_both_reports() -> None:
    assert {p.stem for p in RECORD_FILES} >= {"claude", "gemini-2.5-flash"}


@pytest.mark.parametrize("path", RECORD_FILES, ids=lambda p: p.name)
def test_every_numeric_final_answer_is_a_computed_check(path: Path) -> None:
    # Sub-parts with numeric answers store the final answer as checked data, not prose.
    record = load_yaml(path)
    for part in ("q1b", "q1c", "q3a", "q3b"):
        last = record["parts"][part]["attempts"][-1]["claims"]
        finals = [c for c in last if c.get("final")]
        assert finals and all(c["check"]["kind"] != "manual" for c in finals), part


def test_claims_come_in_sub_part_then_record_order() -> None:
    data = claude()
    record = Record.model_validate(data)
    # written out from the YAML: per sub-part (in the homework's order) each attempt's claims,
    # then the reviewer's claims with attempt None
    attempts = [(sub.id, a["attempt"], c["id"]) for sub in SUBPARTS
                for a in data["parts"][sub.id]["attempts"] for c in a["claims"]]
    both = [item for sub in SUBPARTS for item in [
        *((sub.id, a["attempt"], c["id"]) for a in data["parts"][sub.id]["attempts"]
          for c in a["claims"]),
        *((sub.id, None, c["id"]) for c in data["parts"][sub.id].get("reviewer_claims", []))]]
    assert [(p, a, c.id) for p, a, c in record.claims()] == both
    assert [(p, a, c.id) for p, a, c in record.claims(reviewer=False)] == attempts
    assert record.part("q1c").attempts[1].attempt == 2


# ----------------------------------------------------------------------------- typed grades
@pytest.mark.parametrize("field", ["grade", "verdict", "status"])
def test_a_grade_cannot_be_typed_into_a_computable_claim(field: str) -> None:
    record = claude()
    first_claim(record, "conv_transpose2d")["check"][field] = "correct"
    assert has(rejected(record), f"/check/conv_transpose2d/{field}: Extra inputs")
    record = claude()
    first_claim(record, "conv_transpose2d")[field] = "correct"  # next to the check
    assert has(rejected(record), f"/{field}: Extra inputs")


def test_loader_reports_a_typed_grade_with_the_file(make_evaluations: Callable[..., Path]) -> None:
    directory = make_evaluations(lambda r: first_claim(r, "value")["check"].update(
        grade="correct"))
    with pytest.raises(RecordError, match=rf"{FAKE}\.yaml: .*grade"):
        load_evaluations(directory)


# ----------------------------------------------------------------------------- the format
@pytest.mark.parametrize(("bad", "why"), [
    (float("nan"), "is not finite"), (float("inf"), "is not finite"),
    (float("-inf"), "is not finite"), ("1e999", "too large"), (10**400, "is too large")])
def test_a_non_finite_number_is_rejected(bad: object, why: str) -> None:
    # recorded numbers are read by hw5ref.reader, the one number reader of the project
    record = claude()
    claim(record, "q1b-filter")["check"]["claimed"] = [2, bad, 3]
    assert has(rejected(record), "/check/value/claimed/function-before[read(), list[float]]: "
                                 "Value error, value: entry 2")
    assert has(rejected(record), why)
    record = claude()
    first_claim(record, "conv_transpose2d")["check"]["input"][0][0] = bad
    assert has(rejected(record), "value: entry (1, 1)")


def test_recorded_numbers_are_read_like_answers() -> None:
    record = claude()
    claim(record, "q1b-filter")["check"]["claimed"] = ["4/2", -1, "3"]
    parsed = Record.model_validate(record)
    check = next(c.check for _, _, c in parsed.claims() if c.id.endswith("q1b-filter"))
    assert check.claimed == [2.0, -1.0, 3.0]  # type: ignore[union-attr]


def test_a_nan_written_in_yaml_is_rejected_by_the_loader(
        make_evaluations: Callable[..., Path]) -> None:
    # PyYAML writes float("nan") as .nan, which it reads back as a float NaN
    directory = make_evaluations(
        lambda r: claim(r, "q1b-filter")["check"].update(claimed=[2, float("nan"), 3]))
    assert ".nan" in (directory / f"{FAKE}.yaml").read_text(encoding="utf-8")
    with pytest.raises(RecordError, match=rf"{FAKE}\.yaml: .*claimed"):
        load_evaluations(directory)


@pytest.mark.parametrize(("edit", "error"), [
    (lambda r: r["parts"].pop("q4d"), "parts/q4d: Field required"),
    (lambda r: r["parts"].update(q5a=r["parts"]["q4d"]), "parts/q5a: Extra inputs"),
    (lambda r: first_claim(r, "value")["check"].update(kind="guess"), "Input tag 'guess'"),
    (lambda r: first_claim(r, "value")["check"].pop("key"), "/check/value/key: Field required"),
    (lambda r: first_claim(r, "value").update(quote="x" * 201), "/quote: String should have at"),
    (lambda r: first_claim(r, "value").update(tags=["dropped-factor"]),
     "a tagged claim needs an explanation"),
    (lambda r: first_claim(r, "value").update(tags=["a", "a"], explanation="x"),
     "tags must not repeat"),
    (lambda r: first_claim(r, "value").update(id="Claude q1b"), "/id: String should match"),
    (lambda r: first_claim(r, "manual")["check"].pop("reasoning"),
     "/check/manual/reasoning: Field required"),
    (lambda r: first_claim(r, "manual")["check"].update(verdict="maybe"),
     "/check/manual/verdict: Input should be 'correct' or 'wrong'"),
    (lambda r: r["parts"]["q1a"]["reviewer"].update(verdict="fine"),
     "parts/q1a/reviewer/verdict: Input should be"),
    (lambda r: r["parts"]["q1a"].update(attempts=[]), "parts/q1a/attempts: List should have"),
    (lambda r: r["parts"]["q1a"]["audit"][0].update(kind="agrees"), "parts/q1a/audit/0/kind"),
    (lambda r: r.update(model="Claude!"), "model: String should match"),
    (lambda r: r.update(notes="x"), "notes: Extra inputs"),
    (lambda r: first_claim(r, "manual")["check"].pop("basis"),
     "/check/manual/basis: Field required"),
    (lambda r: r["parts"]["q1a"]["audit"][0].pop("reviewer"), "audit/0/reviewer: Field required"),
    (lambda r: first_claim(r, "value").update(artifact={
        "certainty": "weak", "reasoning": "x", "evidence": [{"line": 1, "text": "x"}]}),
     "an artifact flag belongs on a wrong claim"),
    (lambda r: claim(r, "q1c-a1-output").update(artifact={
        "certainty": "weak", "reasoning": "x", "evidence": []}), "evidence: List should have"),
    (lambda r: claim(r, "q2b-limit").update(check={
        "kind": "large_batch_limit", "claimed": "gamma*(g1 - m)", "scalings": ["sum"]}),
     "claimed may use only g1 and gamma"),
    (lambda r: first_claim(r, "transpose_entry")["check"].update(entry=[4, 1]),
     "outside the 3x3 output"),
], ids=["missing-part", "extra-part", "unknown-kind", "missing-field", "long-quote",
        "tags-without-explanation", "repeated-tags", "bad-id", "manual-without-reasoning",
        "manual-verdict", "reviewer-verdict", "no-attempts", "audit-kind", "model-id",
        "unknown-field", "manual-without-basis", "audit-without-reviewer",
        "artifact-on-a-claim-without-severity", "artifact-without-evidence",
        "limit-written-with-the-mean", "entry-outside-the-output"])
def test_malformed_records_are_rejected(edit: Callable[[dict[str, Any]], Any], error: str) -> None:
    record = claude()
    edit(record)
    errors = rejected(record)
    assert has(errors, error), errors


# ----------------------------------------------------------------------------- loader rules
@pytest.mark.parametrize(("edit", "message"), [
    (lambda r: first_claim(r, "value").update(tags=["guesswork"], explanation="x"),
     "unknown tag 'guesswork'"),
    (lambda r: r["parts"]["q1a"].update(findings=[
        {"tags": ["guesswork"], "note": "x", "basis": "quoted"}]),
     "finding has unknown tag 'guesswork'"),
    (lambda r: claim(r, "q1c-a1-output").update(severity="grave"), "unknown severity 'grave'"),
    (lambda r: claim(r, "q1c-a1-output").update(artifact={
        "certainty": "sure", "reasoning": "x", "evidence": [{"line": 66, "text": "x"}]}),
     "unknown certainty 'sure'"),
    (lambda r: claim(r, "q1c-a1-output").update(premises=["q9-nothing"]),
     "unknown premise 'q9-nothing'"),
    (lambda r: claim(r, "q1c-a1-output").update(premises=["q3-ignore-biases"]),
     "premise 'q3-ignore-biases' concerns q3a, q3b, not q1c"),
    (lambda r: r.update(model="someone-else"), "must equal the file name"),
    (lambda r: r["parts"]["q1b"]["attempts"][0]["claims"].append(
        copy.deepcopy(r["parts"]["q1b"]["attempts"][0]["claims"][0])), "duplicate claim id"),
    (lambda r: claim(r, "q1b-filter").update(id=f"{FAKE}-q1c-filter"), "must start with"),
    (lambda r: r["parts"]["q1c"]["audit"][0]["evidence"].append("no-such-claim"),
     "is not a claim id"),
    (lambda r: r["parts"]["q1c"]["attempts"][1].update(attempt=3), "numbered 1, 2"),
])
def test_loader_structural_rules(make_evaluations: Callable[..., Path],
                                 edit: Callable[[dict[str, Any]], Any], message: str) -> None:
    with pytest.raises(RecordError, match=message):
        load_evaluations(make_evaluations(edit))


def test_loader_lists_every_problem_at_once(make_evaluations: Callable[..., Path]) -> None:
    def two_problems(record: dict[str, Any]) -> None:
        first_claim(record, "value").update(tags=["guesswork"], explanation="x")
        record["parts"]["q1c"]["attempts"][1]["attempt"] = 3

    with pytest.raises(RecordError) as info:
        load_evaluations(make_evaluations(two_problems))
    assert len(info.value.problems) == 2


def test_two_files_for_one_model(make_evaluations: Callable[..., Path]) -> None:
    directory = make_evaluations(fake=False)
    (directory / "claude-copy.yaml").write_text(
        (directory / "claude.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(RecordError) as info:
        load_evaluations(directory)
    text = str(info.value)
    assert "claude-copy.yaml: model 'claude' must equal the file name" in text
    assert "two records for the same model" in text


def test_a_fake_third_model_is_data_only(make_evaluations: Callable[..., Path]) -> None:
    # A renamed copy of Claude's record, dropped into the directory: nothing else changes.
    loaded = load_evaluations(make_evaluations())
    assert [r.model for r in loaded.records] == sorted(["claude", "gemini-2.5-flash", FAKE])
    fake = next(r for r in loaded.records if r.model == FAKE)
    original = next(r for r in loaded.records if r.model == "claude")
    assert [c.check for _, _, c in fake.claims()] == [c.check for _, _, c in original.claims()]
    assert all(c.id.startswith(f"{FAKE}-q") for _, _, c in fake.claims())
    assert len(claims_of(load_yaml(EVALUATIONS / "claude.yaml"))) == len(list(fake.claims()))


def test_evaluations_dir_resolution(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_VAR, raising=False)
    assert evaluations_dir() == EVALUATIONS
    monkeypatch.setenv(ENV_VAR, str(tmp_path))
    assert evaluations_dir() == tmp_path
    assert evaluations_dir(EVALUATIONS) == EVALUATIONS
    assert evaluations_dir(str(EVALUATIONS)) == EVALUATIONS
    with pytest.raises(ValueError, match="does not exist"):
        evaluations_dir(tmp_path / "missing")
    with pytest.raises(TypeError, match="path must be a path"):
        evaluations_dir(3)  # type: ignore[arg-type]


def test_loader_needs_a_taxonomy_and_a_record(tmp_path: Path) -> None:
    with pytest.raises(RecordError, match=r"taxonomy\.yaml is missing"):
        load_evaluations(tmp_path)
    (tmp_path / "taxonomy.yaml").write_text(
        (EVALUATIONS / "taxonomy.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(RecordError, match=r"no model records"):
        load_evaluations(tmp_path)


@pytest.mark.parametrize(("kinds", "message"), [
    ("  - {id: a, name: A, class: error, definition: d}\n"
     "  - {id: a, name: A again, class: error, definition: d}\n", "duplicate kind 'a'"),
    ("  - {id: b, name: B, class: mistake, definition: d}\n", "taxonomy.yaml: kinds/0/class"),
])
def test_loader_checks_the_taxonomy(tmp_path: Path, kinds: str, message: str) -> None:
    taxonomy = load_yaml(EVALUATIONS / "taxonomy.yaml")
    (tmp_path / "taxonomy.yaml").write_text(
        yaml.safe_dump({"severities": taxonomy["severities"],
                        "certainties": taxonomy["certainties"]}) + "kinds:\n" + kinds,
        encoding="utf-8")
    (tmp_path / "claude.yaml").write_text(
        (EVALUATIONS / "claude.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(RecordError) as info:
        load_evaluations(tmp_path)
    assert any(message in p for p in info.value.problems), info.value.problems
