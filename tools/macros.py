"""Build-time macros for mkdocs-macros-plugin (``module_name: tools/macros`` in mkdocs.yml).

Macros run only on pages whose front matter says ``render_macros: true``. Anything a macro
returns is computed while the site builds, so no literal copy of it exists in the Markdown to
drift out of date. Jinja comments use ``{## ... ##}`` (set in mkdocs.yml) so that heading
anchors like ``{#q2a}`` stay plain Markdown.

Add a macro by writing a plain function below and registering it in :func:`define_env`.
"""

from __future__ import annotations

import base64
import contextlib
import html
import io
import runpy
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "docs" / "notebooks"


def run_notebook(name: str) -> dict[str, Any]:
    """Execute a jupytext notebook from docs/notebooks (Agg backend, output swallowed).

    Returns the notebook's global namespace, so a page can call the functions the notebook
    defines: the notebook stays the single source of its figures.
    """
    import matplotlib

    matplotlib.use("Agg")
    with contextlib.redirect_stdout(io.StringIO()):
        return runpy.run_path(str(NOTEBOOKS / name), run_name="hw5_notebook")


def svg_figure(svg: str, alt: str, caption: str = "") -> str:
    """An HTML ``<figure>`` with the SVG inlined as a data URI image and its alternative text."""
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    cap = f"<figcaption>{html.escape(caption)}</figcaption>" if caption else ""
    return (
        f'<figure class="hw5-figure"><img src="data:image/svg+xml;base64,{data}" '
        f'alt="{html.escape(alt, quote=True)}">{cap}</figure>'
    )


def normalization_figure(caption: str = "") -> str:
    """Q2(a): the batch / layer / instance normalization boxes, drawn from hw5ref.norm."""
    ns = run_notebook("normalization_diagrams.py")
    return svg_figure(ns["figure_svg"](), ns["alt_text"](), caption)


def define_env(env: Any) -> None:
    """Register the macros (called by mkdocs-macros-plugin)."""
    env.macro(normalization_figure)
