"""How a published value is written on a page: the one definition behind every value a reader
sees, whether a page asks for it with the ``answer`` macro or a record's note does.

Record notes are short Jinja templates (``the centre is {{ answer("q1c.output",
index=[2, 2]) }}``); :func:`prose` renders them with the same :func:`answer`.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

import numpy as np

from hw5ref import answers
from hw5ref.values import Style, format_value

__all__ = ["answer", "prose"]


def answer(key: str, style: Style = "text", index: int | Sequence[int] | None = None,
           decimals: int | None = None, thousands: bool = False) -> str:
    """The value of ``hw5ref.answers`` key ``key`` as page text.

    ``style``: ``"text"`` (prose: ``448``, ``[2, -1, 3]``), ``"tex"`` (inside a formula: a
    matrix becomes a ``bmatrix``, a vector ``[2,\\ -1,\\ 3]``), ``"tex-paren"`` (a vector in
    parentheses); ``index``: one entry, counted from 1 (``index=[2, 2]`` is the centre of a
    3 x 3 matrix); ``decimals`` defaults to the precision the key is published at;
    ``thousands`` groups digits with commas.

    >>> answer("q1a.dense_params", thousands=True), answer("q1c.output", index=[2, 2])
    ('120,847,089,664', '-3')
    >>> answer("q4.dropout_minimizer", "tex-paren")
    '(0.6295,\\\\ 0.0201,\\\\ -0.2381)'
    """
    entry = answers.entry(key)
    value = entry.compute()
    if isinstance(value, str):
        if index is not None or style != "text":
            raise ValueError(f"answer({key!r}): a letter takes no index or style")
        return value
    if index is not None:
        at = (index,) if isinstance(index, int) else tuple(index)
        array = np.asarray(value)
        if len(at) != array.ndim or not all(1 <= i <= n for i, n in zip(at, array.shape,
                                                                          strict=False)):
            raise ValueError(f"answer({key!r}): index {list(at)} (from 1) is outside the "
                             f"value's shape {array.shape}")
        value = array[tuple(i - 1 for i in at)]
    places = decimals if decimals is not None else entry.decimals
    return format_value(value, style, places, thousands)


@functools.cache
def _environment() -> Any:
    import jinja2

    env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False,
                             keep_trailing_newline=True)
    env.globals["answer"] = answer
    return env


def prose(text: str) -> str:
    """A record's note with its ``{{ answer(...) }}`` calls rendered.

    >>> prose('the centre is {{ answer("q1c.output", index=[2, 2]) }}')
    'the centre is -3'
    """
    if "{" not in text:
        return text
    rendered: str = _environment().from_string(text).render()
    return rendered
