"""tools/deploy.py: two versions of a tiny site published with mike into a temporary repository.

A temporary git repository holds a minimal Material site with the project's layout (mkdocs.yml
with a site_url under /hw5ref/, hw5ref/__init__.py, CITATION.cff, a lock file). Release 0.1.0 is
committed and published (``deploy.publish``: a worktree of its commit, the versioned config
overlay, a real ``python -m mkdocs build`` subprocess, mike's deploy in process); then the docs
change (one page edited, one removed, one added), the version becomes 0.2.0, releases.yaml pins
0.1.0, and 0.2.0 is published from HEAD (built in process, to keep the test fast). The gh-pages
branch is exported and served under /hw5ref/ as GitHub Pages serves the project site.

Git's identity comes from the environment set here (a fresh CI clone has none) and the user's
git configuration is ignored.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib.metadata import version as installed_version
from pathlib import Path
from typing import Any

import pytest
import yaml
from run_once import once_per_run

from tools import deploy, pages

SITE_URL = "https://hw5ref.github.io/hw5ref/"
PREFIX = "/hw5ref/"
CHROMIUM = Path(os.environ.get("HW5REF_CHROMIUM", "/usr/bin/chromium"))

MKDOCS_YML = f"""\
site_name: Versioning test
site_url: {SITE_URL}
theme:
  name: material
  font: false
markdown_extensions:
  - attr_list
plugins: []
"""

V1_DOCS = {
    "index.md": "# Home\n\nRelease one.\n",
    "solutions/q1.md": "# Q1\n\n## 1(c) Part c {#q1c}\n\nAnswer one-c, first wording.\n",
    "old.md": "# Old\n\nA page that 0.2.0 removes.\n",
}
V2_DOCS = {
    "index.md": "# Home\n\nRelease two.\n",
    "solutions/q1.md": "# Q1\n\n## 1(c) Part c {#q1c}\n\nAnswer one-c, corrected in 0.2.0.\n",
    "new.md": "# New\n\nA page added in 0.2.0.\n",
}
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test Author", "GIT_AUTHOR_EMAIL": "author@example.invalid",
    "GIT_COMMITTER_NAME": "Test Committer", "GIT_COMMITTER_EMAIL": "committer@example.invalid",
    "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
}


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True,
                          text=True).stdout.strip()


def write_release(repo: Path, version: str, docs: dict[str, str], cff_url: str,
                  releases: dict[str, str] | None = None) -> str:
    """Write one release of the tiny project and commit it; returns the commit id."""
    for path in (repo / "docs").rglob("*.md"):
        path.unlink()
    for rel, text in docs.items():
        (repo / "docs" / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / "docs" / rel).write_text(text, encoding="utf-8")
    (repo / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    (repo / "hw5ref").mkdir(exist_ok=True)
    (repo / "hw5ref" / "__init__.py").write_text(f'__version__ = "{version}"\n')
    (repo / "CITATION.cff").write_text(f'cff-version: 1.2.0\nversion: {version}\n'
                                       f'url: "{cff_url}"\n')
    (repo / "requirements").mkdir(exist_ok=True)
    (repo / "requirements" / "lock.txt").write_text(  # pins this environment has: reused
        f"mkdocs=={installed_version('mkdocs')}\n    # via hw5ref\n"
        f"mkdocs-material=={installed_version('mkdocs-material')}\n")
    if releases is not None:
        (repo / "releases.yaml").write_text(
            "".join(f'"{v}": {c}\n' for v, c in releases.items()), encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", f"release {version}")
    return git(repo, "rev-parse", "HEAD")


def export(repo: Path, dest: Path) -> Path:
    return deploy.export_branch(repo, "gh-pages", dest)


def file_hashes(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@dataclass(frozen=True)
class Published:
    repo: Path
    site: Path  # the exported gh-pages branch after both deploys
    base_url: str  # http://127.0.0.1:PORT/hw5ref/
    commits: dict[str, str]  # version -> release commit
    before: dict[str, str]  # hashes of 0.1.0/ right after it was deployed
    tree_before: str  # git tree id of gh-pages:0.1.0 right after it was deployed
    root_files_kept: bool  # the legacy root files survived mike's deploy of 0.2.0
    deployed: list[list[str]]  # what each publish() call deployed


def publish_two_versions(tmp: Path) -> dict[str, Any]:
    """0.1.0 published from its commit (pinned as releases.yaml pins it), then 0.2.0 from HEAD;
    what the tests look at, as a JSON-able record."""
    repo = tmp / "repo"
    repo.mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    c1 = write_release(repo, "0.1.0", V1_DOCS, cff_url=SITE_URL)  # from before versioning
    pinned = tmp / "releases-0.1.0.yaml"
    pinned.write_text(f'"0.1.0": {c1}\n')
    first = deploy.publish(repo, releases_file=pinned, cache=tmp / "cache",
                           builder=deploy.build_in_subprocess)  # as CI builds a release
    before = file_hashes(export(repo, tmp / "before") / "0.1.0")
    tree_before = git(repo, "rev-parse", "gh-pages:0.1.0")

    c2 = write_release(repo, "0.2.0", V2_DOCS, cff_url=f"{SITE_URL}0.2.0/",
                       releases={"0.1.0": c1})
    manifest = json.loads(git(repo, "show", f"gh-pages:{deploy.MANIFEST}"))
    second = deploy.publish(repo, cache=tmp / "cache", builder=deploy.build_in_process)
    listed = set(git(repo, "ls-tree", "-r", "--name-only", "gh-pages").split())
    return {"repo": str(repo), "site": str(export(repo, tmp / "after")),
            "commits": {"0.1.0": c1, "0.2.0": c2}, "before": before, "tree_before": tree_before,
            "root_files_kept": set(manifest["files"]) <= listed, "deployed": [first, second]}


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Published]:
    with pytest.MonkeyPatch.context() as mp:
        for key, value in GIT_ENV.items():
            mp.setenv(key, value)
        mp.setenv("HOME", str(tmp_path_factory.mktemp("home")))
        mp.delenv("SOURCE_DATE_EPOCH", raising=False)
        data = once_per_run(tmp_path_factory, "deploy-two-versions", publish_two_versions)
        server = pages.serve_directory(Path(data["site"]), PREFIX)
        try:
            yield Published(Path(data["repo"]), Path(data["site"]),
                            f"http://127.0.0.1:{server.server_address[1]}{PREFIX}",
                            data["commits"], data["before"], data["tree_before"],
                            data["root_files_kept"], data["deployed"])
        finally:
            server.shutdown()
            server.server_close()


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


# ---- the two deploys -------------------------------------------------------------------------
def test_each_publish_deploys_only_the_missing_release(published: Published) -> None:
    assert published.deployed == [["0.1.0"], ["0.2.0"]]


def test_versions_json_lists_both_with_latest_on_the_newest(published: Published) -> None:
    status, body = fetch(published.base_url + "versions.json")
    assert status == 200
    assert json.loads(body) == [
        {"version": "0.2.0", "title": "0.2.0", "aliases": ["latest"],
         "properties": {"commit": published.commits["0.2.0"]}},
        {"version": "0.1.0", "title": "0.1.0", "aliases": [],
         "properties": {"commit": published.commits["0.1.0"]}},
    ]


@pytest.mark.parametrize(("version", "text"), [
    ("0.1.0", "Answer one-c, first wording."),
    ("0.2.0", "Answer one-c, corrected in 0.2.0."),
])
def test_each_version_is_served_with_its_own_text_and_the_selector(
    published: Published, version: str, text: str
) -> None:
    status, body = fetch(published.base_url + f"{version}/solutions/q1/")
    assert status == 200 and text in body
    assert f'<link rel="canonical" href="{SITE_URL}{version}/solutions/q1/">' in body
    config = json.loads(body.split('<script id="__config" type="application/json">')[1]
                        .split("</script>")[0])
    assert config["version"] == {"provider": "mike", "alias": True}  # Material's selector
    assert config["base"] == "../.."  # so the selector fetches /hw5ref/versions.json


def test_older_version_is_byte_for_byte_unchanged_by_the_newer_deploy(
    published: Published,
) -> None:
    assert file_hashes(published.site / "0.1.0") == published.before
    assert git(published.repo, "rev-parse", "gh-pages:0.1.0") == published.tree_before
    assert "old/index.html" in published.before  # 0.1.0 keeps the page 0.2.0 removed


def test_dates_come_from_the_release_commit(published: Published) -> None:
    sitemap = (published.site / "0.1.0" / "sitemap.xml").read_text("utf-8")
    day = git(published.repo, "show", "-s", "--format=%cs", published.commits["0.1.0"])
    assert f"<lastmod>{day}</lastmod>" in sitemap
    assert f"<loc>{SITE_URL}0.1.0/solutions/q1/</loc>" in sitemap


def test_tags_mark_each_release_commit(published: Published) -> None:
    for version, commit in published.commits.items():
        assert git(published.repo, "rev-parse", f"v{version}^{{commit}}") == commit


def test_publishing_again_changes_nothing(published: Published) -> None:
    head = git(published.repo, "rev-parse", "gh-pages")
    assert deploy.publish(published.repo, env={**os.environ, **GIT_ENV}) == []
    assert git(published.repo, "rev-parse", "gh-pages") == head


# ---- the addresses from before versioning ----------------------------------------------------
def test_mike_deploy_keeps_the_root_files(published: Published) -> None:
    assert published.root_files_kept


@pytest.mark.parametrize(("path", "target"), [
    ("", "latest/"),  # the site root (mike set-default)
    ("latest/solutions/q1/", "../../../0.2.0/solutions/q1/"),  # the alias (redirect type)
    ("solutions/q1/", "../../latest/solutions/q1/"),  # an old unversioned address
    ("new/", "../latest/new/"),
    ("old/", "../0.1.0/old/"),  # only in 0.1.0: the newest version that has it
])
def test_redirects_point_where_expected(published: Published, path: str, target: str) -> None:
    status, body = fetch(published.base_url + path)
    assert status == 200
    assert f'<meta http-equiv="refresh" content="0; url={target}">' in body
    assert f'location.replace("{target}" + location.search + location.hash)' in body


def test_unknown_path_gets_the_404_page_that_forwards_old_addresses(
    published: Published,
) -> None:
    status, body = fetch(published.base_url + "no/such/page/")
    assert status == 404
    assert "location.replace(prefix + target" in body
    assert '"base": "/hw5ref/0.2.0/"' in body  # the selector and search work on it too


# ---- in Chromium: the version selector lists both ---------------------------------------------
def in_own_thread(check: Callable[[], None]) -> None:
    """Run ``check`` in a thread of its own: Playwright's sync API refuses to start in a thread
    that already runs an event loop, such as one where the site tests' browser is open."""
    errors: list[BaseException] = []

    def run() -> None:
        try:
            check()
        except BaseException as exc:  # handed back to the test
            errors.append(exc)

    thread = threading.Thread(target=run, name="chromium")
    thread.start()
    thread.join(timeout=120)
    assert not thread.is_alive(), "the Chromium check did not finish in 120 s"
    if errors:
        raise errors[0]


@pytest.mark.browser
def test_version_selector_lists_both_and_old_anchors_survive(published: Published) -> None:
    if not CHROMIUM.exists():
        pytest.fail(f"Chromium not found at {CHROMIUM} (set HW5REF_CHROMIUM)")

    def check() -> None:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM),
                                        args=["--no-sandbox", "--disable-gpu"])
            try:
                page = browser.new_page()
                page.goto(published.base_url + "0.1.0/solutions/q1/")
                page.wait_for_selector(".md-version__current")
                assert page.locator(".md-version__current").inner_text().strip() == "0.1.0"
                items = page.eval_on_selector_all(".md-version__link", """ls => ls.map(a => [
                    a.childNodes[0].textContent.trim(),
                    a.querySelector(".md-version__alias")?.textContent ?? null])""")
                assert items == [["0.2.0", "latest"], ["0.1.0", None]]
                # old address + anchor -> stub -> latest/ (alias redirect) -> 0.2.0, anchor kept
                page.goto(published.base_url + "solutions/q1/#q1c")
                page.wait_for_url("**/hw5ref/0.2.0/solutions/q1/#q1c", timeout=10_000)
                assert "corrected in 0.2.0" in page.content()
                # an old address that never was a page: the root 404.html forwards it
                page.goto(published.base_url + "assets/nothing.txt")
                page.wait_for_url("**/hw5ref/0.2.0/assets/nothing.txt", timeout=10_000)
            finally:
                browser.close()

    in_own_thread(check)


# ---- pieces ----------------------------------------------------------------------------------
def test_a_fresh_clone_sees_what_is_published(published: Published, tmp_path: Path) -> None:
    """A CI clone has only origin/gh-pages: publish must start from it, not from nothing."""
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(published.repo), str(clone)], check=True)
    assert deploy.published(clone, "gh-pages") == []
    deploy.sync_with_remote(clone, "gh-pages", "origin")
    assert [v["version"] for v in deploy.published(clone, "gh-pages")] == ["0.2.0", "0.1.0"]
    assert deploy.publish(clone, dry_run=True) == []


def test_the_overlay_versions_site_url_adds_the_selector_and_keeps_the_rest() -> None:
    original = ("site_name: x\nsite_url: https://x.invalid/docs\n"
                "repo_url: !ENV [REPO, 'https://x.invalid/repo']\n"
                "plugins:\n  - search\n  - macros:\n      module_name: sitebuild/macros\n"
                "hooks:\n  - sitebuild/hooks.py\n")
    overlay = deploy.versioned_config(original, "1.2.3")
    assert "repo_url: !ENV" in overlay
    loaded = yaml.load(overlay, Loader=deploy._Loader)
    assert loaded["site_url"] == "https://x.invalid/docs/1.2.3/"
    assert loaded["extra"]["version"] == {"provider": "mike", "alias": True}
    assert loaded["plugins"] == ["search", {"macros": {"module_name": "sitebuild/macros"}}]
    assert loaded["hooks"] == ["sitebuild/hooks.py"]


@pytest.mark.parametrize(("text", "message"), [
    ('1.0: 7455c0990190f565181771594bfc3e292194e1fc\n', "quoted full version"),  # a float
    ('"0.1": 7455c0990190f565181771594bfc3e292194e1fc\n', "quoted full version"),
    ('"0.1.0": 7455c09\n', "full 40-digit commit id"),
    ('"0.1.0": v0.1.0\n', "full 40-digit commit id"),
])
def test_releases_file_needs_quoted_versions_and_full_commit_ids(
    tmp_path: Path, text: str, message: str
) -> None:
    (tmp_path / "releases.yaml").write_text(text)
    with pytest.raises(deploy.DeployError, match=message):
        deploy.load_releases(tmp_path / "releases.yaml")


def test_the_repositorys_releases_file_pins_0_1_0_to_7455c09() -> None:
    releases = deploy.load_releases(deploy.ROOT / deploy.RELEASES)
    assert releases["0.1.0"] == "7455c0990190f565181771594bfc3e292194e1fc"


def test_a_release_whose_package_says_another_version_is_refused(published: Published,
                                                                  tmp_path: Path) -> None:
    wrong = tmp_path / "releases.yaml"
    wrong.write_text(f'"0.1.5": {published.commits["0.1.0"]}\n')
    with pytest.raises(deploy.DeployError, match=r"0\.1\.5 points at .* says 0\.1\.0"):
        deploy.releases_of(published.repo, wrong)


def test_a_tag_is_never_moved(published: Published) -> None:
    with pytest.raises(deploy.DeployError, match=r"tag v0\.1\.0 exists at"):
        deploy.ensure_tags(published.repo, {"0.1.0": published.commits["0.2.0"]}, os.environ)


def test_this_environment_builds_a_commit_whose_lock_it_satisfies() -> None:
    lock = "mkdocs==1.6.1\n    # via x\nfoo-bar==2.0 ; python_version > '3'\n"
    assert deploy.lock_pins(lock) == {"mkdocs": "1.6.1", "foo-bar": "2.0"}
