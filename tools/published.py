r"""Find every number the docs publish as a result and check it against ``hw5ref.answers``.

The rules (see the project brief, "Guarded numbers"):

* A result is written inside ``<span class="hw5-answer" data-key="KEY">VALUE</span>``.
  ``KEY`` must be a key of ``hw5ref.answers.published()``. Every number in ``VALUE`` is
  extracted in reading order (matrices row-major) and compared with the flattened published
  value, within half a unit of the last decimal shown. String answers (letters) are compared
  as text.
* Numbers may use a Unicode minus (U+2212), LaTeX (``$...$``, ``bmatrix`` with ``&`` and
  ``\\``), ``\frac{a}{b}``, and thousands separators written ``120,847,089,664``,
  ``120{,}847`` or ``120\,847``. A comma followed directly by exactly three digits is a
  thousands separator, so separate list entries with a comma and a space: ``[2, -1, 3]``.
* Every ``!!! answer`` (or ``??? answer``) box contains at least one tagged span or a build-time
  macro ``{{ ... }}``. Outside the spans, its prose contains no digits, and its math contains no
  bare numbers (a ``$...$`` with digits and no letters, such as ``$-3$``) and no number right
  after ``=``, ``\approx`` or ``\to`` (``$\lambda = 1$``): those are results and get a tag.
* A ```` ```python ```` fence indented by four or more spaces (for example inside an admonition)
  is not seen by pytest-markdown-docs, so it must be marked ``notest`` or moved out.

Used by ``tests/docs/test_published_numbers.py`` and ``tools/guard.py``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"

# ------------------------------------------------------------------ regular expressions
SPAN_RE = re.compile(
    r'<span\s+class="hw5-answer"\s+data-key="(?P<key>[^"]*)"\s*>(?P<body>.*?)</span>', re.S
)
# Anything that looks like an answer tag; each one must also match SPAN_RE.
TAG_HINT_RE = re.compile(r"hw5-answer")
_SEP = r"(?:,|\{,\}|\\,)"
_UINT = rf"(?:\d{{1,3}}(?:{_SEP}\d{{3}})+(?!\d)|\d+)"
_UNUM = rf"{_UINT}(?:\.\d+)?"
# A number: optional unary minus (ASCII or U+2212, maybe followed by spaces), then either a
# LaTeX fraction \frac{a}{b} (also \dfrac, \tfrac) or a decimal with optional separators.
NUMBER_RE = re.compile(
    rf"(?P<sign>(?:-|\u2212)\s*)?"
    rf"(?:\\[dt]?frac\{{\s*(?P<num>{_UNUM})\s*\}}\{{\s*(?P<den>{_UNUM})\s*\}}"
    rf"|(?<![\w.])(?P<dec>(?>{_UNUM}))(?!\w|\.\d))"
)
ADMONITION_RE = re.compile(r"^(?P<indent>[ ]*)(?:!!!|\?\?\?\+?)[ ]+answer\b(?P<title>.*)$")
FENCE_RE = re.compile(r"^(?P<indent>[ ]*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
MATH_RE = re.compile(r"\$\$.*?\$\$|\\\[.*?\\\]|\\\(.*?\\\)|(?<![\\$])\$(?!\$).+?(?<!\\)\$", re.S)
INLINE_CODE_RE = re.compile(r"(`+)(?!`).+?(?<!`)\1(?!`)", re.S)
# In an answer box, a number that is the whole right-hand side of "=", "\approx" or "\to"
# reads as a result ("$\lambda = 1$"); "= 1/n" or "= 1 - p" continue into a formula.
RESULT_IN_MATH_RE = re.compile(
    r"(?:=|\\approx|\\to|\\rightarrow)\s*(?:-|\u2212)?\s*\d[\d.,]*"
    r"(?!\s*[A-Za-z\\/(^_{*+\-\u2212\d])"
)
SCRIPT_RE = re.compile(r"[_^](?:\{[^{}]*\}|\\?\w)")
MACRO_RE = re.compile(r"\{\{.*?\}\}", re.S)
# Link targets, heading attribute lists and HTML comments carry digits that are not prose.
NON_PROSE_RE = re.compile(r"\]\([^)]*\)|\{[:#][^}]*\}|<!--.*?-->|<[^>]+>", re.S)
# LaTeX that only lays numbers out; what is left after removing it decides "bare number".
LAYOUT_RE = re.compile(
    r"\\(?:begin|end)\{[a-zA-Z*]+\}|\\(?:left|right|big|Big|bigg|Bigg)\b|\\[,;:! ]|\\\\"
    r"|\\(?:quad|qquad)\b"
)


# ------------------------------------------------------------------ data classes
@dataclass(frozen=True)
class Number:
    """A number found in a text: where it is (absolute offsets) and what it says."""

    start: int
    end: int
    text: str
    value: float
    tolerance: float

    @property
    def digits(self) -> list[int]:
        """Absolute offsets of the digit characters of this number (used for mutation)."""
        return [self.start + i for i, ch in enumerate(self.text) if ch.isdigit()]


@dataclass(frozen=True)
class Tag:
    """One ``hw5-answer`` span."""

    path: str
    line: int
    key: str
    body: str
    body_start: int
    numbers: tuple[Number, ...]


@dataclass(frozen=True)
class Box:
    """One ``answer`` admonition: its title line and the offsets of its body."""

    path: str
    line: int
    title: str
    start: int
    end: int


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass
class Page:
    """Everything the checker and the guard need to know about one Markdown file."""

    path: str
    text: str
    visible: str = ""  # text with code blocks and HTML comments blanked out (offsets kept)
    tags: list[Tag] = field(default_factory=list)
    boxes: list[Box] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


# ------------------------------------------------------------------ number extraction
def _decimals(unum: str) -> int:
    return len(unum.split(".", 1)[1]) if "." in unum else 0


def _plain(unum: str) -> str:
    return unum.replace("{,}", "").replace("\\,", "").replace(",", "")


def numbers_in(text: str, offset: int = 0) -> list[Number]:
    """Every number in ``text`` in reading order, with absolute offsets ``offset + i``.

    >>> tex = r"$\\begin{bmatrix} -1 & 3 \\\\ 0 & \u22122.5 \\end{bmatrix}$"
    >>> [n.value for n in numbers_in(tex)]
    [-1.0, 3.0, 0.0, -2.5]
    >>> [n.value for n in numbers_in("120,847,089,664 and 120{,}847 and [2, -1, 3]")]
    [120847089664.0, 120847.0, 2.0, -1.0, 3.0]
    """
    found: list[Number] = []
    for m in NUMBER_RE.finditer(text):
        negative = m.group("sign") is not None
        if m.group("dec") is not None:
            raw = m.group("dec")
            value = float(_plain(raw))
            tol = 0.5 * 10.0 ** (-_decimals(raw))
        else:
            num, den = m.group("num"), m.group("den")
            if float(_plain(den)) == 0:
                continue
            value = float(Fraction(_plain(num)) / Fraction(_plain(den)))
            tol = 1e-9 * max(1.0, abs(value))
        if negative:
            value = -value
        found.append(Number(offset + m.start(), offset + m.end(), m.group(0), value, tol))
    return found


def flatten(value: Any) -> list[float] | str:
    """A published value as the list of numbers a page shows (row-major), or a string."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or value is None:
        raise TypeError(f"published values must be numbers, arrays or strings, got {value!r}")
    return [float(v) for v in np.asarray(value, dtype=float).ravel()]


def plain_text(body: str) -> str:
    """The text of a span body with math delimiters and formatting removed (for string keys)."""
    out = re.sub(r"\\(?:mathbf|mathrm|text|textbf|mathsf|mathit)\{([^}]*)\}", r"\1", body)
    out = re.sub(r"[$*_`]|\\\(|\\\)", "", out)
    return out.strip()


# ------------------------------------------------------------------ scanning a page
def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _mask(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """Replace the given ranges by spaces (newlines kept) so offsets stay valid."""
    chars = list(text)
    for a, b in spans:
        for i in range(a, b):
            if chars[i] != "\n":
                chars[i] = " "
    return "".join(chars)


def fences(text: str) -> Iterator[tuple[int, int, int, str, int]]:
    """Fenced code blocks: (start offset, end offset, indent, info string, first line number)."""
    lines = text.splitlines(keepends=True)
    pos = 0
    open_: tuple[int, int, str, str, int] | None = None  # start, indent, fence, info, line
    for lineno, line in enumerate(lines, start=1):
        m = FENCE_RE.match(line.rstrip("\n"))
        if open_ is None:
            if m:
                open_ = (pos, len(m.group("indent")), m.group("fence"), m.group("info").strip(),
                         lineno)
        elif m and m.group("fence").startswith(open_[2][0] * len(open_[2])) and not m.group(
            "info"
        ).strip():
            start, indent, _, info, first = open_
            yield start, pos + len(line), indent, info, first
            open_ = None
        pos += len(line)
    if open_ is not None:
        start, indent, _, info, first = open_
        yield start, len(text), indent, info, first


def answer_boxes(text: str, path: str = "<text>") -> list[Box]:
    """Every ``answer`` admonition; the body is the following lines indented deeper."""
    boxes: list[Box] = []
    lines = text.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    i = 0
    while i < len(lines):
        m = ADMONITION_RE.match(lines[i].rstrip("\n"))
        if not m:
            i += 1
            continue
        indent = len(m.group("indent"))
        j = i + 1
        last = i
        while j < len(lines):
            stripped = lines[j].strip()
            if stripped and len(lines[j]) - len(lines[j].lstrip(" ")) <= indent:
                break
            if stripped:
                last = j
            j += 1
        boxes.append(Box(path, i + 1, m.group("title").strip(), offsets[i + 1], offsets[last + 1]))
        i = j
    return boxes


def scan(text: str, path: str = "<text>") -> Page:
    """Find tags, answer boxes and structural problems (code-block fences) in one page."""
    page = Page(path, text)
    code = list(fences(text))
    for _, _, indent, info, first in code:
        words = info.strip("{} ").replace(".", " ").split()
        if words and words[0] in ("python", "py", "python3") and indent >= 4 and (
            "notest" not in words
        ):
            page.problems.append(Problem(path, first, (
                "python code block indented by 4+ spaces (e.g. inside an admonition): "
                "pytest-markdown-docs will not run it; move it out or mark it notest"
            )))
    visible = _mask(text, [(a, b) for a, b, *_ in code])
    visible = _mask(visible, [m.span() for m in re.finditer(r"<!--.*?-->", visible, re.S)])
    page.visible = visible
    # Inline code is shown literally, so a span written inside backticks is an example, not a tag.
    rendered = _mask(visible, [m.span() for m in INLINE_CODE_RE.finditer(visible)])

    for m in SPAN_RE.finditer(rendered):
        body_start = m.start("body")
        body = text[body_start : m.end("body")]
        nums = tuple(numbers_in(body, body_start))
        page.tags.append(Tag(path, _line_of(text, m.start()), m.group("key"), body, body_start,
                             nums))
    tagged = _mask(rendered, [m.span() for m in SPAN_RE.finditer(rendered)])
    for m in TAG_HINT_RE.finditer(tagged):
        page.problems.append(Problem(path, _line_of(text, m.start()), (
            'malformed answer tag: write exactly <span class="hw5-answer" data-key="KEY">'
            "VALUE</span>"
        )))
    page.boxes = answer_boxes(visible, path)
    return page


# ------------------------------------------------------------------ checking
def check_tag(tag: Tag, published: Mapping[str, Any]) -> list[Problem]:
    """Compare one span with the published value of its key."""
    where = (tag.path, tag.line)
    if tag.key not in published:
        return [Problem(*where, f"unknown answer key {tag.key!r} (not in hw5ref.answers)")]
    expected = flatten(published[tag.key])
    if isinstance(expected, str):
        shown_text = plain_text(tag.body)
        if shown_text != expected:
            return [Problem(*where, f"{tag.key}: shows {shown_text!r}, hw5ref says {expected!r}")]
        return []
    shown = [n.value for n in tag.numbers]
    if len(shown) != len(expected):
        return [Problem(*where, (
            f"{tag.key}: shows {len(shown)} number(s) {shown}, hw5ref has {len(expected)}: "
            f"{expected}"
        ))]
    problems = []
    for k, (n, want) in enumerate(zip(tag.numbers, expected, strict=True)):
        if abs(n.value - want) > n.tolerance * (1 + 1e-9) + 1e-12 * abs(want):
            problems.append(Problem(*where, (
                f"{tag.key}[{k}]: shows {n.text!r} = {n.value}, hw5ref says {want} "
                f"(tolerance {n.tolerance:g})"
            )))
    return problems


def check_box(page: Page, box: Box) -> list[Problem]:
    """An answer box needs a tag (or macro); its prose has no digits, its math no bare numbers."""
    text = page.text
    body = page.visible[box.start : box.end]
    where = (page.path, box.line)
    inside = [t for t in page.tags if box.start <= t.body_start < box.end]
    problems = []
    if not inside and not MACRO_RE.search(body):
        problems.append(Problem(*where, (
            f"answer box {box.title} has no tagged span and no build-time macro: "
            "tag its result with <span class=\"hw5-answer\" data-key=...>"
        )))
    masked = _mask(body, [(m.start(), m.end()) for m in SPAN_RE.finditer(body)])
    masked = _mask(masked, [m.span() for m in MACRO_RE.finditer(masked)])
    for m in MATH_RE.finditer(masked):
        math = m.group(0)
        # Indices and exponents (x_1, \sum_{i=1}^{n}, x^2) are notation, not results.
        math_core = SCRIPT_RE.sub(" ", math)
        rest = LAYOUT_RE.sub(" ", math_core)
        bare = re.search(r"\d", rest) and not re.search(r"[A-Za-z]", rest)
        if bare or RESULT_IN_MATH_RE.search(math_core):
            problems.append(Problem(page.path, _line_of(text, box.start + m.start()), (
                f"untagged number {math.strip()!r} in answer box {box.title}: wrap it in an "
                "hw5-answer span"
            )))
    prose = _mask(masked, [m.span() for m in MATH_RE.finditer(masked)])
    prose = _mask(prose, [m.span() for m in NON_PROSE_RE.finditer(prose)])
    for m in re.finditer(r"\S*\d\S*", prose):
        problems.append(Problem(page.path, _line_of(text, box.start + m.start()), (
            f"digit in answer-box prose {m.group(0)!r} in {box.title}: results go in an "
            "hw5-answer span, formulas in $math$"
        )))
    return problems


def check_page(page: Page, published: Mapping[str, Any]) -> list[Problem]:
    problems = list(page.problems)
    for tag in page.tags:
        problems.extend(check_tag(tag, published))
    for box in page.boxes:
        problems.extend(check_box(page, box))
    return problems


def check_text(text: str, published: Mapping[str, Any], path: str = "<text>") -> list[Problem]:
    """All problems in one page's Markdown source."""
    return check_page(scan(text, path), published)


def published_values() -> dict[str, Any]:
    """``hw5ref.answers.published()`` (imported lazily so this module loads without numpy work)."""
    from hw5ref import answers

    return answers.published()


def markdown_files(root: Path = DOCS) -> list[Path]:
    return sorted(p for p in root.rglob("*.md") if p.is_file())


def relative(path: Path) -> str:
    try:
        return path.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return str(path)


def check_files(paths: Iterable[Path], published: Mapping[str, Any] | None = None) -> list[Problem]:
    pub = published_values() if published is None else published
    problems: list[Problem] = []
    for p in paths:
        problems.extend(check_text(p.read_text(encoding="utf-8"), pub, relative(p)))
    return problems
