"""Work that the whole test run shares once, whatever the number of pytest-xdist workers."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest


def once_per_run(tmp_path_factory: pytest.TempPathFactory, name: str,
                 make: Callable[[Path], dict[str, Any]]) -> dict[str, Any]:
    """``make(folder)`` once per test run, its JSON-able result shared by the pytest-xdist
    workers (tools/dev.py runs ``-n auto``): the first worker to ask makes it in the run's
    shared temporary folder ``<base>/name`` while holding a file lock and records the result
    there; the others wait for the lock and read the record. An exception in ``make`` is
    recorded too, so every worker fails with it. Without xdist, ``make`` runs in a fresh
    temporary folder (the pattern pytest-xdist documents for session fixtures that must run
    once)."""
    if "PYTEST_XDIST_WORKER" not in os.environ:
        return make(tmp_path_factory.mktemp(name))
    from filelock import FileLock

    shared = tmp_path_factory.getbasetemp().parent
    record = shared / f"{name}.json"
    with FileLock(str(shared / f"{name}.lock")):
        if not record.is_file():
            try:
                data = make(shared / name)
            except Exception as exc:  # recorded, so every worker fails with it
                data = {"error": f"{type(exc).__name__}: {exc}"}
            record.write_text(json.dumps(data), encoding="utf-8")
        data = json.loads(record.read_text(encoding="utf-8"))
    if "error" in data:
        pytest.fail(data["error"])
    return data
