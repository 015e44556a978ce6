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

__all__ = ["PREMISES", "QUESTIONS", "SUBPARTS", "Premise", "Question", "SubPart", "entry_label",
           "normalize", "premise", "subpart"]


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


@dataclass(frozen=True)
class Premise:
    """What the homework states or asks, in our words, where a verdict on a model rests on it.

    ``id`` is the anchor (``premise-<id>``) where the solutions page restates it, from this
    ``text`` (Markdown with ``$...$`` math); ``parts`` are the sub-parts it concerns.
    """

    id: str
    parts: tuple[str, ...]
    text: str

    @property
    def link(self) -> str:
        """Docs path and anchor of the restatement: ``"solutions/q3-....md#premise-..."``."""
        return f"{subpart(self.parts[0]).question.page}#premise-{self.id}"


#: The homework's statements that a verdict on a model depends on; each is restated on its
#: solutions page from this text, and records cite it by id.
PREMISES: tuple[Premise, ...] = (
    Premise("q2a-figure", ("q2a",),
            "The homework's figure is in neither report, so its letters follow Gemini's "
            "description of the three panels, which Gemini's reviewer marked correct: **A** "
            "shades one "
            "channel across all samples and positions, **B** one sample across all channels "
            "and positions, and **C** one sample and one channel across positions."),
    Premise("q2b-bounded", ("q2b",),
            "The homework adds that all relevant quantities may be assumed bounded as "
            "$n \\to \\infty$; we read this as: the total upstream gradient $\\sum_i g_i$ "
            "stays bounded."),
    Premise("q3-ignore-biases", ("q3a", "q3b"),
            "Throughout this problem, biases are ignored when counting learnable parameters."),
    Premise("q4-gamma-tilde", ("q4a", "q4b"),
            "$\\tilde\\Gamma$ is the diagonal matrix of the column norms of $X$: "
            "$\\tilde\\Gamma_{jj} = \\lVert X_{:,j}\\rVert_2$ (norms, not squared norms)."),
    Premise("q4b-asks-gamma", ("q4b",),
            "The question asks for both the change of variables $w = f(\\tilde w)$, the "
            "weights to use without dropout, and the matrix $\\Gamma$ of the classical "
            "Tikhonov objective."),
    Premise("q4c-target", ("q4c",),
            "The target is ridge regression on a new data matrix: "
            "$\\lVert y - \\tilde X\\tilde w\\rVert_2^2 + \\lambda\\lVert\\tilde w\\rVert_2^2$."),
)


def premise(premise_id: str) -> Premise:
    """The :class:`Premise` with this id; ``KeyError`` names the known ids otherwise.

    >>> premise("q3-ignore-biases").link
    'solutions/q3-depthwise-separable.md#premise-q3-ignore-biases'
    """
    for item in PREMISES:
        if item.id == premise_id:
            return item
    raise KeyError(f"unknown premise {premise_id!r}; known: {', '.join(p.id for p in PREMISES)}")


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
