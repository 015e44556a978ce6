"""sitebuild/theme.py: Material HTML fixes, the BibTeX entry, the Jinja bytecode cache."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import jinja2

from sitebuild import theme


def test_fixes_remove_the_github_api_hook_and_name_the_search_dialog() -> None:
    html = ('<a class="md-source" data-md-component="source" href="x">'
            '<div class="md-search" data-md-component="search" role="dialog">')
    fixed = theme.fix_html(html)
    assert 'data-md-component="source"' not in fixed
    assert 'role="dialog" aria-label="Search"' in fixed


def test_bibtex_entry_by_hand() -> None:
    cff = {"authors": [{"name": "hw5ref contributors"}, {"family-names": "Doe",
                                                        "given-names": "Jane"}],
           "title": "EECS 182 HW5, checked", "version": "0.2.0",
           "date-released": dt.date(2026, 11, 29), "url": "https://example.org/0.2.0/"}
    assert theme.bibtex_entry(cff) == (
        "@misc{hw5ref-0-2-0,\n"
        "  author       = {{hw5ref contributors} and Doe, Jane},\n"
        "  title        = {{EECS 182 HW5, checked}},\n"
        "  year         = {2026},\n"
        "  month        = nov,\n"
        "  version      = {0.2.0},\n"
        "  note         = {Version 0.2.0},\n"
        "  howpublished = {\\url{https://example.org/0.2.0/}},\n"
        "  url          = {https://example.org/0.2.0/}\n"
        "}")


def test_compiled_templates_are_cached_and_an_edited_template_is_recompiled(
    tmp_path: Path,
) -> None:
    (tmp_path / "templates").mkdir()
    template = tmp_path / "templates" / "page.html"
    template.write_text("one {{ x }}", encoding="utf-8")

    def render() -> str:
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(tmp_path / "templates")),
                                 bytecode_cache=theme.bytecode_cache(tmp_path))
        return str(env.get_template("page.html").render(x=1))

    assert render() == "one 1"
    cached = list((tmp_path / ".cache" / "jinja").iterdir())
    assert len(cached) == 1  # compiled code stored for the next build
    assert render() == "one 1"
    template.write_text("two {{ x }}", encoding="utf-8")  # edited: never the stale code
    assert render() == "two 1"
