"""MkDocs hook: executes the notebooks (once, in parallel, cached) and fixes notebook pages.

**Executing.** Every ``docs/notebooks/*.py`` (jupytext percent format) is run in a fresh
Jupyter kernel with nbclient when the build starts (:func:`on_config`), all of them at once in a
background thread, so the kernels work while the build renders the other pages. The executed
notebook (``.ipynb`` with its outputs) is kept at
``.cache/mkdocs-jupyter/<digest>/executed/<key>/<name>.ipynb``, where ``<digest>`` hashes every
file the notebooks can depend on (:data:`DEPENDENCIES`: hw5ref/, evaluations/, the pinned
environment) and ``<key>`` the notebook itself; so editing a notebook or anything it imports runs
it again, and nothing stale can be shown. Older directories are deleted; deleting ``.cache/`` is
always safe.

mkdocs-jupyter then renders each page from the executed copy (``execute: false`` in mkdocs.yml:
:func:`on_files` points the page's source at the executed ``.ipynb``; the page's address, nav
entry and edit link still come from the ``.py``). A page waits for its notebook
(:func:`on_pre_page`); a notebook whose cell raises fails the build with the cell's traceback.
Solution pages show a notebook's figure with the macro ``notebook_figure`` (registered with
mkdocs-macros here), which copies the image output of the notebook's cell tagged
``site-figure`` from the same executed notebook: each notebook runs once per build, and the figure
on the solution page is, byte for byte, the one on the notebook page.

**Fixing the rendered pages** (on every build, cached or not):

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

import asyncio
import hashlib
import html as html_lib
import json
import logging
import os
import re
import shutil
import threading
import time
from concurrent.futures import Future
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

log = logging.getLogger("mkdocs.hooks.notebook_cache")

PLUGIN_NAME = "mkdocs-jupyter"
CACHE_ROOT = Path(".cache") / "mkdocs-jupyter"
# Files (globs relative to the repository root) whose content notebook outputs can depend on.
DEPENDENCIES = ("hw5ref/**/*", "evaluations/**/*", "pyproject.toml", "requirements/lock.txt")
NOTEBOOKS = "notebooks/*.py"  # under docs/: the jupytext notebooks the build executes
FIGURE_TAG = "site-figure"  # the cell whose figure a solution page shows (notebook_figure)
TIMEOUT_SECONDS = 600  # per cell

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


# src_uri ("notebooks/x.py") -> its executed notebook; set while (or after) it runs.
_executed: dict[str, Future[Path]] = {}
_targets: dict[str, Path] = {}  # src_uri -> where its executed copy is (or will be)


def write_atomically(path: Path, data: bytes | str) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder, so that a build
    or test running at the same time (pytest-xdist) reads the old file or the new, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
    if isinstance(data, str):
        partial.write_text(data, encoding="utf-8")
    else:
        partial.write_bytes(data)
    os.replace(partial, path)


def executed_path(cache_dir: Path, source: Path) -> Path:
    """Where the executed copy of ``source`` is kept: ``<cache_dir>/executed/<key>/<stem>.ipynb``.

    ``<key>`` hashes the notebook's bytes; ``cache_dir`` is already keyed on
    :data:`DEPENDENCIES`. The file keeps the notebook's name because mkdocs-jupyter publishes
    it next to the page (``include_source``) as the notebook to download, outputs included.
    """
    key = hashlib.sha256(source.read_bytes()).hexdigest()[:16]
    return cache_dir / "executed" / key / f"{source.stem}.ipynb"


async def execute_notebook(source: Path, target: Path) -> None:
    """Run the jupytext notebook ``source`` top to bottom in a fresh kernel (nbclient) and
    write it, outputs included, to ``target`` (atomically: a reader never sees half a file).

    The kernel's working directory is the notebook's folder. On POSIX systems the kernel talks
    to us over Unix sockets in a private temporary folder rather than TCP ports on localhost:
    kernels started at the same moment can otherwise race for the same free port ("Address
    already in use", seen here once in a few dozen cold builds), and ipykernel warns on every
    start that TCP traffic is unencrypted. Raises nbclient's ``CellExecutionError`` (with the
    cell's traceback) if a cell raises.
    """
    import tempfile

    import jupytext
    import nbformat
    from nbclient import NotebookClient
    from traitlets.config import Config

    nb = jupytext.read(source)
    with tempfile.TemporaryDirectory(prefix="hw5ref-kernel-") as sockets:
        config = Config()
        if os.name == "posix":
            config.KernelManager.transport = "ipc"
            config.KernelManager.ip = os.path.join(sockets, "ipc")
        client = NotebookClient(
            nb, config=config, timeout=TIMEOUT_SECONDS, allow_errors=False,
            shutdown_kernel="immediate", resources={"metadata": {"path": str(source.parent)}},
        )
        await client.async_execute()
    write_atomically(target, nbformat.writes(nb))


def execute_in_background(jobs: dict[str, tuple[Path, Path]],
                          workers: int | None = None) -> dict[str, Future[Path]]:
    """Start executing notebooks concurrently in a background thread; one future per job.

    ``jobs`` maps a name to ``(source, target)`` for :func:`execute_notebook`. Each kernel is a
    process of its own, so up to ``workers`` notebooks run at once while the calling thread
    goes on. The default, twice the number of CPUs, keeps every core busy while kernels start
    up or wait (measured on 2 cores: 4 at once beat 2 at once by about 2 s in a cold build). A
    future resolves to ``target``, or holds the exception its notebook raised.
    """
    futures: dict[str, Future[Path]] = {name: Future() for name in jobs}
    if not jobs:
        return futures

    async def run_all() -> None:
        limit = asyncio.Semaphore(workers or 2 * (os.cpu_count() or 1))

        async def one(name: str, source: Path, target: Path) -> None:
            async with limit:
                try:
                    await execute_notebook(source, target)
                except BaseException as exc:  # handed to whoever waits for this notebook
                    futures[name].set_exception(exc)
                else:
                    futures[name].set_result(target)

        await asyncio.gather(*(one(name, *paths) for name, paths in jobs.items()))

    # Not a daemon: a build that stops early still lets the kernels shut down cleanly.
    threading.Thread(target=lambda: asyncio.run(run_all()), name="notebook-execution").start()
    return futures


def executed_notebook(src_uri: str) -> Path:
    """The executed copy of the notebook ``src_uri`` (e.g. ``"notebooks/x.py"``), waiting for
    it if it is still running. A notebook that failed raises ``PluginError`` with its error."""
    future = _executed.get(src_uri)
    if future is None:
        raise PluginError(f"notebook_cache: {src_uri!r} is not one of the executed notebooks "
                          f"(docs/{NOTEBOOKS}): {sorted(_executed)}")
    start = time.perf_counter()
    try:
        path = future.result()
        log.debug("notebook %s: waited %.2f s", src_uri, time.perf_counter() - start)
        return path
    except Exception as exc:
        raise PluginError(f"notebook {src_uri} failed to run:\n{exc}") from exc


class _Images(HTMLParser):
    """Collects the attributes of every ``<img>`` in an HTML fragment."""

    def __init__(self) -> None:
        super().__init__()
        self.images: list[dict[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            self.images.append({k: v or "" for k, v in attrs})


def tagged_figure(nb: Any, tag: str = FIGURE_TAG) -> tuple[str, str]:
    """``(src, alt)`` of the one image that the one code cell tagged ``tag`` outputs as HTML.

    ``nb`` is an executed notebook (nbformat v4). Raises ``ValueError`` unless exactly one
    cell carries the tag and its HTML outputs hold exactly one ``<img>`` with a non-empty alt.
    """
    cells = [c for c in nb.cells if tag in c.get("metadata", {}).get("tags", [])]
    if len(cells) != 1:
        raise ValueError(f"expected exactly one cell tagged {tag!r}, found {len(cells)}")
    parser = _Images()
    for output in cells[0].get("outputs", []):
        fragment = output.get("data", {}).get("text/html")
        if fragment:
            parser.feed(fragment if isinstance(fragment, str) else "".join(fragment))
    if len(parser.images) != 1:
        raise ValueError(f"the cell tagged {tag!r} must output exactly one <img> as HTML, "
                         f"found {len(parser.images)}")
    image = parser.images[0]
    if not image.get("src") or not image.get("alt", "").strip():
        raise ValueError(f"the image of the cell tagged {tag!r} needs a src and an alt text")
    return image["src"], image["alt"]


def figure_html(src: str, alt: str, caption: str = "") -> str:
    """An HTML ``<figure>``: the image (``src`` may be a data URI), its alt text, a caption."""
    cap = f"<figcaption>{html_lib.escape(caption)}</figcaption>" if caption else ""
    return (f'<figure class="hw5-figure"><img src="{html_lib.escape(src, quote=True)}" '
            f'alt="{html_lib.escape(alt, quote=True)}">{cap}</figure>')


def notebook_figure(notebook: str, caption: str = "") -> str:
    """Macro: the figure of docs/notebooks/``notebook``.py's cell tagged ``site-figure``, as
    it came out of this build's run of the notebook, with ``caption`` below it."""
    import nbformat

    path = executed_notebook(f"notebooks/{notebook}.py")
    try:
        src, alt = tagged_figure(nbformat.read(path, as_version=4))
    except ValueError as exc:
        raise PluginError(f"notebook_figure({notebook!r}): {exc}") from exc
    return figure_html(src, alt, caption)


@event_priority(100)  # before mkdocs-jupyter and mkdocs-macros read their options
def on_config(config: MkDocsConfig) -> MkDocsConfig:
    global _css_cache_dir
    _css_cache_dir = None
    _executed.clear()
    _targets.clear()
    plugin = config.plugins.get(PLUGIN_NAME)
    if plugin is None:
        return config
    root = Path(config.config_file_path).resolve().parent
    cache_root = root / CACHE_ROOT
    cache_dir = cache_root / dependency_digest(root)
    plugin.config["cache_dir"] = str(cache_dir)  # mkdocs-jupyter's rendered pages
    _css_cache_dir = cache_dir / "css"
    if cache_root.is_dir():
        for stale in cache_root.iterdir():
            if stale.is_dir() and stale != cache_dir:
                shutil.rmtree(stale, ignore_errors=True)

    docs = Path(config.docs_dir)
    targets = {s.relative_to(docs).as_posix(): (s, executed_path(cache_dir, s))
               for s in sorted(docs.glob(NOTEBOOKS))}
    for old in (cache_dir / "executed").glob("*"):  # earlier versions of the notebooks
        if old not in {target.parent for _, target in targets.values()}:
            shutil.rmtree(old, ignore_errors=True)
    _targets.update({uri: target for uri, (_, target) in targets.items()})
    jobs = {uri: pair for uri, pair in targets.items() if not pair[1].is_file()}
    if jobs:
        log.info("executing %d notebook(s) in the background: %s", len(jobs), ", ".join(jobs))
    _executed.update(execute_in_background(jobs))
    for uri, (_, target) in targets.items():
        if uri not in jobs:  # executed by an earlier build
            _executed[uri] = Future()
            _executed[uri].set_result(target)

    macros = config.plugins.get("macros")
    if macros is not None:
        macros.register_macros({"notebook_figure": notebook_figure})
    return config


@event_priority(-100)  # after mkdocs-jupyter has wrapped the notebook files
def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Render each notebook page from its executed copy (which may still be running).

    mkdocs-jupyter picks its pages in ``on_files`` by the ``.py`` name, then reads whatever file
    ``abs_src_path`` names (hence both patterns in its ``include`` option). The notebook pages
    are moved to the end of the list, so MkDocs renders them last and their kernels get the
    most time (the order of ``files`` decides nothing else: the nav is set in mkdocs.yml).
    """
    for uri in _targets:
        file = files.get_file_from_path(uri)
        if file is not None:
            file.abs_src_path = str(_targets[uri])
            files.remove(file)
            files.append(file)
    return files


@event_priority(100)  # before mkdocs-jupyter reads the executed notebook
def on_pre_page(page: Page, config: MkDocsConfig, files: Files) -> Page:
    if page.file.src_uri in _executed:
        executed_notebook(page.file.src_uri)  # wait for it (or fail the build)
    return page


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
_STYLE_RE = re.compile(r"(<style[^>]*>)(.*?)(</style>)", re.DOTALL)


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
            write_atomically(cached, json.dumps(items))
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

    return _STYLE_RE.sub(shrink, html)


class _WarningCounter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


_THIS_HOOK = Path(__file__).read_bytes()  # part of every stored page's key


def _stored_page(kind: str, *parts: str) -> Path | None:
    """Where a processed notebook page is kept, next to the executed notebooks:
    ``pages/<hash of this hook and parts>.<kind>.html``; None outside a build (no cache)."""
    if _css_cache_dir is None:
        return None
    key = hashlib.sha256(_THIS_HOOK + b"".join(b"\0" + part.encode() for part in parts))
    return _css_cache_dir.parent / "pages" / f"{key.hexdigest()}.{kind}.html"


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    if "jupyter-wrapper" not in html:
        return html
    where = page.file.src_uri
    # Parsing a notebook page with BeautifulSoup takes a while, so the fixed HTML is stored next
    # to the executed notebooks, keyed on the page's HTML, its path and this file. A result
    # that logged a warning (a '# alt:' count mismatch) is never stored, so it warns every build.
    stored = _stored_page("fixed", where, html)
    if stored is not None and stored.is_file():
        return stored.read_text(encoding="utf-8")
    counter = _WarningCounter()
    log.addHandler(counter)
    try:
        fixed = apply_cell_fixes(strip_remote_loaders(html), where=where)
    finally:
        log.removeHandler(counter)
    if stored is not None and counter.count == 0:
        write_atomically(stored, fixed)
    # Parse the inline stylesheets now (the parse is cached): on a cold build this runs while
    # kernels are still busy, instead of in on_post_page, when nothing else is left to run.
    for css in _STYLE_RE.findall(fixed):
        parse_css(css[1])
    return fixed


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    # On the whole page, so rules qualified by the theme's classes are judged correctly. The
    # result depends only on the page and this file, so it is kept like the fixed HTML above.
    if "jupyter-wrapper" not in output:
        return output
    stored = _stored_page("shrunk", output)
    if stored is not None and stored.is_file():
        return stored.read_text(encoding="utf-8")
    shrunk = shrink_inline_styles(output)
    if stored is not None:
        write_atomically(stored, shrunk)
    return shrunk

