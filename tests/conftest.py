"""Shared fixtures: the built site (one strict MkDocs build per test run), a local server, and
a temporary evaluations directory with a fake third model.

* ``site_build``: runs ``mkdocs build --strict`` once per run (once in all, not once per
  pytest-xdist worker) into a temporary directory and returns a
  :class:`SiteBuild` (exit code, combined output, path) whatever the outcome, for the test that
  checks the build itself (tests/site/test_site_build.py).
* ``built_site``: the site directory; fails (once per dependent test) if the build failed, with
  the build output in the message.
* ``served_site``: a :class:`ServedSite` serving ``built_site`` over HTTP on 127.0.0.1 (free
  port, in a thread) under the path of ``site_url`` (``/hw5ref/``), as GitHub Pages does, so
  absolute links such as the 404 page's resolve exactly as they will when deployed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from grading_support import EVALUATIONS, FAKE, FAKE_NAME, load_yaml, renamed
from run_once import once_per_run

from tools.pages import mkdocs_site_prefix, serve_directory

ROOT = Path(__file__).resolve().parent.parent


SITE_PREFIX = mkdocs_site_prefix()


@dataclass(frozen=True)
class SiteBuild:
    returncode: int
    output: str
    path: Path
    seconds: float


@dataclass(frozen=True)
class ServedSite:
    root: Path  # the built site directory
    base_url: str  # e.g. http://127.0.0.1:43117/hw5ref/
    origin: str  # e.g. http://127.0.0.1:43117

    def url(self, rel: str) -> str:
        """URL of a site-relative path such as ``solutions/q1-convolutions/``."""
        return self.base_url + rel.lstrip("/")


def _build_site(out: Path) -> SiteBuild:
    import time

    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        timeout=900,
    )
    return SiteBuild(proc.returncode, proc.stdout, out, time.perf_counter() - start)


@pytest.fixture(scope="session")
def site_build(tmp_path_factory: pytest.TempPathFactory) -> SiteBuild:
    """One strict build per test run, shared by the pytest-xdist workers (``once_per_run``)."""

    def build(folder: Path) -> dict[str, Any]:
        made = _build_site(folder / "site")
        return {**vars(made), "path": str(made.path)}

    data = once_per_run(tmp_path_factory, "built", build)
    return SiteBuild(data["returncode"], data["output"], Path(data["path"]), data["seconds"])


@pytest.fixture(scope="session")
def built_site(site_build: SiteBuild) -> Path:
    if site_build.returncode != 0:
        tail = "\n".join(site_build.output.splitlines()[-40:])
        pytest.fail(f"mkdocs build --strict failed (exit {site_build.returncode}):\n{tail}")
    return site_build.path


@pytest.fixture(scope="session")
def served_site(built_site: Path) -> Iterator[ServedSite]:
    server = serve_directory(built_site, SITE_PREFIX)
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield ServedSite(built_site, origin + SITE_PREFIX, origin)
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def site_prefix() -> str:
    """Path under which the site is deployed, from mkdocs.yml's site_url (e.g. "/hw5ref/")."""
    return SITE_PREFIX


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
