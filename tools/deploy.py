#!/usr/bin/env python3
"""Publish the site with mike, one folder per full version; check that builds are reproducible.

    .venv/bin/python tools/deploy.py publish [--dry-run] [--push]   # what CI runs (pages.yml)
    .venv/bin/python tools/deploy.py serve                          # gh-pages as Pages serves it
    .venv/bin/python tools/deploy.py repro [REV]                    # two cold builds, compared

**What is released.** ``releases.yaml`` (repository root) maps each released version to the full
id of the commit it is built from; it records the releases made before the current one (0.1.0 is
main as of 7455c09). The current release is the version of the package at ``HEAD``
(``hw5ref/__init__.py``'s ``__version__``) built from ``HEAD``. Nothing depends on tags.

**publish.** For every release that is not yet in ``versions.json`` on the ``gh-pages`` branch,
in version order:

1. a temporary ``git worktree`` of its commit, whose ``hw5ref.__version__`` (and CITATION.cff's
   version) must be the release's version;
2. ``mkdocs.deploy.yml`` written next to the commit's ``mkdocs.yml``: a copy of it with
   ``site_url`` set to the version's own address (``https://hw5ref.github.io/hw5ref/0.2.0/``:
   canonical links, sitemap and the 404 page's base name the version) and
   ``extra.version.provider: mike`` (Material's version selector), so that versions whose
   ``mkdocs.yml`` predates versioning get the selector too;
3. ``mkdocs build --strict`` of that config in a subprocess, in the worktree, with
   ``PYTHONPATH`` set to the worktree (the hooks, mkdocstrings and the notebook kernels import
   that commit's ``hw5ref`` and ``sitebuild``/``tools``, not the installed ones) and
   ``SOURCE_DATE_EPOCH`` set to the commit's time (the sitemap dates are the commit's). The
   Python is this one when the commit's ``requirements/lock.txt`` pins nothing this environment
   lacks, otherwise a virtualenv made once from that lock under ``.cache/deploy/venvs``;
4. mike's own ``deploy`` (called in this process, ``alias_type`` redirect) commits the built
   site to ``gh-pages`` under ``<version>/``, records the commit id as the version's
   ``properties.commit`` in ``versions.json``, and moves ``latest`` when the version is the
   highest.

A version already on the branch is never rebuilt (``--force VERSION`` does it, deliberately):
its files stay byte for byte what readers cited. Then ``latest`` is checked to be on the highest
version, the site root redirects to ``latest/`` (``mike set-default``), and the root files that
keep the pre-versioning addresses working are committed (:func:`write_root_files`): for every
page of every version a redirect stub at its old unversioned address
(``/hw5ref/solutions/q1-convolutions/`` -> ``/hw5ref/latest/solutions/q1-convolutions/``,
``#anchor`` kept), and a root ``404.html`` that sends any other unversioned path to the latest
version. Finally the tag ``v<version>`` is created at each published release's commit (the
notebooks' install cells pin ``hw5ref @ git+...@v<version>``): tags are an output of a release,
never an input. Every commit is local; ``--push`` pushes the branch and the new tags at the end,
atomically.

**serve** exports the branch and serves it under ``/hw5ref/`` with the root ``404.html`` for
misses, as GitHub Pages does. **repro** builds a commit twice, cold, in two worktrees at
different paths and times, and compares the two sites byte for byte (exit 1 on a difference).

One script because the three commands share the release list, the worktree builds and the
view of ``gh-pages`` as GitHub Pages serves it.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import html
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tools"), str(ROOT)]  # the sibling tools modules; sitebuild
from pages import serve_directory, site_prefix  # noqa: E402

from sitebuild.theme import versioned_url  # noqa: E402

BRANCH = "gh-pages"
ALIAS = "latest"
RELEASES = "releases.yaml"
OVERLAY = "mkdocs.deploy.yml"  # written into the release's worktree, never committed
MANIFEST = "legacy-redirects.json"  # root file listing the root files this script owns
# Root entries that belong to mike (or GitHub) and are never written by write_root_files.
RESERVED = {"versions.json", "index.html", ".nojekyll", "CNAME", MANIFEST, "404.html"}
VERSION_FILE = "hw5ref/__init__.py"
VERSION_RE = re.compile(r"""^__version__\s*=\s*["']([^"']+)["']""", re.MULTILINE)
FULL_VERSION = re.compile(r"\d+\.\d+\.\d+")
FULL_COMMIT = re.compile(r"[0-9a-f]{40}")
LOCK = "requirements/lock.txt"
FALLBACK_IDENTITY = {"GIT_AUTHOR_NAME": "hw5ref deploy",
                     "GIT_AUTHOR_EMAIL": "deploy@hw5ref.invalid",
                     "GIT_COMMITTER_NAME": "hw5ref deploy",
                     "GIT_COMMITTER_EMAIL": "deploy@hw5ref.invalid"}

# The redirect page: mike's alias folders and the site root (mike renders it with Jinja), and the
# legacy stubs (rendered by render_redirect). A meta refresh alone works without JavaScript but
# drops the #fragment and ?query, so an inline script that keeps them runs first; the refresh
# is not inside <noscript>, so clients without scripts still follow it.
REDIRECT_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Redirecting…</title>
  <script>location.replace("{{href}}" + location.search + location.hash)</script>
  <meta http-equiv="refresh" content="0; url={{href}}">
  <meta name="robots" content="noindex">
  <link rel="canonical" href="{{href}}">
</head>
<body>
  <p>This page has moved to <a href="{{href}}">{{href}}</a>.</p>
</body>
</html>
"""


class DeployError(RuntimeError):
    pass


# ------------------------------------------------------------------------------------ git

def git(repo: Path, *args: str, input: bytes | None = None,
        env: Mapping[str, str] | None = None) -> bytes:
    proc = subprocess.run(["git", "-C", str(repo), *args], input=input, env=env,
                          capture_output=True)
    if proc.returncode != 0:
        raise DeployError(f"git {' '.join(args)} failed:\n"
                          f"{proc.stderr.decode(errors='replace').strip()}")
    return proc.stdout


def git_text(repo: Path, *args: str, env: Mapping[str, str] | None = None,
             input: bytes | None = None) -> str:
    return git(repo, *args, env=env, input=input).decode().strip()


def rev_parse(repo: Path, rev: str) -> str | None:
    proc = subprocess.run(["git", "-C", str(repo), "rev-parse", "-q", "--verify", rev],
                          capture_output=True, text=True)
    return proc.stdout.strip() if proc.returncode == 0 else None


def read_blob(repo: Path, rev: str, path: str) -> bytes | None:
    proc = subprocess.run(["git", "-C", str(repo), "show", f"{rev}:{path}"],
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    return proc.stdout if proc.returncode == 0 else None


def is_ancestor(repo: Path, a: str, b: str) -> bool:
    return subprocess.run(["git", "-C", str(repo), "merge-base", "--is-ancestor", a, b]
                          ).returncode == 0


def sync_with_remote(repo: Path, branch: str, remote: str) -> None:
    """Bring the local ``branch`` up to ``remote``'s fetched copy, as ``mike deploy`` does.

    Without this a CI checkout, which has only ``origin/gh-pages``, would look unpublished and
    every release would be deployed again. A local branch behind the remote is fast-forwarded;
    one that has diverged is an error. Nothing is fetched here: the workflow fetches first.
    """
    theirs = rev_parse(repo, f"refs/remotes/{remote}/{branch}")
    if theirs is None:
        return
    ours = rev_parse(repo, f"refs/heads/{branch}")
    if ours is None:
        git(repo, "update-ref", f"refs/heads/{branch}", theirs)
    elif ours != theirs:
        if is_ancestor(repo, ours, theirs):
            git(repo, "update-ref", f"refs/heads/{branch}", theirs, ours)
        elif not is_ancestor(repo, theirs, ours):
            raise DeployError(f"local {branch} and {remote}/{branch} have diverged: fetch and "
                              "rerun, or reset the local branch to the remote one")


def identity_env(repo: Path, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """``base`` (default os.environ) plus a fallback git identity when git has none (a fresh
    CI clone): mike's commits and the tags need a committer."""
    env = dict(os.environ if base is None else base)
    configured = subprocess.run(["git", "-C", str(repo), "config", "user.name"],
                                capture_output=True, env=env).returncode == 0
    if not configured:
        for key, value in FALLBACK_IDENTITY.items():
            env.setdefault(key, value)
    return env


@contextlib.contextmanager
def in_repo(repo: Path, env: Mapping[str, str]) -> Iterator[None]:
    """mike's Python API runs git in the current directory and reads the committer from
    os.environ: both set for the duration of the block."""
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        with contextlib.chdir(repo):
            yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


# ------------------------------------------------------------------------------- releases

def version_key(version: str) -> tuple[int, ...]:
    if not FULL_VERSION.fullmatch(version):
        raise DeployError(f"{version!r} is not a full version x.y.z")
    return tuple(int(part) for part in version.split("."))


def load_releases(path: Path) -> dict[str, str]:
    """version -> full commit id, from ``releases.yaml``. Versions are quoted ``x.y.z`` (YAML
    reads 0.10 as a number; one folder per full version); commits are full ids (a clone may
    carry no tags and no branches, and a short id may become ambiguous)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise DeployError(f"{path}: expected a mapping of version -> commit")
    releases: dict[str, str] = {}
    for version, commit in data.items():
        if not isinstance(version, str) or not FULL_VERSION.fullmatch(version):
            raise DeployError(f"{path}: version {version!r} must be a quoted full version "
                              'such as "0.1.0"')
        if not isinstance(commit, str) or not FULL_COMMIT.fullmatch(commit):
            raise DeployError(f"{path}: {version}: {commit!r} is not a full 40-digit commit id")
        releases[version] = commit
    return releases


def version_at(repo: Path, commit: str) -> str:
    """``hw5ref.__version__`` as committed in ``commit``."""
    blob = read_blob(repo, commit, VERSION_FILE)
    match = VERSION_RE.search(blob.decode()) if blob else None
    if not match:
        raise DeployError(f"{commit}: no __version__ in {VERSION_FILE}")
    return match.group(1)


@dataclass(frozen=True)
class Release:
    version: str
    commit: str  # full id
    source: str  # "releases.yaml" or "HEAD"


def releases_of(repo: Path, releases_file: Path | None = None) -> list[Release]:
    """Every release, in version order: releases.yaml's, plus the package's version at HEAD
    built from HEAD unless releases.yaml already names a commit for it."""
    pinned = load_releases(releases_file or repo / RELEASES)
    found = {v: Release(v, c, "releases.yaml") for v, c in pinned.items()}
    head = rev_parse(repo, "HEAD^{commit}")
    if head is not None:
        current = version_at(repo, head)
        version_key(current)
        found.setdefault(current, Release(current, head, "HEAD"))
    for release in found.values():
        if rev_parse(repo, f"{release.commit}^{{commit}}") != release.commit:
            raise DeployError(f"release {release.version}: commit {release.commit} is not in "
                              "this clone (fetch the full history: fetch-depth 0)")
        if version_at(repo, release.commit) != release.version:
            raise DeployError(f"release {release.version} points at {release.commit}, whose "
                              f"{VERSION_FILE} says {version_at(repo, release.commit)}")
    return sorted(found.values(), key=lambda r: version_key(r.version))


def published(repo: Path, branch: str) -> list[dict[str, Any]]:
    """versions.json on ``branch`` (empty if the branch or the file does not exist yet)."""
    blob = read_blob(repo, f"refs/heads/{branch}", "versions.json")
    return list(json.loads(blob)) if blob else []


def published_commits(repo: Path, branch: str) -> dict[str, str | None]:
    """version -> the commit it was built from (``properties.commit``), None if unrecorded."""
    return {v["version"]: (v.get("properties") or {}).get("commit")
            for v in published(repo, branch)}


# ------------------------------------------------------------------------- config overlay

class _Tagged:
    """A YAML node with a custom tag (!ENV, !relative, ...), written back as it was read."""

    def __init__(self, node: yaml.Node) -> None:
        self.node = node


class _Loader(yaml.SafeLoader):
    pass


class _Dumper(yaml.SafeDumper):
    pass


_Loader.add_multi_constructor("!", lambda loader, suffix, node: _Tagged(node))
_Dumper.add_representer(_Tagged, lambda dumper, data: data.node)


def base_site_url(config: Mapping[str, Any]) -> str:
    url = config.get("site_url")
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        raise DeployError(f"mkdocs.yml needs a plain site_url, found {url!r}")
    return url if url.endswith("/") else url + "/"


def versioned_config(mkdocs_yml: str, version: str) -> str:
    """The commit's mkdocs.yml with ``site_url`` set to the version's own address (ending in
    a slash: MkDocs gives the 404 page that path as its base, against which Material finds
    ``../versions.json`` and the search index) and Material's mike version provider.

    MkDocs' ``INHERIT`` cannot do this: its merge replaces lists such as ``plugins``.
    """
    cfg = yaml.load(mkdocs_yml, Loader=_Loader) or {}
    cfg["site_url"] = versioned_url(base_site_url(cfg), version)
    extra = cfg.setdefault("extra", {})
    selector = extra.setdefault("version", {})
    selector.setdefault("provider", "mike")
    selector.setdefault("alias", True)  # the selector shows "0.2.0 latest"
    return (f"# Generated by tools/deploy.py for version {version}; not committed.\n"
            + yaml.dump(cfg, Dumper=_Dumper, sort_keys=False, allow_unicode=True))


# ------------------------------------------------------------------------ build environment

def _normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def lock_pins(lock: str) -> dict[str, str]:
    """``name==version`` lines of a pip-compile lock file, by normalized name."""
    pins: dict[str, str] = {}
    for line in lock.splitlines():
        match = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)", line)
        if match:
            pins[_normalize(match.group(1))] = match.group(2)
    return pins


def installed() -> dict[str, str]:
    from importlib.metadata import distributions

    return {_normalize(d.metadata["Name"]): d.version for d in distributions()
            if d.metadata["Name"]}


def python_for(repo: Path, commit: str, cache: Path) -> Path:
    """The Python that builds ``commit``: this one if it has every package the commit's lock
    pins, at that version (extra packages, such as a newer lock's mike, do not matter),
    otherwise a virtualenv made once from that lock under ``cache/venvs``."""
    lock = read_blob(repo, commit, LOCK)
    if lock is None:
        raise DeployError(f"{commit}: no {LOCK}")
    have = installed()
    missing = {n: v for n, v in lock_pins(lock.decode()).items()
               if n != "hw5ref" and have.get(n) != v}
    if not missing:
        return Path(sys.executable)
    venv = cache / "venvs" / hashlib.sha256(lock).hexdigest()[:16]
    python = venv / "bin" / "python"
    if not (venv / ".complete").is_file():
        print(f"[deploy] {commit[:12]} pins {len(missing)} package(s) this environment lacks "
              f"(e.g. {sorted(missing.items())[:3]}): creating {venv}", flush=True)
        shutil.rmtree(venv, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        (venv / "lock.txt").write_bytes(lock)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "-r",
                        str(venv / "lock.txt")], check=True)
        (venv / ".complete").write_text("ok\n")
    return python


def build_env(python: Path, worktree: Path, epoch: str,
              base: Mapping[str, str]) -> dict[str, str]:
    env = dict(base)
    env["PATH"] = str(python.parent) + os.pathsep + env.get("PATH", "")
    env["PYTHONPATH"] = str(worktree)  # that commit's hw5ref, also in the notebook kernels
    env["SOURCE_DATE_EPOCH"] = epoch  # MkDocs' build date: sitemap lastmod, sitemap.xml.gz
    env.pop("VIRTUAL_ENV", None)
    env.pop("MIKE_DOCS_VERSION", None)  # site_url is set by the overlay, not by mike's plugin
    return env


#: builds ``config`` (a file in ``worktree``) into ``site_dir``: (python, worktree, config,
#: site_dir, env) -> None.
Builder = Callable[[Path, Path, Path, Path, Mapping[str, str]], None]


def build_in_subprocess(python: Path, worktree: Path, config: Path, site_dir: Path,
                        env: Mapping[str, str]) -> None:
    """``python -m mkdocs build --strict`` in the worktree: the commit's own build code."""
    cmd = [str(python), "-m", "mkdocs", "build", "--strict", "--clean",
           "--config-file", str(config), "--site-dir", str(site_dir)]
    print("[deploy] $ " + " ".join(cmd), flush=True)
    subprocess.run(cmd, cwd=worktree, env=dict(env), check=True, stdin=subprocess.DEVNULL)


def build_in_process(python: Path, worktree: Path, config: Path, site_dir: Path,
                     env: Mapping[str, str]) -> None:
    """The same build in this process: only for sites whose build runs no code of their own
    commit (the tests' tiny sites); ``env`` is applied for the duration of the build."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    with in_repo(worktree, {k: v for k, v in env.items() if k == "SOURCE_DATE_EPOCH"}):
        cfg = load_config(config_file=str(config), site_dir=str(site_dir), strict=True)
        cfg.plugins.on_startup(command="build", dirty=False)
        try:
            build(cfg)
        finally:
            cfg.plugins.on_shutdown()


# ------------------------------------------------------------------------------ deploying

def _mike() -> Any:
    import mike.commands  # type: ignore[import-untyped]

    return mike.commands


def _prop(path: str) -> Any:
    from mike import jsonpath

    return jsonpath.parse(path)


def check_citation(repo: Path, release: Release, site_url: str) -> None:
    """CITATION.cff at the release's commit: its version is the release's; its url is the
    version's own address (releases pinned in releases.yaml from before versioning may still
    have the unversioned one)."""
    blob = read_blob(repo, release.commit, "CITATION.cff")
    if blob is None:
        return
    cff = yaml.safe_load(blob) or {}
    if str(cff.get("version")) != release.version:
        raise DeployError(f"release {release.version}: CITATION.cff at {release.commit[:12]} "
                          f"says version {cff.get('version')}")
    expected = versioned_url(site_url, release.version)
    legacy = release.source == "releases.yaml" and cff.get("url") == site_url
    if cff.get("url") != expected and not legacy:
        raise DeployError(f"release {release.version}: CITATION.cff url is {cff.get('url')!r}, "
                          f"not the version's address {expected!r}")


def deploy_release(repo: Path, release: Release, *, aliases: Sequence[str], branch: str,
                   template: Path, workdir: Path, env: Mapping[str, str], cache: Path,
                   builder: Builder = build_in_subprocess) -> None:
    """Build ``release`` from a worktree of its commit and commit it to ``branch`` with mike."""
    epoch = git_text(repo, "show", "-s", "--format=%ct", release.commit)
    worktree = workdir / f"release-{release.version}"
    site_dir = workdir / f"site-{release.version}"
    git(repo, "worktree", "add", "--detach", str(worktree), release.commit)
    try:
        mkdocs_yml = (worktree / "mkdocs.yml").read_text(encoding="utf-8")
        check_citation(repo, release, base_site_url(yaml.load(mkdocs_yml, Loader=_Loader)))
        overlay = worktree / OVERLAY
        overlay.write_text(versioned_config(mkdocs_yml, release.version), encoding="utf-8")
        python = python_for(repo, release.commit, cache)
        start = time.perf_counter()
        builder(python, worktree, overlay, site_dir,
                build_env(python, worktree, epoch, env))
        print(f"[deploy] built {release.version} from {release.commit[:12]} "
              f"({release.source}) in {time.perf_counter() - start:.1f} s", flush=True)
        use_directory_urls = (yaml.load(mkdocs_yml, Loader=_Loader) or {}).get(
            "use_directory_urls", True)
        message = (f"Deployed {release.version} from {release.commit} ({release.source}) "
                   "with tools/deploy.py")
        with in_repo(repo, env), _mike().deploy(
                {"site_dir": str(site_dir), "use_directory_urls": use_directory_urls},
                release.version, release.version, list(aliases), update_aliases=True,
                alias_type=_mike().AliasType.redirect, template=str(template), branch=branch,
                message=message, set_props=[(_prop("commit"), release.commit)]):
            pass  # already built
    finally:
        subprocess.run(["git", "-C", str(repo), "worktree", "remove", "--force", str(worktree)],
                       capture_output=True)
        shutil.rmtree(site_dir, ignore_errors=True)


def ensure_alias_and_default(repo: Path, branch: str, template: Path, env: Mapping[str, str],
                             alias: str = ALIAS) -> None:
    """``alias`` on the highest published version; the site root redirecting to it."""
    versions = published(repo, branch)
    if not versions:
        return
    highest = max((v["version"] for v in versions), key=version_key)
    holder = next((v["version"] for v in versions if alias in v.get("aliases", [])), None)
    with in_repo(repo, env):
        if holder != highest:
            _mike().alias({"use_directory_urls": True}, highest, [alias], update_aliases=True,
                          alias_type=_mike().AliasType.redirect, template=str(template),
                          branch=branch)
        index = read_blob(repo, f"refs/heads/{branch}", "index.html")
        if index is None or f"{alias}/" not in index.decode():
            _mike().set_default(alias, template=str(template), branch=branch)


# ------------------------------------------------------------------------------ root files

def render_redirect(href: str, canonical: str) -> str:
    """A legacy stub: REDIRECT_TEMPLATE with an absolute canonical link."""
    out = REDIRECT_TEMPLATE.replace(
        '<link rel="canonical" href="{{href}}">',
        f'<link rel="canonical" href="{html.escape(canonical, quote=True)}">')
    out = out.replace('location.replace("{{href}}"', f"location.replace({json.dumps(href)}")
    return out.replace("{{href}}", html.escape(href, quote=True))


def page_dir(path: str) -> str:
    """'solutions/q1/index.html' -> 'solutions/q1/' (directory URLs); 'index.html' -> ''."""
    if path == "index.html":
        return ""
    return path[: -len("index.html")] if path.endswith("/index.html") else path


NOT_FOUND_SCRIPT = """<script>
/* Addresses from before versioned deployment: any path that is not under a version folder goes
   to the same path in the latest version; under an alias folder (which holds redirects for
   pages only), to the aliased version. Written by tools/deploy.py. */
(function () {
  var prefix = %(prefix)s, versions = %(versions)s, aliases = %(aliases)s;
  var path = location.pathname;
  if (path.indexOf(prefix) !== 0) return;
  var rest = path.slice(prefix.length), first = rest.split("/")[0];
  if (versions.indexOf(first) >= 0) return;  /* a real miss inside a version: show this page */
  var target = Object.prototype.hasOwnProperty.call(aliases, first)
    ? aliases[first] + rest.slice(first.length)
    : aliases[%(alias)s] + "/" + rest;
  location.replace(prefix + target + location.search + location.hash);
})();
</script>
"""


def root_files(repo: Path, branch: str, site_url: str, alias: str = ALIAS) -> dict[str, bytes]:
    """The root files for the legacy (unversioned) addresses, computed from ``branch``."""
    versions = published(repo, branch)
    if not versions:
        return {}
    real = [v["version"] for v in versions]
    alias_of = {a: v["version"] for v in versions for a in v.get("aliases", [])}
    if alias not in alias_of:
        raise DeployError(f"no version has the alias {alias!r}")
    latest = alias_of[alias]
    reserved = RESERVED | set(real) | set(alias_of)
    names = git(repo, "ls-tree", "-r", "--name-only", "-z", f"refs/heads/{branch}"
                ).decode().split("\0")
    pages: dict[str, set[str]] = {v: set() for v in real}
    for name in names:
        head, _, rest = name.partition("/")
        if head in pages and rest.endswith(".html") and rest != "404.html":
            pages[head].add(rest)
    files: dict[str, bytes] = {}
    newest_first = sorted(real, key=version_key, reverse=True)
    for rest in sorted(set().union(*pages.values())):
        if rest == "index.html":
            continue  # the site root: mike set-default's redirect
        if rest.split("/")[0] in reserved:
            raise DeployError(f"page {rest!r} would shadow a version, an alias or {RESERVED}")
        owner = latest if rest in pages[latest] else next(v for v in newest_first
                                                          if rest in pages[v])
        via = alias if owner == latest else owner
        href = f"{'../' * rest.count('/')}{via}/{page_dir(rest)}"
        canonical = f"{site_url}{owner}/{page_dir(rest)}"
        files[rest] = render_redirect(href, canonical).encode()
    not_found = read_blob(repo, f"refs/heads/{branch}", f"{latest}/404.html")
    if not_found is not None:
        script = NOT_FOUND_SCRIPT % {
            "prefix": json.dumps(site_prefix(site_url)), "versions": json.dumps(real),
            "aliases": json.dumps(alias_of), "alias": json.dumps(alias)}
        page = not_found.decode()
        # Right after <meta charset> (which must stay in the first 1024 bytes), before the
        # stylesheets: the redirect starts before anything else loads.
        anchor = re.search(r"<meta charset=[^>]*>", page) or re.search(r"<head[^>]*>", page)
        if anchor is None:
            raise DeployError(f"{latest}/404.html has no <head>")
        files["404.html"] = (page[: anchor.end()] + "\n" + script + page[anchor.end():]).encode()
    manifest = {"written_by": "tools/deploy.py", "alias": alias, "latest": latest,
                "files": sorted(files)}
    files[MANIFEST] = (json.dumps(manifest, indent=1) + "\n").encode()
    return files


def write_root_files(repo: Path, branch: str, site_url: str, env: Mapping[str, str],
                     alias: str = ALIAS) -> bool:
    """Commit the legacy-address files at the root of ``branch``; False if nothing changed.

    A temporary index, no checkout: the branch's tree, minus the files the previous run listed
    in its manifest, plus the new ones, committed on top of the branch. mike leaves them alone
    (``mike deploy`` rewrites only the version's folder, its aliases', ``versions.json`` and
    ``.nojekyll``; ``set-default`` only ``index.html``).
    """
    files = root_files(repo, branch, site_url, alias)
    if not files:
        return False
    old_manifest = read_blob(repo, f"refs/heads/{branch}", MANIFEST)
    old = [*json.loads(old_manifest)["files"], MANIFEST] if old_manifest else []
    parent = git_text(repo, "rev-parse", f"refs/heads/{branch}")
    with tempfile.TemporaryDirectory() as tmp:
        ienv = {**env, "GIT_INDEX_FILE": str(Path(tmp) / "index")}
        git(repo, "read-tree", parent, env=ienv)
        if old:
            git(repo, "update-index", "--force-remove", "-z", "--stdin",
                input="\0".join(old).encode() + b"\0", env=ienv)
        for path, data in sorted(files.items()):
            blob = git_text(repo, "hash-object", "-w", "--stdin", input=data)
            git(repo, "update-index", "--add", "--cacheinfo", f"100644,{blob},{path}", env=ienv)
        tree = git_text(repo, "write-tree", env=ienv)
    if tree == git_text(repo, "rev-parse", f"{parent}^{{tree}}"):
        return False
    commit = git_text(repo, "commit-tree", tree, "-p", parent, "-m",
                      f"Legacy redirects: {len(files) - 1} root files to '{alias}'", env=env)
    git(repo, "update-ref", f"refs/heads/{branch}", commit, parent)
    return True


# ----------------------------------------------------------------------------------- tags

def ensure_tags(repo: Path, commits: Mapping[str, str], env: Mapping[str, str]) -> list[str]:
    """Tag ``v<version>`` at each version's commit; returns the tags created. An existing tag
    on another commit is an error (a tag is never moved)."""
    created = []
    for version, commit in sorted(commits.items(), key=lambda vc: version_key(vc[0])):
        tag = f"v{version}"
        existing = rev_parse(repo, f"refs/tags/{tag}^{{commit}}")
        if existing == commit:
            continue
        if existing is not None:
            raise DeployError(f"tag {tag} exists at {existing}, but {version} was built from "
                              f"{commit}")
        git(repo, "tag", "-a", tag, commit, "-m", f"hw5ref {version} (published by "
            "tools/deploy.py)", env=env)
        created.append(tag)
    return created


# ----------------------------------------------------------------------------------- publish

def site_url_of(repo: Path, rev: str = "HEAD") -> str:
    blob = read_blob(repo, rev, "mkdocs.yml")
    if blob is None:
        raise DeployError(f"{rev} has no mkdocs.yml")
    return base_site_url(yaml.load(blob.decode(), Loader=_Loader) or {})


def publish(repo: Path, *, releases_file: Path | None = None, branch: str = BRANCH,
            remote: str = "origin", push: bool = False, force: Sequence[str] = (),
            dry_run: bool = False, cache: Path | None = None,
            builder: Builder = build_in_subprocess, env: Mapping[str, str] | None = None
            ) -> list[str]:
    """Deploy the missing releases, fix ``latest``, the root and the legacy files, tag; returns
    the versions deployed. See the module docstring."""
    repo = repo.resolve()
    sync_with_remote(repo, branch, remote)
    releases = releases_of(repo, releases_file)
    done = published_commits(repo, branch)
    for r in releases:
        if r.version in done and done[r.version] not in (None, r.commit) \
                and r.source == "releases.yaml":
            raise DeployError(f"{r.version} was published from {done[r.version]}, but "
                              f"releases.yaml says {r.commit}")
    todo = [r for r in releases if r.version not in done or r.version in force]
    highest = max([*(r.version for r in releases), *done], key=version_key, default=None)
    print(f"[deploy] published: {sorted(done, key=version_key) or 'none'}; to deploy: "
          f"{[f'{r.version} from {r.commit[:12]} ({r.source})' for r in todo] or 'none'}; "
          f"'{ALIAS}' -> {highest}", flush=True)
    head = next((r for r in releases if r.source == "HEAD"), None)
    if head is not None and head.version in done and done[head.version] not in (None,
                                                                                head.commit):
        print(f"[deploy] note: {head.version} was published from {done[head.version]}; HEAD "
              "has the same version, so its changes are not published (bump the version)")
    if dry_run:
        return [r.version for r in todo]
    env = identity_env(repo, env)
    cache = (cache or repo / ".cache" / "deploy").resolve()
    cache.mkdir(parents=True, exist_ok=True)
    template = cache / "redirect.html"
    template.write_text(REDIRECT_TEMPLATE, encoding="utf-8")
    with tempfile.TemporaryDirectory(prefix="hw5ref-deploy-") as tmp:
        for release in todo:
            deploy_release(repo, release, aliases=[ALIAS] if release.version == highest else [],
                           branch=branch, template=template, workdir=Path(tmp), env=env,
                           cache=cache, builder=builder)
    ensure_alias_and_default(repo, branch, template, env)
    site_url = site_url_of(repo)
    if write_root_files(repo, branch, site_url, env):
        print("[deploy] committed the legacy redirects and 404.html at the branch root")
    commits = {v: c for v, c in published_commits(repo, branch).items() if c}
    tags = ensure_tags(repo, commits, env)
    for release in todo:
        print(f"[deploy] {release.version}: {site_url}{release.version}/ "
              f"from {release.commit}" + ("" if release.source == "releases.yaml" else
                                          f'; record it in {RELEASES}: "{release.version}": '
                                          f"{release.commit}"))
    if tags:
        print(f"[deploy] tagged {', '.join(tags)}")
    if push and rev_parse(repo, f"refs/heads/{branch}"):
        cmd = ["git", "-C", str(repo), "push", "--atomic", remote, f"refs/heads/{branch}",
               *(f"refs/tags/{t}" for t in tags)]
        print("[deploy] $ " + " ".join(cmd[3:]), flush=True)
        subprocess.run(cmd, check=True)
    return [r.version for r in todo]


# ------------------------------------------------------------------------------------ serve

def export_branch(repo: Path, branch: str, dest: Path) -> Path:
    """``git archive <branch> | tar -x`` into ``dest``."""
    data = git(repo, "archive", "--format=tar", f"refs/heads/{branch}")
    dest.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(dest, filter="tar")
    return dest


# ------------------------------------------------------------------------------------ repro

def compare_trees(a: Path, b: Path) -> list[str]:
    """Relative paths that differ between two directories (content, or present in one only)."""
    def files(root: Path) -> dict[str, Path]:
        return {p.relative_to(root).as_posix(): p for p in root.rglob("*") if p.is_file()}

    fa, fb = files(a), files(b)
    return sorted(rel for rel in fa.keys() | fb.keys()
                  if rel not in fa or rel not in fb or fa[rel].read_bytes() != fb[rel].read_bytes())


def repro(repo: Path, rev: str, keep: Path | None = None, pause: float = 2.0) -> list[str]:
    """Build ``rev`` twice, cold (a fresh worktree each: no ``.cache``), at two different paths
    and times, with the environment as it is (the build takes its dates from the commit);
    returns the files that differ."""
    repo = repo.resolve()
    commit = git_text(repo, "rev-parse", f"{rev}^{{commit}}")
    with tempfile.TemporaryDirectory(prefix="hw5ref-repro-") as tmp:
        out = keep or Path(tmp)
        sites = []
        for name in ("first", "second"):
            worktree = Path(tmp) / f"worktree-{name}"
            site = out / f"site-{name}"
            shutil.rmtree(site, ignore_errors=True)
            git(repo, "worktree", "add", "--detach", str(worktree), commit)
            try:
                env = {**os.environ, "PYTHONPATH": str(worktree)}
                start = time.perf_counter()
                subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--clean",
                                "--site-dir", str(site)], cwd=worktree, env=env, check=True,
                               stdin=subprocess.DEVNULL)
                print(f"[repro] {name} cold build of {commit[:12]}: "
                      f"{time.perf_counter() - start:.1f} s", flush=True)
            finally:
                subprocess.run(["git", "-C", str(repo), "worktree", "remove", "--force",
                                str(worktree)], capture_output=True)
            sites.append(site)
            time.sleep(pause)
        return compare_trees(*sites)


# ------------------------------------------------------------------------------------- main

def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--repo", type=Path, default=ROOT)
    sub = ap.add_subparsers(dest="command", required=True)
    p = sub.add_parser("publish", help="deploy the missing releases to the gh-pages branch")
    p.add_argument("--releases", type=Path, default=None,
                   help=f"version -> commit mapping (default: <repo>/{RELEASES})")
    p.add_argument("--branch", default=BRANCH)
    p.add_argument("--remote", default="origin")
    p.add_argument("--push", action="store_true", help="push the branch and new tags at the end")
    p.add_argument("--force", action="append", default=[], metavar="VERSION",
                   help="rebuild VERSION although it is published (rewrites cited pages!)")
    p.add_argument("--dry-run", action="store_true", help="only say what would be deployed")
    s = sub.add_parser("serve", help="serve the gh-pages branch as GitHub Pages would")
    s.add_argument("--branch", default=BRANCH)
    s.add_argument("--port", type=int, default=8000)
    r = sub.add_parser("repro", help="two cold builds of a commit, compared byte for byte")
    r.add_argument("rev", nargs="?", default="HEAD")
    r.add_argument("--keep", type=Path, default=None, help="keep both sites in this folder")
    args = ap.parse_args(argv)
    repo = args.repo.resolve()

    if args.command == "publish":
        publish(repo, releases_file=args.releases, branch=args.branch, remote=args.remote,
                push=args.push, force=args.force, dry_run=args.dry_run)
        return 0
    if args.command == "serve":
        prefix = site_prefix(site_url_of(repo))
        with tempfile.TemporaryDirectory(prefix="hw5ref-pages-") as tmp:
            server = serve_directory(export_branch(repo, args.branch, Path(tmp)), prefix,
                                     args.port)
            print(f"serving {args.branch} at http://127.0.0.1:{server.server_address[1]}"
                  f"{prefix} (Ctrl-C stops)", flush=True)
            try:
                while True:
                    time.sleep(3600)
            except KeyboardInterrupt:
                server.shutdown()
        return 0
    differ = repro(repo, args.rev, args.keep.resolve() if args.keep else None)
    if differ:
        print(f"[repro] {len(differ)} file(s) differ:\n  " + "\n  ".join(differ))
        return 1
    print("[repro] the two builds are byte-for-byte identical")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (DeployError, subprocess.CalledProcessError) as exc:
        print(f"[deploy] error: {exc}", file=sys.stderr)
        sys.exit(1)
