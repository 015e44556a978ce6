"""Every Markdown page of docs/ has a title and a description in its front matter (the page
title, search results and link previews use them)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

DOCS = Path(__file__).resolve().parents[2] / "docs"
PAGES = sorted(DOCS.rglob("*.md"))


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(DOCS).as_posix())
def test_page_has_a_title_and_a_description(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    assert text.startswith("---\n"), "no front matter"
    meta = yaml.safe_load(text.split("---\n", 2)[1])
    assert isinstance(meta.get("title"), str) and meta["title"].strip()
    assert isinstance(meta.get("description"), str) and len(meta["description"]) > 30
