"""Write the answer key of a release: hw5ref/released/<version>.json.

    .venv/bin/python tools/release_key.py                  # the current version, from HEAD
    .venv/bin/python tools/release_key.py --values old.json --version 0.1.0 --commit <id>

Run it when a version is released (sitebuild/changelog.py compares every later build against
the newest key). ``--values`` takes the values of an earlier commit, as written there by
``json.dump(hw5ref.answers.published(), f, default=...)``; their published texts are made with
this checkout's formatter and each key's current precision.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hw5ref import __version__, answers  # noqa: E402
from hw5ref.values import format_value, plain  # noqa: E402


def key_from_values(values: dict[str, object]) -> dict[str, dict[str, object]]:
    """Published texts for values of any version, at the current precision of each key."""
    out = {}
    for key, value in values.items():
        decimals = answers.ENTRIES[key].decimals if key in answers.ENTRIES else None
        out[key] = {"value": plain(value, 17), "text": format_value(value, "text", decimals)}
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--values", type=Path, help="values of an earlier commit (JSON)")
    parser.add_argument("--version", default=__version__)
    parser.add_argument("--commit", help="the commit the values come from (default: HEAD)")
    args = parser.parse_args(argv)
    commit = args.commit or subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, check=True,
                                           capture_output=True, text=True).stdout.strip()
    if args.values is not None:
        key = key_from_values(json.loads(args.values.read_text(encoding="utf-8")))
    else:
        key = {k: {"value": v["value"], "text": v["text"]}
               for k, v in answers.answer_key().items()}
    out = ROOT / "hw5ref" / "released" / f"{args.version}.json"
    out.write_text(json.dumps({"version": args.version, "commit": commit, "answers": key},
                              indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {out.relative_to(ROOT)}: {len(key)} keys")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
