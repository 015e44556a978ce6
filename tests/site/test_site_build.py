"""The site builds with ``mkdocs build --strict``, warning-free, into exactly the expected pages,
and asks for nothing outside itself."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import jupytext
import pytest
from bs4 import BeautifulSoup
from sitecheck import DOCS, built_pages, expected_pages, parsed_page

# MkDocs log lines look like "WARNING -  Doc file ..." / "ERROR    -  ...".
LOG_PROBLEM = re.compile(r"^\s*(?:WARNING|ERROR)\s+-\s.*$", re.MULTILINE)
REMOTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)


def test_build_strict_succeeds_without_warnings(site_build: Any) -> None:
    tail = "\n".join(site_build.output.splitlines()[-40:])
    assert site_build.returncode == 0, f"mkdocs build --strict failed:\n{tail}"
    assert LOG_PROBLEM.findall(site_build.output) == []


def test_build_produces_a_page_for_every_source(built_site: Path) -> None:
    assert set(expected_pages()) - built_pages(built_site) == set()


def remote_resources(html: str | BeautifulSoup) -> list[str]:
    """Every resource a page would load from another host (links to read are fine)."""
    soup = html if isinstance(html, BeautifulSoup) else BeautifulSoup(html, "html.parser")
    found = []
    for tag, attr in [("script", "src"), ("link", "href"), ("img", "src"), ("iframe", "src"),
                      ("source", "src"), ("video", "src"), ("audio", "src"), ("embed", "src"),
                      ("object", "data")]:
        for el in soup.find_all(tag):
            value = el.get(attr)
            if tag == "link" and "preconnect" not in (el.get("rel") or []) and not any(
                r in (el.get("rel") or [])
                for r in ("stylesheet", "icon", "preload", "modulepreload", "manifest")
            ):
                continue  # e.g. <link rel="canonical">: not fetched
            if isinstance(value, str) and REMOTE.match(value):
                found.append(f"<{tag} {attr}={value}>")
    for el in soup.find_all(style=True):
        found += [f"style url({u})" for u in re.findall(r"url\(['\"]?([^'\")]+)", el["style"])
                  if REMOTE.match(u)]
    for el in soup.find_all("style"):
        found += [f"<style> url({u})" for u in re.findall(r"url\(['\"]?([^'\")]+)", el.text)
                  if REMOTE.match(u)]
    return found


def test_remote_resource_detector_catches_what_it_should() -> None:
    page = (
        '<link rel="stylesheet" href="https://fonts.googleapis.com/css?family=Roboto">'
        '<link rel="canonical" href="https://example.org/page/">'
        '<script src="//cdn.example/x.js"></script><script src="assets/local.js"></script>'
        '<img src="data:image/png;base64,AAAA" alt="x"><a href="https://github.com/">repo</a>'
        "<style>@font-face{src:url(https://example.org/f.woff2)}</style>"
    )
    assert remote_resources(page) == [
        "<script src=//cdn.example/x.js>",
        "<link href=https://fonts.googleapis.com/css?family=Roboto>",
        "<style> url(https://example.org/f.woff2)",
    ]


def test_pages_load_nothing_from_other_hosts(built_site: Path) -> None:
    problems = {
        html.relative_to(built_site).as_posix(): found
        for html in sorted(built_site.rglob("*.html"))
        if (found := remote_resources(parsed_page(html)))
    }
    assert problems == {}


def test_stylesheets_load_nothing_from_other_hosts(built_site: Path) -> None:
    problems = {}
    for css in sorted(built_site.rglob("*.css")):
        urls = re.findall(r"(?:url\(|@import\s+)['\"]?([^'\")\s;]+)", css.read_text("utf-8"))
        if remote := [u for u in urls if REMOTE.match(u)]:
            problems[css.relative_to(built_site).as_posix()] = remote
    assert problems == {}


def test_notebook_pages_carry_no_mathjax_or_cdn_loader(built_site: Path) -> None:
    pages = sorted((built_site / "notebooks").glob("*/index.html"))
    offenders = [
        p.relative_to(built_site).as_posix()
        for p in pages
        if re.search(r"mathjax|cdnjs|<script src=\"\"", p.read_text(encoding="utf-8"), re.I)
    ]
    assert offenders == []


NOTEBOOK_SOURCES = sorted((DOCS / "notebooks").glob("*.py"))


@pytest.mark.parametrize("source", NOTEBOOK_SOURCES, ids=lambda p: p.stem)
def test_notebook_pages_show_the_outputs_of_this_builds_run(built_site: Path,
                                                            source: Path) -> None:
    """The page is rendered from an executed copy (mkdocs-jupyter itself has execute: false),
    and that copy, outputs included, is what the page offers for download."""
    import nbformat

    page = parsed_page(built_site / "notebooks" / source.stem / "index.html")
    assert page.select(".jp-OutputArea-output"), "no cell outputs: was the notebook executed?"
    button = page.select_one("a.md-content__button[download]")
    assert button is not None and button["href"].endswith(
        f"/notebooks/{source.stem}/{source.stem}.ipynb")
    download = nbformat.read(built_site / "notebooks" / source.stem / f"{source.stem}.ipynb",
                             as_version=4)
    code = [c for c in download.cells if c.cell_type == "code"]
    assert code and all(c.execution_count for c in code)
    assert [c.source for c in code] == [c.source for c in jupytext.read(source).cells
                                        if c.cell_type == "code"]


def test_solution_page_figures_are_the_notebooks_own_outputs(built_site: Path) -> None:
    q2 = parsed_page(built_site / "solutions" / "q2-normalization" / "index.html")
    figures = [img["src"] for img in q2.select("figure.hw5-figure img")]
    assert len(figures) == 2
    for src, notebook in zip(figures, ("normalization_diagrams", "q2b_large_batch"),
                             strict=True):
        page = parsed_page(built_site / "notebooks" / notebook / "index.html")
        assert src in {img["src"] for img in page.select(".jp-OutputArea-output img")}


def test_every_page_has_the_material_fixes_applied(built_site: Path) -> None:
    pages = sorted(built_site.rglob("*.html"))
    assert pages
    for page in pages:
        soup = parsed_page(page)
        rel = page.relative_to(built_site).as_posix()
        assert soup.select('[data-md-component="source"]') == [], rel
        search = soup.select_one(".md-search[role=dialog]")
        assert search is not None and search.get("aria-label") == "Search", rel


def test_notebook_pages_inline_far_less_than_jupyterlabs_whole_stylesheet(
    built_site: Path,
) -> None:
    import re

    from mkdocs_jupyter.config import settings

    full = (Path(settings.templates_dir) / "mkdocs_html" / "assets" / "index.css").stat().st_size
    pages = sorted((built_site / "notebooks").glob("*/index.html"))
    assert pages
    for page in pages:
        styles = re.findall(r"<style[^>]*>.*?</style>", page.read_text("utf-8"), re.DOTALL)
        assert styles, page
        assert sum(map(len, styles)) < full / 2, page
