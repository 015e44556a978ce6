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

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from grading_support import EVALUATIONS, FAKE, FAKE_NAME, load_yaml, renamed

ROOT = Path(__file__).resolve().parent.parent


def _site_url_path() -> str:
    """The path part of mkdocs.yml's site_url, with leading and trailing slash ("/hw5ref/")."""
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    # mkdocs.yml may use !ENV / !relative tags; only site_url is needed here.
    for line in text.splitlines():
        if line.startswith("site_url:"):
            url = yaml.safe_load(line)["site_url"]
            path = urlsplit(url).path or "/"
            return path if path.endswith("/") else path + "/"
    return "/"


SITE_PREFIX = _site_url_path()


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
    """One strict build per test run, shared by the pytest-xdist workers.

    Under xdist (tools/dev.py runs ``-n auto``) every worker process asks for this fixture;
    the first one builds while holding a file lock in the run's shared temporary directory and
    records the result there, the others wait for the lock and read that record (the pattern
    pytest-xdist documents for session fixtures that must run once).
    """
    import json

    from filelock import FileLock

    if "PYTEST_XDIST_WORKER" not in os.environ:  # one process (no -n, or -p no:xdist)
        return _build_site(tmp_path_factory.mktemp("built") / "site")
    shared = tmp_path_factory.getbasetemp().parent
    record = shared / "site-build.json"
    with FileLock(str(shared / "site-build.lock")):
        if not record.is_file():
            build = _build_site(shared / "built" / "site")
            record.write_text(json.dumps({**vars(build), "path": str(build.path)}), "utf-8")
        data = json.loads(record.read_text("utf-8"))
    return SiteBuild(data["returncode"], data["output"], Path(data["path"]), data["seconds"])


@pytest.fixture(scope="session")
def built_site(site_build: SiteBuild) -> Path:
    if site_build.returncode != 0:
        tail = "\n".join(site_build.output.splitlines()[-40:])
        pytest.fail(f"mkdocs build --strict failed (exit {site_build.returncode}):\n{tail}")
    return site_build.path


class _PrefixedHandler(http.server.SimpleHTTPRequestHandler):
    """Serves ``directory`` under SITE_PREFIX like GitHub Pages: a missing path (or anything
    outside the prefix) gets status 404 with the site's own 404.html."""

    def translate_path(self, path: str) -> str:
        clean = urlsplit(path).path
        if not clean.startswith(SITE_PREFIX) and clean + "/" != SITE_PREFIX:
            return str(Path(self.directory) / "__outside_site_prefix__")
        return super().translate_path("/" + clean[len(SITE_PREFIX):])

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        not_found = Path(self.directory) / "404.html"
        if code != 404 or not not_found.is_file():
            super().send_error(code, message, explain)
            return
        body = not_found.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def served_site(built_site: Path) -> Iterator[ServedSite]:
    handler = functools.partial(_PrefixedHandler, directory=str(built_site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield ServedSite(built_site, origin + SITE_PREFIX, origin)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


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
