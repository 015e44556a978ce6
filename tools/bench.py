#!/usr/bin/env python3
"""Measure build times, test-suite time and what each page costs a reader to download.

    .venv/bin/python tools/bench.py            # everything (needs Chromium for page sizes)
    .venv/bin/python tools/bench.py --no-tests # skip the test-suite timing
    .venv/bin/python tools/bench.py --check    # exit 1 if a target is missed

What is measured (on a copy of the working tree in a temporary directory, so the repository's
own caches are neither used nor disturbed):

* cold build: ``mkdocs build --strict`` with no ``.cache/`` (every notebook executed), as on a
  fresh clone;
* warm build: the same build again, in a new process (executed notebooks come from the cache);
* warm rebuild: what a writer waits for in ``mkdocs serve`` (``tools/dev.py serve``): from
  saving an edited page to the server having rebuilt the site (median of three edits);
* non-browser tests: the pytest run of ``tools/dev.py test --no-browser`` (minus ruff/mypy),
  with the warm cache;
* transfer per page: every page of the built site is loaded in headless Chromium from a local
  server and the bodies of all responses (the page, CSS, JS, fonts, images, and other fetches
  such as the search index) are added up by type. Sizes are uncompressed; the gzip column is
  what the same bytes weigh gzip-compressed, roughly what a server that compresses sends.

* Lighthouse (12.2.3, from ``tools/lighthouse/package.json``, installed there on first use):
  each page's mobile performance score, Total Blocking Time and Cumulative Layout Shift, median
  of three runs, the site served gzip-compressed as GitHub Pages serves it
  (``--lighthouse-site DIR`` measures an already built site, e.g. an older version);

* the same cold build and warm rebuild for a bare Material + mkdocs-jupyter site of similar
  shape (eight Markdown pages with display math, one notebook executed by mkdocs-jupyter),
  built in the same run, so the project's figures are also reported as ratios to it.

Targets: cold build < 15 s and within 2x of the bare site, warm rebuild < 3 s and within 1.5x
of the bare site, non-browser tests < 60 s, heaviest page < 1.5 MB. The warm build in a new
process has no target; it is printed because it is what ``mkdocs build`` costs on a machine
that has built before (about 2 s of it is starting Python and importing MkDocs and plugins).

One script because every measurement runs on the same copy of the tree in the same run, so
their figures and ratios can be compared.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
from dev import BIN, CHROMIUM, PYTEST_ARGS, ensure_node_packages  # noqa: E402
from pages import mkdocs_site_prefix, serve_directory  # noqa: E402

TARGETS = {"cold build": 15.0, "warm rebuild": 3.0, "non-browser tests": 60.0}
RATIO_TARGETS = {"cold build": 2.0, "warm rebuild": 1.5}  # times the bare site's
PAGE_TARGET_BYTES = 1.5 * 1024 * 1024
_IGNORE_ANYWHERE = shutil.ignore_patterns(
    ".venv", ".git", ".cache", "node_modules", "__pycache__", ".pytest_cache", ".mypy_cache",
    ".ruff_cache", ".hypothesis", "*.egg-info",
)


def copy_ignore(directory: str, names: list[str]) -> set[str]:
    """What not to copy: caches and environments anywhere, build outputs at the top level."""
    ignored = set(_IGNORE_ANYWHERE(directory, names))
    if Path(directory).resolve() == ROOT:
        ignored |= {"site", "build"} & set(names)
    return ignored


CATEGORIES = ("html", "css", "js", "fonts", "images", "other")


def timed(cmd: list[str | Path], cwd: Path) -> tuple[float, int, str]:
    start = time.perf_counter()
    proc = subprocess.run(
        [str(c) for c in cmd], cwd=cwd, stdin=subprocess.DEVNULL, capture_output=True,
        text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    return time.perf_counter() - start, proc.returncode, proc.stdout + proc.stderr


def reference_seconds() -> float:
    """Best of three timings of a fixed pure-Python loop: how fast this machine is right now.

    Shared and virtual machines drift (on the 2-core machine the same cold build took 12.5 s
    and 18 s an hour apart); print this next to the results so runs can be compared.
    """
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        sum(i * i for i in range(10**7))
        best = min(best, time.perf_counter() - start)
    return best


BARE_SECTION = """## Section

A section of the bare comparison site: prose, a list and display math.

- one point
- another point

$$
\\mathbb{{E}}_R\\,\\lVert y-(R\\odot X)\\tilde w\\rVert_2^2
= \\lVert y-pX\\tilde w\\rVert_2^2 + p(1-p)\\,\\lVert\\tilde\\Gamma\\tilde w\\rVert_2^2
$$

Inline math such as $\\frac{{\\partial L}}{{\\partial x_j}} = \\gamma(g_j - \\bar g)$ in a sentence.
"""
BARE_PAGE = "# Page {i}\n\n" + BARE_SECTION * 12  # about as long as a solutions page

BARE_NOTEBOOK = """# %% [markdown]
# # A notebook
#
# An executed notebook with a figure, as on the project's notebook pages.

# %%
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

x = np.linspace(0, 1, 200)
fig, ax = plt.subplots(figsize=(6, 3))
ax.plot(x, np.sin(8 * x))
plt.show()
"""


def write_bare_site(root: Path, pages: int = 8) -> Path:
    """A bare Material + mkdocs-jupyter site of the project's shape under ``root``."""
    docs = root / "docs"
    docs.mkdir(parents=True)
    (docs / "index.md").write_text(BARE_PAGE.format(i=0), encoding="utf-8")
    for i in range(1, pages):
        (docs / f"page{i}.md").write_text(BARE_PAGE.format(i=i), encoding="utf-8")
    (docs / "notebook.py").write_text(BARE_NOTEBOOK, encoding="utf-8")
    (root / "mkdocs.yml").write_text(
        "site_name: bare\n"
        "theme:\n  name: material\n"
        "markdown_extensions:\n  - pymdownx.arithmatex:\n      generic: true\n"
        "plugins:\n  - search\n  - mkdocs-jupyter:\n      include: ['*.py']\n"
        "      execute: true\n",
        encoding="utf-8")
    return root


def serve_rebuild_seconds(work: Path, page: str = "docs/cite.md", edits: int = 3) -> float:
    """Median seconds from saving ``page`` to ``mkdocs serve`` logging the rebuilt site.

    The page is saved with one extra trailing newline each time (the content changes, the
    rendered page does not); the server runs on a free local port and is stopped afterwards.
    """
    import queue
    import socket
    import statistics

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen(
        [str(BIN / "mkdocs"), "serve", "--dev-addr", f"127.0.0.1:{port}"], cwd=work,
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    lines: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        for line in proc.stdout or ():
            lines.put(line)

    threading.Thread(target=pump, daemon=True).start()

    def wait_for(text: str, timeout: float = 120.0) -> float:
        deadline = time.perf_counter() + timeout
        while True:
            line = lines.get(timeout=max(0.0, deadline - time.perf_counter()))
            if text in line:
                return time.perf_counter()

    source = work / page
    original = source.read_text(encoding="utf-8")
    seconds = []
    try:
        wait_for("Serving on")
        for i in range(1, edits + 1):
            time.sleep(1.0)  # let the watcher settle
            start = time.perf_counter()
            source.write_text(original + "\n" * i, encoding="utf-8")
            seconds.append(wait_for("Documentation built in") - start)
    finally:
        source.write_text(original, encoding="utf-8")
        proc.terminate()
        proc.wait(timeout=30)
    return statistics.median(seconds)


def category(resource_type: str, url: str) -> str:
    path = url.split("?", 1)[0].lower()
    if resource_type == "document":
        return "html"
    if resource_type == "stylesheet" or path.endswith(".css"):
        return "css"
    if resource_type == "script" or path.endswith((".js", ".mjs")):
        return "js"
    if resource_type == "font" or path.endswith((".woff2", ".woff", ".ttf")):
        return "fonts"
    if resource_type == "image" or path.endswith((".png", ".svg", ".jpg", ".jpeg", ".gif")):
        return "images"
    return "other"


def page_urls(site: Path) -> list[str]:
    urls = []
    for html in sorted(site.rglob("*.html")):
        rel = html.relative_to(site).as_posix()
        urls.append(rel[: -len("index.html")] if rel.endswith("index.html") else rel)
    return urls


def transfer_sizes(site: Path) -> dict[str, dict[str, int]]:
    """Bytes per category for every page, measured from Chromium's responses."""
    from playwright.sync_api import sync_playwright

    prefix = mkdocs_site_prefix()
    server = serve_directory(site, prefix)
    host = f"http://127.0.0.1:{server.server_address[1]}"
    origin = host + prefix
    results: dict[str, dict[str, int]] = {}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=str(CHROMIUM),
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            )
            for rel in page_urls(site):
                context = browser.new_context(service_workers="block")
                context.route(
                    "**/*",
                    lambda r: r.continue_() if r.request.url.startswith(host) else r.abort(),
                )
                sizes: dict[str, int] = defaultdict(int)
                bodies: list[bytes] = []

                def on_response(resp: Any, sizes: dict[str, int] = sizes,
                                bodies: list[bytes] = bodies) -> None:
                    try:
                        body = resp.body()
                    except Exception:  # redirects and aborted requests have no body
                        return
                    sizes[category(resp.request.resource_type, resp.url)] += len(body)
                    bodies.append(body)

                context.on("response", on_response)
                page = context.new_page()
                page.goto(origin + rel, wait_until="load")
                page.wait_for_load_state("networkidle")
                page.wait_for_timeout(300)
                sizes["gzip"] = sum(len(gzip.compress(b, 6)) for b in bodies)
                results[rel or "(home)"] = dict(sizes)
                context.close()
            browser.close()
    finally:
        server.shutdown()
    return results


#: Pages Lighthouse measures by default: one of each kind (``--lighthouse-all``: every page).
LIGHTHOUSE_PAGES = ("", "solutions/q1-convolutions/", "solutions/q2-normalization/",
                    "solutions/q4-dropout/", "model-analysis/scorecard/",
                    "model-analysis/models/claude/", "notebooks/dropout_monte_carlo/")
LIGHTHOUSE = ROOT / "tools" / "lighthouse"  # package.json pins Lighthouse 12.2.3 (Node 20)
def lighthouse(site: Path, pages: tuple[str, ...], runs: int = 3) -> dict[str, dict[str, float]]:
    """Lighthouse's mobile performance score, Total Blocking Time (ms) and Cumulative Layout
    Shift per page, each the median of ``runs`` runs, the site served gzip-compressed."""
    import statistics

    ensure_node_packages(LIGHTHOUSE, "Lighthouse", "run with --no-lighthouse")
    binary = LIGHTHOUSE / "node_modules" / ".bin" / "lighthouse"
    prefix = mkdocs_site_prefix()
    server = serve_directory(site, prefix, compress=True)
    origin = f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    out: dict[str, dict[str, float]] = {}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for rel in pages:
                found: list[tuple[float, float, float]] = []
                for _ in range(runs):
                    report = Path(tmp) / "report.json"
                    subprocess.run(
                        [str(binary), origin + rel, "--only-categories=performance",
                         "--output=json", f"--output-path={report}", "--quiet",
                         "--chrome-flags=--headless=new --no-sandbox --disable-gpu"],
                        check=True, stdin=subprocess.DEVNULL, timeout=300,
                        env={**os.environ, "CHROME_PATH": str(CHROMIUM)})
                    lhr = json.loads(report.read_text(encoding="utf-8"))
                    audits = lhr["audits"]
                    found.append((lhr["categories"]["performance"]["score"] * 100,
                                  audits["total-blocking-time"]["numericValue"],
                                  audits["cumulative-layout-shift"]["numericValue"]))
                out[rel or "(home)"] = {name: statistics.median(v[i] for v in found)
                                        for i, name in enumerate(("score", "tbt", "cls"))}
    finally:
        server.shutdown()
    return out


def fmt_kb(n: float) -> str:
    return f"{n / 1024:,.0f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-tests", action="store_true", help="skip the test-suite timing")
    parser.add_argument("--no-pages", action="store_true", help="skip the page-size table")
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    parser.add_argument("--no-lighthouse", action="store_true", help="skip Lighthouse")
    parser.add_argument("--lighthouse-all", action="store_true",
                        help="Lighthouse on every page, not one of each kind")
    parser.add_argument("--lighthouse-site", type=Path,
                        help="only run Lighthouse, on this built site")
    ns = parser.parse_args()

    missed: list[str] = []
    times: dict[str, float] = {}
    if ns.lighthouse_site is not None:
        print_lighthouse(ns.lighthouse_site, ns.lighthouse_all)
        return 0
    reference = reference_seconds()
    with tempfile.TemporaryDirectory(prefix="hw5ref-bench-") as tmp:
        work = Path(tmp) / "repo"
        shutil.copytree(ROOT, work, ignore=copy_ignore, symlinks=True)
        site = Path(tmp) / "site"
        build: list[str | Path] = [BIN / "mkdocs", "build", "--strict", "--site-dir", site]
        for name in ("cold build", "warm build"):
            seconds, code, out = timed(build, work)
            if code != 0:
                print(out[-3000:])
                print(f"{name} failed (exit {code})")
                return 1
            times[name] = seconds
        times["warm rebuild"] = serve_rebuild_seconds(work)
        bare = write_bare_site(Path(tmp) / "bare")
        bare_build: list[str | Path] = [BIN / "mkdocs", "build", "--site-dir", Path(tmp) / "bs"]
        seconds, code, out = timed(bare_build, bare)
        if code != 0:
            print(out[-3000:])
            print(f"bare site build failed (exit {code})")
            return 1
        bare_times = {"cold build": seconds,
                      "warm rebuild": serve_rebuild_seconds(bare, "docs/page1.md")}
        if not ns.no_tests:
            node_modules = ROOT / "tests" / "site" / "node_modules"
            if node_modules.exists():
                (work / "tests" / "site" / "node_modules").symlink_to(node_modules)
            seconds, code, out = timed(
                [BIN / "pytest", *PYTEST_ARGS, "-m", "not browser", "-q", "-p",
                 "no:cacheprovider"], work
            )
            times["non-browser tests"] = seconds
            summary = [line for line in out.splitlines() if " passed" in line or " failed" in line]
            print(f"non-browser tests: exit {code}; {summary[-1] if summary else out[-500:]}")
        print()
        print(f"machine reference: {reference:.2f} s for sum(i*i for i < 10**7), best of 3 "
              f"(before), {reference_seconds():.2f} s (after); {os.cpu_count()} CPUs")
        print(f"{'measure':<20} {'seconds':>8} {'target':>8} {'bare site':>10} {'ratio':>6} "
              f"{'target':>7}")
        for name, seconds in times.items():
            ratio_text = " " * 33
            ok_ratio = True
            if name in bare_times:
                ratio = seconds / bare_times[name]
                ok_ratio = ratio <= RATIO_TARGETS[name]
                ratio_text = (f"{bare_times[name]:10.1f} {ratio:6.2f} "
                              f"{'<= ' + str(RATIO_TARGETS[name]):>7}")
            if name not in TARGETS:
                print(f"{name:<20} {seconds:8.1f} {'-':>8} {ratio_text}")
                continue
            ok = seconds < TARGETS[name] and ok_ratio
            missed += [] if ok else [name]
            print(f"{name:<20} {seconds:8.1f} {'< ' + str(TARGETS[name]):>8} {ratio_text} "
                  f"{'ok' if ok else 'MISSED'}")

        if not ns.no_pages:
            if not CHROMIUM.exists():
                print(f"\nno Chromium at {CHROMIUM}: page sizes skipped")
            else:
                sizes = transfer_sizes(site)
                print("\nTransfer per page (KiB, uncompressed; gzip = same bytes compressed)")
                header = f"{'page':<44}" + "".join(f"{c:>8}" for c in CATEGORIES)
                print(header + f"{'total':>9}{'gzip':>8}")
                heaviest = ("", 0)
                for rel, s in sorted(sizes.items(), key=lambda kv: -sum(
                        v for k, v in kv[1].items() if k != "gzip")):
                    total = sum(s.get(c, 0) for c in CATEGORIES)
                    heaviest = max(heaviest, (rel, total), key=lambda t: t[1])
                    print(f"{rel[:43]:<44}" + "".join(f"{fmt_kb(s.get(c, 0)):>8}"
                                                       for c in CATEGORIES)
                          + f"{fmt_kb(total):>9}{fmt_kb(s.get('gzip', 0)):>8}")
                ok = heaviest[1] < PAGE_TARGET_BYTES
                missed += [] if ok else ["heaviest page"]
                print(f"\nheaviest page: {heaviest[0]} {heaviest[1] / 1024 / 1024:.2f} MiB "
                      f"(target < 1.5 MiB) {'ok' if ok else 'MISSED'}")
        if not ns.no_lighthouse and CHROMIUM.exists():
            print_lighthouse(site, ns.lighthouse_all)
    if missed:
        print("targets missed: " + ", ".join(missed))
    return 1 if (missed and ns.check) else 0


def print_lighthouse(site: Path, every_page: bool) -> None:
    pages = tuple(page_urls(site)) if every_page else LIGHTHOUSE_PAGES
    pages = tuple(p for p in pages if p != "404.html")
    print("\nLighthouse 12 mobile (simulated slow 4G, 4x CPU), site served gzip-compressed; "
          "median of 3 runs")
    print(f"{'page':<44}{'score':>7}{'TBT ms':>8}{'CLS':>7}")
    for rel, r in lighthouse(site, pages).items():
        print(f"{rel[:43]:<44}{r['score']:7.0f}{r['tbt']:8.0f}{r['cls']:7.3f}")


if __name__ == "__main__":
    sys.exit(main())
