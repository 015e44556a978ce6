"""MkDocs hook: a content-addressed cache for executed notebooks, and offline notebook pages.

mkdocs-jupyter executes every ``docs/notebooks/*.py`` notebook at build time. Its own cache
(``cache: true``, the default) keys each rendered page on the notebook's bytes and the plugin
options, but not on the code the notebook imports: editing ``hw5ref`` would leave stale
outputs (stale numbers!) on the site. This hook closes that gap by pointing the plugin's
``cache_dir`` at ``.cache/mkdocs-jupyter/<digest>``, where ``<digest>`` hashes every file
the notebooks can depend on (:data:`DEPENDENCIES`, relative to the repository root). A change
to any of them selects a fresh, empty directory, so every notebook is executed again; older
directories are deleted. The cache is only a speed-up: deleting ``.cache/`` is always safe.

It also post-processes each rendered notebook page (on every build, cached or not):

* Offline: nbconvert's HTML template emits a MathJax loader (``<script src="">`` plus a
  ``text/x-mathjax-config`` block, because mkdocs-jupyter's ``custom_mathjax_url`` is empty)
  and a mermaid loader that imports mermaid from a CDN when a page has a mermaid diagram.
  The site renders formulas with the vendored KaTeX (``docs/assets/javascripts/katex-init.js``)
  and has no mermaid diagrams, so both blocks are removed.
* Figure alt text: nbconvert gives every output image the placeholder alt "No description
  has been provided for this image". A notebook author describes a figure with a comment
  line in the cell that draws it::

      # alt: Bar chart of how many values each normalization averages over ...

  one ``# alt:`` line per figure the cell outputs, in output order. The hook copies them
  onto the images; a cell whose count of ``# alt:`` lines differs from its count of images
  is reported as a warning (which fails ``mkdocs build --strict``). Images left with the
  placeholder are caught by the browser tests.
* Keyboard access: code cells that scroll sideways get ``tabindex="0"`` (axe rule
  scrollable-region-focusable), as Material does for its own code blocks.
* Page weight: nbconvert inlines JupyterLab's whole stylesheet (about 570 KB, mostly rules
  for JupyterLab's own user interface) into every notebook page. Each inline stylesheet is
  parsed with tinycss2 and cut down to the rules whose class names all occur on that page
  (:func:`purge_css`), which keeps every rule that can match and drops about four fifths.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

log = logging.getLogger("mkdocs.hooks.notebook_cache")

PLUGIN_NAME = "mkdocs-jupyter"
CACHE_ROOT = Path(".cache") / "mkdocs-jupyter"
# Files (globs relative to the repository root) whose content notebook outputs can depend on.
DEPENDENCIES = ("hw5ref/**/*", "evaluations/**/*", "pyproject.toml", "requirements/lock.txt")

_MATHJAX_RE = re.compile(
    r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->", re.DOTALL
)
_EMPTY_SCRIPT_RE = re.compile(r"<script src=\"\">\s*</script>")
_MERMAID_RE = re.compile(
    r"<script type=\"module\">\s*document\.addEventListener\(\"DOMContentLoaded\", async "
    r"\(\) => \{\s*const diagrams = document\.querySelectorAll\(\"\.jp-Mermaid.*?</script>",
    re.DOTALL,
)


def dependency_digest(root: Path) -> str:
    """SHA-256 (first 16 hex digits) of the paths and bytes of every dependency file."""
    digest = hashlib.sha256()
    paths: set[Path] = set()
    for pattern in DEPENDENCIES:
        paths.update(p for p in root.glob(pattern) if p.is_file())
    for path in sorted(paths):
        rel = path.relative_to(root).as_posix()
        if "__pycache__" in rel:
            continue
        digest.update(rel.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def memoize_text(name: str, compute: Callable[[], str], *inputs: str | Path) -> str:
    """Build-time memo for other hooks and macros: ``compute()``, cached on disk.

    The result is stored under ``.cache/mkdocs-jupyter/<dependency digest>/memo/`` keyed by
    ``name`` and ``inputs`` (paths are hashed by content, strings as they are). Because the
    directory is keyed on :data:`DEPENDENCIES` too, any change to hw5ref, evaluations/ or the
    pinned environment starts from an empty memo, exactly like the notebook outputs. Use it for
    anything a page computes by running a notebook, e.g. in tools/macros.py::

        memoize_text("normalization_figure", lambda: ..., NOTEBOOKS / "x.py", Path(__file__),
                     caption)
    """
    root = Path(__file__).resolve().parent.parent
    key = hashlib.sha256(name.encode() + b"\0")
    for item in inputs:
        data = Path(item).read_bytes() if isinstance(item, Path) else item.encode()
        key.update(data + b"\0")
    path = root / CACHE_ROOT / dependency_digest(root) / "memo" / f"{key.hexdigest()}.txt"
    if path.is_file():
        return path.read_text(encoding="utf-8")
    text = compute()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return text


@event_priority(100)  # before mkdocs-jupyter reads its options
def on_config(config: MkDocsConfig) -> MkDocsConfig:
    global _css_cache_dir
    _css_cache_dir = None
    plugin = config.plugins.get(PLUGIN_NAME)
    if plugin is None or not plugin.config.get("cache", True):
        return config
    root = Path(config.config_file_path).resolve().parent
    cache_root = root / CACHE_ROOT
    cache_dir = cache_root / dependency_digest(root)
    plugin.config["cache_dir"] = str(cache_dir)
    _css_cache_dir = cache_dir / "css"  # pruned with the notebook outputs
    if cache_root.is_dir():
        for stale in cache_root.iterdir():
            if stale.is_dir() and stale != cache_dir:
                shutil.rmtree(stale, ignore_errors=True)
    log.debug("notebook cache: %s", cache_dir)
    return config


def strip_remote_loaders(html: str) -> str:
    """Remove nbconvert's MathJax and mermaid loader blocks from rendered notebook HTML."""
    html = _MATHJAX_RE.sub("", html)
    html = _EMPTY_SCRIPT_RE.sub("", html)
    return _MERMAID_RE.sub("", html)


ALT_LINE = re.compile(r"^\s*#\s*alt:\s*(\S.*?)\s*$", re.MULTILINE)


def apply_cell_fixes(html: str, where: str = "notebook") -> str:
    """Copy ``# alt:`` comments onto each cell's output images; make code cells focusable."""
    from bs4 import BeautifulSoup  # nbconvert's own dependency

    soup = BeautifulSoup(html, "html.parser")
    for number, cell in enumerate(soup.select("div.jp-Cell"), start=1):
        source = cell.select_one(".jp-InputArea")
        images = cell.select(".jp-OutputArea img")
        alts = ALT_LINE.findall(source.get_text()) if source is not None else []
        if alts and len(alts) != len(images):
            log.warning(
                "%s, cell %d: %d '# alt:' line(s) for %d output image(s)",
                where, number, len(alts), len(images),
            )
        elif alts:
            for img, alt in zip(images, alts, strict=True):
                img["alt"] = alt
    for code in soup.select(".jp-InputArea .highlight-ipynb"):
        code["tabindex"] = "0"
    return str(soup)


_CLASS_RE = re.compile(r"\.(-?[_a-zA-Z][_a-zA-Z0-9-]*)")
_NOT_RE = re.compile(r":not\([^()]*\)")
_CLASS_ATTR_RE = re.compile(r"""class\s*=\s*["']([^"']*)["']""")


def selector_can_match(selector: str, used_classes: set[str]) -> bool:
    """False only if the selector needs a class that never occurs (``:not(...)`` ignored)."""
    if ":is(" in selector or ":where(" in selector or ":has(" in selector:
        return True
    return set(_CLASS_RE.findall(_NOT_RE.sub("", selector))) <= used_classes


# A parsed stylesheet, JSON-serialisable so it can be cached on disk: a list of
#   ["rule", [selector, ...], css_text] | ["group", "@media ...", [item, ...]] | ["keep", css]
CssItem = list[Any]
_parsed_css: dict[str, list[CssItem]] = {}
_css_cache_dir: Path | None = None  # set by on_config: <repo>/.cache/notebook-css


def parse_css(css: str) -> list[CssItem]:
    """Split a stylesheet into rules with their selector lists (tinycss2), memoised.

    Parsing JupyterLab's 570 KB stylesheet takes over a second and every notebook page inlines
    the same one, so parses are kept in memory and, during a build, next to the executed notebooks.
    """
    key = hashlib.sha256(css.encode()).hexdigest()
    if key in _parsed_css:
        return _parsed_css[key]
    cached = _css_cache_dir / f"{key}.json" if _css_cache_dir is not None else None
    if cached is not None and cached.is_file():
        items: list[CssItem] = json.loads(cached.read_text(encoding="utf-8"))
    else:
        items = _parse_css_uncached(css)
        if cached is not None:
            cached.parent.mkdir(parents=True, exist_ok=True)
            cached.write_text(json.dumps(items), encoding="utf-8")
    _parsed_css[key] = items
    return items


def _parse_css_uncached(css: str) -> list[CssItem]:
    import tinycss2  # type: ignore[import-untyped]

    items: list[CssItem] = []
    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        if rule.type == "qualified-rule":
            selectors = [s.strip() for s in tinycss2.serialize(rule.prelude).split(",")]
            items.append(["rule", selectors, rule.serialize()])
        elif rule.type == "at-rule" and rule.lower_at_keyword in ("media", "supports"):
            head = f"@{rule.at_keyword}{tinycss2.serialize(rule.prelude)}"
            body = tinycss2.serialize(rule.content or [])
            items.append(["group", head, _parse_css_uncached(body)])
        elif rule.type == "at-rule":
            items.append(["keep", rule.serialize()])
    return items


def _purge_items(items: list[CssItem], used_classes: set[str]) -> str:
    out: list[str] = []
    for item in items:
        if item[0] == "rule":
            if any(selector_can_match(sel, used_classes) for sel in item[1]):
                out.append(item[2])
        elif item[0] == "group":
            inner = _purge_items(item[2], used_classes)
            if inner:
                out.append(f"{item[1]}{{{inner}}}")
        else:
            out.append(item[1])
    return "".join(out)


def purge_css(css: str, used_classes: set[str]) -> str:
    """Drop the rules of ``css`` that cannot match an element with only ``used_classes``.

    A rule is kept if any selector in its list can match (see :func:`selector_can_match`);
    at-rules holding rules (``@media``, ``@supports``) are purged inside, others (``@font-face``,
    ``@keyframes``, ``@charset``) are kept whole.
    """
    return _purge_items(parse_css(css), used_classes)


def shrink_inline_styles(html: str) -> str:
    """Purge every inline ``<style>`` block of a page against the classes the page uses."""
    used = {c for attr in _CLASS_ATTR_RE.findall(html) for c in attr.split()}

    def shrink(match: re.Match[str]) -> str:
        return match.group(1) + purge_css(match.group(2), used) + match.group(3)

    return re.sub(r"(<style[^>]*>)(.*?)(</style>)", shrink, html, flags=re.DOTALL)


class _WarningCounter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    if "jupyter-wrapper" not in html:
        return html
    where = page.file.src_uri
    # Parsing a notebook page with BeautifulSoup takes a while, so the fixed HTML is stored next
    # to the executed notebooks, keyed on the page's HTML, its path and this file. A result
    # that logged a warning (a '# alt:' count mismatch) is never stored, so it warns every build.
    stored = None
    if _css_cache_dir is not None:
        key = hashlib.sha256(Path(__file__).read_bytes() + b"\0" + where.encode() + b"\0"
                             + html.encode()).hexdigest()
        stored = _css_cache_dir.parent / "pages" / f"{key}.html"
        if stored.is_file():
            return stored.read_text(encoding="utf-8")
    counter = _WarningCounter()
    log.addHandler(counter)
    try:
        fixed = apply_cell_fixes(strip_remote_loaders(html), where=where)
    finally:
        log.removeHandler(counter)
    if stored is not None and counter.count == 0:
        stored.parent.mkdir(parents=True, exist_ok=True)
        stored.write_text(fixed, encoding="utf-8")
    return fixed


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    # On the whole page, so rules qualified by the theme's classes are judged correctly.
    if "jupyter-wrapper" not in output:
        return output
    return shrink_inline_styles(output)

