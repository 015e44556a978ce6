"""The numbers and answer letters typed into the docs, and the allowlist that accounts for them.

Every result a page shows is rendered from :mod:`hw5ref.answers` by the ``answer`` macro, so it
is not in the Markdown at all. What remains typed in the prose, formulas and tables of
``docs/`` (notebook Markdown cells included) is found by :func:`literals`: problem data written
out by hand (the input signal of Q1(b), the 224 x 224 image) and notation (the 1 of
``1 - p``, the 2 of ``2p``). :data:`ALLOWLIST` (``sitebuild/literals.yaml``) lists, per page,
each such literal with the problem-data key of ``hw5ref.answers`` it stands for, or
``notation``, and how often it occurs; :func:`problems` reports every literal that is not
listed, listed with a key whose value does not contain it, or found a different number of times.
So a typed result, or any edit to a typed number, makes the docs tests fail.

Not scanned: front matter, code (fenced blocks are tests; inline code is names and commands),
macro calls, HTML tags and comments, link targets, heading attributes, sub- and superscripts in
formulas, and sub-part labels such as ``Q1``, ``3(b)`` or ``4(a)-4(d)``.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["ALLOWLIST", "DOCS", "Literal", "problems", "scan_page", "sources"]

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
ALLOWLIST = Path(__file__).with_name("literals.yaml")
NOTATION, NAME = "notation", "name"
#: Notation may only be these small integers (the 1 of 1 - p, the 2 of 2p): any other number
#: is data, a part of a name, or a result, and results are rendered by macros.
NOTATION_VALUES = frozenset({"0", "1", "2"})


@dataclass(frozen=True)
class Literal:
    """A number or answer letter typed on a page: ``text`` at ``offset`` (line ``line``)."""

    page: str
    line: int
    offset: int
    text: str
    context: str  # "prose" or "math"


def _blank(text: str, pattern: re.Pattern[str], keep: int = 0) -> str:
    """Replace each match of ``pattern`` (all but group ``keep``, if given) by spaces, keeping
    offsets and line breaks."""

    def spaces(s: str) -> str:
        return re.sub(r"[^\n]", " ", s)

    def sub(m: re.Match[str]) -> str:
        if keep:
            a, b = m.start(keep) - m.start(), m.end(keep) - m.start()
            return spaces(m.group()[:a]) + m.group(keep) + spaces(m.group()[b:])
        return spaces(m.group())

    return pattern.sub(sub, text)


_FRONT = re.compile(r"\A---\n.*?\n---\n", re.S)
_FENCE = re.compile(r"^([ \t]*)(`{3,}|~{3,}).*?\n(?:.*?\n)*?\1\2[ \t]*$", re.M)
_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{##.*?##\}", re.S)
_DIRECTIVE = re.compile(r"^:::.*(?:\n(?: {4}.*|\s*))*", re.M)  # mkdocstrings blocks
_LIST_NUMBER = re.compile(r"^\s*\d+\.(?=\s)", re.M)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_LINK_TARGET = re.compile(r"\]\([^)]*\)|^\[[^\]]+\]:.*$", re.M)
_ATTRS = re.compile(r"\{\s*[:#.][^}]*\}")
_INLINE_CODE = re.compile(r"(`+)(?!`).+?(?<!`)\1(?!`)", re.S)
_LABEL = re.compile(r"\bQ[1-4](?:\([a-d]\))?|\b[1-4]\([a-d]\)(?:\s*[-–]\s*[1-4]\([a-d]\))?"
                    r"|\bquestions? [1-4](?:\s*[-–]\s*[1-4])?\b|\bQ[1-4]\s*[-–]\s*Q?[1-4]\b"
                    r"|\b[1-3]-D\b")
_MATH = re.compile(r"\$\$.+?\$\$|\\\[.+?\\\]|\\\(.+?\\\)|(?<![\\$])\$(?!\$).+?(?<!\\)\$", re.S)
_SCRIPT = re.compile(r"[_^](?:\{[^{}]*(?:\{[^{}]*\}[^{}]*)*\}|\\?[A-Za-z0-9])")
_SHORT_FRAC = re.compile(r"\\[dt]?frac(\d)(\d)")  # \frac14: two one-digit arguments
_COMMAND = re.compile(r"\\[A-Za-z]+")
# A number may be glued to a variable (the 4 of 4w_2) but not follow a letter (x11 is a name).
_NUMBER = re.compile(r"(?<![\w.])\d{1,3}(?:,\d{3})+(?![\d,])|(?<![\w.])\d+(?:\.\d+)?")
_LETTER = re.compile(r"\*\*([ABC])\*\*|\b(?:picture|panel|diagram)s?\s+\**([ABC])\b")


def scan_page(text: str, page: str) -> list[Literal]:
    """Every number (and, on the Q2 page, answer letter) typed in the prose, formulas and
    tables of a Markdown page, with where it is."""
    clean = text
    for pattern in (_FRONT, _FENCE, _JINJA, _DIRECTIVE, _COMMENT, _LINK_TARGET, _TAG, _ATTRS,
                    _INLINE_CODE, _LIST_NUMBER):
        clean = _blank(clean, pattern)
    math_spans = [(m.start(), m.end()) for m in _MATH.finditer(clean)]
    in_math = np.zeros(len(clean) + 1, dtype=bool)
    for a, b in math_spans:
        in_math[a:b] = True
    for a, b in math_spans:  # sub- and superscripts inside formulas are notation
        span = _SHORT_FRAC.sub(lambda m: " " * (len(m.group()) - 3) + f"{m[1]} {m[2]}",
                               clean[a:b])
        clean = clean[:a] + _blank(_blank(span, _SCRIPT), _COMMAND) + clean[b:]
    clean = _blank(clean, _LABEL)
    found = [Literal(page, clean.count("\n", 0, m.start()) + 1, m.start(), m.group(),
                     "math" if in_math[m.start()] else "prose")
             for m in _NUMBER.finditer(clean)]
    if page.startswith("solutions/q2"):
        for m in _LETTER.finditer(clean):
            group = 1 if m.group(1) else 2
            found.append(Literal(page, clean.count("\n", 0, m.start(group)) + 1,
                                 m.start(group), m.group(group), "prose"))
    return sorted(found, key=lambda lit: lit.offset)


def _notebook_markdown(path: Path) -> str:
    import jupytext

    cells = jupytext.read(path).cells
    return "\n\n".join(c.source for c in cells if c.cell_type == "markdown")


def sources(docs: Path = DOCS) -> dict[str, str]:
    """docs path -> scanned text: every Markdown page, and the Markdown cells of notebooks."""
    out = {p.relative_to(docs).as_posix(): p.read_text(encoding="utf-8")
           for p in sorted(docs.rglob("*.md"))}
    out.update({p.relative_to(docs).as_posix(): _notebook_markdown(p)
                for p in sorted((docs / "notebooks").glob("*.py"))})
    return out


@functools.cache
def allowlist(path: Path = ALLOWLIST) -> dict[str, dict[str, dict[str, Any]]]:
    """The allowlist: page -> literal -> ``{"count": n, "stands_for": [...]}``."""
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {page: {str(lit): dict(entry) for lit, entry in (entries or {}).items()}
            for page, entries in data.items()}


def _contains(key: str, text: str) -> bool:
    """Whether the value of ``key`` is, or has an entry equal to, the literal ``text``."""
    from hw5ref import answers

    value = answers.value(key)
    if isinstance(value, str):
        return value == text
    flat = np.asarray(value, dtype=np.float64).ravel()
    return bool(np.any(np.isclose(flat, float(text.replace(",", "")), rtol=0, atol=1e-12)))


def _entry_problems(page: str, text: str, entry: dict[str, Any], found: list[Literal]) -> list[str]:
    out = []
    count = sum(lit.text == text for lit in found)
    if count != entry.get("count"):
        out.append(f"{page}: {text!r} occurs {count} times, the allowlist says "
                   f"{entry.get('count')}")
    stands_for = entry.get("stands_for")
    if not isinstance(stands_for, list) or not stands_for:
        return [*out, f"{page}: {text!r} needs a non-empty stands_for list"]
    for what in stands_for:
        if what == NOTATION and text not in NOTATION_VALUES:
            out.append(f"{page}: {text!r} cannot be notation (only {sorted(NOTATION_VALUES)})")
        elif what == NAME and any(lit.context != "prose" for lit in found if lit.text == text):
            out.append(f"{page}: {text!r} is listed as part of a name but occurs in a formula")
        elif what not in (NOTATION, NAME):
            from hw5ref import answers

            if what not in answers.ENTRIES or not answers.ENTRIES[what].data:
                out.append(f"{page}: {text!r} stands for {what!r}, which is not a problem-data "
                           "key of hw5ref.answers")
            elif not _contains(what, text):
                out.append(f"{page}: {text!r} stands for {what!r}, whose value does not contain "
                           "it")
    return out


def problems(pages: dict[str, str] | None = None,
             listed: dict[str, dict[str, dict[str, Any]]] | None = None) -> list[str]:
    """Every literal not accounted for by the allowlist, and every allowlist entry that is
    wrong: a count that differs from the pages, a key that is not problem data or does not
    contain its literal, notation that is not a small integer, a name inside a formula."""
    pages = pages if pages is not None else sources()
    listed = listed if listed is not None else allowlist()
    out: list[str] = []
    for page, text in pages.items():
        found = scan_page(text, page)
        entries = listed.get(page, {})
        out += [f"{page}:{lit.line}: {lit.text!r} ({lit.context}) is typed on the page: render "
                "it with a macro, or list it in sitebuild/literals.yaml with what it stands for"
                for lit in found if lit.text not in entries]
        for text_, entry in entries.items():
            out += _entry_problems(page, text_, entry, found)
    out += [f"{page}: listed in the allowlist but not a docs page"
            for page in sorted(set(listed) - set(pages))]
    return out
