"""Evaluation records: their format (pydantic models), loading, and the consistency rules.

An evaluations directory holds ``taxonomy.yaml`` (the error kinds) and one ``<model>.yaml``
record per model. Which directory is used: the ``path`` argument, else the
``HW5REF_EVALUATIONS`` environment variable, else the repository's ``evaluations/``.

The format is declared once, by the models below (with the check kinds of
:mod:`hw5ref.grading.kinds`); ``evaluations/schema.json`` is generated from them
(:func:`json_schema`, written by ``python -m hw5ref.grading.records``) for editors and other
tools. PyYAML is imported lazily.
"""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model, model_validator

from hw5ref.grading.kinds import AnyCheck, Basis
from hw5ref.parts import PREMISES, SUBPARTS

__all__ = [
    "ENV_VAR",
    "Artifact",
    "AuditNote",
    "Certainty",
    "Claim",
    "Evaluations",
    "Kind",
    "Part",
    "Quoted",
    "Record",
    "RecordError",
    "Severity",
    "evaluations_dir",
    "json_schema",
    "load_evaluations",
]

#: Environment variable naming the evaluations directory.
ENV_VAR = "HW5REF_EVALUATIONS"
_TAXONOMY = "taxonomy.yaml"
Text = Annotated[str, Field(min_length=1)]
_STRICT = ConfigDict(extra="forbid", frozen=True)


class RecordError(ValueError):
    """Raised when records fail the format or the consistency rules; lists every problem."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__("invalid evaluation records:\n  " + "\n  ".join(self.problems))


class Quoted(BaseModel):
    """A line of the source report, quoted (the report itself is not part of this repository)."""

    model_config = _STRICT
    line: int = Field(ge=1, description="line number in the source report file")
    text: str = Field(min_length=1, max_length=400,
                      description="the line, or the part of it that matters, verbatim")


class Artifact(BaseModel):
    """Evidence that a wrong line may be damage from converting the chat export, not the
    model's words. The grade is still computed on the line as written."""

    model_config = _STRICT
    certainty: str = Field(description="a certainty of the taxonomy (strong, moderate, weak)")
    evidence: list[Quoted] = Field(
        min_length=1, description="the suspicious characters or the neighbouring lines")
    reasoning: Text


class Claim(BaseModel):
    """One statement with a definite truth value, and the check that grades it."""

    model_config = _STRICT
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9.-]*-q[1-4][a-d]-[a-z0-9-]+$",
                    description="<model>-<part>-<name>, unique; the page anchor")
    says: Text = Field(description="What the model (or reviewer) asserts, in our own words.")
    where: Text = Field(description="Where in the source report the claim is made.")
    quote: str | None = Field(None, max_length=200,
                              description="At most a short quote of the line in question.")
    final: bool = Field(False, description="True if the claim is (part of) the final answer.")
    check: AnyCheck
    tags: list[str] = Field(default_factory=list, description="taxonomy kinds")
    explanation: str | None = Field(
        None, min_length=1, description="Our words on what went wrong (required when tagged).")
    severity: str | None = Field(
        None, description="a severity of the taxonomy; required exactly when graded wrong")
    artifact: Artifact | None = Field(
        None, description="the line may be a conversion artifact (only on wrong claims)")
    premises: list[str] = Field(
        default_factory=list, description="ids of hw5ref.parts.PREMISES the verdict rests on")

    @model_validator(mode="after")
    def _explained(self) -> Claim:
        if self.tags and not self.explanation:
            raise ValueError("a tagged claim needs an explanation")
        if len(set(self.tags)) != len(self.tags):
            raise ValueError("tags must not repeat")
        if self.artifact is not None and self.severity is None:
            raise ValueError("an artifact flag belongs on a wrong claim, which has a severity")
        return self


class Reviewer(BaseModel):
    model_config = _STRICT
    verdict: Literal["correct", "partly-correct", "wrong", "not-assessed"]
    note: Text


class Attempt(BaseModel):
    model_config = _STRICT
    attempt: int = Field(ge=1)
    prompt: Text = Field(description="the question, or what the model was told before a retry")
    claims: list[Claim] = Field(min_length=1)


class Finding(BaseModel):
    """A weakness of a sub-part's answer not tied to one claim."""

    model_config = _STRICT
    tags: list[str] = Field(min_length=1)
    note: Text
    basis: Basis | Literal["computed"] = Field(
        description="computed: the evidence claims' computed grades decide it")
    evidence: list[str] = Field(default_factory=list, description="claim ids")
    premises: list[str] = Field(default_factory=list, description="ids of hw5ref.parts.PREMISES")


class AuditNote(BaseModel):
    """A note on the report's reviewer: their view, what computation or quotation shows, and,
    apart, what is our judgement."""

    model_config = _STRICT
    kind: Literal["disagrees", "adds", "reviewer-inconsistent"]
    reviewer: Text = Field(description="the reviewer's view, stated fairly")
    facts: Text = Field(description="what the computed grades or quoted lines establish")
    judgement: str | None = Field(
        None, min_length=1, description="what is our judgement rather than a computable fact")
    evidence: list[str] = Field(default_factory=list, description="claim ids shown beside it")
    evidence_keys: list[str] = Field(default_factory=list,
                                     description="hw5ref.answers keys shown beside it")
    premises: list[str] = Field(default_factory=list, description="ids of hw5ref.parts.PREMISES")


class Part(BaseModel):
    """One model's answer to one sub-part."""

    model_config = _STRICT
    answer: Text = Field(description="The final answer, summarized in our words.")
    reviewer: Reviewer
    attempts: list[Attempt] = Field(min_length=1)
    reviewer_claims: list[Claim] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)
    audit: list[AuditNote] = Field(default_factory=list)


# One field per sub-part of the registry, every one required.
Parts = create_model(  # type: ignore[call-overload]
    "Parts", __config__=_STRICT, **{p.id: (Part, ...) for p in SUBPARTS})


class Source(BaseModel):
    model_config = _STRICT
    file: Text
    description: Text
    reviewer: Text


class Record(BaseModel):
    """A model's answers to HW5, claim by claim (``evaluations/<model>.yaml``)."""

    model_config = ConfigDict(extra="forbid", frozen=True,
                              title="HW5 evaluation record")
    model: str = Field(pattern=r"^[a-z0-9][a-z0-9.-]*$",
                       description="Identifier; equals the file name without .yaml.")
    name: Text
    vendor: Text
    version: Text
    source: Source
    parts: Parts

    def part(self, part_id: str) -> Part:
        """The answer to sub-part ``part_id`` (``"q1c"``)."""
        found: Part = getattr(self.parts, part_id)
        return found

    def claims(self, reviewer: bool = True) -> Iterator[tuple[str, int | None, Claim]]:
        """``(part, attempt, claim)`` for every claim, in record order; reviewer claims come
        after a part's attempts with ``attempt`` None (skipped when ``reviewer`` is False)."""
        for sub in SUBPARTS:
            body = self.part(sub.id)
            for attempt in body.attempts:
                for claim in attempt.claims:
                    yield sub.id, attempt.attempt, claim
            if reviewer:
                for claim in body.reviewer_claims:
                    yield sub.id, None, claim


class Kind(BaseModel):
    """An error kind of the taxonomy."""

    model_config = _STRICT
    id: Text
    name: Text
    cls: Literal["error", "weakness"] = Field(alias="class")
    definition: Text
    distinguish: str | None = None
    makes_incomplete: bool = False


class Severity(BaseModel):
    """How much an error weighs, by a written rule."""

    model_config = _STRICT
    id: Text
    name: Text
    rule: Text
    decides_outcome: bool = False


class Certainty(BaseModel):
    """How strong the evidence is that a wrong line is a conversion artifact."""

    model_config = _STRICT
    id: Text
    name: Text
    rule: Text


class Taxonomy(BaseModel):
    model_config = _STRICT
    severities: list[Severity] = Field(min_length=1)
    certainties: list[Certainty] = Field(min_length=1)
    kinds: list[Kind] = Field(min_length=1)


T = TypeVar("T", Kind, Severity, Certainty)


class Evaluations(BaseModel):
    """A loaded evaluations directory: its records (sorted by model id), the taxonomy's kinds,
    severities and certainties (each by id)."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)
    directory: Path
    records: tuple[Record, ...]
    taxonomy: dict[str, Kind]
    severities: dict[str, Severity]
    certainties: dict[str, Certainty]


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a record, generated from :class:`Record`."""
    schema = Record.model_json_schema()
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": "https://hw5ref.github.io/hw5ref/evaluations/schema.json", **schema}


def evaluations_dir(path: str | os.PathLike[str] | None = None) -> Path:
    """The evaluations directory to use (argument, then ``$HW5REF_EVALUATIONS``, then default)."""
    if path is None:
        path = os.environ.get(ENV_VAR) or Path(__file__).resolve().parents[2] / "evaluations"
    if not isinstance(path, str | os.PathLike):
        raise TypeError(f"path must be a path or None, got {type(path).__name__}")
    out = Path(path)
    if not out.is_dir():
        raise ValueError(f"evaluations directory {str(out)!r} does not exist")
    return out


def _yaml(text: str) -> Any:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C loader is ~4x faster
    return yaml.load(text, Loader=loader)


def _messages(name: str, exc: ValidationError) -> list[str]:
    return [f"{name}: {'/'.join(map(str, e['loc'])) or '(top)'}: {e['msg']}"
            for e in exc.errors()]


@functools.lru_cache(maxsize=64)
def _parse(text: str, name: str) -> tuple[Record | None, tuple[str, ...]]:
    """A record parsed and validated (cached: builds, tests and ``mkdocs serve`` re-read the
    same files many times)."""
    try:
        return Record.model_validate(_yaml(text)), ()
    except ValidationError as exc:
        return None, tuple(_messages(name, exc))


def _premise_problems(where: str, part: str, ids: list[str]) -> list[str]:
    known = {p.id: p for p in PREMISES}
    return [f"{where}: unknown premise {i!r}" if i not in known else
            f"{where}: premise {i!r} concerns {', '.join(known[i].parts)}, not {part}"
            for i in ids if i not in known or part not in known[i].parts]


def structural_problems(records: tuple[Record, ...], taxonomy: dict[str, Kind],
                        severities: dict[str, Severity],
                        certainties: dict[str, Certainty]) -> list[str]:
    """Rules across claims that need no grading: ids unique and prefixed with the model id and
    sub-part, tags, severities and certainties defined in the taxonomy, premises that exist
    and concern the sub-part, evidence that exists, attempts numbered 1, 2, ..."""
    problems: list[str] = []
    known = {c.id for r in records for _, _, c in r.claims()}
    seen: set[str] = set()
    models: set[str] = set()
    for record in records:
        if record.model in models:
            problems.append(f"{record.model}: two records for the same model")
        models.add(record.model)
        for part, _, claim in record.claims():
            if not claim.id.startswith(f"{record.model}-{part}-"):
                problems.append(f"{record.model}: claim id {claim.id!r} must start with "
                                f"'{record.model}-{part}-'")
            if claim.id in seen:
                problems.append(f"{record.model}: duplicate claim id {claim.id!r}")
            seen.add(claim.id)
            problems += [f"{claim.id}: unknown tag {t!r}" for t in claim.tags if t not in taxonomy]
            if claim.severity not in (None, *severities):
                problems.append(f"{claim.id}: unknown severity {claim.severity!r}")
            if claim.artifact is not None and claim.artifact.certainty not in certainties:
                problems.append(f"{claim.id}: unknown certainty {claim.artifact.certainty!r}")
            problems += _premise_problems(claim.id, part, claim.premises)
        for sub in SUBPARTS:
            body = record.part(sub.id)
            where = f"{record.model}/{sub.id}"
            if [a.attempt for a in body.attempts] != list(range(1, len(body.attempts) + 1)):
                problems.append(f"{where}: attempts must be numbered 1, 2, ... in order")
            for item in body.findings:
                problems += [f"{where}: finding has unknown tag {t!r}"
                             for t in item.tags if t not in taxonomy]
            for premises in [f.premises for f in body.findings] + [n.premises for n in body.audit]:
                problems += _premise_problems(where, sub.id, premises)
            for ref in [e for f in body.findings for e in f.evidence] + [
                    e for a in body.audit for e in a.evidence]:
                if ref not in known:
                    problems.append(f"{where}: evidence {ref!r} is not a claim id")
    return problems


def _by_id(label: str, items: list[T], problems: list[str]) -> dict[str, T]:
    out: dict[str, T] = {}
    for item in items:
        if item.id in out:
            problems.append(f"{_TAXONOMY}: duplicate {label} {item.id!r}")
        out[item.id] = item
    return out


def load_evaluations(path: str | os.PathLike[str] | None = None) -> Evaluations:
    """Load and validate the taxonomy and every record of an evaluations directory.

    Raises :class:`RecordError` listing every problem found (format violations, unknown tags,
    duplicate ids, a model id that differs from the file name, ...).
    """
    directory = evaluations_dir(path)
    taxonomy_path = directory / _TAXONOMY
    if not taxonomy_path.is_file():
        raise RecordError([f"{_TAXONOMY} is missing from {directory}"])
    problems: list[str] = []
    try:
        parsed = Taxonomy.model_validate(_yaml(taxonomy_path.read_text(encoding="utf-8")))
    except ValidationError as exc:
        problems += _messages(_TAXONOMY, exc)
        parsed = Taxonomy.model_construct(severities=[], certainties=[], kinds=[])
    taxonomy = _by_id("kind", parsed.kinds, problems)
    severities = _by_id("severity", parsed.severities, problems)
    certainties = _by_id("certainty", parsed.certainties, problems)
    records: list[Record] = []
    for file in sorted(directory.glob("*.yaml")):
        if file.name == _TAXONOMY:
            continue
        record, found = _parse(file.read_text(encoding="utf-8"), file.name)
        problems += found
        if record is None:
            continue
        if record.model != file.stem:
            problems.append(f"{file.name}: model {record.model!r} must equal the file name")
        records.append(record)
    if not records and not problems:
        problems.append(f"no model records (*.yaml) in {directory}")
    records.sort(key=lambda r: r.model)
    problems += structural_problems(tuple(records), taxonomy, severities, certainties)
    if problems:
        raise RecordError(problems)
    return Evaluations(directory=directory, records=tuple(records), taxonomy=taxonomy,
                       severities=severities, certainties=certainties)


if __name__ == "__main__":  # python -m hw5ref.grading.records > evaluations/schema.json
    sys.stdout.write(json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n")
