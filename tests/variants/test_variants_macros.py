"""The build-time macros behind docs/instructors.md: ``hw5ref_cli`` shows a command with the
output and exit status that the command really produces, and ``variant_markdown`` renders a
generated variant with its heading demoted."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def macros() -> ModuleType:
    from tools import macros as module  # the repository root is on sys.path (pytest)

    return module


def test_hw5ref_cli_matches_a_real_run(macros: ModuleType) -> None:
    command = ["check", "1c", "--", "-1,3,-2; 3,0,-1; 0,3,1"]
    block = macros.hw5ref_cli("check 1c -- '-1,3,-2; 3,0,-1; 0,3,1'")
    done = subprocess.run([sys.executable, "-m", "hw5ref", *command], capture_output=True,
                          text=True, check=False, timeout=60)
    assert block.splitlines() == [
        "```text",
        "$ python -m hw5ref check 1c -- '-1,3,-2; 3,0,-1; 0,3,1'",
        *done.stdout.splitlines(),
        f"[exit status {done.returncode}]",
        "```",
    ]
    assert done.returncode == 1


def test_hw5ref_cli_shows_errors_and_their_exit_status(macros: ModuleType) -> None:
    block = macros.hw5ref_cli("check 1c '1,2; 3,4'")
    assert "1c expects a 3x3 matrix" in block and block.endswith("[exit status 2]\n```")


def test_variant_markdown_demotes_the_heading(macros: ModuleType) -> None:
    text = macros.variant_markdown("3b", 2025)
    assert text.startswith("### 3(b) Parameters of a depthwise-separable convolution (seed 2025)")
    assert "python -m hw5ref check 3b --seed 2025" in text
    assert macros.variant_markdown("1b", 5, level=4).startswith("#### 1(b)")


def test_the_page_uses_the_registered_macros(macros: ModuleType) -> None:
    registered: list[str] = []

    class Env:
        def macro(self, fn: object) -> None:
            registered.append(fn.__name__)  # type: ignore[attr-defined]

    macros.define_env(Env())
    assert {"hw5ref_cli", "variant_markdown"} <= set(registered)
    page = (ROOT / "docs" / "instructors.md").read_text(encoding="utf-8")
    assert "render_macros: true" in page.split("---")[1]
    assert page.count("{{ hw5ref_cli(") >= 4 and page.count("{{ variant_markdown(") == 6
