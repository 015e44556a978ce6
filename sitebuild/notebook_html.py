"""Fixes to the HTML mkdocs-jupyter renders for a notebook page.

* Offline: nbconvert's template emits a MathJax loader (``<script src="">`` plus a
  ``text/x-mathjax-config`` block) and a mermaid loader that imports from a CDN; the site
  renders formulas itself and has no mermaid diagrams, so :func:`strip_remote_loaders` removes
  both.
* Keyboard access: code cells that scroll sideways must be focusable (axe rule
  scrollable-region-focusable), as Material makes its own code blocks (:func:`focusable_code`).
* Page weight: nbconvert inlines JupyterLab's whole stylesheet (about 570 KB, mostly rules for
  JupyterLab's own user interface) into every notebook page. :func:`shrink_inline_styles` keeps
  only the rules whose class names all occur on the page (parsed with tinycss2, once per
  process), about a fifth.
"""

from __future__ import annotations

import functools
import re
from typing import Any

__all__ = ["focusable_code", "purge_css", "shrink_inline_styles", "strip_remote_loaders"]

_MATHJAX = re.compile(r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->", re.S)
_EMPTY_SCRIPT = re.compile(r"<script src=\"\">\s*</script>")
_MERMAID = re.compile(
    r"<script type=\"module\">\s*document\.addEventListener\(\"DOMContentLoaded\", async "
    r"\(\) => \{\s*const diagrams = document\.querySelectorAll\(\"\.jp-Mermaid.*?</script>",
    re.S,
)
_CODE_CELL = re.compile(r'<div class="highlight-ipynb( [^"]*)?">')


def strip_remote_loaders(html: str) -> str:
    """Remove nbconvert's MathJax and mermaid loader blocks from rendered notebook HTML."""
    html = _MATHJAX.sub("", html)
    html = _EMPTY_SCRIPT.sub("", html)
    return _MERMAID.sub("", html)


def focusable_code(html: str) -> str:
    """Give every notebook code cell ``tabindex="0"``.

    >>> focusable_code('<div class="highlight-ipynb hl-python"><pre>x</pre></div>')
    '<div class="highlight-ipynb hl-python" tabindex="0"><pre>x</pre></div>'
    """
    return _CODE_CELL.sub(lambda m: m.group(0)[:-1] + ' tabindex="0">', html)


_CLASS = re.compile(r"\.(-?[_a-zA-Z][_a-zA-Z0-9-]*)")
_NOT = re.compile(r":not\([^()]*\)")
_CLASS_ATTR = re.compile(r"""class\s*=\s*["']([^"']*)["']""")
_STYLE = re.compile(r"(<style[^>]*>)(.*?)(</style>)", re.S)


def selector_can_match(selector: str, used_classes: set[str]) -> bool:
    """False only if the selector needs a class that never occurs (``:not(...)`` ignored).

    >>> selector_can_match(".jp-Cell .x", {"jp-Cell"}), selector_can_match(":is(.a)", set())
    (False, True)
    """
    if ":is(" in selector or ":where(" in selector or ":has(" in selector:
        return True
    return set(_CLASS.findall(_NOT.sub("", selector))) <= used_classes


# A parsed stylesheet: ["rule", [selector, ...], css] | ["group", "@media ...", [item, ...]]
# | ["keep", css].
CssItem = list[Any]


@functools.lru_cache(maxsize=8)
def parse_css(css: str) -> tuple[CssItem, ...]:
    """Split a stylesheet into rules with their selector lists (tinycss2). Every notebook
    page inlines the same 570 KB stylesheet and parsing it takes about a second, so the parse
    is kept for the rest of the process (``mkdocs serve`` included)."""
    import tinycss2

    items: list[CssItem] = []
    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        if rule.type == "qualified-rule":
            selectors = [s.strip() for s in tinycss2.serialize(rule.prelude).split(",")]
            items.append(["rule", selectors, rule.serialize()])
        elif rule.type == "at-rule" and rule.lower_at_keyword in ("media", "supports"):
            head = f"@{rule.at_keyword}{tinycss2.serialize(rule.prelude)}"
            items.append(["group", head, list(parse_css(tinycss2.serialize(rule.content or [])))])
        elif rule.type == "at-rule":
            items.append(["keep", rule.serialize()])
    return tuple(items)


def _purge(items: list[CssItem] | tuple[CssItem, ...], used: set[str]) -> str:
    out: list[str] = []
    for item in items:
        if item[0] == "rule":
            if any(selector_can_match(sel, used) for sel in item[1]):
                out.append(item[2])
        elif item[0] == "group":
            inner = _purge(item[2], used)
            if inner:
                out.append(f"{item[1]}{{{inner}}}")
        else:
            out.append(item[1])
    return "".join(out)


def purge_css(css: str, used_classes: set[str]) -> str:
    """Drop the rules of ``css`` that cannot match an element with only ``used_classes``.

    A rule is kept if any selector in its list can match; ``@media``/``@supports`` blocks are
    purged inside; other at-rules (``@font-face``, ``@keyframes``) are kept whole.

    >>> purge_css(".a{x:1}.b{y:2}@media print{.b{z:3}}", {"a"})
    '.a{x:1}'
    """
    return _purge(parse_css(css), used_classes)


def shrink_inline_styles(html: str) -> str:
    """Purge every inline ``<style>`` block of a page against the classes the page uses."""
    used = {c for attr in _CLASS_ATTR.findall(html) for c in attr.split()}
    return _STYLE.sub(lambda m: m.group(1) + purge_css(m.group(2), used) + m.group(3), html)
