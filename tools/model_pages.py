"""MkDocs hook: the model-analysis pages, generated from the evaluation records.

Registered in ``mkdocs.yml`` under ``hooks:``.  On every build it

* loads ``evaluations/*.yaml`` (or the directory named by ``$HW5REF_EVALUATIONS``), validates
  them against ``evaluations/schema.json`` and ``evaluations/taxonomy.yaml``, and grades every
  claim with :mod:`hw5ref.grading` -- an invalid record or an inconsistent grade fails the
  build;
* adds the generated pages (scorecard, one page per model, comparison, reviewer audit,
  taxonomy) to the site and to the "Model analysis" section of the navigation;
* replaces the ``<!-- hw5ref:... -->`` markers of the hand-written model-analysis pages with
  computed text (headline counts, the check-kind table, ...).

Adding a model is a data-only change: drop a record into ``evaluations/`` and rebuild.
"""

from __future__ import annotations

import logging
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from hw5ref.grading.analysis import Analysis, load_analysis
from hw5ref.grading.pages import BASE, fill_markers, generated_pages, nav_entries
from hw5ref.grading.records import RecordError, evaluations_dir

log = logging.getLogger("mkdocs.hooks.model_pages")
SECTION = "Model analysis"
_state: dict[str, Any] = {}


def _analysis() -> Analysis:
    analysis = _state.get("analysis")
    if analysis is None:
        raise PluginError("model_pages: on_config did not run")
    return analysis  # type: ignore[no-any-return]


def _nav_pages(items: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(items, str):
        found.add(items)
    elif isinstance(items, list):
        for item in items:
            found |= _nav_pages(item)
    elif isinstance(items, dict):
        for value in items.values():
            found |= _nav_pages(value)
    return found


def _extend_nav(nav: list[Any] | None, analysis: Analysis) -> None:
    if not nav:
        return  # automatic navigation picks the pages up by itself
    for item in nav:
        if isinstance(item, dict) and SECTION in item:
            section = item[SECTION]
            if not isinstance(section, list):
                item[SECTION] = section = [section]
            present = _nav_pages(section)
            section.extend(e for e in nav_entries(analysis) if not _nav_pages(e) & present)
            return
    nav.append({SECTION: [f"{BASE}/index.md", *nav_entries(analysis)]})


def _cached_analysis() -> Analysis:
    """:func:`load_analysis`, pickled on disk (grading every claim takes over a second).

    The pickle lives in the notebook cache's directory for the current dependency digest
    (tools/notebook_cache.py: hw5ref/, evaluations/, the pinned environment), under a name that
    hashes every file of the evaluations directory in use (``$HW5REF_EVALUATIONS`` may point
    elsewhere) and this file; any change to those grades everything afresh. Only a successful
    load is stored, and its ``problems`` are still checked by the caller.
    """
    import hashlib
    import importlib.util
    import pickle
    import sys
    from pathlib import Path

    cache = sys.modules.get("hw5_notebook_cache")
    if cache is None:  # tools/ is not a package: load the hook module by its path
        spec = importlib.util.spec_from_file_location(
            "hw5_notebook_cache", Path(__file__).with_name("notebook_cache.py"))
        assert spec is not None and spec.loader is not None
        cache = importlib.util.module_from_spec(spec)
        sys.modules["hw5_notebook_cache"] = cache
        spec.loader.exec_module(cache)
    root = Path(__file__).resolve().parent.parent
    directory = evaluations_dir()
    key = hashlib.sha256(Path(__file__).read_bytes() + b"\0")
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        key.update(path.relative_to(directory).as_posix().encode() + b"\0"
                   + path.read_bytes() + b"\0")
    stored = (root / cache.CACHE_ROOT / cache.dependency_digest(root) / "memo"
              / f"analysis-{key.hexdigest()}.pickle")
    if stored.is_file():
        analysis: Analysis = pickle.loads(stored.read_bytes())
        return analysis
    analysis = load_analysis()
    cache.write_atomically(stored, pickle.dumps(analysis))
    return analysis


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    try:
        analysis = _cached_analysis()
    except (RecordError, ValueError) as exc:
        raise PluginError(f"model_pages: {exc}") from exc
    if analysis.problems:
        raise PluginError("model_pages: inconsistent evaluation records:\n  "
                          + "\n  ".join(analysis.problems))
    _state["analysis"] = analysis
    _extend_nav(config.nav, analysis)
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    for path, content in generated_pages(_analysis()).items():
        existing = files.get_file_from_path(path)
        if existing is not None:
            files.remove(existing)
        files.append(File.generated(config, path, content=content))
    return files


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    src = page.file.src_uri
    if not src.startswith(f"{BASE}/"):
        return markdown
    if page.file.generated_by is not None:
        page.edit_url = None  # generated: there is no Markdown source to edit
    return fill_markers(markdown, _analysis())


def on_serve(server: Any, config: MkDocsConfig, builder: Any) -> Any:
    server.watch(str(evaluations_dir()))
    return server
