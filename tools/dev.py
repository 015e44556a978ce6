#!/usr/bin/env python3
"""Developer entry point: set up the environment, then serve the site or run every check.

    python3 tools/dev.py serve [mkdocs serve args]   # http://127.0.0.1:8000/hw5ref/, live reload
    python3 tools/dev.py test [--no-browser] [pytest args]
    python3 tools/dev.py setup                       # only create/refresh the environment

Needs only Python 3.11+ and git (standard library only). On first use it creates ``.venv``
and installs the pinned dependencies (``requirements/lock.txt``) and this package
(editable, ``--no-deps``). It re-installs only when ``requirements/lock.txt`` or
``pyproject.toml`` changed: their hash is kept in ``.venv/.hw5ref-deps``.

``test`` also needs, for the browser and accessibility tests:

* Chromium at ``/usr/bin/chromium`` (or ``$HW5REF_CHROMIUM``). If it is missing and we run
  as root, it is installed from Debian (``apt-get install chromium``); otherwise the run
  fails with a message saying how to install it. Playwright's own browser downloads are
  never used.
* axe-core, pinned in ``tests/site/package-lock.json``, installed by ``npm ci`` into
  ``tests/site/node_modules`` (npm itself is apt-installed when missing and we are root).

Then it runs ``ruff check .``, ``mypy`` (strict, on hw5ref/) and pytest over the tests, the
doctests in hw5ref, and every ```python block in docs/*.md (pytest-markdown-docs). Every
step runs even if an earlier one failed; the exit status is non-zero if any failed, and a
pytest run that collects no test counts as a failure.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import venv
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / "python"
LOCK = ROOT / "requirements" / "lock.txt"
DEPS_STAMP = VENV / ".hw5ref-deps"
SITE_TESTS = ROOT / "tests" / "site"
CHROMIUM = Path(os.environ.get("HW5REF_CHROMIUM", "/usr/bin/chromium"))

# pytest targets: the test suite, hw5ref's doctests, and the Markdown pages' code blocks.
# Notebook sources (docs/notebooks/*.py) run at site build time, never as test modules.
# pytest-xdist runs them on every core (the site is still built once per run: tests/conftest.py).
PYTEST_ARGS = [
    "-n", "auto",
    "--markdown-docs",
    "--doctest-modules",
    "--ignore=docs/notebooks",
    "tests",
    "docs",
    "hw5ref",
]


class SetupError(RuntimeError):
    """The environment could not be prepared; the message says what to do."""


def say(msg: str) -> None:
    print(f"[dev] {msg}", flush=True)


def run(
    cmd: Sequence[str | Path],
    check: bool = True,
    cwd: Path = ROOT,
    env: dict[str, str] | None = None,
) -> int:
    """Run ``cmd`` with no standard input; raise SetupError on failure when ``check``."""
    say("$ " + " ".join(str(c) for c in cmd))
    proc = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, stdin=subprocess.DEVNULL)
    if check and proc.returncode != 0:
        raise SetupError(f"command failed with exit code {proc.returncode}: {cmd[0]}")
    return proc.returncode


def is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def apt_install(*packages: str) -> None:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    run(["apt-get", "update"], env=env)
    run(["apt-get", "install", "-y", "--no-install-recommends", *packages], env=env)


def files_digest(*paths: Path) -> str:
    h = hashlib.sha256(sys.version.encode())
    for p in paths:
        h.update(p.name.encode() + b"\0" + p.read_bytes())
    return h.hexdigest()


# ---- Python environment ---------------------------------------------------------------
def ensure_venv() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py may be started by an older python3
        raise SetupError(f"Python 3.11 or newer is needed (found {sys.version.split()[0]})")
    if not PYTHON.exists():
        say(f"creating {VENV.relative_to(ROOT)}")
        try:
            venv.EnvBuilder(with_pip=True).create(VENV)
        except (subprocess.CalledProcessError, OSError) as exc:
            if not is_root() or not shutil.which("apt-get"):
                raise SetupError(
                    f"could not create .venv ({exc}); on Debian/Ubuntu install python3-venv"
                ) from exc
            shutil.rmtree(VENV, ignore_errors=True)
            apt_install("python3-venv")
            venv.EnvBuilder(with_pip=True).create(VENV)
    digest = files_digest(LOCK, ROOT / "pyproject.toml")
    if DEPS_STAMP.exists() and DEPS_STAMP.read_text().strip() == digest:
        return
    say("installing pinned dependencies (requirements/lock.txt changed or first run)")
    pip: list[str | Path] = [PYTHON, "-m", "pip", "--disable-pip-version-check"]
    run([*pip, "install", "-q", "-r", LOCK])
    run([*pip, "install", "-q", "--no-deps", "-e", "."])
    DEPS_STAMP.write_text(digest + "\n")


# ---- Browser-test prerequisites -------------------------------------------------------
def ensure_chromium() -> None:
    if CHROMIUM.exists():
        return
    if CHROMIUM != Path("/usr/bin/chromium"):
        raise SetupError(f"HW5REF_CHROMIUM={CHROMIUM} does not exist")
    if not is_root() or not shutil.which("apt-get"):
        raise SetupError(
            "Chromium is needed for the browser tests and /usr/bin/chromium is missing. "
            "Install it (Debian/Ubuntu: `sudo apt-get install chromium`), point "
            "HW5REF_CHROMIUM at a Chromium binary, or run `tools/dev.py test --no-browser`."
        )
    say("installing Chromium from Debian")
    apt_install("chromium")


def ensure_node_packages(folder: Path, purpose: str, skip_hint: str = "") -> None:
    """``npm ci`` in ``folder`` unless its node_modules was installed from the same
    package.json and package-lock.json (a digest stamp inside node_modules)."""
    stamp = folder / "node_modules" / ".hw5ref-deps"
    digest = files_digest(folder / "package.json", folder / "package-lock.json")
    if stamp.exists() and stamp.read_text().strip() == digest:
        return
    if not shutil.which("npm"):
        if not is_root() or not shutil.which("apt-get"):
            raise SetupError(f"npm is needed to install {purpose}; install Node.js and npm"
                             + (f", or {skip_hint}" if skip_hint else ""))
        apt_install("nodejs", "npm")
    run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=folder)
    stamp.write_text(digest + "\n")


def ensure_axe() -> None:
    ensure_node_packages(SITE_TESTS, "axe-core for the accessibility tests",
                         "run with --no-browser")


# ---- Commands -------------------------------------------------------------------------
def cmd_serve(extra: list[str]) -> int:
    ensure_venv()
    args = extra or ["-a", "127.0.0.1:8000"]
    mkdocs = str(BIN / "mkdocs")
    say(f"$ {mkdocs} serve {' '.join(args)}")
    sys.stdout.flush()
    # Become mkdocs, so Ctrl-C and kill reach the server itself (no orphaned server).
    os.execv(mkdocs, [mkdocs, "serve", *args])


def cmd_test(extra: list[str], browser: bool) -> int:
    ensure_venv()
    if browser:
        ensure_chromium()
        ensure_axe()
    steps: list[tuple[str, list[str | Path]]] = [
        ("ruff", [BIN / "ruff", "check", "."]),
        ("mypy", [BIN / "mypy"]),
    ]
    pytest_cmd: list[str | Path] = [BIN / "pytest", *PYTEST_ARGS]
    if not browser:
        pytest_cmd += ["-m", "not browser"]
    steps.append(("pytest", [*pytest_cmd, *extra]))
    env = {**os.environ, "HW5REF_CHROMIUM": str(CHROMIUM)}
    results: list[tuple[str, int]] = []
    for name, cmd in steps:
        code = run(cmd, check=False, env=env)
        if name == "pytest" and code == 5:
            say("pytest collected no tests: counted as a failure")
        results.append((name, code))
    failed = [name for name, code in results if code != 0]
    say("summary: " + ", ".join(f"{n} {'ok' if c == 0 else f'FAILED ({c})'}" for n, c in results))
    return 1 if failed else 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Set up .venv, then serve the site or run every check.",
        epilog="Arguments after the command are passed on to mkdocs serve / pytest.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("serve", help="serve the site with live reload on http://127.0.0.1:8000/hw5ref/")
    test = sub.add_parser("test", help="lint, type-check and run every test")
    test.add_argument("--no-browser", action="store_true",
                      help="skip Chromium/axe setup and the browser tests")
    sub.add_parser("setup", help="create or refresh .venv and stop")
    ns, extra = parser.parse_known_args(argv)
    if extra[:1] == ["--"]:
        extra = extra[1:]
    if extra and ns.command == "setup":
        parser.error(f"unexpected arguments: {' '.join(extra)}")
    try:
        if ns.command == "serve":
            return cmd_serve(extra)
        if ns.command == "test":
            return cmd_test(extra, browser=not ns.no_browser)
        ensure_venv()
        return 0
    except SetupError as exc:
        print(f"[dev] error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
