"""The build hooks in tools/: notebook cache key, notebook-page fixes, Material HTML fixes."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

import jinja2
import pytest
from bs4 import BeautifulSoup
from sitecheck import parsed_page

from tools import notebook_cache, template_cache  # the repository root is on sys.path (pytest)


def nbconvert_templates() -> Path:
    from jupyter_core.paths import jupyter_path

    for candidate in map(Path, jupyter_path("nbconvert", "templates")):
        if (candidate / "base" / "mathjax.html.j2").is_file():
            return candidate
    pytest.fail("nbconvert templates not found")


def render_macro(template: str, macro: str, **kwargs: str) -> str:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(nbconvert_templates())))
    return str(getattr(env.get_template(template).module, macro)(**kwargs))


# ---- notebook cache key -----------------------------------------------------------------
def make_repo(root: Path) -> None:
    (root / "hw5ref").mkdir()
    (root / "hw5ref" / "conv.py").write_text("X = 1\n")
    (root / "docs").mkdir()
    (root / "docs" / "page.md").write_text("# Page\n")
    (root / "pyproject.toml").write_text("[project]\nname = 'x'\n")


def test_cache_key_changes_with_hw5ref_sources_only(tmp_path: Path) -> None:
    make_repo(tmp_path)
    first = notebook_cache.dependency_digest(tmp_path)
    (tmp_path / "docs" / "page.md").write_text("# Edited page\n")
    (tmp_path / "hw5ref" / "__pycache__").mkdir()
    (tmp_path / "hw5ref" / "__pycache__" / "conv.cpython-311.pyc").write_bytes(b"\0")
    assert notebook_cache.dependency_digest(tmp_path) == first
    (tmp_path / "hw5ref" / "conv.py").write_text("X = 2\n")
    second = notebook_cache.dependency_digest(tmp_path)
    assert second != first
    (tmp_path / "hw5ref" / "conv.py").rename(tmp_path / "hw5ref" / "norm.py")
    assert notebook_cache.dependency_digest(tmp_path) != second  # a rename counts too


# ---- notebook page fixes ------------------------------------------------------------------
def test_strip_removes_nbconverts_real_mathjax_and_mermaid_loaders() -> None:
    mathjax = render_macro("base/mathjax.html.j2", "mathjax", url="")
    mermaid = render_macro("lab/mermaidjs.html.j2", "mermaid_js")
    assert "MathJax" in mathjax and "mermaid" in mermaid  # the real templates were rendered
    page = f"<div>{mathjax}</div><p>kept</p>{mermaid}<div class='jupyter-wrapper'></div>"
    stripped = notebook_cache.strip_remote_loaders(page)
    assert "<script" not in stripped
    assert "<p>kept</p>" in stripped and "jupyter-wrapper" in stripped


CELL = """
<div class="jp-Cell jp-CodeCell"><div class="jp-InputArea"><div class="highlight-ipynb"><pre>
<span class="c1"># alt: First figure, a bar chart.</span>
plot()
<span class="c1">#   alt:   Second figure, a line plot.  </span>
</pre></div></div>
<div class="jp-OutputArea"><img src="a.png" alt="No description has been provided for this image">
<img src="b.png" alt="No description has been provided for this image"></div></div>
"""


def test_alt_comments_are_copied_onto_the_cells_images_in_order() -> None:
    soup = BeautifulSoup(notebook_cache.apply_cell_fixes(CELL), "html.parser")
    assert [img["alt"] for img in soup.find_all("img")] == [
        "First figure, a bar chart.",
        "Second figure, a line plot.",
    ]
    assert soup.select_one(".highlight-ipynb")["tabindex"] == "0"


def test_alt_count_mismatch_is_a_warning_and_changes_nothing(
    caplog: pytest.LogCaptureFixture,
) -> None:
    one_alt = CELL.replace("#   alt:   Second figure, a line plot.  ", "# just a comment")
    with caplog.at_level(logging.WARNING, logger="mkdocs.hooks.notebook_cache"):
        out = notebook_cache.apply_cell_fixes(one_alt, where="notebooks/x.py")
    assert "notebooks/x.py, cell 1: 1 '# alt:' line(s) for 2 output image(s)" in caplog.text
    assert out.count("No description has been provided") == 2


# ---- Material HTML fixes, checked on the real build ---------------------------------------
def test_every_page_has_the_material_fixes_applied(built_site: Path) -> None:
    pages = sorted(built_site.rglob("*.html"))
    assert pages
    for page in pages:
        soup = parsed_page(page)
        rel = page.relative_to(built_site).as_posix()
        assert soup.select('[data-md-component="source"]') == [], rel
        search = soup.select_one(".md-search[role=dialog]")
        assert search is not None and search.get("aria-label") == "Search", rel


def test_purge_css_keeps_exactly_the_rules_that_can_match() -> None:
    css = (
        "@charset 'utf-8';"
        ".jupyter-wrapper .jp-Cell{color:red}"
        ".jupyter-wrapper .jp-FileBrowser{color:blue}"
        ".jp-DirListing, .jp-OutputArea pre{margin:0}"
        ".jp-Cell:not(.jp-mod-active){opacity:1}"
        "pre{tab-size:4}"
        "@media (max-width: 760px){.jp-Cell{padding:0}.jp-Dialog{padding:1px}}"
        "@media print{.jp-Toolbar{display:none}}"
        "@font-face{font-family:X;src:url(x.woff2)}"
    )
    used = {"jupyter-wrapper", "jp-Cell", "jp-OutputArea"}
    out = notebook_cache.purge_css(css, used)
    for kept in (".jupyter-wrapper .jp-Cell{color:red}", ".jp-DirListing, .jp-OutputArea pre",
                 ".jp-Cell:not(.jp-mod-active)", "pre{tab-size:4}", ".jp-Cell{padding:0}",
                 "@font-face", "@charset"):
        assert kept in out, kept
    for dropped in ("jp-FileBrowser", "jp-Dialog", "jp-Toolbar", "@media print"):
        assert dropped not in out, dropped


def test_notebook_pages_inline_far_less_than_jupyterlabs_whole_stylesheet(
    built_site: Path,
) -> None:
    import re

    from mkdocs_jupyter.config import settings

    full = (Path(settings.templates_dir) / "mkdocs_html" / "assets" / "index.css").stat().st_size
    pages = sorted((built_site / "notebooks").glob("*/index.html"))
    assert pages
    for page in pages:
        styles = re.findall(r"<style[^>]*>.*?</style>", page.read_text("utf-8"), re.DOTALL)
        assert styles, page
        assert sum(map(len, styles)) < full / 2, page


def test_parsed_css_is_cached_on_disk_and_reused(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    css = ".a{color:red}.b{color:blue}@media print{.a{color:black}}"
    monkeypatch.setattr(notebook_cache, "_css_cache_dir", tmp_path)
    monkeypatch.setattr(notebook_cache, "_parsed_css", {})
    first = notebook_cache.purge_css(css, {"a"})
    assert first == ".a{color:red}@media print{.a{color:black}}"
    assert len(list(tmp_path.glob("*.json"))) == 1
    monkeypatch.setattr(notebook_cache, "_parsed_css", {})
    monkeypatch.setattr(notebook_cache, "_parse_css_uncached", lambda _css: pytest.fail("parsed"))
    assert notebook_cache.purge_css(css, {"a"}) == first


# ---- executing the notebooks ---------------------------------------------------------------
def test_executed_copy_is_keyed_on_the_notebook_and_keeps_its_name(tmp_path: Path) -> None:
    source = tmp_path / "demo.py"
    source.write_text("x = 1\n")
    first = notebook_cache.executed_path(tmp_path / "cache", source)
    assert first.name == "demo.ipynb" and first.parent.parent == tmp_path / "cache" / "executed"
    assert notebook_cache.executed_path(tmp_path / "cache", source) == first
    source.write_text("x = 2\n")  # edited: a different copy, so it is executed again
    assert notebook_cache.executed_path(tmp_path / "cache", source) != first


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
    futures = notebook_cache.execute_in_background(jobs, workers=2)

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

    from mkdocs.exceptions import PluginError

    failed: Future[Path] = Future()
    failed.set_exception(RuntimeError("cell 3 raised ValueError: boom"))
    monkeypatch.setattr(notebook_cache, "_executed", {"notebooks/x.py": failed})
    with pytest.raises(PluginError, match=r"notebooks/x.py failed to run:\ncell 3 raised"):
        notebook_cache.executed_notebook("notebooks/x.py")
    with pytest.raises(PluginError, match=re.escape("'notebooks/y.py' is not one of the executed")):
        notebook_cache.executed_notebook("notebooks/y.py")


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
    assert notebook_cache.tagged_figure(nb) == ("data:image/svg+xml;base64,PHN2Zz4=",
                                                 "Three boxes & a line.")
    html = notebook_cache.figure_html(*notebook_cache.tagged_figure(nb), caption="A <caption>")
    assert html == ('<figure class="hw5-figure"><img src="data:image/svg+xml;base64,PHN2Zz4=" '
                    'alt="Three boxes &amp; a line."><figcaption>A &lt;caption&gt;</figcaption>'
                    "</figure>")


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
        notebook_cache.tagged_figure(figure_notebook(*cells))


def test_fixed_notebook_pages_are_stored_only_when_nothing_warned(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from types import SimpleNamespace

    monkeypatch.setattr(notebook_cache, "_css_cache_dir", tmp_path / "css")
    page: Any = SimpleNamespace(file=SimpleNamespace(src_uri="notebooks/x.py"))
    html = f'<div class="jupyter-wrapper">{CELL}</div>'
    first = notebook_cache.on_page_content(html, page, None, None)  # type: ignore[arg-type]
    assert 'alt="First figure, a bar chart."' in first
    assert len(list((tmp_path / "pages").glob("*.html"))) == 1
    monkeypatch.setattr(notebook_cache, "apply_cell_fixes",
                        lambda *_a, **_k: pytest.fail("parsed again"))
    assert notebook_cache.on_page_content(html, page, None, None) == first  # type: ignore[arg-type]
    monkeypatch.undo()
    monkeypatch.setattr(notebook_cache, "_css_cache_dir", tmp_path / "css")
    one_alt = html.replace("#   alt:   Second figure, a line plot.  ", "# just a comment")
    for _ in range(2):  # warns on every build: the warning's result is never stored
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="mkdocs.hooks.notebook_cache"):
            notebook_cache.on_page_content(one_alt, page, None, None)  # type: ignore[arg-type]
        assert "1 '# alt:' line(s) for 2 output image(s)" in caplog.text
    assert len(list((tmp_path / "pages").glob("*.html"))) == 1


def test_shrunk_notebook_pages_are_reused_for_the_same_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(notebook_cache, "_css_cache_dir", tmp_path / "css")
    monkeypatch.setattr(notebook_cache, "_parsed_css", {})
    page: Any = None
    output = ('<style>.used{color:red}.unused{color:blue}</style>'
              '<div class="jupyter-wrapper used">x</div>')
    first = notebook_cache.on_post_page(output, page, None)  # type: ignore[arg-type]
    assert first == '<style>.used{color:red}</style><div class="jupyter-wrapper used">x</div>'
    monkeypatch.setattr(notebook_cache, "shrink_inline_styles",
                        lambda _html: pytest.fail("shrunk again"))
    assert notebook_cache.on_post_page(output, page, None) == first  # type: ignore[arg-type]
    changed = output.replace(">x<", ">y<")
    with pytest.raises(pytest.fail.Exception, match="shrunk again"):
        notebook_cache.on_post_page(changed, page, None)  # type: ignore[arg-type]


def test_compiled_templates_are_cached_and_an_edited_template_is_recompiled(
    tmp_path: Path,
) -> None:
    from types import SimpleNamespace

    (tmp_path / "templates").mkdir()
    template = tmp_path / "templates" / "page.html"
    template.write_text("one {{ x }}", encoding="utf-8")
    config: Any = SimpleNamespace(config_file_path=str(tmp_path / "mkdocs.yml"))

    def render() -> str:
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(tmp_path / "templates")))
        env = template_cache.on_env(env, config, None)
        return str(env.get_template("page.html").render(x=1))

    assert render() == "one 1"
    cached = list((tmp_path / ".cache" / "jinja").iterdir())
    assert len(cached) == 1  # compiled code stored for the next build
    assert render() == "one 1"
    template.write_text("two {{ x }}", encoding="utf-8")  # edited: never the stale code
    assert render() == "two 1"
