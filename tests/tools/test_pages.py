"""tools/pages.py: a built site served as GitHub Pages serves it."""

from __future__ import annotations

import gzip
import http.client
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tools import pages

PAGE = "<html><body>" + "the page " * 200 + "</body></html>"


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[int, int]]:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text(PAGE, encoding="utf-8")
    (tmp_path / "404.html").write_text("<p>not here</p>", encoding="utf-8")
    (tmp_path / "img.png").write_bytes(b"\x89PNG" + bytes(500))
    plain = pages.serve_directory(tmp_path, "/proj/")
    zipped = pages.serve_directory(tmp_path, "/proj/", compress=True)
    yield plain.server_address[1], zipped.server_address[1]
    for server in (plain, zipped):
        server.shutdown()
        server.server_close()


def get(port: int, path: str, gzip_ok: bool = True) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path, headers={"Accept-Encoding": "gzip"} if gzip_ok else {})
    resp = conn.getresponse()
    out = resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    conn.close()
    return out


def test_pages_are_served_under_the_prefix_and_misses_get_the_404_page(site: tuple[int, int]
                                                                        ) -> None:
    port = site[0]
    assert get(port, "/proj/a/")[::2] == (200, PAGE.encode())
    assert get(port, "/proj/a")[0] == 301  # a folder without its slash is redirected
    for miss in ("/proj/nothing/", "/a/", "/", "/projx/a/"):
        assert get(port, miss)[::2] == (404, b"<p>not here</p>"), miss


def test_text_is_compressed_only_when_asked_and_accepted(site: tuple[int, int]) -> None:
    plain, zipped = site
    status, headers, body = get(zipped, "/proj/a/")
    assert status == 200 and headers["content-encoding"] == "gzip"
    assert gzip.decompress(body) == PAGE.encode() and len(body) < len(PAGE) / 10
    assert "content-encoding" not in get(zipped, "/proj/a/", gzip_ok=False)[1]
    assert "content-encoding" not in get(plain, "/proj/a/")[1]
    status, headers, body = get(zipped, "/proj/img.png")
    assert status == 200 and "content-encoding" not in headers and body.startswith(b"\x89PNG")
    assert get(zipped, "/proj/nothing/")[0] == 404


@pytest.mark.parametrize(("url", "prefix"), [
    ("https://hw5ref.github.io/hw5ref/", "/hw5ref/"), ("https://x.io/a/b", "/a/b/"),
    ("https://x.io", "/"),
])
def test_site_prefix(url: str, prefix: str) -> None:
    assert pages.site_prefix(url) == prefix


def test_the_prefix_of_this_site_is_its_site_url_path() -> None:
    line = next(x for x in (pages.ROOT / "mkdocs.yml").read_text().splitlines()
                if x.startswith("site_url:"))
    assert pages.mkdocs_site_prefix() == pages.site_prefix(yaml.safe_load(line)["site_url"])
    assert pages.mkdocs_site_prefix() == "/hw5ref/"
