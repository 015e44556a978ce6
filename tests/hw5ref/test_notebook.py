"""hw5ref.notebook: the figures of the notebooks as stable SVG, shown with alternative text."""

from __future__ import annotations

import base64
import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pytest

from hw5ref import notebook


def line_figure() -> matplotlib.figure.Figure:
    fig, ax = plt.subplots(figsize=(2, 1))
    ax.plot([0, 1, 2], [2, 0, 1])
    return fig


def test_the_same_figure_gives_the_same_bytes_and_is_closed() -> None:
    first, second = line_figure(), line_figure()
    a, b = notebook.svg_text(first), notebook.svg_text(second)
    assert a == b and a.lstrip().startswith("<?xml") and "<svg" in a
    assert "<dc:date>" not in a  # no build date in the bytes
    assert not plt.fignum_exists(first.number) and not plt.fignum_exists(second.number)


def test_the_salt_is_what_makes_the_ids_stable() -> None:
    """Without the salt matplotlib derives ids from a random value: two runs differ."""
    with matplotlib.rc_context({"svg.hashsalt": None}):
        import io

        texts = []
        for _ in range(2):
            buf = io.StringIO()
            fig = line_figure()
            fig.savefig(buf, format="svg", metadata={"Date": None})
            plt.close(fig)
            texts.append(buf.getvalue())
    ids = [set(re.findall(r'id="([^"]+)"', t)) for t in texts]
    assert ids[0] != ids[1]


def test_the_image_carries_the_svg_and_the_escaped_alt_text() -> None:
    svg = notebook.svg_text(line_figure())
    tag = notebook.image_html(svg, 'rows < columns & "x"')
    data = re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', tag)
    assert data is not None and base64.b64decode(data.group(1)).decode("utf-8") == svg
    assert tag.endswith('alt="rows &lt; columns &amp; &quot;x&quot;">')


def test_show_displays_the_image(monkeypatch: pytest.MonkeyPatch) -> None:
    import IPython.display

    shown: list[object] = []
    monkeypatch.setattr(IPython.display, "display", shown.append)
    notebook.show("<svg/>", "an empty figure")
    assert [h.data for h in shown] == [notebook.image_html("<svg/>", "an empty figure")]  # type: ignore[attr-defined]


@pytest.mark.parametrize(("svg", "alt", "named"), [
    ("<svg/>", "", "alt"), ("<svg/>", "   ", "alt"), ("<svg/>", None, "alt"),
    ("not svg", "a figure", "svg"), (b"<svg/>", "a figure", "svg"),
])
def test_bad_image_arguments_are_named(svg: object, alt: object, named: str) -> None:
    with pytest.raises(ValueError, match=rf"^{named}: "):
        notebook.image_html(svg, alt)  # type: ignore[arg-type]


def test_svg_text_names_a_non_figure() -> None:
    with pytest.raises(TypeError, match=r"^fig: expected a matplotlib Figure, got list"):
        notebook.svg_text([1, 2])  # type: ignore[arg-type]
