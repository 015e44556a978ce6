"""Every Python block in docs/ runs as a test, wherever it sits on the page.

pytest-markdown-docs collects only top-level fences: a fence indented inside an admonition
(``!!!``/``???``) is an indented code block to its parser and silently stops running. This
compares the fences found in the Markdown by a plain line scan with the tests the plugin
extracts and, when the run collects docs/, with the tests it actually collected.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
PAGES = sorted(DOCS.rglob("*.md"))
FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})\s*\{?\.?(python|py|python3)\b(?P<info>.*)$", re.M)


def fences(text: str) -> list[int]:
    """Line numbers (from 1) of the Python fences of a page, at any indentation, without
    those marked ``notest``."""
    return [text.count("\n", 0, m.start()) + 1 for m in FENCE.finditer(text)
            if "notest" not in m.group("info")]


def extracted(path: Path) -> list[int]:
    from markdown_it import MarkdownIt
    from pytest_markdown_docs.plugin import extract_fence_tests

    tests = extract_fence_tests(MarkdownIt("commonmark"), path.read_text(encoding="utf-8"), 0,
                                path, markdown_type="md")
    return [t.start_line for t in tests]


def test_fence_scan_counts_indented_fences() -> None:
    text = "```python\nx = 1\n```\n\n!!! note\n    ```python\n    y = 2\n    ```\n"
    assert fences(text) == [1, 6]


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.relative_to(DOCS).as_posix())
def test_every_fence_is_extracted(path: Path) -> None:
    assert len(extracted(path)) == len(fences(path.read_text(encoding="utf-8"))), (
        "a Python block is not collected by pytest-markdown-docs (indented inside an "
        "admonition?): use a top-level fence, e.g. inside <details markdown>")


def test_every_fence_was_collected_in_this_run(request: pytest.FixtureRequest) -> None:
    if not request.config.getoption("markdowndocs", default=False):
        pytest.skip("this run does not collect docs/ (no --markdown-docs)")
    collected: dict[str, int] = {}
    for item in request.session.items:
        if type(item).__name__ == "MarkdownInlinePythonItem":
            path = Path(str(item.path))
            if path.is_relative_to(DOCS):
                key = path.relative_to(DOCS).as_posix()
                collected[key] = collected.get(key, 0) + 1
    if not collected:
        pytest.skip("docs/ is not among the paths of this run")
    expected = {p.relative_to(DOCS).as_posix(): n for p in PAGES
                if (n := len(fences(p.read_text(encoding="utf-8"))))}
    assert collected == expected
