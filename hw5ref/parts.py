"""The homework's questions and sub-parts: the one list every other module reads.

Each :class:`SubPart` carries its id (``"q1b"``, also the anchor of its section on the
solutions page), its label (``"1(b)"``), a short title and its solutions page. Names a person
types (``"Q1(b)"``, ``"q1b"``, ``" 1B "``) are read by :func:`normalize`.

Entries of vectors and matrices are named the mathematical way everywhere on the site, in the
records and in the checker's messages: rows and columns counted from 1, so the top-left entry
of :math:`Y` is :math:`Y_{11}` and entry (2, 2) is the centre of a 3 x 3 matrix.
:func:`entry_label` writes such a name from a 0-based numpy index.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["QUESTIONS", "SUBPARTS", "Question", "SubPart", "entry_label", "normalize", "subpart"]


@dataclass(frozen=True)
class Question:
    """A question of the homework: ``number``, ``title`` and its solutions ``page`` (docs path)."""

    number: int
    title: str
    page: str


@dataclass(frozen=True)
class SubPart:
    """One sub-part: ``id`` ``"q1b"`` (the page anchor), ``question`` 1, ``letter`` ``"b"``."""

    id: str
    question: Question
    letter: str
    title: str

    @property
    def name(self) -> str:
        """The short name used on the command line: ``"1b"``."""
        return self.id[1:]

    @property
    def label(self) -> str:
        """The printed label: ``"1(b)"``."""
        return f"{self.question.number}({self.letter})"

    @property
    def link(self) -> str:
        """Docs path and anchor of the sub-part's solution: ``"solutions/q1-....md#q1b"``."""
        return f"{self.question.page}#{self.id}"


QUESTIONS: tuple[Question, ...] = (
    Question(1, "Convolutions", "solutions/q1-convolutions.md"),
    Question(2, "Normalization", "solutions/q2-normalization.md"),
    Question(3, "Depthwise-separable convolutions", "solutions/q3-depthwise-separable.md"),
    Question(4, "Dropout and regularization", "solutions/q4-dropout.md"),
)

_TITLES = {
    "q1a": "Why convolutions",
    "q1b": "Recovering a filter",
    "q1c": "Transposed convolution",
    "q2a": "Batch vs layer norm",
    "q2b": "Mean-only batch norm gradient",
    "q3a": "Standard convolution parameters",
    "q3b": "Depthwise-separable parameters",
    "q4a": "Dropout as Tikhonov regularization",
    "q4b": "Weights at inference",
    "q4c": "Ridge form",
    "q4d": "Column norms and batch norm",
}

#: Every sub-part of questions 1-4, in order.
SUBPARTS: tuple[SubPart, ...] = tuple(
    SubPart(sid, QUESTIONS[int(sid[1]) - 1], sid[2], title) for sid, title in _TITLES.items()
)


def normalize(name: Any, allowed: Sequence[str] | None = None) -> str:
    """The short name of a sub-part or question as typed by a person.

    ``"Q1(b)"``, ``"q1b"`` and ``" 1B "`` all give ``"1b"``; ``"4"`` gives ``"4"`` when
    ``allowed`` contains it. ``allowed`` defaults to every sub-part's short name. Raises
    ``TypeError`` for a non-string and ``ValueError`` listing ``allowed`` for anything else.

    >>> normalize("Q1(b)"), normalize(" 4A "), normalize("4", ("4",))
    ('1b', '4a', '4')
    """
    options = tuple(allowed) if allowed is not None else tuple(p.name for p in SUBPARTS)
    if not isinstance(name, str):
        raise TypeError(f"part must be a string such as '1b', got {type(name).__name__}")
    clean = "".join(name.split()).lower().replace("(", "").replace(")", "").removeprefix("q")
    if clean not in options:
        raise ValueError(f"part must be one of {', '.join(options)}; got {name!r}")
    return clean


def subpart(name: str) -> SubPart:
    """The :class:`SubPart` for any spelling :func:`normalize` accepts.

    >>> subpart("Q3(b)").link
    'solutions/q3-depthwise-separable.md#q3b'
    """
    short = normalize(name)
    return next(p for p in SUBPARTS if p.name == short)


def entry_label(index: Sequence[int]) -> str:
    """The mathematical name of a 0-based numpy index: rows and columns counted from 1; a
    vector's entry is its position alone.

    >>> entry_label((1, 1)), entry_label((0,))
    ('(2, 2)', '1')
    """
    names = [str(int(i) + 1) for i in index]
    return names[0] if len(names) == 1 else "(" + ", ".join(names) + ")"
