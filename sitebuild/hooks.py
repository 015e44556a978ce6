"""The one MkDocs hook module (``hooks:`` in mkdocs.yml): each build event handed to the module
of :mod:`sitebuild` that does that job. Page content does not come from here: values, tables,
figures and listings reach pages through the macros of ``sitebuild/macros.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # MkDocs loads this file by path; sitebuild is imported from here
    sys.path.insert(0, str(ROOT))

from jinja2 import Environment  # noqa: E402
from mkdocs.config.defaults import MkDocsConfig  # noqa: E402
from mkdocs.exceptions import PluginError  # noqa: E402
from mkdocs.plugins import event_priority  # noqa: E402
from mkdocs.structure.files import File, Files  # noqa: E402
from mkdocs.structure.pages import Page  # noqa: E402

from sitebuild import (  # noqa: E402
    analysis_pages,
    changelog,
    formulas,
    notebook_html,
    notebooks,
    theme,
)

_copies: dict[str, Path] = {}  # notebook page -> its executed copy, for this build


@event_priority(100)  # before mkdocs-macros copies config.extra and mkdocs-jupyter reads files
def on_config(config: MkDocsConfig) -> MkDocsConfig:
    theme.quiet_plugin_logs()  # before mkdocs-macros and mkdocs-jupyter start logging
    theme.pin_build_date(ROOT)  # SOURCE_DATE_EPOCH: the commit's time, before pages are made
    config.extra.update(theme.site_metadata(ROOT, config.site_url))
    _copies.clear()
    _copies.update(notebooks.start(Path(config.docs_dir), ROOT))
    return config


@event_priority(-100)  # after mkdocs-jupyter has taken its notebook files
def on_files(files: Files, config: MkDocsConfig) -> Files:
    from sitebuild.macros import graded_analysis

    notebooks.use_executed_copies(files, _copies)
    try:
        graded = graded_analysis()  # a RecordError is a ValueError too
    except ValueError as exc:
        raise PluginError(str(exc)) from exc
    for result in graded.models:  # one page per model, listed by the models index (no nav)
        record = result.record
        path = analysis_pages.model_page_path(record.model)
        files.append(File.generated(
            config, path, content=analysis_pages.model_page_stub(record.model, record.name)))
    files.append(File.generated(config, "answers.json", content=changelog.answers_json()))
    for path, data in analysis_pages.downloads(graded).items():  # the analysis as data
        files.append(File.generated(config, path, content=data) if isinstance(data, str) else
                     File.generated(config, path, abs_src_path=str(data)))
    plugin: Any = config.plugins.get("mkdocstrings")
    if plugin is not None:  # its Jinja environment exists from here on; give it the cache
        for name in plugin.config.handlers:
            plugin.handlers.get_handler(name).env.bytecode_cache = theme.bytecode_cache(ROOT)
    return files


def on_env(env: Environment, config: MkDocsConfig, files: Files) -> Environment:
    env.bytecode_cache = theme.bytecode_cache(ROOT)
    return env


@event_priority(100)  # before mkdocs-jupyter reads the executed copy
def on_pre_page(page: Page, config: MkDocsConfig, files: Files) -> Page:
    if page.file.src_uri in _copies:
        try:
            notebooks.executed(page.file.src_uri)
        except RuntimeError as exc:
            raise PluginError(str(exc)) from exc
    return page


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    if page.file.generated_by is not None:
        page.edit_url = None  # generated: there is no source file to edit
    return markdown


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    if "jupyter-wrapper" in html:
        html = notebook_html.focusable_code(notebook_html.strip_remote_loaders(html))
    return html


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    if "jupyter-wrapper" in output:  # on the whole page, so theme classes count as used
        output = notebook_html.shrink_inline_styles(output)
    try:  # after the search plugin has indexed the page, so the index keeps the TeX
        output = formulas.render_html(output, page.file.src_uri)
    except formulas.MathRenderError as exc:
        raise PluginError(str(exc)) from None
    output = formulas.drop_unused_katex_css(output)
    return theme.fix_html(output)


def on_post_template(output: str, template_name: str, config: MkDocsConfig) -> str:
    # Static templates such as 404.html do not pass through on_post_page.
    return theme.fix_html(output) if template_name.endswith(".html") else output
