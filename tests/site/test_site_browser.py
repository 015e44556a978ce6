"""Every page of the built site in headless Chromium, with the network cut off.

For each page: no console error or uncaught exception, no failed request or HTTP error, no
request to any other host; every formula rendered (at build time: no KaTeX script is loaded,
and no raw TeX is left on screen); every
image loaded, with a real text alternative. Plus: the site search finds Q1 for "transpose",
and screenshots of the home page and a solution page land in build/screenshots/.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sitecheck import SCREENSHOTS, generated_pages

pytestmark = pytest.mark.browser

OpenPage = Callable[[str], tuple[Any, Any]]

# Raw TeX that should never be visible: math delimiters and common commands.
RAW_TEX = re.compile(r"\\\(|\\\)|\\\[|\\\]|\$\$|\\(?:frac|begin|end|sum|mathbf|left|right)\b")
# In notebook markdown, an unrendered inline formula is $...$ with TeX-looking content.
RAW_NOTEBOOK_TEX = re.compile(r"\$[^$\s][^$]*[\\^_{}][^$]*\$")
# nbconvert's stand-in for a missing alt text: not a description of anything.
PLACEHOLDER_ALT = "No description has been provided for this image"

INSPECT_JS = """
async () => {
  const imgs = [...document.images];
  imgs.forEach(i => { i.loading = "eager"; });
  await Promise.all(imgs.map(i => i.decode().catch(() => null)));
  const visibleText = (root, drop) => {
    if (!root) return "";
    const c = root.cloneNode(true);
    c.querySelectorAll(drop).forEach(e => e.remove());
    return c.textContent;
  };
  const arith = [...document.querySelectorAll(".arithmatex")];
  return {
    arithmatex: arith.length,
    unrendered: arith.filter(e => !e.querySelector(".katex"))
                     .map(e => e.textContent.trim().slice(0, 80)),
    katex: document.querySelectorAll(".katex").length,
    katexErrors: [...document.querySelectorAll(".katex-error")]
                     .map(e => e.textContent.slice(0, 80)),
    text: visibleText(document.querySelector("article"),
                      "pre, code, script, style, textarea, .katex, .highlight, .jp-InputArea"),
    notebookText: [...document.querySelectorAll(".jp-RenderedMarkdown")]
                     .map(e => visibleText(e, "pre, code, .katex")).join("\\n"),
    images: imgs.map(i => ({src: (i.getAttribute("src") || "").slice(0, 80),
                            width: i.naturalWidth, alt: i.getAttribute("alt")})),
    h1: document.querySelectorAll("h1").length,
    mathScripts: [...document.scripts].map(s => s.src).filter(s => /katex|mathjax/i.test(s)),
  };
}
"""


def describe(problems: dict[str, Any]) -> str:
    return "\n".join(f"{k}: {v}" for k, v in problems.items())


def page_problems(open_page: OpenPage, rel: str) -> dict[str, Any]:
    page, log = open_page(rel)
    info = page.evaluate(INSPECT_JS)
    problems: dict[str, Any] = log.problems()
    if info["unrendered"]:
        problems["formulas left unrendered"] = info["unrendered"]
    if info["mathScripts"]:  # formulas are rendered when the site is built
        problems["math-typesetting JavaScript loaded"] = info["mathScripts"]
    if info["katexErrors"]:
        problems["KaTeX errors"] = info["katexErrors"]
    if info["katex"] < info["arithmatex"]:
        problems["fewer KaTeX formulas than arithmatex blocks"] = (info["katex"],
                                                                   info["arithmatex"])
    raw = RAW_TEX.findall(info["text"]) + RAW_NOTEBOOK_TEX.findall(info["notebookText"])
    if raw:
        problems["raw TeX visible"] = sorted(set(raw))[:10]
    bad_images = [i for i in info["images"] if i["width"] == 0]
    if bad_images:
        problems["images not loaded"] = bad_images
    no_alt = [i["src"] for i in info["images"]
              if not (i["alt"] or "").strip() or i["alt"].strip() == PLACEHOLDER_ALT]
    if no_alt:
        problems["images without a real alt text (notebook figures: pass one to the "
                 "notebook's show(svg, alt))"] = no_alt
    if info["h1"] != 1:
        problems["number of <h1>"] = info["h1"]
    return problems


def test_page_renders_offline_without_errors(site_page: str, open_page: OpenPage) -> None:
    problems = page_problems(open_page, site_page)
    assert not problems, describe(problems)


def test_generated_pages_render_offline_without_errors(
    built_site: Path, open_page: OpenPage
) -> None:
    """The same checks on pages that build hooks generate (no source file in docs/)."""
    problems = {
        rel: p for rel in generated_pages(built_site) if (p := page_problems(open_page, rel))
    }
    assert not problems, "\n\n".join(f"{rel}\n{describe(p)}" for rel, p in problems.items())


def test_search_finds_the_q1_page_for_transpose(open_page: OpenPage) -> None:
    page, log = open_page("")
    # Material shows "Initializing search" until its worker has loaded the index; a query
    # typed before that is dropped.
    page.wait_for_function(
        "() => { const m = document.querySelector('.md-search-result__meta');"
        " return m && !/initializ/i.test(m.textContent); }",
        timeout=30_000,
    )
    # Type as a person does (Material searches on key events; fill() sends none).
    page.click("input.md-search__input")  # in the header at desktop width
    page.keyboard.type("transpose", delay=20)
    hit = page.locator('.md-search-result__item a[href*="solutions/q1-convolutions/"]')
    hit.first.wait_for(state="attached", timeout=15_000)
    assert hit.count() >= 1
    assert not log.problems(), describe(log.problems())


@pytest.mark.parametrize(
    ("name", "rel"), [("home", ""), ("solution-q1", "solutions/q1-convolutions/")]
)
def test_screenshot(name: str, rel: str, open_page: OpenPage) -> None:
    """Screenshots for a person to look at (build/screenshots/); the page must have loaded."""
    page, log = open_page(rel)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    out = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(out), full_page=False)
    page.screenshot(path=str(SCREENSHOTS / f"{name}-full.png"), full_page=True)
    assert out.stat().st_size > 10_000  # a blank page compresses to far less
    assert not log.problems(), describe(log.problems())
