"""Fixtures for the grading tests: a temporary evaluations directory with a fake third model
(a renamed copy of Claude's record), to show that adding a model is a data-only change.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from grading_support import EVALUATIONS, FAKE, FAKE_NAME, load_yaml, renamed


@pytest.fixture
def make_evaluations(tmp_path: Path) -> Callable[..., Path]:
    """Build a temporary evaluations dir: the real records, plus a fake model made from Claude's
    record and passed through ``edit`` (a function that may change it) before it is written."""

    def make(edit: Callable[[dict[str, Any]], None] | None = None, fake: bool = True) -> Path:
        target = tmp_path / "evaluations"
        shutil.copytree(EVALUATIONS, target)
        if fake:
            record = renamed(load_yaml(EVALUATIONS / "claude.yaml"), "claude", FAKE, FAKE_NAME)
            if edit is not None:
                edit(record)
            dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
            (target / f"{FAKE}.yaml").write_text(
                yaml.dump(record, Dumper=dumper, allow_unicode=True, sort_keys=False),
                encoding="utf-8")
        return target

    return make
