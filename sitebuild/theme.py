"""The theme's side of the build: site metadata for templates, Material HTML fixes, and a
bytecode cache for Jinja templates.

* :func:`site_metadata`: ``hw5ref.__version__`` and ``CITATION.cff`` (plus a BibTeX entry
  built from it) for the footer template and the Cite page, so neither can drift from the
  package or the citation file.
* :func:`fix_html`: substitutions the offline and accessibility tests require. The header's
  repository link carries ``data-md-component="source"``, which makes Material fetch star
  counts from the GitHub API on every visit (the site must request nothing outside itself); the
  search overlay is a ``role="dialog"`` without an accessible name (axe: aria-dialog-name). A
  substitution that stops matching after a theme upgrade makes the site tests fail.
* :func:`bytecode_cache`: compiled Jinja templates kept under ``.cache/jinja`` (Jinja checks
  each against its template's source hash), about a second of every rebuild.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from jinja2 import FileSystemBytecodeCache

__all__ = ["bibtex_entry", "bytecode_cache", "fix_html", "site_metadata"]

SUBSTITUTIONS = (
    (' class="md-source" data-md-component="source"', ' class="md-source"'),
    (
        '<div class="md-search" data-md-component="search" role="dialog">',
        '<div class="md-search" data-md-component="search" role="dialog" aria-label="Search">',
    ),
)


def fix_html(html: str) -> str:
    """Apply :data:`SUBSTITUTIONS` to a rendered page."""
    for old, new in SUBSTITUTIONS:
        html = html.replace(old, new)
    return html


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


def site_metadata(root: Path) -> dict[str, Any]:
    """``hw5ref_version`` and ``citation`` (CITATION.cff with ``year`` and ``bibtex``)."""
    import yaml

    import hw5ref

    cff = yaml.safe_load((root / "CITATION.cff").read_text(encoding="utf-8"))
    return {
        "hw5ref_version": hw5ref.__version__,
        "citation": {**cff, "year": str(cff["date-released"])[:4], "bibtex": bibtex_entry(cff)},
    }


def bytecode_cache(root: Path) -> FileSystemBytecodeCache:
    """The Jinja bytecode cache under ``<root>/.cache/jinja``, created if needed."""
    directory = root / ".cache" / "jinja"
    directory.mkdir(parents=True, exist_ok=True)
    return FileSystemBytecodeCache(str(directory))
