"""Running the notebooks: once per build, all at once, cached on everything they depend on.

Every ``docs/notebooks/*.py`` (jupytext percent format) is run in a fresh Jupyter kernel with
nbclient when the build starts (:func:`start`), all of them at once in a background thread,
while the build renders the other pages. The executed ``.ipynb`` (outputs included) is kept at
``.cache/notebooks/<digest>/<key>/<name>.ipynb``: ``<digest>`` hashes every file a notebook can
depend on (:data:`DEPENDENCIES`) and ``<key>`` the notebook itself, so editing a notebook or
anything it imports runs it again and nothing stale is shown. Deleting ``.cache/`` is safe.

mkdocs-jupyter then renders each notebook page from its executed copy (``execute: false`` in
mkdocs.yml; :func:`use_executed_copies` points the page at the copy, which mkdocs-jupyter also
publishes as the page's download). A page waits for its notebook (:func:`executed`); a cell
that raises fails the build with its traceback. :func:`figure` gives a solution page the image
of a notebook's cell tagged ``site-figure`` from the same run, so the figure on the solution
page is, byte for byte, the notebook page's.

Kernels talk to the build over Unix sockets on POSIX (kernels started together can otherwise
race for the same free TCP port) and over TCP elsewhere.

The executed copy depends only on the notebook and what it computes, never on when or how often
it ran, so two builds of one commit give the same bytes (the ``.ipynb`` download and the page):
every cell gets an id derived from its content (:func:`stable_cell_ids`; jupytext would give
random ones, which also become the page's ``cell-id=`` anchors) and nbclient records no
execution timestamps.
"""

from __future__ import annotations

import asyncio
import hashlib
import html
import os
import shutil
import tempfile
import threading
from concurrent.futures import Future
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

__all__ = ["FIGURE_TAG", "executed", "figure", "stable_cell_ids", "start", "tagged_figure",
           "use_executed_copies"]

ROOT = Path(__file__).resolve().parent.parent
CACHE = Path(".cache") / "notebooks"
#: Files (globs relative to the repository root) whose content notebook outputs can depend on;
#: this module too, since how a notebook is run shapes its executed copy.
DEPENDENCIES = ("hw5ref/**/*", "evaluations/**/*", "pyproject.toml", "requirements/lock.txt",
                "sitebuild/notebooks.py")
PATTERN = "notebooks/*.py"  # under docs/
FIGURE_TAG = "site-figure"
TIMEOUT_SECONDS = 600  # per cell

# docs path of a notebook ("notebooks/x.py") -> its executed copy, once it has run.
_runs: dict[str, Future[Path]] = {}


def dependency_digest(root: Path) -> str:
    """SHA-256 (first 16 hex digits) of the paths and bytes of every dependency file."""
    digest = hashlib.sha256()
    paths = {p for pattern in DEPENDENCIES for p in root.glob(pattern)
             if p.is_file() and "__pycache__" not in p.parts}
    for path in sorted(paths):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes()
                      + b"\0")
    return digest.hexdigest()[:16]


def executed_path(cache_dir: Path, source: Path) -> Path:
    """``<cache_dir>/<hash of the notebook>/<name>.ipynb``; the name is kept because
    mkdocs-jupyter publishes the file, under that name, as the page's download."""
    key = hashlib.sha256(source.read_bytes()).hexdigest()[:16]
    return cache_dir / key / f"{source.stem}.ipynb"


async def execute(source: Path, target: Path) -> None:
    """Run the jupytext notebook ``source`` top to bottom in a fresh kernel, in its own folder,
    and write it with its outputs to ``target`` (through a temporary file, so a reader never
    sees half a file). Raises nbclient's ``CellExecutionError`` if a cell raises."""
    import jupytext
    import nbformat
    from nbclient import NotebookClient
    from traitlets.config import Config

    nb = jupytext.read(source)
    stable_cell_ids(nb)
    with tempfile.TemporaryDirectory(prefix="hw5ref-kernel-") as sockets:
        config = Config()
        if os.name == "posix":
            config.KernelManager.transport = "ipc"
            config.KernelManager.ip = os.path.join(sockets, "ipc")
        client = NotebookClient(
            nb, config=config, timeout=TIMEOUT_SECONDS, allow_errors=False,
            record_timing=False,  # no metadata.execution timestamps: same notebook, same bytes
            shutdown_kernel="immediate", resources={"metadata": {"path": str(source.parent)}},
        )
        await client.async_execute()
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}")
    partial.write_text(nbformat.writes(nb), encoding="utf-8")  # type: ignore[no-untyped-call]
    os.replace(partial, target)


def stable_cell_ids(nb: Any) -> None:
    """Give every cell of ``nb`` an id derived from its type and source (the first 8 hex digits
    of their SHA-256; a repeated cell gets ``-2``, ``-3``, ...) instead of a random one. An
    unchanged cell keeps its id, and so its page anchor, from one version to the next."""
    seen: dict[str, int] = {}
    for cell in nb.cells:
        digest = hashlib.sha256(f"{cell.cell_type}\0{cell.source}".encode()).hexdigest()[:8]
        seen[digest] = seen.get(digest, 0) + 1
        cell["id"] = digest if seen[digest] == 1 else f"{digest}-{seen[digest]}"


def run_all(jobs: dict[str, tuple[Path, Path]], workers: int | None = None
            ) -> dict[str, Future[Path]]:
    """Start running notebooks in a background thread, up to ``workers`` kernels at once
    (default: twice the number of CPUs, which keeps every core busy while kernels start up);
    ``jobs`` maps a name to ``(source, target)``. Each future resolves to ``target`` or holds
    the exception its notebook raised."""
    futures: dict[str, Future[Path]] = {name: Future() for name in jobs}
    if not jobs:
        return futures

    async def main() -> None:
        limit = asyncio.Semaphore(workers or 2 * (os.cpu_count() or 1))

        async def one(name: str, source: Path, target: Path) -> None:
            async with limit:
                try:
                    await execute(source, target)
                except BaseException as exc:  # handed to whoever waits for this notebook
                    futures[name].set_exception(exc)
                else:
                    futures[name].set_result(target)

        await asyncio.gather(*(one(name, *paths) for name, paths in jobs.items()))

    # Not a daemon: a build that stops early still lets the kernels shut down cleanly.
    threading.Thread(target=lambda: asyncio.run(main()), name="notebooks").start()
    return futures


def start(docs: Path, root: Path = ROOT) -> dict[str, Path]:
    """Run (or reuse) every notebook of ``docs``; return docs path -> executed copy path.

    Copies for older versions of the notebooks or their dependencies are deleted.
    """
    cache_root = root / CACHE
    cache_dir = cache_root / dependency_digest(root)
    targets = {s.relative_to(docs).as_posix(): (s, executed_path(cache_dir, s))
               for s in sorted(docs.glob(PATTERN))}
    keep = {t.parent for _, t in targets.values()}
    for folder, current in ((cache_root, {cache_dir}), (cache_dir, keep)):
        for stale in folder.iterdir() if folder.is_dir() else ():
            if stale.is_dir() and stale not in current:
                shutil.rmtree(stale, ignore_errors=True)
    _runs.clear()
    jobs = {uri: pair for uri, pair in targets.items() if not pair[1].is_file()}
    _runs.update(run_all(jobs))
    for uri, (_, target) in targets.items():
        if uri not in jobs:  # run by an earlier build
            _runs[uri] = Future()
            _runs[uri].set_result(target)
    return {uri: target for uri, (_, target) in targets.items()}


def executed(uri: str) -> Path:
    """The executed copy of the notebook ``uri`` (``"notebooks/x.py"``), waiting for it; a
    notebook that failed raises ``RuntimeError`` with its error."""
    run = _runs.get(uri)
    if run is None:
        raise RuntimeError(f"{uri!r} is not one of the notebooks run by this build: "
                           f"{sorted(_runs)}")
    try:
        return run.result()
    except Exception as exc:
        raise RuntimeError(f"notebook {uri} failed to run:\n{exc}") from exc


def use_executed_copies(files: Any, copies: dict[str, Path]) -> None:
    """Point each notebook page of MkDocs' ``files`` at its executed copy, and move it to the
    end so it is rendered last, giving its kernel the most time."""
    for uri, target in copies.items():
        file = files.get_file_from_path(uri)
        if file is not None:
            file.abs_src_path = str(target)
            files.remove(file)
            files.append(file)


class _Images(HTMLParser):
    """Collects the attributes of every ``<img>`` in an HTML fragment."""

    def __init__(self) -> None:
        super().__init__()
        self.images: list[dict[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            self.images.append({k: v or "" for k, v in attrs})


def tagged_figure(nb: Any, tag: str = FIGURE_TAG) -> tuple[str, str]:
    """``(src, alt)`` of the one image that the one code cell tagged ``tag`` of the executed
    notebook ``nb`` outputs as HTML. ``ValueError`` unless there is exactly one such cell and
    it outputs exactly one ``<img>`` with a src and a non-empty alt."""
    cells = [c for c in nb.cells if tag in c.get("metadata", {}).get("tags", [])]
    if len(cells) != 1:
        raise ValueError(f"expected exactly one cell tagged {tag!r}, found {len(cells)}")
    parser = _Images()
    for output in cells[0].get("outputs", []):
        fragment = output.get("data", {}).get("text/html")
        if fragment:
            parser.feed(fragment if isinstance(fragment, str) else "".join(fragment))
    if len(parser.images) != 1:
        raise ValueError(f"the cell tagged {tag!r} must output exactly one <img> as HTML, "
                         f"found {len(parser.images)}")
    image = parser.images[0]
    if not image.get("src") or not image.get("alt", "").strip():
        raise ValueError(f"the image of the cell tagged {tag!r} needs a src and an alt text")
    return image["src"], image["alt"]


def figure(notebook: str, caption: str = "") -> str:
    """An HTML ``<figure>`` with the image of ``docs/notebooks/<notebook>.py``'s cell tagged
    ``site-figure``, from this build's run, with ``caption`` below it."""
    import nbformat

    nb = nbformat.read(executed(f"notebooks/{notebook}.py"), as_version=4)  # type: ignore[no-untyped-call]
    src, alt = tagged_figure(nb)
    cap = f"<figcaption>{html.escape(caption)}</figcaption>" if caption else ""
    return (f'<figure class="hw5-figure"><img src="{html.escape(src, quote=True)}" '
            f'alt="{html.escape(alt, quote=True)}">{cap}</figure>')
