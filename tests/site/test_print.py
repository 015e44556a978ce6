"""A solution page printed from Chromium (print media, saved as PDF): the problem, answers,
derivations, formulas and figures print; navigation, search, buttons and the "Check it in
Python" blocks do not (left out on purpose, with a line saying where they are)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sitecheck import SCREENSHOTS

pytestmark = pytest.mark.browser

OpenPage = Callable[[str], tuple[Any, Any]]

VISIBLE_JS = """
(selectors) => Object.fromEntries(selectors.map(s => {
  const els = [...document.querySelectorAll(s)];
  return [s, els.filter(e => e.getClientRects().length > 0
                              && getComputedStyle(e).visibility !== "hidden").length];
}))
"""
SHOWN = [".md-typeset .admonition.answer", ".md-typeset h2", ".md-typeset .katex",
         ".md-typeset img"]
HIDDEN = [".md-header", ".md-tabs", ".md-sidebar--primary", ".md-sidebar--secondary",
          ".md-footer", ".md-search", ".md-clipboard", ".md-content__button",
          ".md-typeset details", ".headerlink"]


@pytest.mark.parametrize("rel", ["solutions/q1-convolutions/", "solutions/q2-normalization/"])
def test_a_printed_solution_page_holds_the_mathematics_and_no_machinery(
        rel: str, open_page: OpenPage) -> None:
    page, log = open_page(rel)
    page.emulate_media(media="print")
    counts = page.evaluate(VISIBLE_JS, SHOWN + HIDDEN)
    assert all(counts[s] > 0 for s in SHOWN), counts
    assert all(counts[s] == 0 for s in HIDDEN), counts
    note = page.evaluate("getComputedStyle(document.querySelector('.md-content__inner'),"
                         " '::after').content")
    assert "web version" in note
    pdf = page.pdf(format="A4", print_background=True)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS / f"print-{rel.strip('/').replace('/', '-')}.pdf").write_bytes(pdf)
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page") >= 2
    assert not log.problems(), log.problems()
