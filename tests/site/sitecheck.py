"""Constants and helpers shared by the site tests (imported by tests/site/conftest.py)."""

from __future__ import annotations

import functools
import os
from pathlib import Path

from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
AXE_JS = ROOT / "tests" / "site" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "build" / "screenshots"
CHROMIUM = Path(os.environ.get("HW5REF_CHROMIUM", "/usr/bin/chromium"))
# The "404.html" page is tested as GitHub Pages shows it: at a missing, nested address.
MISSING_URL = "no/such/page/"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def expected_pages() -> list[str]:
    """Site-relative URL of every page that has a source file in docs/ ("" is the home page).

    Build hooks may add more pages (see generated_pages); these are the ones known before
    building, so the per-page tests can be parametrized at collection time.
    """
    urls: list[str] = []
    for md in sorted(DOCS.rglob("*.md")):
        parts = md.relative_to(DOCS).with_suffix("").parts
        if parts[-1] in ("index", "README"):
            parts = parts[:-1]
        urls.append("/".join(parts) + "/" if parts else "")
    # mkdocs-jupyter turns docs/notebooks/*.py (jupytext) into pages.
    urls += [f"notebooks/{nb.stem}/" for nb in sorted((DOCS / "notebooks").glob("*.py"))]
    urls.append("404.html")
    return urls


def built_pages(site: Path) -> set[str]:
    """Site-relative URL of every HTML page in a built site."""
    pages = set()
    for html in site.rglob("*.html"):
        rel = html.relative_to(site).as_posix()
        if rel == "index.html":
            pages.add("")
        elif rel.endswith("/index.html"):
            pages.add(rel[: -len("index.html")])
        else:
            pages.add(rel)
    return pages


def generated_pages(site: Path) -> list[str]:
    """Pages that hooks generate at build time (no file in docs/), e.g. the model pages."""
    return sorted(built_pages(site) - set(expected_pages()))


@functools.cache
def parsed_page(path: Path) -> BeautifulSoup:
    """A built page parsed once per session and shared by the site tests (read-only: parsing
    every page, notebook pages of several hundred KB included, takes seconds)."""
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
