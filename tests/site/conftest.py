"""Fixtures for the site tests: the list of pages, and Playwright driving Debian's Chromium.

Pages are predicted from ``docs/`` (MkDocs' directory URLs), not read from the build, so the
test IDs exist at collection time; ``test_site_build.py`` checks that the build produced
exactly these pages. Chromium is the system one (``$HW5REF_CHROMIUM``, default
``/usr/bin/chromium``): Playwright's own browser downloads are never used.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from sitecheck import CHROMIUM, CHROMIUM_ARGS, MISSING_URL, expected_pages


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "site_page" in metafunc.fixturenames:
        pages = expected_pages()
        metafunc.parametrize("site_page", pages, ids=[p or "home" for p in pages])


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: install Debian's chromium package "
            "(tools/dev.py test does it when run as root) or set HW5REF_CHROMIUM"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@dataclass
class PageLog:
    """What happened while a page loaded: everything here should stay empty."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    bad_responses: list[str] = field(default_factory=list)
    external_requests: list[str] = field(default_factory=list)

    def problems(self) -> dict[str, list[str]]:
        return {k: v for k, v in vars(self).items() if v}


@pytest.fixture
def open_page(browser: Any, served_site: Any) -> Iterator[Callable[..., tuple[Any, PageLog]]]:
    """``open_page(rel_url)`` loads a page of the served site with the network cut off.

    Every request outside the local server is recorded and aborted, as are console errors,
    uncaught exceptions, failed requests and HTTP error responses.
    """
    contexts: list[Any] = []

    def _open(rel: str, scheme: str = "light") -> tuple[Any, PageLog]:
        log = PageLog()
        context = browser.new_context(
            viewport={"width": 1280, "height": 900}, service_workers="block",
            color_scheme=scheme,  # the palette follows the system setting on a first visit
        )
        contexts.append(context)

        def route(r: Any) -> None:
            url = r.request.url
            if url.startswith(served_site.origin + "/"):
                r.continue_()
            else:
                log.external_requests.append(url)
                r.abort()

        context.route("**/*", route)
        page = context.new_page()
        def on_console(m: Any) -> None:
            if m.type == "error":
                log.console_errors.append(f"{m.text} ({m.location.get('url', '')})")

        def on_request_failed(r: Any) -> None:
            if r.url not in log.external_requests:
                log.failed_requests.append(f"{r.url}: {r.failure}")

        def on_response(r: Any) -> None:
            if r.status >= 400:
                log.bad_responses.append(f"{r.status} {r.url}")

        page.on("console", on_console)
        page.on("pageerror", lambda e: log.page_errors.append(str(e)))
        page.on("requestfailed", on_request_failed)
        page.on("response", on_response)
        url = served_site.url(MISSING_URL if rel == "404.html" else rel)
        response = page.goto(url, wait_until="networkidle")
        expected = 404 if rel == "404.html" else 200
        assert response is not None and response.status == expected, (url, response)
        if expected == 404:  # the page's own status is intended; its resources must load
            log.bad_responses = [b for b in log.bad_responses if b != f"404 {url}"]
            log.console_errors = [e for e in log.console_errors if not e.endswith(f"({url})")]
        page.wait_for_load_state("load")
        page.evaluate("document.fonts.ready.then(() => true)")  # formulas are in the HTML
        return page, log

    yield _open
    for c in contexts:
        c.close()
