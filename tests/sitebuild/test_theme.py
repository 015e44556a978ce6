"""sitebuild/theme.py: Material HTML fixes, the BibTeX entry, the Jinja bytecode cache, the
version's address and CITATION.cff, the build date from the commit and the quiet plugin logs; and
a small copy of the site built twice through the real hooks (sitebuild/hooks.py), byte for byte
the same (with sitebuild/notebooks.py's content-derived cell ids and no execution timings)."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import pytest
import yaml
from run_once import once_per_run

from sitebuild import theme


def test_fixes_remove_the_github_api_hook_and_name_the_search_dialog() -> None:
    html = ('<a class="md-source" data-md-component="source" href="x">'
            '<div class="md-search" data-md-component="search" role="dialog">')
    fixed = theme.fix_html(html)
    assert 'data-md-component="source"' not in fixed
    assert 'role="dialog" aria-label="Search"' in fixed


def test_bibtex_entry_by_hand() -> None:
    cff = {"authors": [{"name": "hw5ref contributors"}, {"family-names": "Doe",
                                                        "given-names": "Jane"}],
           "title": "EECS 182 HW5, checked", "version": "0.2.0",
           "date-released": dt.date(2026, 11, 29), "url": "https://example.org/0.2.0/"}
    assert theme.bibtex_entry(cff) == (
        "@misc{hw5ref-0-2-0,\n"
        "  author       = {{hw5ref contributors} and Doe, Jane},\n"
        "  title        = {{EECS 182 HW5, checked}},\n"
        "  year         = {2026},\n"
        "  month        = nov,\n"
        "  version      = {0.2.0},\n"
        "  note         = {Version 0.2.0},\n"
        "  howpublished = {\\url{https://example.org/0.2.0/}},\n"
        "  url          = {https://example.org/0.2.0/}\n"
        "}")


def test_compiled_templates_are_cached_and_an_edited_template_is_recompiled(
    tmp_path: Path,
) -> None:
    (tmp_path / "templates").mkdir()
    template = tmp_path / "templates" / "page.html"
    template.write_text("one {{ x }}", encoding="utf-8")

    def render() -> str:
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(tmp_path / "templates")),
                                 bytecode_cache=theme.bytecode_cache(tmp_path))
        return str(env.get_template("page.html").render(x=1))

    assert render() == "one 1"
    cached = list((tmp_path / ".cache" / "jinja").iterdir())
    assert len(cached) == 1  # compiled code stored for the next build
    assert render() == "one 1"
    template.write_text("two {{ x }}", encoding="utf-8")  # edited: never the stale code
    assert render() == "two 1"


# ---- the version's address and the citation --------------------------------------------------
ROOT = Path(__file__).resolve().parents[2]


class _TaggedLoader(yaml.SafeLoader):
    """Reads mkdocs.yml whatever custom tags (!ENV, ...) it uses; they are not needed here."""


_TaggedLoader.add_multi_constructor("!", lambda loader, suffix, node: None)


def mkdocs_config() -> dict[str, Any]:
    return dict(yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"),
                          Loader=_TaggedLoader))


@pytest.mark.parametrize(("site_url", "expected"), [
    ("https://hw5ref.github.io/hw5ref/", "https://hw5ref.github.io/hw5ref/0.2.0/"),
    ("https://hw5ref.github.io/hw5ref", "https://hw5ref.github.io/hw5ref/0.2.0/"),
    # the deploy sets site_url to the version's own address for that version's build
    ("https://hw5ref.github.io/hw5ref/0.2.0/", "https://hw5ref.github.io/hw5ref/0.2.0/"),
    ("https://hw5ref.github.io/hw5ref/0.1.0/", "https://hw5ref.github.io/hw5ref/0.1.0/0.2.0/"),
])
def test_versioned_url(site_url: str, expected: str) -> None:
    assert theme.versioned_url(site_url, "0.2.0") == expected


def test_site_metadata_names_this_versions_address_and_the_sites_root() -> None:
    import hw5ref

    for site_url in ("https://hw5ref.github.io/hw5ref/",
                     f"https://hw5ref.github.io/hw5ref/{hw5ref.__version__}/"):
        meta = theme.site_metadata(ROOT, site_url)
        assert meta["versioned_url"] == f"https://hw5ref.github.io/hw5ref/{hw5ref.__version__}/"
        assert meta["unversioned_url"] == "https://hw5ref.github.io/hw5ref/"
    assert theme.site_metadata(ROOT)["versioned_url"] is None


def test_citation_cff_version_and_url_are_the_packages_version_and_its_address() -> None:
    """CITATION.cff's version is hw5ref.__version__ and its url that version's address on the
    site, where tools/deploy.py publishes it (bump the three together)."""
    import hw5ref

    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert str(cff["version"]) == hw5ref.__version__
    assert cff["url"] == theme.versioned_url(mkdocs_config()["site_url"], hw5ref.__version__)


# ---- build date and quiet logs ---------------------------------------------------------------
GIT_ENV = {"GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.invalid",
           "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.invalid",
           "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
           "GIT_AUTHOR_DATE": "2001-02-03T04:05:06Z", "GIT_COMMITTER_DATE": "2001-02-03T04:05:06Z"}
COMMIT_EPOCH = "981173106"  # 2001-02-03T04:05:06Z


def commit_all(root: Path) -> None:
    env = {**os.environ, **GIT_ENV}
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "snapshot"]):
        subprocess.run(["git", "-C", str(root), *args], check=True, env=env,
                       capture_output=True)


def test_build_date_is_the_commits_time_unless_set(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1")  # so that monkeypatch restores it afterwards
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert theme.pin_build_date(tmp_path) is None  # not a git checkout: MkDocs uses the clock
    assert "SOURCE_DATE_EPOCH" not in os.environ
    (tmp_path / "a.txt").write_text("a\n")
    commit_all(tmp_path)
    (tmp_path / "sub").mkdir()
    assert theme.pin_build_date(tmp_path / "sub") is None  # only the checkout's own top
    assert theme.pin_build_date(tmp_path) == COMMIT_EPOCH
    assert os.environ["SOURCE_DATE_EPOCH"] == COMMIT_EPOCH

    from mkdocs.utils import get_build_date

    assert get_build_date() == "2001-02-03"  # what the sitemap's lastmod shows
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1234")  # set by the caller (tools/deploy.py)
    assert theme.pin_build_date(tmp_path) == "1234"


def test_chatty_plugin_loggers_are_raised_to_warning_unless_verbose() -> None:
    loggers = [logging.getLogger(n) for n in (*theme.CHATTY_LOGGERS, "mkdocs")]
    saved = [lg.level for lg in loggers]
    try:
        for lg in loggers:
            lg.setLevel(logging.NOTSET)
        logging.getLogger("mkdocs").setLevel(logging.DEBUG)  # mkdocs build -v
        theme.quiet_plugin_logs()
        assert all(lg.level == logging.NOTSET for lg in loggers[:-1])
        logging.getLogger("mkdocs").setLevel(logging.INFO)
        theme.quiet_plugin_logs()
        for name in theme.CHATTY_LOGGERS:
            assert not logging.getLogger(name).isEnabledFor(logging.INFO)
            assert logging.getLogger(name).isEnabledFor(logging.WARNING)
        # mkdocs-macros logs through a child logger; MkDocs' own summary is untouched
        assert not logging.getLogger("mkdocs.plugins.mkdocs_macros.util").isEnabledFor(
            logging.INFO)
        assert logging.getLogger("mkdocs.commands.build").isEnabledFor(logging.INFO)
    finally:
        for lg, level in zip(loggers, saved, strict=True):
            lg.setLevel(level)


# ---- a small site built twice, through the real hooks ----------------------------------------
SMALL_INDEX = """---
title: Home
render_macros: true
---

# Home

Built from hw5ref {{ hw5ref_version }}; this version's address is <{{ versioned_url }}>.

```bibtex
{{ citation.bibtex }}
```
"""
TINY_NOTEBOOK = """# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # A tiny notebook

# %%
print(6 * 7)

# %%
print(6 * 7)
"""


def make_small_site(root: Path) -> None:
    """The project's mkdocs.yml and build code (sitebuild/, overrides/, CITATION.cff, assets)
    with two pages (a Markdown page using the site metadata, and a tiny notebook), committed
    at a fixed date. The real evaluations give the generated model pages, whose links to the
    missing solution pages are not checked here."""
    ignore = shutil.ignore_patterns("__pycache__")
    for name in ("sitebuild", "overrides"):
        shutil.copytree(ROOT / name, root / name, ignore=ignore)
    shutil.copy2(ROOT / "CITATION.cff", root / "CITATION.cff")
    shutil.copytree(ROOT / "docs" / "assets", root / "docs" / "assets", ignore=ignore)
    (root / "docs" / "index.md").write_text(SMALL_INDEX, encoding="utf-8")
    (root / "docs" / "notebooks").mkdir()
    (root / "docs" / "notebooks" / "tiny.py").write_text(TINY_NOTEBOOK, encoding="utf-8")
    config = mkdocs_config()
    config.pop("watch", None)
    config["nav"] = [{"Home": "index.md"}, {"A notebook": "notebooks/tiny.py"}]
    config["not_in_nav"] = "model-analysis/models/*.md"
    config["validation"] = {"links": {"not_found": "ignore", "anchors": "ignore",
                                      "unrecognized_links": "ignore"}}
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    commit_all(root)


@dataclass(frozen=True)
class SmallBuilds:
    first: Path
    second: Path
    output: str  # what the first build printed


def build_small_site_twice(tmp: Path) -> dict[str, str]:
    """Two cold builds of the small site, one after the other (so at different times), in two
    copies at different paths, with SOURCE_DATE_EPOCH unset: the hooks take it from the
    commit. ``python -m mkdocs`` as a reader runs it, Material's end-of-life notice not
    disabled."""
    make_small_site(tmp / "a")
    shutil.copytree(tmp / "a", tmp / "b", symlinks=True)
    env = {k: v for k, v in os.environ.items()
           if k not in ("NO_MKDOCS_2_WARNING", "SOURCE_DATE_EPOCH", "HW5REF_EVALUATIONS")}
    env["PYTHONPATH"] = str(ROOT)  # this checkout's hw5ref
    outputs = []
    for name in ("a", "b"):
        proc = subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir",
             str(tmp / f"site-{name}")], cwd=tmp / name, env=env, capture_output=True,
            text=True, stdin=subprocess.DEVNULL, timeout=600)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        outputs.append(proc.stdout + proc.stderr)
        time.sleep(1.1)  # the second build starts at another second
    return {"first": str(tmp / "site-a"), "second": str(tmp / "site-b"), "output": outputs[0]}


@pytest.fixture(scope="module")
def small_builds(tmp_path_factory: pytest.TempPathFactory) -> SmallBuilds:
    """The two builds, made once per test run (shared by the pytest-xdist workers)."""
    data = once_per_run(tmp_path_factory, "small-site", build_small_site_twice)
    return SmallBuilds(Path(data["first"]), Path(data["second"]), data["output"])


def test_two_cold_builds_of_one_commit_are_byte_for_byte_identical(
    small_builds: SmallBuilds,
) -> None:
    def files(site: Path) -> dict[str, bytes]:
        return {p.relative_to(site).as_posix(): p.read_bytes()
                for p in sorted(site.rglob("*")) if p.is_file()}

    first, second = files(small_builds.first), files(small_builds.second)
    assert "notebooks/tiny/tiny.ipynb" in first and "sitemap.xml.gz" in first
    assert sorted(first) == sorted(second)
    assert [rel for rel in first if first[rel] != second[rel]] == []


def test_the_sitemap_dates_are_the_commits(small_builds: SmallBuilds) -> None:
    sitemap = (small_builds.first / "sitemap.xml").read_text(encoding="utf-8")
    assert sitemap.count("<lastmod>") >= 2
    assert sitemap.count("<lastmod>") == sitemap.count("<lastmod>2001-02-03</lastmod>")


def test_notebook_cells_have_content_ids_and_no_timings(small_builds: SmallBuilds) -> None:
    import hashlib

    nb = json.loads((small_builds.first / "notebooks" / "tiny" / "tiny.ipynb").read_text("utf-8"))

    def digest(kind: str, source: str) -> str:
        return hashlib.sha256(f"{kind}\0{source}".encode()).hexdigest()[:8]

    printed = digest("code", "print(6 * 7)")
    assert [c["id"] for c in nb["cells"]] == [
        digest("markdown", "# A tiny notebook"), printed, f"{printed}-2"]  # a repeat: -2
    assert all("execution" not in c["metadata"] for c in nb["cells"])
    assert ["".join(c["outputs"][0]["text"]) for c in nb["cells"][1:]] == ["42\n", "42\n"]
    page = (small_builds.first / "notebooks" / "tiny" / "index.html").read_text("utf-8")
    assert f'id="cell-id={printed}-2"' in page  # the page's anchors are the same ids


def test_the_build_prints_warnings_the_summary_and_materials_end_of_life_notice(
    small_builds: SmallBuilds,
) -> None:
    out = small_builds.output
    assert "Material for MkDocs reaches end of life on May 5, 2027" in out
    assert "Zensical is its maintained successor" in out
    assert "Documentation built in" in out
    for chatty in ("[macros]", "Copied jupyter file", "Converting notebook", "Cache miss",
                   "Cache hit"):
        assert chatty not in out
    info = [line for line in out.splitlines() if line.startswith("INFO")]
    assert len(info) <= 3, info  # cleaning, building to, built in
