"""Build-time macros for mkdocs-macros-plugin (``module_name: tools/macros`` in mkdocs.yml).

Macros run only on pages whose front matter says ``render_macros: true``. Anything a macro
returns is computed while the site builds, so no literal copy of it exists in the Markdown to
drift out of date. Jinja comments use ``{## ... ##}`` (set in mkdocs.yml) so that heading
anchors like ``{#q2a}`` stay plain Markdown.

Add a macro by writing a plain function below and registering it in :func:`define_env`.
(``notebook_figure``, which shows a figure from an executed notebook, is registered by the
hook that executes the notebooks, tools/notebook_cache.py.)
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "docs" / "notebooks"


# ------------------------------------------------------------------ answer-tagged tables
def answer_span(key: str, text: str | None = None) -> str:
    """An answer tag for ``key``; ``text`` defaults to the published value (integers only)."""
    from hw5ref import answers

    if text is None:
        value = answers.value(key)
        if isinstance(value, bool) or not float(value).is_integer():
            raise ValueError(f"answer_span({key!r}) needs explicit text for non-integer {value!r}")
        text = str(int(value))
    return f'<span class="hw5-answer" data-key="{key}">{text}</span>'


Q3_COLUMNS = (
    ("standard", "Standard conv"),
    ("depthwise", "Depthwise"),
    ("pointwise", "Pointwise"),
    ("separable", "Separable total"),
)
Q3_CONVENTION_LABELS = {
    "weights_only": "Weights only",
    "all_biases": "All biases",
    "pointwise_biases_only": "Pointwise biases only",
}


def q3_table(used_by: dict[str, str] | None = None) -> str:
    """Q3 parameter counts, one row per bias convention in ``answers.Q3_CONVENTIONS``; every
    cell is an answer tag.  ``used_by`` maps a convention to Markdown for a "Used by" column.
    """
    from hw5ref import answers

    used_by = used_by or {}
    unknown = set(used_by) - set(answers.Q3_CONVENTIONS)
    if unknown:
        raise ValueError(f"q3_table: unknown conventions {sorted(unknown)}")
    header = ["Convention", *(label for _, label in Q3_COLUMNS)]
    if used_by:
        header.append("Used by")
    rows = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for convention in answers.Q3_CONVENTIONS:
        counts = answers.q3_counts(convention)
        cells = [Q3_CONVENTION_LABELS.get(convention, convention)]
        for part, _ in Q3_COLUMNS:
            key = f"q3.{convention}.{part}"
            if answers.value(key) != counts[part]:  # the cell must show the published key
                raise ValueError(f"q3_table: {key} disagrees with q3_counts({convention!r})")
            cells.append(answer_span(key, str(counts[part])))
        if used_by:
            cells.append(used_by.get(convention, ""))
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


def q4a_derivation() -> str:
    """Q4(a): one numbered block per line of ``hw5ref.derivations.DROPOUT_DERIVATION`` (the
    same lines tests/docs/test_q4_derivation.py checks against exact enumeration)."""
    from hw5ref import derivations

    blocks = []
    for i, step in enumerate(derivations.DROPOUT_DERIVATION, start=1):
        lhs = r"\mathcal{L}(\tilde w) = " if i == 1 else "= "
        blocks.append(f"**Line {i} ({step.label}).** {step.reason}\n\n$$\n{lhs}{step.latex}\n$$")
    return "\n\n".join(blocks)


def notebook_list() -> str:
    """A Markdown list linking every docs/notebooks/*.py by its title, in question order.

    The order key is the first "Q<n>(<part>)" mentioned in the notebook's first cell.
    """
    import re

    import jupytext

    entries = []
    for path in NOTEBOOKS.glob("*.py"):
        source = jupytext.read(path).cells[0].source
        title = source.splitlines()[0].lstrip("#").strip()
        match = re.search(r"Q(\d)\(?([a-d])?", source)
        order = (match.group(1), match.group(2) or "") if match else ("9", "")
        entries.append((order, path.name, f"- [{title}]({path.name})"))
    return "\n".join(line for *_, line in sorted(entries))


# ------------------------------------------------------------------ instructors page
def hw5ref_cli(command: str) -> str:
    """Run ``python -m hw5ref COMMAND`` in-process at build time and show the command, what it
    printed (standard output, then standard error) and its exit status as a text block."""
    import shlex

    from hw5ref.__main__ import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(shlex.split(command))
    printed = (out.getvalue() + err.getvalue()).rstrip("\n")
    return f"```text\n$ python -m hw5ref {command}\n{printed}\n[exit status {status}]\n```"


def variant_markdown(part: str, seed: int, level: int = 3) -> str:
    """A generated variant (``hw5ref.variants.variant``) as Markdown, its heading at ``level``."""
    from hw5ref import variants

    text = variants.variant(part, seed).to_markdown()
    return "#" * level + text.removeprefix("##")


def define_env(env: Any) -> None:
    """Register the macros (called by mkdocs-macros-plugin)."""
    env.macro(notebook_list)
    env.macro(answer_span)
    env.macro(q3_table)
    env.macro(q4a_derivation)
    env.macro(hw5ref_cli)
    env.macro(variant_markdown)
