"""Every notebook in docs/notebooks runs top to bottom, and is a well-formed jupytext notebook.

The site build executes the notebooks (sitebuild/notebooks.py); running them here as plain
scripts catches a broken notebook, including its own ``assert`` checks, without a site build.
Figures go to the non-interactive Agg backend and are closed afterwards.
"""

from __future__ import annotations

import runpy
import warnings
from pathlib import Path

import jupytext
import matplotlib
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "docs" / "notebooks").glob("*.py"))


def test_there_are_notebooks() -> None:
    names = {p.name for p in NOTEBOOKS}
    assert {"transposed_conv_scatter.py", "normalization_diagrams.py",
            "q2b_large_batch.py"} <= names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_percent_format_with_a_title(path: Path) -> None:
    nb = jupytext.read(path)
    assert nb.metadata["jupytext"]["text_representation"]["format_name"] == "percent"
    assert nb.metadata["kernelspec"]["name"] == "python3"
    first = nb.cells[0]
    assert first.cell_type == "markdown" and first.source.startswith("# "), (
        f"{path.name}: the first cell must be a markdown cell starting with a '# ' title "
        "(mkdocs-jupyter uses it as the page title)"
    )
    assert any(c.cell_type == "code" for c in nb.cells)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(path.parent)
    try:
        with warnings.catch_warnings():
            # plt.show() on the Agg backend only warns that it cannot open a window.
            warnings.filterwarnings("ignore", message=".*non-interactive.*")
            runpy.run_path(str(path), run_name="__main__")
    finally:
        plt.close("all")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_a_downloaded_notebook_installs_the_version_it_was_published_with(path: Path) -> None:
    """Outside the repository (Colab, a fresh Jupyter) the first code cell installs hw5ref at
    the site's version; the cell is hidden on the site page but kept in the download."""
    import re

    import hw5ref

    nb = jupytext.read(path)
    first_code = next(c for c in nb.cells if c.cell_type == "code")
    assert "remove-cell" in first_code.metadata.get("tags", [])
    pinned = re.search(r'^HW5REF_VERSION = "([^"]+)"', first_code.source, re.M)
    assert pinned is not None and pinned.group(1) == hw5ref.__version__
    assert "find_spec(\"hw5ref\") is None" in first_code.source
