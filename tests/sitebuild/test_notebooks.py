"""sitebuild/notebooks.py: the cache key, running notebooks in kernels, and the tagged figure."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from sitebuild import notebooks


# ---- notebook cache key -----------------------------------------------------------------
def make_repo(root: Path) -> None:
    (root / "hw5ref").mkdir()
    (root / "hw5ref" / "conv.py").write_text("X = 1\n")
    (root / "docs").mkdir()
    (root / "docs" / "page.md").write_text("# Page\n")
    (root / "pyproject.toml").write_text("[project]\nname = 'x'\n")


def test_cache_key_changes_with_hw5ref_sources_only(tmp_path: Path) -> None:
    make_repo(tmp_path)
    first = notebooks.dependency_digest(tmp_path)
    (tmp_path / "docs" / "page.md").write_text("# Edited page\n")
    (tmp_path / "hw5ref" / "__pycache__").mkdir()
    (tmp_path / "hw5ref" / "__pycache__" / "conv.cpython-311.pyc").write_bytes(b"\0")
    assert notebooks.dependency_digest(tmp_path) == first
    (tmp_path / "hw5ref" / "conv.py").write_text("X = 2\n")
    second = notebooks.dependency_digest(tmp_path)
    assert second != first
    (tmp_path / "hw5ref" / "conv.py").rename(tmp_path / "hw5ref" / "norm.py")
    assert notebooks.dependency_digest(tmp_path) != second  # a rename counts too


# ---- executing the notebooks ---------------------------------------------------------------
def test_executed_copy_is_keyed_on_the_notebook_and_keeps_its_name(tmp_path: Path) -> None:
    source = tmp_path / "demo.py"
    source.write_text("x = 1\n")
    first = notebooks.executed_path(tmp_path / "cache", source)
    assert first.name == "demo.ipynb" and first.parent.parent == tmp_path / "cache"
    assert notebooks.executed_path(tmp_path / "cache", source) == first
    source.write_text("x = 2\n")  # edited: a different copy, so it is executed again
    assert notebooks.executed_path(tmp_path / "cache", source) != first


JUPYTEXT_HEADER = """# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---
"""


def test_notebooks_run_in_kernels_and_a_failing_cell_is_reported(tmp_path: Path) -> None:
    import nbformat

    good, bad = tmp_path / "good.py", tmp_path / "bad.py"
    good.write_text(JUPYTEXT_HEADER + "\n# %%\nimport os\nprint(6 * 7, os.getcwd())\n")
    bad.write_text(JUPYTEXT_HEADER + "\n# %%\nx = 1\n\n# %%\n1 / 0\n")
    jobs = {name: (path, tmp_path / "out" / f"{name}.ipynb")
            for name, path in (("good", good), ("bad", bad))}
    futures = notebooks.run_all(jobs, workers=2)

    assert futures["good"].result(timeout=120) == jobs["good"][1]
    outputs = nbformat.read(jobs["good"][1], as_version=4).cells[0].outputs
    assert [o.get("text") for o in outputs] == [f"42 {tmp_path}\n"]  # ran in its own folder
    error = futures["bad"].exception(timeout=120)
    assert error is not None and "ZeroDivisionError" in str(error)
    assert not jobs["bad"][1].exists()  # a failed run leaves no executed copy behind


def test_waiting_for_a_failed_notebook_fails_the_build_with_its_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from concurrent.futures import Future

    failed: Future[Path] = Future()
    failed.set_exception(RuntimeError("cell 3 raised ValueError: boom"))
    monkeypatch.setattr(notebooks, "_runs", {"notebooks/x.py": failed})
    with pytest.raises(RuntimeError, match=r"notebooks/x.py failed to run:\ncell 3 raised"):
        notebooks.executed("notebooks/x.py")
    with pytest.raises(RuntimeError,
                       match=re.escape("'notebooks/y.py' is not one of the notebooks")):
        notebooks.executed("notebooks/y.py")


def figure_notebook(*cells: tuple[list[str], list[str]]) -> Any:
    """A notebook whose code cells have the given tags and HTML outputs."""
    import nbformat.v4 as v4

    nb = v4.new_notebook()
    for tags, htmls in cells:
        cell = v4.new_code_cell("show()", metadata={"tags": tags})
        cell.outputs = [v4.new_output("display_data", data={"text/html": h}) for h in htmls]
        nb.cells.append(cell)
    return nb


IMG = '<img src="data:image/svg+xml;base64,PHN2Zz4=" alt="Three boxes &amp; a line.">'


def test_the_tagged_cells_one_image_is_the_figure() -> None:
    nb = figure_notebook((["other"], ['<img src="x.png" alt="not this one">']),
                         (["site-figure"], ["<p>before</p>", IMG]))
    assert notebooks.tagged_figure(nb) == ("data:image/svg+xml;base64,PHN2Zz4=",
                                            "Three boxes & a line.")


def test_figure_comes_from_this_builds_run(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from concurrent.futures import Future

    import nbformat

    nb = figure_notebook((["site-figure"], [IMG]))
    path = tmp_path / "x.ipynb"
    nbformat.write(nb, path)
    done: Future[Path] = Future()
    done.set_result(path)
    monkeypatch.setattr(notebooks, "_runs", {"notebooks/x.py": done})
    assert notebooks.figure("x", caption="A <caption>") == (
        '<figure class="hw5-figure"><img src="data:image/svg+xml;base64,PHN2Zz4=" '
        'alt="Three boxes &amp; a line."><figcaption>A &lt;caption&gt;</figcaption></figure>')


@pytest.mark.parametrize(("cells", "message"), [
    ([([], [IMG])], "exactly one cell tagged 'site-figure', found 0"),
    ([(["site-figure"], [IMG]), (["site-figure"], [IMG])], "found 2"),
    ([(["site-figure"], ["<p>no image</p>"])], "exactly one <img> as HTML, found 0"),
    ([(["site-figure"], [IMG, IMG])], "found 2"),
    ([(["site-figure"], ['<img src="x.png" alt=" ">'])], "needs a src and an alt text"),
])
def test_a_missing_or_ambiguous_figure_is_an_error(
    cells: list[tuple[list[str], list[str]]], message: str
) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        notebooks.tagged_figure(figure_notebook(*cells))
