"""sitebuild/changelog.py: no published answer changes without a reason in the changelog.

The released key of 0.1.0 (hw5ref/released/0.1.0.json) holds the values published at commit
7455c09; every key added, changed or removed since must be covered by one reason in
hw5ref/released/changelog.yaml, and no reason may name a key that did not change.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from hw5ref import __version__, answers
from sitebuild import changelog


@pytest.fixture(autouse=True)
def _fresh() -> Iterator[None]:
    changelog._current.cache_clear()  # the published texts, recomputed for each test
    yield
    changelog._current.cache_clear()


def _patch(monkeypatch: pytest.MonkeyPatch, key: str, value: object) -> None:
    entry = answers.ENTRIES[key]
    monkeypatch.setitem(answers.ENTRIES, key, answers.Entry(
        entry.key, lambda: value, entry.data, entry.decimals))
    changelog._current.cache_clear()


def test_every_change_since_the_last_release_has_a_reason() -> None:
    assert changelog.problems() == []


NEXT = "0.2.1"  # a version not released yet


def test_an_unannounced_change_to_a_published_value_fails(
        monkeypatch: pytest.MonkeyPatch) -> None:
    _patch(monkeypatch, "q3.weights_only.separable", 40)
    assert changelog.problems(current=NEXT) == [
        f"q3.weights_only.separable: changed in {NEXT} (39 -> 40) with no reason in "
        "hw5ref/released/changelog.yaml"]
    # without a new version, the released key of this one no longer holds
    assert changelog.problems() == [
        f"q3.weights_only.separable: changed (39 -> 40) but version {__version__} is already "
        "released: raise hw5ref.__version__ and give a reason"]


def test_a_move_below_the_published_precision_is_not_a_change(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # q4.dropout_minimizer is published to 4 decimals
    moved = answers.value("q4.dropout_minimizer") + 1e-9
    _patch(monkeypatch, "q4.dropout_minimizer", moved)
    assert changelog.problems(current=NEXT) == []
    _patch(monkeypatch, "q4.dropout_minimizer", moved + 1e-3)
    assert [p.split(":")[0] for p in changelog.problems(current=NEXT)] == [
        "q4.dropout_minimizer"]


def test_a_reason_for_a_key_that_did_not_change_fails(tmp_path: Path) -> None:
    shutil.copytree(changelog.RELEASED, tmp_path, dirs_exist_ok=True)
    reasons = tmp_path / "changelog.yaml"
    reasons.write_text(reasons.read_text(encoding="utf-8") + (
        '  - keys: [q2a.batch]\n    reason: "Said again."\n'), encoding="utf-8")
    assert changelog.problems(tmp_path) == [
        "0.2.0: reason given for q2a.batch, which did not change"]


def test_a_released_version_cannot_change_its_answers() -> None:
    problems = changelog.problems(current="0.1.0")
    assert problems and all("already released" in p for p in problems)


def test_history_compares_each_version_with_the_one_before() -> None:
    newest, first = changelog.history()[0], changelog.history()[-1]
    assert (first.version, first.base) == ("0.1.0", None)
    assert newest.base == "0.1.0" and newest.version == __version__
    kinds = {c.key: c.kind for c in newest.changes}
    assert kinds["q3.pytorch.separable"] == "added"
    assert kinds["q3.all_biases.separable"] == "removed"
    assert "q1c.output" not in kinds  # the answer of Q1(c) is the same since 0.1.0


def test_last_changed_skips_problem_data() -> None:
    assert changelog.last_changed("q2a") == "0.1.0"   # letters unchanged
    assert changelog.last_changed("q1a") == "0.1.0"   # only problem data were added
    assert changelog.last_changed("q3a") == __version__  # Keras's standard count: 108 -> 112


def test_answers_json_holds_every_key_at_its_published_text() -> None:
    data = json.loads(changelog.answers_json())
    assert data["version"] == __version__
    assert set(data["answers"]) == set(answers.ENTRIES)
    assert data["answers"]["q4.dropout_minimizer"]["text"] == answers.published_text(
        "q4.dropout_minimizer")
    assert data["answers"]["q3.weights_only.separable"]["value"] == 39
