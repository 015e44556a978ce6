"""Aggregation: every claim graded, every sub-part given an outcome, and the counts.

The outcome of a sub-part is computed from the grades of its claims in the model's last
attempt (earlier attempts are kept and shown, but the answer that stands is the last one):

* ``wrong``: at least one claim that is part of the final answer is wrong;
* ``flawed``: the final answer is right but some other statement in the attempt is wrong;
* ``incomplete``: every statement is right but something the question asks for is missing
  (a finding tagged with a taxonomy kind that has ``makes_incomplete``);
* ``correct``: none of the above.

The report's reviewer agrees with us when the reviewer's verdict maps to our outcome:
``correct`` -> correct, ``partly-correct`` -> flawed or incomplete, ``wrong`` -> wrong.
"""

from __future__ import annotations

import functools
import json
import os
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from hw5ref import answers
from hw5ref.grading.checks import grade_claim
from hw5ref.grading.grade import Grade, show
from hw5ref.grading.records import PARTS, Evaluations, load_evaluations

__all__ = [
    "AGREES_WITH",
    "OUTCOMES",
    "PART_TITLES",
    "Analysis",
    "GradedClaim",
    "ModelResult",
    "Outcome",
    "PartResult",
    "analyse",
    "expand_refs",
    "load_analysis",
]

Outcome = Literal["correct", "incomplete", "flawed", "wrong"]

#: Outcomes from best to worst, with the rule that assigns each.
OUTCOMES: dict[str, str] = {
    "correct": "every statement graded correct and nothing asked for is missing",
    "incomplete": "every statement correct, but something the question asks for is missing",
    "flawed": "the final answer is correct, but another statement in the answer is wrong",
    "wrong": "at least one part of the final answer is wrong",
}
#: Which of our outcomes each reviewer verdict agrees with (not-assessed agrees with any).
AGREES_WITH: dict[str, frozenset[str]] = {
    "correct": frozenset({"correct"}),
    "partly-correct": frozenset({"flawed", "incomplete"}),
    "wrong": frozenset({"wrong"}),
    "not-assessed": frozenset(OUTCOMES),
}
#: Display titles of the sub-parts.
PART_TITLES: dict[str, str] = {
    "q1a": "Q1(a) Why convolutions",
    "q1b": "Q1(b) Recovering a filter",
    "q1c": "Q1(c) Transposed convolution",
    "q2a": "Q2(a) Batch vs layer norm",
    "q2b": "Q2(b) Mean-only batch norm gradient",
    "q3a": "Q3(a) Standard convolution parameters",
    "q3b": "Q3(b) Depthwise-separable parameters",
    "q4a": "Q4(a) Dropout as Tikhonov regularization",
    "q4b": "Q4(b) Weights at inference",
    "q4c": "Q4(c) Ridge form",
    "q4d": "Q4(d) Column norms and batch norm",
}


_REF = re.compile(r"@\{([a-z0-9_.]+)(?:\[([0-9, ]+)\])?\}")


def expand_refs(text: str) -> str:
    """Replace ``@{key}`` / ``@{key[i, j]}`` in prose with the value ``hw5ref.answers`` computes.

    Notes in records use this instead of typing a correct value, so the number a reader sees
    cannot drift from the package.  An unknown key raises ``ValueError``.

    >>> expand_refs("the centre is @{q1c.output[1,1]}")
    'the centre is -3'
    """
    def value(match: re.Match[str]) -> str:
        found = np.asarray(answers.value(match.group(1)))
        if match.group(2):
            found = found[tuple(int(i) for i in match.group(2).split(","))]
        return str(show(found))

    return _REF.sub(value, text)


def _prose(record: Mapping[str, Any]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for part in PARTS:
        body = record["parts"][part]
        out += [(part, body["answer"]), (part, body["reviewer"]["note"])]
        for attempt in body["attempts"]:
            for c in attempt["claims"]:
                out += [(c["id"], c["says"]), (c["id"], c.get("explanation", ""))]
        for item in [*body.get("findings", ()), *body.get("audit", ())]:
            out.append((part, item["note"]))
    return out


@functools.lru_cache(maxsize=4096)
def _grade_cached(check_json: str) -> Grade:
    return grade_claim({"id": "", "check": json.loads(check_json)})


def _grade(claim: Mapping[str, Any]) -> Grade:
    # Grades depend only on the check (its content also seeds the random instances), so equal
    # checks in different records are graded once per process.
    return _grade_cached(json.dumps(claim["check"], sort_keys=True))


@dataclass(frozen=True)
class GradedClaim:
    """A claim from a record with its computed grade; ``attempt`` is None for reviewer claims."""

    model: str
    part: str
    attempt: int | None
    claim: Mapping[str, Any]
    grade: Grade

    @property
    def id(self) -> str:
        return str(self.claim["id"])

    @property
    def final(self) -> bool:
        return bool(self.claim.get("final", False))

    @property
    def tags(self) -> tuple[str, ...]:
        return tuple(self.claim.get("tags", ()))

    @property
    def wrong(self) -> bool:
        return self.grade.verdict == "wrong"


@dataclass(frozen=True)
class PartResult:
    """One model's graded answer to one sub-part."""

    model: str
    part: str
    body: Mapping[str, Any]
    claims: tuple[GradedClaim, ...]
    reviewer_claims: tuple[GradedClaim, ...]
    outcome: Outcome

    @property
    def attempts(self) -> int:
        return len(self.body["attempts"])

    @property
    def last_attempt(self) -> tuple[GradedClaim, ...]:
        return tuple(c for c in self.claims if c.attempt == self.attempts)

    @property
    def reviewer_verdict(self) -> str:
        return str(self.body["reviewer"]["verdict"])

    @property
    def agrees(self) -> bool:
        return self.outcome in AGREES_WITH[self.reviewer_verdict]

    @property
    def wrong_claims(self) -> tuple[GradedClaim, ...]:
        return tuple(c for c in self.claims if c.wrong)

    @property
    def findings(self) -> tuple[Mapping[str, Any], ...]:
        return tuple(self.body.get("findings", ()))

    @property
    def audit(self) -> tuple[Mapping[str, Any], ...]:
        return tuple(self.body.get("audit", ()))


@dataclass(frozen=True)
class ModelResult:
    """One model's record with every sub-part graded."""

    record: Mapping[str, Any]
    parts: Mapping[str, PartResult]

    @property
    def model(self) -> str:
        return str(self.record["model"])

    @property
    def name(self) -> str:
        return str(self.record["name"])

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
    def taxonomy(self) -> Mapping[str, Mapping[str, Any]]:
        return self.evaluations.taxonomy

    def claim(self, claim_id: str) -> GradedClaim:
        """The graded claim with this id (model or reviewer claim)."""
        for m in self.models:
            for c in (*m.claims, *m.reviewer_claims):
                if c.id == claim_id:
                    return c
        raise KeyError(claim_id)

    def counts(self) -> dict[str, int]:
        """Headline counts over all models (model claims only; reviewer claims separately)."""
        claims = [c for m in self.models for c in m.claims]
        parts = [p for m in self.models for p in m.parts.values()]
        reviewer = [c for m in self.models for c in m.reviewer_claims]
        return {
            "models": len(self.models),
            "claims": len(claims),
            "computed": sum(c.grade.computed for c in claims),
            "manual": sum(not c.grade.computed for c in claims),
            "wrong": sum(c.wrong for c in claims),
            "wrong_computed": sum(c.wrong and c.grade.computed for c in claims),
            "wrong_manual": sum(c.wrong and not c.grade.computed for c in claims),
            "root_errors": sum(c.wrong and "propagated-error" not in c.tags for c in claims),
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
                out.update(f["tags"])
        return out


def _outcome(body: Mapping[str, Any], last: tuple[GradedClaim, ...],
             taxonomy: Mapping[str, Mapping[str, Any]]) -> Outcome:
    if any(c.wrong and c.final for c in last):
        return "wrong"
    if any(c.wrong for c in last):
        return "flawed"
    for finding in body.get("findings", ()):
        if any(taxonomy.get(t, {}).get("makes_incomplete") for t in finding["tags"]):
            return "incomplete"
    return "correct"


def _problems(model: ModelResult, taxonomy: Mapping[str, Mapping[str, Any]]) -> list[str]:
    problems = []
    for where, text in _prose(model.record):
        try:
            expand_refs(text)
        except (ValueError, IndexError) as exc:
            problems.append(f"{model.model} {where}: bad @{{...}} reference: {exc}")
    for c in (*model.claims, *model.reviewer_claims):
        error_tags = [t for t in c.tags if taxonomy.get(t, {}).get("class") == "error"]
        if c.wrong and not error_tags:
            problems.append(f"{c.id}: graded wrong but carries no error-class tag")
        if not c.wrong and error_tags:
            problems.append(f"{c.id}: graded correct but tagged with error kinds {error_tags}")
    for part in model.parts.values():
        where = f"{model.model}/{part.part}"
        if not any(c.final for c in part.last_attempt):
            problems.append(f"{where}: the last attempt has no claim marked final")
        kinds = {a["kind"] for a in part.audit}
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
        model = str(record["model"])
        parts: dict[str, PartResult] = {}
        for part in PARTS:
            body = record["parts"][part]
            claims = tuple(
                GradedClaim(model, part, int(a["attempt"]), c, _grade(c))
                for a in body["attempts"] for c in a["claims"]
            )
            reviewer = tuple(GradedClaim(model, part, None, c, _grade(c))
                             for c in body.get("reviewer_claims", ()))
            last = tuple(c for c in claims if c.attempt == len(body["attempts"]))
            parts[part] = PartResult(model, part, body, claims, reviewer,
                                     _outcome(body, last, evaluations.taxonomy))
        result = ModelResult(record, parts)
        problems.extend(_problems(result, evaluations.taxonomy))
        models.append(result)
    return Analysis(evaluations, tuple(models), tuple(problems))


def load_analysis(path: str | os.PathLike[str] | None = None) -> Analysis:
    """:func:`~hw5ref.grading.records.load_evaluations` then :func:`analyse`."""
    return analyse(load_evaluations(path))
