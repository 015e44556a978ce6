"""The changelog of the published answers: what changed in each version, and why.

Each release keeps its answer key beside the code, ``hw5ref/released/<version>.json`` (every
key with its value and its published text, written by ``tools/release_key.py``). The changes
of a version are computed: its key (for the version being built, the current
:func:`hw5ref.answers.answer_key`) against the previous release's, comparing published texts,
so a value that moves only beyond its published precision is not a change. Only the reasons
are typed, in ``hw5ref/released/changelog.yaml``; :func:`problems` lists every change without a
reason and every reason without a change, and the test suite fails on any.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hw5ref import __version__, answers
from hw5ref.parts import subpart

__all__ = ["RELEASED", "Change", "Version", "answers_json", "history", "last_changed", "page",
           "part_note", "problems"]

RELEASED = Path(__file__).resolve().parent.parent / "hw5ref" / "released"
_REASONS = "changelog.yaml"


@dataclass(frozen=True)
class Change:
    """One published key that was added, changed or removed, with its texts before/after."""

    key: str
    kind: str
    before: str | None
    after: str | None


@dataclass(frozen=True)
class Version:
    """A version, the one it is compared with, its computed changes and the typed reasons
    (each reason with the keys it covers)."""

    version: str
    base: str | None
    released: bool
    changes: tuple[Change, ...]
    reasons: tuple[tuple[tuple[str, ...], str], ...]


def _order(version: str) -> tuple[int, ...]:
    return tuple(int(x) for x in version.split("."))


def released_keys(directory: Path = RELEASED) -> dict[str, dict[str, str]]:
    """Each released version's key as {key: published text}, oldest first."""
    keys = {}
    for path in directory.glob("*.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        keys[data["version"]] = {k: v["text"] for k, v in data["answers"].items()}
    return dict(sorted(keys.items(), key=lambda kv: _order(kv[0])))


def _changes(old: dict[str, str], new: dict[str, str]) -> tuple[Change, ...]:
    out = []
    for key in sorted(old.keys() | new.keys()):
        before, after = old.get(key), new.get(key)
        if before != after:
            kind = "added" if before is None else "removed" if after is None else "changed"
            out.append(Change(key, kind, before, after))
    return tuple(out)


@functools.cache
def _current() -> dict[str, str]:
    # hw5ref is imported once per process, so its published texts cannot change within one
    return {k: v["text"] for k, v in answers.answer_key().items()}


def _reasons(directory: Path) -> dict[str, Any]:
    import yaml

    path = directory / _REASONS
    data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else None
    return data or {}


def history(directory: Path = RELEASED, current: str = __version__) -> tuple[Version, ...]:
    """Every version, newest first: each release against the one before it, and the version
    being built (when it is not released yet) against the last release."""
    keys = released_keys(directory)
    now = _current()
    typed = _reasons(directory)
    versions: list[tuple[str, dict[str, str], bool]] = [(v, k, True) for v, k in keys.items()]
    if current not in keys:  # a released key must still hold: problems() checks that
        versions.append((current, now, False))
    out = []
    for i, (version, key, released) in enumerate(versions):
        base = versions[i - 1] if i else None
        changes = _changes(base[1], key) if base else ()
        reasons = tuple((tuple(r["keys"]), str(r["reason"]))
                        for r in typed.get(version) or [])
        out.append(Version(version, base[0] if base else None, released, changes, reasons))
    return tuple(reversed(out))


def problems(directory: Path = RELEASED, current: str = __version__) -> list[str]:
    """Every published change without a reason, every reason for no change, and a released
    key that no longer matches what the code publishes."""
    found = []
    keys = released_keys(directory)
    if current in keys:
        for c in _changes(keys[current], _current()):
            found.append(f"{c.key}: {c.kind} ({c.before} -> {c.after}) but version {current} "
                         "is already released: raise hw5ref.__version__ and give a reason")
    for v in history(directory, current):
        covered = [k for keys_, _ in v.reasons for k in keys_]
        changed = {c.key for c in v.changes}
        for c in v.changes:
            if c.key not in covered:
                found.append(f"{c.key}: {c.kind} in {v.version} ({c.before} -> {c.after}) "
                             f"with no reason in hw5ref/released/{_REASONS}")
        found += [f"{v.version}: reason given for {k}, which did not change"
                  for k in covered if k not in changed]
        found += [f"{v.version}: {k} has more than one reason"
                  for k in sorted(set(covered)) if covered.count(k) > 1]
        found += [f"{v.version}: empty reason for {list(keys_)}"
                  for keys_, reason in v.reasons if not reason.strip()]
    return found


def last_changed(part: str, directory: Path = RELEASED, current: str = __version__) -> str:
    """The version in which a sub-part's published answers last changed (a result key of it
    added, changed or removed; problem data do not count); the first release if none has."""
    versions = history(directory, current)
    for v in versions:
        if any(part in answers.parts_of(c.key) and not _is_data(c.key) for c in v.changes):
            return v.version
    return versions[-1].version


def _is_data(key: str) -> bool:
    return key in answers.ENTRIES and answers.ENTRIES[key].data


def answers_json() -> str:
    """``answers.json``: the version and every published key with its value, its published
    text and precision, and the sub-parts it belongs to."""
    return json.dumps({"version": __version__, "answers": answers.answer_key()}, indent=1,
                      ensure_ascii=False) + "\n"


def _anchor(version: str) -> str:
    return "v" + version.replace(".", "-")


def page(directory: Path = RELEASED, current: str = __version__) -> str:
    """The changelog page: per version, the changed keys (computed) under their reasons."""
    out = []
    for v in history(directory, current):
        status = "" if v.released else " (this version, not yet released)"
        out += [f"## {v.version}{status} {{#{_anchor(v.version)}}}", ""]
        if v.base is None:
            out += ["The first release: every answer as first published.", ""]
            continue
        if not v.changes:
            out += [f"No published answer changed since {v.base}.", ""]
            continue
        by_key = {c.key: c for c in v.changes}
        for keys, reason in v.reasons:
            out += [f"**{reason}**", ""]
            for k in keys:
                c = by_key.get(k)
                if c is None:
                    continue
                what = {"added": f"added: `{c.after}`", "removed": f"removed (was `{c.before}`)",
                        "changed": f"`{c.before}` → `{c.after}`"}[c.kind]
                parts = ", ".join(answers.parts_of(k))
                out.append(f"- `{k}` ({parts}): {what}")
            out.append("")
    return "\n".join(out)


def part_note(part: str) -> str:
    """"Answer last changed in version X" for a sub-part, linked to the changelog."""
    sub = subpart(part)
    version = last_changed(sub.id)
    return (f"*Published answers of {sub.label} last changed in version "
            f"[{version}](../changelog.md#{_anchor(version)}).*")
