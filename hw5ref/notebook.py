"""Figures of the site's notebooks: a matplotlib figure as SVG text with stable bytes, shown as
an image with alternative text.

The helpers live here, once, rather than in each notebook: a downloaded notebook installs hw5ref
in its first cell, so it can import them like the site build does. matplotlib and IPython are
imported only when a helper is called, so ``import hw5ref`` still needs numpy alone.
"""

from __future__ import annotations

import base64
import html
import io
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["image_html", "show", "svg_text"]

#: Salt of matplotlib's SVG ids: the same figure gives the same bytes in every build.
SVG_SALT = "hw5ref"


def svg_text(fig: Figure) -> str:
    """``fig`` as SVG text, then closed: no timestamp, ids from :data:`SVG_SALT`.

    The notebooks' figures set their margins themselves; ``bbox_inches="tight"`` would draw
    each figure twice.
    """
    import matplotlib as mpl
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    if not isinstance(fig, Figure):
        raise TypeError(f"fig: expected a matplotlib Figure, got {type(fig).__name__}")
    buf = io.StringIO()
    with mpl.rc_context({"svg.hashsalt": SVG_SALT}):
        fig.savefig(buf, format="svg", metadata={"Date": None})
    plt.close(fig)
    return buf.getvalue()


def image_html(svg: str, alt: str) -> str:
    """``<img src="data:image/svg+xml;base64,...">`` for the SVG text ``svg``, with ``alt`` as
    its alternative text (escaped). ``alt`` must say what the figure shows: it is what a screen
    reader reads.

    >>> image_html("<svg/>", 'a "box"')
    '<img src="data:image/svg+xml;base64,PHN2Zy8+" alt="a &quot;box&quot;">'
    """
    if not isinstance(svg, str) or "<svg" not in svg:
        raise ValueError("svg: expected SVG text (from svg_text)")
    if not isinstance(alt, str) or not alt.strip():
        raise ValueError("alt: a figure needs alternative text that says what it shows")
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return f'<img src="data:image/svg+xml;base64,{data}" alt="{html.escape(alt, quote=True)}">'


def show(svg: str, alt: str) -> None:
    """Display :func:`image_html` in the notebook (outside Jupyter, IPython prints a repr)."""
    from IPython.display import HTML, display

    display(HTML(image_html(svg, alt)))  # type: ignore[no-untyped-call]
