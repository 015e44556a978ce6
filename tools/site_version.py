"""MkDocs hook: expose ``hw5ref.__version__`` to templates and pages.

It is set as ``config.extra.hw5ref_version`` (in Markdown rendered by mkdocs-macros:
``{{ hw5ref_version }}`` or ``{{ config.extra.hw5ref_version }}``).

The footer (``overrides/partials/copyright.html``) and the Cite page read the version from
here, so the version a reader sees is the package's own and cannot drift from it
(``tests/site/test_version.py`` also checks pyproject.toml and CITATION.cff against it).
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority


@event_priority(100)  # before mkdocs-macros copies config.extra into its variables
def on_config(config: MkDocsConfig) -> MkDocsConfig:
    root = str(Path(config.config_file_path).resolve().parent)
    if root not in sys.path:
        sys.path.insert(0, root)
    hw5ref = importlib.import_module("hw5ref")
    config.extra["hw5ref_version"] = hw5ref.__version__
    return config
