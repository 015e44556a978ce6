"""Every internal link, anchor and resource reference in the built site resolves.

Pages are resolved as deployed: under the path of ``site_url`` (so the 404 page's absolute
links are checked too). Links to other hosts are not followed (the tests run offline); that
pages *load* nothing from other hosts is checked in test_site_build.py.
"""

from __future__ import annotations

import functools
import posixpath
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup
from sitecheck import parsed_page

REFERENCES = [("a", "href"), ("link", "href"), ("script", "src"), ("img", "src"),
              ("source", "src"), ("iframe", "src")]


def _parse(path: Path) -> BeautifulSoup:
    return parsed_page(path)


@functools.cache
def anchors(path: Path) -> frozenset[str]:
    soup = _parse(path)
    ids = {el["id"] for el in soup.find_all(id=True)}
    ids |= {el["name"] for el in soup.find_all("a", attrs={"name": True})}
    return frozenset(str(i) for i in ids)


def broken_references(site: Path, page: Path, prefix: str) -> list[str]:
    """References in ``page`` (a file of the built ``site``) that do not resolve."""
    page_url = prefix + page.relative_to(site).as_posix()
    broken = []
    for tag, attr in REFERENCES:
        for el in _parse(page).find_all(tag, attrs={attr: True}):
            ref = str(el[attr])
            parts = urlsplit(ref)
            if parts.scheme or parts.netloc:  # http(s), mailto, data, javascript, //host
                continue
            if tag == "link" and "canonical" in (el.get("rel") or []):
                continue
            target_url = posixpath.normpath(
                posixpath.join(posixpath.dirname(page_url), unquote(parts.path))
            ) if parts.path else page_url
            if parts.path.endswith("/") and not target_url.endswith("/"):
                target_url += "/"
            if not (target_url + "/").startswith(prefix):
                broken.append(f"{ref} (outside {prefix})")
                continue
            target = site / target_url[len(prefix):]
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{ref} (no file {target.relative_to(site)})")
                continue
            fragment = unquote(parts.fragment)
            if fragment and target.suffix == ".html" and fragment not in anchors(target):
                broken.append(f"{ref} (no id {fragment!r} in {target.relative_to(site)})")
    return broken


def test_link_checker_reports_missing_files_and_anchors(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text('<h2 id="q1a">x</h2>', encoding="utf-8")
    page = tmp_path / "index.html"
    page.write_text(
        '<a href="a/#q1a">ok</a><a href="a/#q1z">bad anchor</a><a href="b/">bad page</a>'
        '<a href="#top">bad self anchor</a><a href="https://example.org/">external</a>'
        '<a href="/site/a/">absolute ok</a><a href="../../x/">outside</a><p id="p"></p>'
        '<img src="a/index.html#q1a" alt="">',
        encoding="utf-8",
    )
    assert broken_references(tmp_path, page, "/site/") == [
        "a/#q1z (no id 'q1z' in a/index.html)",
        "b/ (no file b)",
        "#top (no id 'top' in index.html)",
        "../../x/ (outside /site/)",
    ]


def test_every_internal_link_and_anchor_resolves(built_site: Path, site_prefix: str) -> None:
    problems = {}
    for page in sorted(built_site.rglob("*.html")):
        if broken := broken_references(built_site, page, site_prefix):
            problems[page.relative_to(built_site).as_posix()] = broken
    assert problems == {}
