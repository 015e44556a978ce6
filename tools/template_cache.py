"""MkDocs hook: a Jinja bytecode cache for the theme's and mkdocstrings' templates.

Compiling templates is a large share of a rebuild that nothing else has invalidated: Material's
``main.html``, ``base.html`` and their partials for every build, and mkdocstrings' Python
templates for the API page, about a second in all on the 2-core machine. Jinja's
:class:`~jinja2.FileSystemBytecodeCache` keeps the compiled code under ``.cache/jinja/``;
Jinja keys each entry on the template's name and file and checks it against a hash of the
template's source, so an edited or upgraded template is compiled afresh. The cache is only a
speed-up: deleting ``.cache/`` is always safe.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemBytecodeCache
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files

CACHE_DIR = Path(".cache") / "jinja"


def bytecode_cache(config: MkDocsConfig) -> FileSystemBytecodeCache:
    """The cache directory next to mkdocs.yml, created if needed."""
    directory = Path(config.config_file_path).resolve().parent / CACHE_DIR
    directory.mkdir(parents=True, exist_ok=True)
    return FileSystemBytecodeCache(str(directory))


def on_files(files: Files, config: MkDocsConfig) -> Files:
    # mkdocstrings creates a handler (and its Jinja environment) when a page first asks for it;
    # asking here, before any page is rendered, gives the API page the cached templates.
    plugin: Any = config.plugins.get("mkdocstrings")
    if plugin is not None:
        for name in plugin.config.handlers:
            plugin.handlers.get_handler(name).env.bytecode_cache = bytecode_cache(config)
    return files


def on_env(env: Environment, config: MkDocsConfig, files: Files) -> Environment:
    env.bytecode_cache = bytecode_cache(config)
    return env
