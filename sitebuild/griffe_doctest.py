"""Griffe extension: show doctest examples in docstrings as ``pycon`` code blocks.

hw5ref's docstrings carry ``>>>`` examples (run by the doctest suite). Rendered as Markdown they
would be plain paragraphs, so brackets in their output could even be read as links. This
extension, listed under ``mkdocstrings: handlers: python: options: extensions`` in mkdocs.yml,
wraps every run of ``>>>`` lines and their expected output in a fenced ``pycon`` block before
mkdocstrings renders the API reference. The docstrings themselves are not changed.
"""

from __future__ import annotations

from typing import Any

import griffe


def fence_doctests(text: str) -> str:
    """Wrap each doctest example (``>>>``/``...`` lines plus output, up to a blank line) in a fence.

    >>> fence_doctests("Sum.\\n\\n>>> 1 + 1\\n2\\n\\nMore.").splitlines()
    ['Sum.', '', '```pycon', '>>> 1 + 1', '2', '```', '', 'More.']
    """
    out: list[str] = []
    in_example = False
    fence_indent = ""
    inside_fence = False
    for line in text.splitlines():
        stripped = line.lstrip()
        if stripped.startswith("```"):
            inside_fence = not inside_fence
        if not inside_fence and not in_example and stripped.startswith(">>>"):
            fence_indent = line[: len(line) - len(stripped)]
            out.append(f"{fence_indent}```pycon")
            in_example = True
        elif in_example and not stripped:
            out.append(f"{fence_indent}```")
            in_example = False
        out.append(line)
    if in_example:
        out.append(f"{fence_indent}```")
    return "\n".join(out)


class DoctestFences(griffe.Extension):
    """Fence the doctest examples of every object that has a docstring."""

    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None and ">>>" in obj.docstring.value:
            obj.docstring.value = fence_doctests(obj.docstring.value)
