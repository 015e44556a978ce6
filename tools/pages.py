"""A built site served the way GitHub Pages serves a project site: under the path of
``site_url`` (``/hw5ref/``), with the site's own ``404.html`` (status 404) for anything
missing or outside that path, and, when asked, text gzip-compressed for a client that accepts
it. One server for ``deploy.py serve``, the benchmark (page weights, Lighthouse) and the test
suite's served site.
"""

from __future__ import annotations

import functools
import gzip
import http.server
import io
import os
import threading
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent

#: Content types GitHub Pages compresses.
TEXT_TYPES = ("text/", "application/javascript", "application/json", "image/svg+xml")


def site_prefix(site_url: str) -> str:
    """The path of ``site_url`` with a trailing slash.

    >>> site_prefix("https://hw5ref.github.io/hw5ref")
    '/hw5ref/'
    """
    path = urlsplit(site_url).path or "/"
    return path if path.endswith("/") else path + "/"


def mkdocs_site_prefix(mkdocs_yml: Path = ROOT / "mkdocs.yml") -> str:
    """:func:`site_prefix` of ``mkdocs_yml``'s ``site_url`` ("/" without one). The line is read
    on its own: the file's ``!ENV``/``!relative`` tags are not plain YAML."""
    for line in mkdocs_yml.read_text(encoding="utf-8").splitlines():
        if line.startswith("site_url:"):
            return site_prefix(line.split(":", 1)[1].split("#", 1)[0].strip().strip("'\""))
    return "/"


class PagesHandler(http.server.SimpleHTTPRequestHandler):
    """Serves ``directory`` under ``prefix``; ``compress`` gzips text as Pages does."""

    prefix = "/"
    compress = False

    def translate_path(self, path: str) -> str:
        clean = urlsplit(path).path
        if not clean.startswith(self.prefix) and clean + "/" != self.prefix:
            return str(Path(self.directory) / "__outside_site_prefix__")
        return super().translate_path("/" + clean[len(self.prefix):])

    def send_head(self) -> Any:
        path = self.translate_path(self.path)
        if self.compress and "gzip" in self.headers.get("Accept-Encoding", ""):
            if os.path.isdir(path) and urlsplit(self.path).path.endswith("/"):
                path = os.path.join(path, "index.html")
            if os.path.isfile(path) and self.guess_type(path).startswith(TEXT_TYPES):
                body = gzip.compress(Path(path).read_bytes(), 6, mtime=0)
                self.send_response(200)
                self.send_header("Content-Type", self.guess_type(path))
                self.send_header("Content-Encoding", "gzip")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                return io.BytesIO(body)
        return super().send_head()  # directories without a slash are redirected there

    def send_error(self, code: int, message: str | None = None,
                   explain: str | None = None) -> None:
        not_found = Path(self.directory) / "404.html"
        if code != 404 or not not_found.is_file():
            super().send_error(code, message, explain)
            return
        body = not_found.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


def serve_directory(directory: Path, prefix: str, port: int = 0, compress: bool = False
                    ) -> http.server.ThreadingHTTPServer:
    """A started server (in a daemon thread) for ``directory`` under ``prefix``; stop it with
    ``shutdown()``."""
    handler = type("Handler", (PagesHandler,), {"prefix": prefix, "compress": compress})
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", port), functools.partial(handler, directory=str(directory)))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="pages", daemon=True).start()
    return server
