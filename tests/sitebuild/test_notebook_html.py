"""sitebuild/notebook_html.py: fixes to the HTML of notebook pages."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest

from sitebuild import notebook_html


def nbconvert_templates() -> Path:
    from jupyter_core.paths import jupyter_path

    for candidate in map(Path, jupyter_path("nbconvert", "templates")):
        if (candidate / "base" / "mathjax.html.j2").is_file():
            return candidate
    pytest.fail("nbconvert templates not found")


def render_macro(template: str, macro: str, **kwargs: str) -> str:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(nbconvert_templates())))
    return str(getattr(env.get_template(template).module, macro)(**kwargs))


def test_strip_removes_nbconverts_real_mathjax_and_mermaid_loaders() -> None:
    mathjax = render_macro("base/mathjax.html.j2", "mathjax", url="")
    mermaid = render_macro("lab/mermaidjs.html.j2", "mermaid_js")
    assert "MathJax" in mathjax and "mermaid" in mermaid  # the real templates were rendered
    page = f"<div>{mathjax}</div><p>kept</p>{mermaid}<div class='jupyter-wrapper'></div>"
    stripped = notebook_html.strip_remote_loaders(page)
    assert "<script" not in stripped
    assert "<p>kept</p>" in stripped and "jupyter-wrapper" in stripped


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
    out = notebook_html.purge_css(css, used)
    for kept in (".jupyter-wrapper .jp-Cell{color:red}", ".jp-DirListing, .jp-OutputArea pre",
                 ".jp-Cell:not(.jp-mod-active)", "pre{tab-size:4}", ".jp-Cell{padding:0}",
                 "@font-face", "@charset"):
        assert kept in out, kept
    for dropped in ("jp-FileBrowser", "jp-Dialog", "jp-Toolbar", "@media print"):
        assert dropped not in out, dropped




def test_parsed_stylesheet_is_kept_for_the_process(monkeypatch: pytest.MonkeyPatch) -> None:
    css = ".a{color:red}.b{color:blue}@media print{.a{color:black}}"
    notebook_html.parse_css.cache_clear()
    first = notebook_html.purge_css(css, {"a"})
    assert first == ".a{color:red}@media print{.a{color:black}}"
    import tinycss2  # type: ignore[import-untyped]

    monkeypatch.setattr(tinycss2, "parse_stylesheet", lambda *a, **k: pytest.fail("parsed"))
    assert notebook_html.purge_css(css, {"b"}) == ".b{color:blue}"  # the same parse


def test_code_cells_become_focusable() -> None:
    html = ('<div class="highlight-ipynb hl-python"><pre>x</pre></div>'
            '<div class="highlight-ipynb"><pre>y</pre></div>')
    assert notebook_html.focusable_code(html).count('tabindex="0"') == 2


def test_inline_styles_keep_only_rules_the_page_can_match() -> None:
    output = ('<style>.used{color:red}.unused{color:blue}</style>'
              '<div class="jupyter-wrapper used">x</div>')
    assert notebook_html.shrink_inline_styles(output) == (
        '<style>.used{color:red}</style><div class="jupyter-wrapper used">x</div>')
