"""Helpers for the grading tests: paths, YAML loading, renaming a record into a fake model, and
finding claims in a parsed record."""

from __future__ import annotations

import copy
import functools
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
EVALUATIONS = ROOT / "evaluations"
FAKE = "fake-model"
FAKE_NAME = "Fake Model Nine"


@functools.lru_cache(maxsize=16)
def _load_cached(path: Path) -> Any:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(path.read_text(encoding="utf-8"), Loader=loader)


def load_yaml(path: Path) -> Any:
    """A fresh (deep-copied) parse of a YAML file; parsing is cached per path."""
    return copy.deepcopy(_load_cached(path))


def renamed(record: dict[str, Any], old: str, new: str, name: str) -> dict[str, Any]:
    """A deep copy of a record with every id and evidence reference re-prefixed."""
    out = copy.deepcopy(record)
    out["model"], out["name"] = new, name

    def fix(value: Any) -> Any:
        if isinstance(value, str) and value.startswith(f"{old}-q"):
            return new + value[len(old):]
        if isinstance(value, list):
            return [fix(v) for v in value]
        if isinstance(value, dict):
            return {k: fix(v) for k, v in value.items()}
        return value

    out["parts"] = fix(out["parts"])
    return out


def claims_of(record: dict[str, Any]) -> list[dict[str, Any]]:
    """Every claim of a record (as parsed YAML): attempts' claims, then reviewer claims."""
    out: list[dict[str, Any]] = []
    for part in record["parts"].values():
        for attempt in part["attempts"]:
            out.extend(attempt["claims"])
        out.extend(part.get("reviewer_claims", []))
    return out


def first_claim(record: dict[str, Any], kind: str) -> dict[str, Any]:
    """The first claim whose check has this kind."""
    return next(c for c in claims_of(record) if c["check"]["kind"] == kind)


def claim(record: dict[str, Any], suffix: str) -> dict[str, Any]:
    """The claim whose id ends with ``suffix`` (e.g. ``"q1b-filter"``)."""
    return next(c for c in claims_of(record) if c["id"].endswith(suffix))
