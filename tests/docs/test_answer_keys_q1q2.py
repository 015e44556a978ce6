"""The answer keys added for the Q1/Q2 pages: values from an independent route, and error paths."""

from __future__ import annotations

import pytest

from hw5ref import answers


def test_q1a_sizes_by_hand() -> None:
    # 224 x 224 RGB image in; 224 x 224 x 16 out.
    assert answers.value("q1a.inputs") == 224 * 224 * 3 == 150528
    assert answers.value("q1a.outputs") == 224 * 224 * 16 == 802816
    assert answers.value("q1a.dense_params") == 150528 * 802816 + 802816


def test_q2a_letters_as_the_reports_describe_the_figure() -> None:
    # Both reports: A shades one channel across N, H, W; B one sample across C, H, W;
    # C one (sample, channel) across H, W.
    assert [answers.value(f"q2a.{k}") for k in ("batch", "layer", "instance")] == ["A", "B", "C"]
    assert answers.q2a_letter("layer") == "B"


def test_q2a_letter_rejects_bad_kinds() -> None:
    with pytest.raises(TypeError, match="kind must be a string"):
        answers.q2a_letter(3)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="kind must be one of"):
        answers.q2a_letter("group")
