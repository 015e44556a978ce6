"""Aggregation: every claim graded, every sub-part given an outcome, and the counts.

The outcome of a sub-part is computed from the grades of its claims in the model's last
attempt (earlier attempts are kept and shown, but the answer that stands is the last one).
Only errors whose severity ``decides_outcome`` in the taxonomy (substantive ones) count; minor
and terminology points are kept, counted and shown, but never change an outcome:

* ``wrong``: a claim that is part of the final answer has a substantive error;
* ``flawed``: the final answer is right but another statement has a substantive error;
* ``incomplete``: no substantive error, but something the question asks for is missing
  (a finding tagged with a taxonomy kind that has ``makes_incomplete``);
* ``correct``: none of the above.

The report's reviewer agrees with us when the reviewer's verdict maps to our outcome:
``correct`` -> correct, ``partly-correct`` -> flawed or incomplete, ``wrong`` -> wrong.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from hw5ref.grading.kinds import Check, Grade, grade_check
from hw5ref.grading.records import (
    AuditNote,
    Claim,
    Evaluations,
    Finding,
    Kind,
    Part,
    Record,
    load_evaluations,
)
from hw5ref.parts import SUBPARTS

__all__ = [
    "AGREES_WITH",
    "OUTCOMES",
    "Analysis",
    "GradedClaim",
    "ModelResult",
    "Outcome",
    "PartResult",
    "analyse",
    "load_analysis",
]

PARTS = tuple(p.id for p in SUBPARTS)

Outcome = Literal["correct", "incomplete", "flawed", "wrong"]

#: Outcomes from best to worst, with the rule that assigns each.
OUTCOMES: dict[str, str] = {
    "correct": "no substantive error and nothing asked for is missing",
    "incomplete": "no substantive error, but something the question asks for is missing",
    "flawed": "the final answer is correct, but another statement has a substantive error",
    "wrong": "part of the final answer has a substantive error",
}
#: Which of our outcomes each reviewer verdict agrees with (not-assessed agrees with any).
AGREES_WITH: dict[str, frozenset[str]] = {
    "correct": frozenset({"correct"}),
    "partly-correct": frozenset({"flawed", "incomplete"}),
    "wrong": frozenset({"wrong"}),
    "not-assessed": frozenset(OUTCOMES),
}
_GRADES: dict[str, Grade] = {}


def _grade(check: Check) -> Grade:
    # Grades depend only on the check (its content also seeds the random instances), so equal
    # checks in different records are graded once per process.
    key = check.model_dump_json()
    if key not in _GRADES:
        _GRADES[key] = grade_check(check)
    return _GRADES[key]


@dataclass(frozen=True)
class GradedClaim:
    """A claim from a record with its computed grade; ``attempt`` is None for reviewer claims."""

    model: str
    part: str
    attempt: int | None
    claim: Claim
    grade: Grade

    @property
    def id(self) -> str:
        return self.claim.id

    @property
    def final(self) -> bool:
        return self.claim.final

    @property
    def tags(self) -> tuple[str, ...]:
        return tuple(self.claim.tags)

    @property
    def wrong(self) -> bool:
        return self.grade.verdict == "wrong"

    @property
    def severity(self) -> str | None:
        return self.claim.severity

    @property
    def possible_artifact(self) -> bool:
        """Wrong as written, but the line may be a conversion artifact (shown hedged)."""
        return self.claim.artifact is not None


@dataclass(frozen=True)
class PartResult:
    """One model's graded answer to one sub-part."""

    model: str
    part: str
    body: Part
    claims: tuple[GradedClaim, ...]
    reviewer_claims: tuple[GradedClaim, ...]
    outcome: Outcome

    @property
    def attempts(self) -> int:
        return len(self.body.attempts)

    @property
    def last_attempt(self) -> tuple[GradedClaim, ...]:
        return tuple(c for c in self.claims if c.attempt == self.attempts)

    @property
    def reviewer_verdict(self) -> str:
        return self.body.reviewer.verdict

    @property
    def agrees(self) -> bool:
        return self.outcome in AGREES_WITH[self.reviewer_verdict]

    @property
    def wrong_claims(self) -> tuple[GradedClaim, ...]:
        return tuple(c for c in self.claims if c.wrong)

    @property
    def findings(self) -> tuple[Finding, ...]:
        return tuple(self.body.findings)

    @property
    def audit(self) -> tuple[AuditNote, ...]:
        return tuple(self.body.audit)


@dataclass(frozen=True)
class ModelResult:
    """One model's record with every sub-part graded."""

    record: Record
    parts: dict[str, PartResult]

    @property
    def model(self) -> str:
        return self.record.model

    @property
    def name(self) -> str:
        return self.record.name

    @property
    def claims(self) -> tuple[GradedClaim, ...]:
        return tuple(c for p in PARTS for c in self.parts[p].claims)

    @property
    def reviewer_claims(self) -> tuple[GradedClaim, ...]:
        return tuple(c for p in PARTS for c in self.parts[p].reviewer_claims)


@dataclass(frozen=True)
class Analysis:
    """Every model graded, plus the taxonomy and the consistency problems found while grading."""

    evaluations: Evaluations
    models: tuple[ModelResult, ...]
    problems: tuple[str, ...]

    @property
    def taxonomy(self) -> dict[str, Kind]:
        return self.evaluations.taxonomy

    def decides(self, c: GradedClaim) -> bool:
        """True when a claim is wrong with a severity that decides outcomes."""
        return _decides(c, self.evaluations)

    def claim(self, claim_id: str) -> GradedClaim:
        """The graded claim with this id (model or reviewer claim)."""
        for m in self.models:
            for c in (*m.claims, *m.reviewer_claims):
                if c.id == claim_id:
                    return c
        raise KeyError(claim_id)

    def counts(self, models: Sequence[ModelResult] | None = None) -> dict[str, int]:
        """Headline counts over ``models`` (default: all; model claims only, reviewer claims
        separately): the one place where what is counted, and how, is written."""
        models = self.models if models is None else tuple(models)
        claims = [c for m in models for c in m.claims]
        parts = [p for m in models for p in m.parts.values()]
        reviewer = [c for m in models for c in m.reviewer_claims]
        return {
            "models": len(models),
            "claims": len(claims),
            "computed": sum(c.grade.computed for c in claims),
            "manual": sum(not c.grade.computed for c in claims),
            "wrong": sum(c.wrong for c in claims),
            "wrong_computed": sum(c.wrong and c.grade.computed for c in claims),
            "wrong_manual": sum(c.wrong and not c.grade.computed for c in claims),
            "manual_judgement": sum(getattr(c.claim.check, "basis", "") == "judgement"
                                    for c in claims),
            "root_errors": sum(c.wrong and "propagated-error" not in c.tags for c in claims),
            **{f"wrong_{s}": sum(c.wrong and c.severity == s for c in claims)
               for s in self.evaluations.severities},
            "wrong_possible_artifact": sum(c.wrong and c.possible_artifact for c in claims),
            "subparts": len(parts),
            "disagreements": sum(not p.agrees for p in parts),
            "audit_notes": sum(len(p.audit) for p in parts),
            "reviewer_claims": len(reviewer),
            "reviewer_claims_wrong": sum(c.wrong for c in reviewer),
            **{f"outcome_{o}": sum(p.outcome == o for p in parts) for o in OUTCOMES},
        }

    def tag_counts(self, model: ModelResult) -> Counter[str]:
        """How often each taxonomy kind is used by a model: tags on its claims and findings."""
        out: Counter[str] = Counter()
        for c in model.claims:
            out.update(c.tags)
        for p in model.parts.values():
            for f in p.findings:
                out.update(f.tags)
        return out


def _decides(c: GradedClaim, ev: Evaluations) -> bool:
    severity = ev.severities.get(c.severity or "")
    return c.wrong and severity is not None and severity.decides_outcome


def _outcome(body: Part, last: tuple[GradedClaim, ...], ev: Evaluations) -> Outcome:
    if any(_decides(c, ev) and c.final for c in last):
        return "wrong"
    if any(_decides(c, ev) for c in last):
        return "flawed"
    for finding in body.findings:
        if any(ev.taxonomy[t].makes_incomplete for t in finding.tags if t in ev.taxonomy):
            return "incomplete"
    return "correct"


def _problems(model: ModelResult, taxonomy: dict[str, Kind]) -> list[str]:
    problems = []
    for c in (*model.claims, *model.reviewer_claims):
        error_tags = [t for t in c.tags if t in taxonomy and taxonomy[t].cls == "error"]
        if c.wrong and not error_tags:
            problems.append(f"{c.id}: graded wrong but carries no error-class tag")
        if not c.wrong and error_tags:
            problems.append(f"{c.id}: graded correct but tagged with error kinds {error_tags}")
        if c.wrong and c.severity is None:
            problems.append(f"{c.id}: graded wrong but has no severity")
        if not c.wrong and c.severity is not None:
            problems.append(f"{c.id}: graded correct but has a severity")
    for part in model.parts.values():
        where = f"{model.model}/{part.part}"
        if not any(c.final for c in part.last_attempt):
            problems.append(f"{where}: the last attempt has no claim marked final")
        kinds = {a.kind for a in part.audit}
        if not part.agrees and not kinds & {"disagrees", "reviewer-inconsistent"}:
            problems.append(f"{where}: reviewer says {part.reviewer_verdict}, we compute "
                            f"{part.outcome}; add an audit note of kind 'disagrees'")
        if part.agrees and "disagrees" in kinds:
            problems.append(f"{where}: audit note says 'disagrees' but the verdicts agree "
                            f"({part.reviewer_verdict} / {part.outcome}); use 'adds'")
    return problems


def analyse(evaluations: Evaluations) -> Analysis:
    """Grade every claim of every record and compute outcomes (grades are cached per claim)."""
    models = []
    problems: list[str] = []
    for record in evaluations.records:
        model = record.model
        parts: dict[str, PartResult] = {}
        for part in PARTS:
            body = record.part(part)
            claims = tuple(
                GradedClaim(model, part, a.attempt, c, _grade(c.check))
                for a in body.attempts for c in a.claims
            )
            reviewer = tuple(GradedClaim(model, part, None, c, _grade(c.check))
                             for c in body.reviewer_claims)
            last = tuple(c for c in claims if c.attempt == len(body.attempts))
            parts[part] = PartResult(model, part, body, claims, reviewer,
                                     _outcome(body, last, evaluations))
        result = ModelResult(record, parts)
        problems.extend(_problems(result, evaluations.taxonomy))
        models.append(result)
    return Analysis(evaluations, tuple(models), tuple(problems))


def load_analysis(path: str | os.PathLike[str] | None = None) -> Analysis:
    """:func:`~hw5ref.grading.records.load_evaluations` then :func:`analyse`."""
    return analyse(load_evaluations(path))
