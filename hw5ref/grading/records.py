"""Loading and validating evaluation records.

An evaluations directory holds ``schema.json`` (the JSON Schema of a record),
``taxonomy.yaml`` (the error kinds) and one ``<model>.yaml`` record per model.  Which directory
is used: the ``path`` argument, else the ``HW5REF_EVALUATIONS`` environment variable, else the
repository's ``evaluations/``.  PyYAML and jsonschema are imported here, lazily.
"""

from __future__ import annotations

import copy
import functools
import json
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "ENV_VAR",
    "PARTS",
    "Evaluations",
    "RecordError",
    "all_claim_ids",
    "evaluations_dir",
    "iter_claims",
    "load_evaluations",
    "structural_problems",
]

#: Environment variable naming the evaluations directory.
ENV_VAR = "HW5REF_EVALUATIONS"
#: The homework's sub-parts, in order; every record covers all of them.
PARTS: tuple[str, ...] = (
    "q1a", "q1b", "q1c", "q2a", "q2b", "q3a", "q3b", "q4a", "q4b", "q4c", "q4d",
)
_NOT_RECORDS = {"taxonomy.yaml"}


class RecordError(ValueError):
    """Raised when records fail the schema or the consistency rules; lists every problem."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__("invalid evaluation records:\n  " + "\n  ".join(self.problems))


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


@dataclass(frozen=True)
class Evaluations:
    """A loaded evaluations directory: its ``records`` (sorted by model id), the taxonomy kinds
    (by id, in file order) and the schema."""

    directory: Path
    records: tuple[Mapping[str, Any], ...]
    taxonomy: Mapping[str, Mapping[str, Any]]
    schema: Mapping[str, Any]


def iter_claims(
    record: Mapping[str, Any], reviewer: bool = True
) -> Iterator[tuple[str, int | None, Mapping[str, Any]]]:
    """Yield ``(part, attempt, claim)`` for every claim of a record, in record order.

    Reviewer claims come after a part's attempts, with ``attempt`` None (skipped when
    ``reviewer`` is False).
    """
    for part in PARTS:
        body = record["parts"][part]
        for attempt in body["attempts"]:
            for claim in attempt["claims"]:
                yield part, int(attempt["attempt"]), claim
        if reviewer:
            for claim in body.get("reviewer_claims", []):
                yield part, None, claim


def all_claim_ids(records: tuple[Mapping[str, Any], ...]) -> set[str]:
    """Every claim id across the given records.

    >>> all_claim_ids(())
    set()
    """
    return {claim["id"] for record in records for _, _, claim in iter_claims(record)}


@functools.lru_cache(maxsize=4)
def _validator(schema_text: str) -> Any:
    import jsonschema

    return jsonschema.Draft202012Validator(json.loads(schema_text))


@functools.lru_cache(maxsize=64)
def _parse_and_check(schema_text: str, record_text: str, name: str) -> tuple[Any, list[str]]:
    """Parse a record and list its schema violations (cached: a build, the tests and a
    ``mkdocs serve`` session re-read unchanged records many times)."""
    record = _yaml(record_text)
    errors = sorted(_validator(schema_text).iter_errors(record),
                    key=lambda e: list(map(str, e.path)))
    return record, [f"{name}: {'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}"
                    for e in errors]


def _taxonomy(raw: Any) -> tuple[dict[str, Mapping[str, Any]], list[str]]:
    problems: list[str] = []
    kinds: dict[str, Mapping[str, Any]] = {}
    if not isinstance(raw, Mapping) or not isinstance(raw.get("kinds"), list):
        return kinds, ["taxonomy.yaml: needs a top-level 'kinds' list"]
    for i, kind in enumerate(raw["kinds"]):
        if not isinstance(kind, Mapping):
            problems.append(f"taxonomy.yaml: kinds[{i}] is not a mapping")
            continue
        missing = {"id", "name", "class", "definition"} - set(kind)
        if missing:
            problems.append(f"taxonomy.yaml: kinds[{i}] lacks {sorted(missing)}")
            continue
        if kind["class"] not in ("error", "weakness"):
            problems.append(f"taxonomy.yaml: {kind['id']}: class must be error or weakness")
        if kind["id"] in kinds:
            problems.append(f"taxonomy.yaml: duplicate kind {kind['id']!r}")
        kinds[str(kind["id"])] = kind
    return kinds, problems


def structural_problems(
    records: tuple[Mapping[str, Any], ...], taxonomy: Mapping[str, Mapping[str, Any]]
) -> list[str]:
    """Consistency rules that need no grading: ids unique and prefixed with the model id, tags
    defined in the taxonomy, evidence references that exist, attempts numbered 1, 2, ...

    >>> structural_problems((), {})
    []
    """
    problems: list[str] = []
    known = all_claim_ids(records)
    seen: set[str] = set()
    models: set[str] = set()
    for record in records:
        model = record["model"]
        if model in models:
            problems.append(f"{model}: two records for the same model")
        models.add(model)
        for part, _, claim in iter_claims(record):
            cid = claim["id"]
            if not cid.startswith(f"{model}-{part}-"):
                problems.append(f"{model}: claim id {cid!r} must start with '{model}-{part}-'")
            if cid in seen:
                problems.append(f"{model}: duplicate claim id {cid!r}")
            seen.add(cid)
            for tag in claim.get("tags", []):
                if tag not in taxonomy:
                    problems.append(f"{cid}: unknown tag {tag!r}")
        for part in PARTS:
            body = record["parts"][part]
            numbers = [a["attempt"] for a in body["attempts"]]
            if numbers != list(range(1, len(numbers) + 1)):
                problems.append(f"{model}/{part}: attempts must be numbered 1, 2, ... in order")
            for item in body.get("findings", []):
                problems.extend(f"{model}/{part}: finding has unknown tag {t!r}"
                                for t in item["tags"] if t not in taxonomy)
            for item in [*body.get("findings", []), *body.get("audit", [])]:
                problems.extend(f"{model}/{part}: evidence {ref!r} is not a claim id"
                                for ref in item.get("evidence", []) if ref not in known)
    return problems


def load_evaluations(path: str | os.PathLike[str] | None = None) -> Evaluations:
    """Load, schema-validate and cross-check every record in an evaluations directory.

    Raises :class:`RecordError` listing every problem found (schema violations, unknown tags,
    duplicate ids, a model id that differs from the file name, ...).
    """
    directory = evaluations_dir(path)
    schema_path = directory / "schema.json"
    taxonomy_path = directory / "taxonomy.yaml"
    for needed in (schema_path, taxonomy_path):
        if not needed.is_file():
            raise RecordError([f"{needed.name} is missing from {directory}"])
    schema_text = schema_path.read_text(encoding="utf-8")
    schema = json.loads(schema_text)
    taxonomy, problems = _taxonomy(_yaml(taxonomy_path.read_text(encoding="utf-8")))
    records: list[Mapping[str, Any]] = []
    for file in sorted(directory.glob("*.yaml")):
        if file.name in _NOT_RECORDS:
            continue
        cached, found = _parse_and_check(schema_text, file.read_text(encoding="utf-8"),
                                         file.name)
        record = copy.deepcopy(cached)
        if found:
            problems.extend(found)
            continue
        if record["model"] != file.stem:
            problems.append(f"{file.name}: model {record['model']!r} must equal the file name")
        records.append(record)
    if not records and not problems:
        problems.append(f"no model records (*.yaml) in {directory}")
    records.sort(key=lambda r: str(r["model"]))
    problems.extend(structural_problems(tuple(records), taxonomy))
    if problems:
        raise RecordError(problems)
    return Evaluations(directory, tuple(records), taxonomy, schema)
