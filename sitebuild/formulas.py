"""Formulas rendered when the site is built: no math-typesetting JavaScript reaches readers.

:func:`render_html` takes one built page and returns it with every formula replaced by its
final KaTeX markup (``htmlAndMathml``: the visible HTML is ``aria-hidden``, a MathML copy is
what assistive technology reads), so a phone neither downloads nor runs KaTeX and no text jumps
while formulas appear. It finds formulas where the browser-side KaTeX used to:

* Markdown pages: the ``arithmatex`` elements of pymdownx.arithmatex (generic mode), holding
  ``\\( ... \\)`` or ``\\[ ... \\]``;
* notebook pages (mkdocs-jupyter): Jupyter's ``$...$`` / ``$$...$$`` inside
  ``.jp-RenderedMarkdown`` and ``.jp-RenderedLatex``, split exactly as KaTeX's auto-render
  splits them (a port of its ``splitAtDelimiters``), text nodes only.

Everything else on the page is left byte for byte. A formula KaTeX cannot parse raises
:class:`MathRenderError` naming the page and the formula, and the build stops there.

The renderer is the site's own vendored KaTeX (``docs/assets/vendor/katex/``, chosen by
``tools/vendor_katex.sh``) evaluated in V8 through ``mini-racer`` from PyPI: no Node, nothing
downloaded at build time, about 1 ms per formula. Pages without formulas drop KaTeX's
stylesheet. (Preloading the fonts a page uses removed the last layout shift but delayed the
first paint more than it helped, measured with Lighthouse; see the README.)

One module because finding formulas (a port of KaTeX's auto-render splitting) and rendering
them are one step of the build over the same page markup.
"""

from __future__ import annotations

import atexit
import html as _html
import itertools
import json
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "Formula",
    "KatexRenderer",
    "MathRenderError",
    "iter_formulas",
    "render_html",
    "split_at_delimiters",
]

#: The vendored KaTeX (tools/vendor_katex.sh chooses its version).
DEFAULT_KATEX_JS = (Path(__file__).resolve().parent.parent / "docs" / "assets" / "vendor"
                    / "katex" / "katex.min.js")

# Two choices render_html makes for every formula:
# - Display formulas get tabindex="0" so that a keyboard user can scroll one that is wider
#   than the column (extra.css gives them overflow-x: auto). Which ones overflow depends on
#   the reader's viewport, unknown at build time, so every display formula is focusable.
# - Each formula sits in its own <span>, as KaTeX's auto-render put it (renderMathInText):
#   the layout stays as it was (screenshots identical pixel for pixel). Without it a display
#   formula loses ~25 px of blank line above and below (the inline <span> around the block
#   .katex-display makes two anonymous line boxes): tighter, but a visible change.


class FormulaSyntaxError(ValueError):
    """A formula site that cannot be taken apart (raised by iter_formulas)."""

    def __init__(self, tex: str, reason: str) -> None:
        self.tex, self.reason = tex, reason
        super().__init__(f"{reason}: {tex!r}")


class MathRenderError(Exception):
    """A formula could not be rendered; the message names the page and the formula."""

    def __init__(self, page: str, tex: str, reason: str) -> None:
        self.page, self.tex, self.reason = page, tex, reason
        super().__init__(f"{page}: cannot render formula {tex!r}: {reason}")


# ---------------------------------------------------------------------------------------
# The renderer: vendored KaTeX in V8 (mini-racer)
# ---------------------------------------------------------------------------------------

_SHIM = r"""
var __warnings = [];
function __note() { __warnings.push(Array.prototype.join.call(arguments, ' ')); }
var console = {warn: __note, error: __note, log: function () {}};
var self = this;
"""

_CALL = r"""
function __render(tex, display, macrosKey, output) {
  __warnings = [];
  var macros = macrosKey ? (__macroSets[macrosKey] = __macroSets[macrosKey] || {}) : {};
  try {
    var html = katex.renderToString(tex, {displayMode: display, throwOnError: true,
                                          output: output, macros: macros});
    return JSON.stringify({ok: true, html: html, warnings: __warnings});
  } catch (e) {
    return JSON.stringify({ok: false, error: String(e && e.message || e), warnings: __warnings});
  }
}
var __macroSets = {};
function __forget(key) { delete __macroSets[key]; return true; }
"""


class KatexRenderer:
    """The vendored KaTeX evaluated once in a V8 isolate; ``render`` is then ~0.1-1 ms."""

    def __init__(self, katex_js: Path = DEFAULT_KATEX_JS, output: str = "htmlAndMathml") -> None:
        from py_mini_racer import MiniRacer  # mini-racer's import name

        self.output = output
        self._ctx = MiniRacer()
        self._lock = threading.Lock()
        self._ctx.eval(_SHIM)
        self._ctx.eval(Path(katex_js).read_text(encoding="utf-8"))
        self._ctx.eval(_CALL)
        # mini-racer 0.14 can hang in mr_free_context when the isolate is only freed by
        # MiniRacer.__del__ during interpreter teardown (seen here 2 runs out of 3); closing it
        # explicitly before teardown avoids that.
        atexit.register(self.close)

    def close(self) -> None:
        with self._lock:
            if self._ctx is not None:
                self._ctx.close()
                self._ctx = None  # type: ignore[assignment]

    def render(self, tex: str, display: bool, macros_key: str = "") -> tuple[str, list[str]]:
        """Return (markup, warnings); raise ValueError with KaTeX's message on a parse error."""
        with self._lock:
            raw = self._ctx.call("__render", tex, display, macros_key, self.output)
        res = json.loads(raw)
        if not res["ok"]:
            raise ValueError(res["error"])
        return res["html"], res["warnings"]

    def forget_macros(self, macros_key: str) -> None:
        with self._lock:
            self._ctx.call("__forget", macros_key)


_default_renderer: KatexRenderer | None = None


def default_renderer() -> KatexRenderer:
    global _default_renderer
    if _default_renderer is None:
        _default_renderer = KatexRenderer()
    return _default_renderer


# ---------------------------------------------------------------------------------------
# Finding formulas (a port of KaTeX auto-render's splitAtDelimiters)
# ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Delim:
    left: str
    right: str
    display: bool


NOTEBOOK_DELIMITERS = (
    Delim("$$", "$$", True),
    Delim("\\[", "\\]", True),
    Delim("\\(", "\\)", False),
    Delim("$", "$", False),
)
_AMS = re.compile(r"^\\begin\{")


def _find_end_of_math(delim: str, text: str, start: int) -> int:
    index, brace_level = start, 0
    while index < len(text):
        ch = text[index]
        if brace_level <= 0 and text.startswith(delim, index):
            return index
        if ch == "\\":
            index += 1
        elif ch == "{":
            brace_level += 1
        elif ch == "}":
            brace_level -= 1
        index += 1
    return -1


def split_at_delimiters(text: str, delims: tuple[Delim, ...]) -> list[tuple[str, str, bool]]:
    """Split ``text`` into ("text", s, False) and ("math", tex, display) parts, as auto-render."""
    left_re = re.compile("|".join(re.escape(d.left) for d in delims))
    out: list[tuple[str, str, bool]] = []
    while True:
        m = left_re.search(text)
        if m is None:
            break
        if m.start() > 0:
            out.append(("text", text[: m.start()], False))
            text = text[m.start():]
        d = next(d for d in delims if text.startswith(d.left))
        end = _find_end_of_math(d.right, text, len(d.left))
        if end == -1:
            break
        raw = text[: end + len(d.right)]
        math = raw if _AMS.match(raw) else text[len(d.left): end]
        out.append(("math", math, d.display))
        text = text[end + len(d.right):]
    if text:
        out.append(("text", text, False))
    return out


# A start or end tag (quoted attribute values may hold ">"), a comment, a doctype, or a whole
# raw-text element (script/style/textarea), whose content is never parsed for tags.
_TOKEN = re.compile(
    r"<!--.*?-->"
    r"|<(script|style|textarea|noscript)\b(?:\"[^\"]*\"|'[^']*'|[^'\">])*>.*?</\1\s*>"
    r"|<![^>]*>"
    r"|</?[a-zA-Z][^\s/>]*(?:\"[^\"]*\"|'[^']*'|[^'\">])*>",
    re.S | re.I,
)
_TAG_NAME = re.compile(r"</?([a-zA-Z][^\s/>]*)")
_CLASS_ATTR = re.compile(r"""\bclass\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)
_ARITHMATEX_START = re.compile(r"<(span|div)\b((?:\"[^\"]*\"|'[^']*'|[^'\">])*)>", re.I)
_IGNORED = {"script", "noscript", "style", "textarea", "pre", "code", "option"}
_NOTEBOOK_CLASSES = {"jp-RenderedMarkdown", "jp-RenderedLatex"}


def _classes(tag: str) -> set[str]:
    m = _CLASS_ATTR.search(tag)
    if not m:
        return set()
    return set((m.group(1) or m.group(2) or m.group(3) or "").split())


@dataclass
class Formula:
    """One formula found in a page: where its source text lies and what to render."""

    start: int          # span of the source to replace
    end: int
    tex: str
    display: bool
    kind: str           # "arithmatex" or "notebook"
    group: int = 0      # auto-render call it belongs to (macros are shared inside one)
    wrapper: str = ""   # for arithmatex: the element's tag name (span/div)
    attrs: str = ""     # for arithmatex: the element's attributes
    # For a notebook text node: all its parts, rendered together.
    parts: list[tuple[str, str, bool]] = field(default_factory=list)


def _iter_arithmatex(doc: str) -> Iterator[Formula]:
    for m in _ARITHMATEX_START.finditer(doc):
        tag, attrs = m.group(1).lower(), m.group(2)
        if "arithmatex" not in _classes(f"<x{attrs}>"):
            continue
        close = doc.find(f"</{tag}>", m.end())
        inner = doc[m.end():close]
        if close == -1 or "<" in inner:
            raise FormulaSyntaxError(doc[m.start():m.start() + 200],
                                     "arithmatex element with markup inside")
        end = close + len(tag) + 3
        text = _html.unescape(inner)
        # arithmatex (generic) writes exactly one formula: \(...\), \[...\], or a bare
        # \begin{env}...\end{env} block. Take the delimiters off directly rather than with
        # auto-render's brace-aware search, so that a formula with unbalanced braces reaches
        # KaTeX and fails the build (auto-render would silently leave it as raw text).
        body = text.strip()
        if body.startswith("\\(") and body.endswith("\\)"):
            tex, display = body[2:-2], False
        elif body.startswith("\\[") and body.endswith("\\]"):
            tex, display = body[2:-2], True
        elif tag == "div" and body.startswith("\\begin{"):
            tex, display = body, True
        else:
            raise FormulaSyntaxError(text,
                                     "arithmatex element without \\( \\) or \\[ \\] delimiters")
        yield Formula(m.start(), end, tex, display, "arithmatex", wrapper=tag, attrs=attrs)


def _iter_notebook_text_nodes(doc: str) -> Iterator[Formula]:
    """Text nodes holding formulas inside .jp-RenderedMarkdown / .jp-RenderedLatex."""
    wrapper_at = doc.find("jupyter-wrapper")
    if wrapper_at == -1:
        return
    region_tag: str | None = None
    region_depth = 0
    ignored_depth = 0
    group = 0
    pos = 0
    for m in _TOKEN.finditer(doc, wrapper_at):
        if region_tag is not None and ignored_depth == 0 and m.start() > pos:
            yield from _text_node(doc, pos, m.start(), group)
        pos = m.end()
        tok = m.group(0)
        if tok.startswith("<!") or m.group(1):
            continue  # comment, doctype, or a whole script/style/textarea/noscript element
        name = _TAG_NAME.match(tok).group(1).lower()  # type: ignore[union-attr]
        closing = tok.startswith("</")
        self_closing = tok.endswith("/>")
        if region_tag is None:
            if not closing and _classes(tok) & _NOTEBOOK_CLASSES:
                region_tag, region_depth, ignored_depth = name, 1, 0
                group += 1
            continue
        if name == region_tag and not self_closing:
            region_depth += -1 if closing else 1
            if region_depth == 0:
                region_tag = None
                continue
        if name in _IGNORED and not self_closing:
            ignored_depth = max(0, ignored_depth + (-1 if closing else 1))


def _text_node(doc: str, start: int, end: int, group: int) -> Iterator[Formula]:
    raw = doc[start:end]
    if "$" not in raw and "\\" not in raw:
        return
    parts = split_at_delimiters(_html.unescape(raw), NOTEBOOK_DELIMITERS)
    if any(p[0] == "math" for p in parts):
        yield Formula(start, end, "", False, "notebook", group=group, parts=parts)


def iter_formulas(doc: str) -> list[Formula]:
    """Every formula site of a page, in document order."""
    found = list(_iter_arithmatex(doc)) + list(_iter_notebook_text_nodes(doc))
    found.sort(key=lambda f: f.start)
    for a, b in itertools.pairwise(found):
        if b.start < a.end:
            raise FormulaSyntaxError(doc[b.start:b.start + 200], "overlapping formula sites")
    return found


# ---------------------------------------------------------------------------------------
# Rewriting a page
# ---------------------------------------------------------------------------------------

def _add_attr(attrs: str, name: str, value: str) -> str:
    if re.search(rf"\b{name}\s*=", attrs):
        return attrs
    return f'{attrs} {name}="{value}"'


def render_html(
    html: str,
    page: str,
    renderer: KatexRenderer | None = None,
    on_warning: Callable[[str], None] | None = None,
) -> str:
    """Return ``html`` with every formula rendered; raise MathRenderError naming page+formula."""
    try:
        formulas = iter_formulas(html)
    except FormulaSyntaxError as e:
        raise MathRenderError(page, e.tex, e.reason) from None
    if not formulas:
        return html
    r = renderer or default_renderer()

    def render(tex: str, display: bool, macros_key: str = "") -> str:
        try:
            out, warnings = r.render(tex, display, macros_key)
        except ValueError as e:
            raise MathRenderError(page, tex, str(e).replace("\u0332", "")) from None
        for w in warnings:
            if on_warning is not None:
                on_warning(f"{page}: formula {tex!r}: {w}")
        return out

    pieces: list[str] = []
    pos = 0
    groups_used: set[str] = set()
    for f in formulas:
        pieces.append(html[pos:f.start])
        if f.kind == "arithmatex":
            attrs = f.attrs
            if f.display:
                attrs = _add_attr(attrs, "tabindex", "0")
            markup = render(f.tex, f.display)
            pieces.append(f"<{f.wrapper}{attrs}><span>{markup}</span></{f.wrapper}>")
        else:
            key = f"{id(html)}:{f.group}"  # one auto-render call per notebook cell
            groups_used.add(key)
            out = []
            for kind, s, display in f.parts:
                if kind == "text":
                    out.append(_html.escape(s, quote=False))
                    continue
                markup = render(s, display, key)
                if display:
                    markup = markup.replace('<span class="katex-display">',
                                            '<span class="katex-display" tabindex="0">', 1)
                out.append(f"<span>{markup}</span>")
            pieces.append("".join(out))
        pos = f.end
    pieces.append(html[pos:])
    for key in groups_used:
        r.forget_macros(key)
    return "".join(pieces)


_KATEX_CSS_LINK = re.compile(r'[ \t]*<link rel="stylesheet" href="[^"]*katex\.min\.css">\n?')


def drop_unused_katex_css(html: str) -> str:
    """Remove the katex.min.css link from a page with no formula (one render-blocking request
    fewer on the home page, API reference, model analysis, ...)."""
    return html if 'class="katex' in html else _KATEX_CSS_LINK.sub("", html)
