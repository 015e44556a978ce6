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
* :func:`versioned_url`: the permanent address of this version of the site
  (``https://hw5ref.github.io/hw5ref/0.2.0/``), where ``tools/deploy.py`` publishes it with
  mike; CITATION.cff's ``url`` and the Cite page name it.
* :func:`pin_build_date`: ``SOURCE_DATE_EPOCH`` set to the time of the commit being built
  (unless already set), so MkDocs' build date (sitemap ``lastmod``, ``sitemap.xml.gz``) comes
  from the commit and two builds of one commit are byte-for-byte identical.
* :func:`quiet_plugin_logs`: the plugins' routine INFO lines (mkdocs-jupyter's "Copied jupyter
  file", "Cache hit", mkdocs-macros' "[macros] - ...") hidden, so that ``mkdocs build`` and
  ``serve`` show warnings, MkDocs' own summary and Material's notices (its end-of-life notice is
  printed to stderr, not logged, and is never filtered); ``mkdocs build -v`` shows everything.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import subprocess
from pathlib import Path
from typing import Any

from jinja2 import FileSystemBytecodeCache

__all__ = ["CHATTY_LOGGERS", "bibtex_entry", "bytecode_cache", "fix_html", "pin_build_date",
           "quiet_plugin_logs", "site_metadata", "versioned_url"]

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


def versioned_url(site_url: str, version: str) -> str:
    """``site_url`` (the site's root, as in mkdocs.yml) joined with ``<version>/``: the address
    at which ``tools/deploy.py`` publishes this version. A ``site_url`` that already ends in the
    version (the deploy sets it so for the version's build) is returned as it is."""
    root = site_url.rstrip("/")
    if root.endswith("/" + version):
        return root + "/"
    return f"{root}/{version}/"


def site_metadata(root: Path, site_url: str | None = None) -> dict[str, Any]:
    """``hw5ref_version``; with ``site_url``, ``versioned_url`` (this version's address) and
    ``unversioned_url`` (the site's root, which leads to the latest version); ``citation``
    (CITATION.cff with ``year`` and ``bibtex``)."""
    import yaml

    import hw5ref

    cff = yaml.safe_load((root / "CITATION.cff").read_text(encoding="utf-8"))
    version = hw5ref.__version__
    here = versioned_url(site_url, version) if site_url else None
    return {
        "hw5ref_version": version,
        "versioned_url": here,
        "unversioned_url": here[: -len(version) - 1] if here else None,
        "citation": {**cff, "year": str(cff["date-released"])[:4], "bibtex": bibtex_entry(cff)},
    }


def pin_build_date(root: Path) -> str | None:
    """Set ``SOURCE_DATE_EPOCH`` to the commit time of ``root``'s ``HEAD`` unless it is set
    already (by the caller, or by ``tools/deploy.py`` to the release commit's time); returns
    the value in force, None when ``root`` is not the top of a git checkout (MkDocs then uses
    the current time). MkDocs reads it for every page's ``update_date`` (sitemap ``lastmod``)
    and the ``sitemap.xml.gz`` timestamp."""
    if os.environ.get("SOURCE_DATE_EPOCH"):
        return os.environ["SOURCE_DATE_EPOCH"]

    def git(*args: str) -> str | None:
        try:
            proc = subprocess.run(["git", "-C", str(root), *args], capture_output=True,
                                  text=True, timeout=30)
        except (OSError, subprocess.SubprocessError):
            return None
        return proc.stdout.strip() if proc.returncode == 0 else None

    top = git("rev-parse", "--show-toplevel")
    if top is None or Path(top).resolve() != root.resolve():
        return None
    epoch = git("log", "-1", "--format=%ct", "HEAD")
    if not epoch or not epoch.isdigit():
        return None
    os.environ["SOURCE_DATE_EPOCH"] = epoch
    return epoch


#: Plugin loggers whose INFO lines only report routine work (dozens per build and per rebuild
#: in ``mkdocs serve``); their warnings and errors still show.
CHATTY_LOGGERS = (
    "mkdocs.plugins.mkdocs_jupyter",  # "Cache hit: ...", "Copied jupyter file: ..."
    "mkdocs.mkdocs-jupyter",  # "Converting notebook (execute=False): ..."
    "mkdocs.plugins.mkdocs_macros",  # "[macros] - Found local Python module ...", per page
)


def quiet_plugin_logs() -> None:
    """Raise :data:`CHATTY_LOGGERS` to WARNING, unless MkDocs runs verbose (``-v``)."""
    if logging.getLogger("mkdocs").getEffectiveLevel() <= logging.DEBUG:
        return
    for name in CHATTY_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)


def bytecode_cache(root: Path) -> FileSystemBytecodeCache:
    """The Jinja bytecode cache under ``<root>/.cache/jinja``, created if needed."""
    directory = root / ".cache" / "jinja"
    directory.mkdir(parents=True, exist_ok=True)
    return FileSystemBytecodeCache(str(directory))
