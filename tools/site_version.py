"""MkDocs hook: the hw5ref version and the citation metadata, for templates and pages.

Sets, before any plugin reads ``config.extra``:

* ``config.extra.hw5ref_version``: ``hw5ref.__version__``, shown in the footer
  (``overrides/partials/copyright.html``) and on the Cite page;
* ``config.extra.citation``: ``CITATION.cff`` as a dict, plus ``year`` and ``bibtex`` (a
  BibTeX entry built from it), which ``docs/cite.md`` renders with mkdocs-macros
  (``{{ hw5ref_version }}``, ``{{ citation.bibtex }}``).

So the version and citation a reader sees come from the package and CITATION.cff and cannot
drift from them (``tests/site/test_citation.py`` checks that pyproject.toml, hw5ref and
CITATION.cff agree on the version).
"""

from __future__ import annotations

import datetime as dt
import importlib
import sys
from pathlib import Path
from typing import Any

import yaml
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority


def bibtex_entry(cff: dict[str, Any]) -> str:
    """A BibTeX ``@misc`` entry (valid in BibTeX and biblatex) for a CITATION.cff mapping."""
    names = [
        a["name"] if "name" in a else f"{a['family-names']}, {a['given-names']}"
        for a in cff["authors"]
    ]
    released = cff["date-released"]
    if not isinstance(released, dt.date):
        released = dt.date.fromisoformat(str(released))
    key = "hw5ref-" + str(cff["version"]).replace(".", "-")
    fields = [
        ("author", " and ".join("{" + n + "}" if " " in n and "," not in n else n
                                for n in names)),
        ("title", "{" + str(cff["title"]) + "}"),
        ("year", str(released.year)),
        ("month", released.strftime("%b").lower()),
        ("version", str(cff["version"])),
        ("note", f"Version {cff['version']}"),
        ("howpublished", "\\url{" + str(cff["url"]) + "}"),
        ("url", str(cff["url"])),
    ]
    body = ",\n".join(
        f"  {name:<12} = {value}" if name == "month" else f"  {name:<12} = {{{value}}}"
        for name, value in fields
    )
    return f"@misc{{{key},\n{body}\n}}"


@event_priority(100)  # before mkdocs-macros copies config.extra into its variables
def on_config(config: MkDocsConfig) -> MkDocsConfig:
    root = Path(config.config_file_path).resolve().parent
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    hw5ref = importlib.import_module("hw5ref")
    config.extra["hw5ref_version"] = hw5ref.__version__
    cff = yaml.safe_load((root / "CITATION.cff").read_text(encoding="utf-8"))
    config.extra["citation"] = {
        **cff,
        "year": str(cff["date-released"])[:4],
        "bibtex": bibtex_entry(cff),
    }
    return config
