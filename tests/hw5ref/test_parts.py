"""hw5ref.parts: reading the names people type for sub-parts, and naming entries from 1."""

from __future__ import annotations

import numpy as np
import pytest

from hw5ref import parts

#: The homework's sub-parts, written out from the problem set: Q1 (a)-(c), Q2 (a)-(b),
#: Q3 (a)-(b), Q4 (a)-(d).
HOMEWORK = ["1a", "1b", "1c", "2a", "2b", "3a", "3b", "4a", "4b", "4c", "4d"]


@pytest.mark.parametrize(
    ("typed", "short"),
    [
        ("1b", "1b"), ("1B", "1b"), (" q1b ", "1b"), ("Q1(b)", "1b"), ("q1(B)", "1b"),
        ("Q 1 (b)", "1b"), ("(4d)", "4d"), ("\t3A\n", "3a"), ("q2b", "2b"),
    ],
)
def test_normalize_reads_every_spelling(typed: str, short: str) -> None:
    assert parts.normalize(typed) == short


def test_normalize_accepts_exactly_the_homework_sub_parts_by_default() -> None:
    for name in HOMEWORK:
        assert parts.normalize(f"Q{name[0]}({name[1]})") == name
    for name in ("4", "1d", "2c", "5a", "0a", "", "q", "1", "b1", "1bb"):
        with pytest.raises(ValueError, match=r"^part must be one of 1a, 1b, .*, 4d; got"):
            parts.normalize(name)


def test_normalize_with_allowed_names() -> None:
    assert parts.normalize("Q4", ("4", "1b")) == "4"
    assert parts.normalize(" q1(B) ", ("4", "1b")) == "1b"
    with pytest.raises(ValueError, match=r"^part must be one of 4, 1b; got '1c'"):
        parts.normalize("1c", ("4", "1b"))
    with pytest.raises(ValueError, match="part must be one of 4; got '4a'"):
        parts.normalize("4a", ["4"])


@pytest.mark.parametrize("value", [1, None, b"1b", ["1b"], 1.5])
def test_normalize_rejects_non_strings(value: object) -> None:
    with pytest.raises(TypeError, match=r"^part must be a string such as '1b', got "):
        parts.normalize(value)


def test_each_sub_part_names_itself_consistently() -> None:
    # the id is the anchor "q" + short name, the label "1(b)", the link the question's page
    for p in parts.SUBPARTS:
        number, letter = p.name
        assert p.id == f"q{p.name}" and p.letter == letter
        assert p.label == f"{number}({letter})"
        assert p.question.number == int(number)
        assert p.link == f"{p.question.page}#{p.id}"
        assert parts.normalize(p.label) == p.name


@pytest.mark.parametrize("typed", ["Q3(b)", "3b", " q3B "])
def test_subpart_finds_the_sub_part_for_any_spelling(typed: str) -> None:
    sub = parts.subpart(typed)
    assert (sub.id, sub.name, sub.label, sub.letter) == ("q3b", "3b", "3(b)", "b")
    assert sub.question.number == 3
    assert sub.link.endswith("#q3b")


def test_subpart_rejects_a_question_alone() -> None:
    with pytest.raises(ValueError, match="part must be one of"):
        parts.subpart("4")


@pytest.mark.parametrize(
    ("index", "label"),
    [
        ((0, 0), "(1, 1)"),   # top-left: Y_11
        ((1, 1), "(2, 2)"),   # centre of a 3 x 3 matrix
        ((2, 0), "(3, 1)"),   # row 3, column 1: rows come first
        ((0, 11), "(1, 12)"),
        ((0,), "1"),          # a vector's entry is its position alone
        ((4,), "5"),
        ((1, 0, 2), "(2, 1, 3)"),
    ],
)
def test_entry_label_counts_from_1(index: tuple[int, ...], label: str) -> None:
    assert parts.entry_label(index) == label


def test_entry_label_reads_numpy_indices() -> None:
    # np.argwhere gives numpy integers; the (row, column) of the -3 below is (2, 2) from 1.
    matrix = np.array([[-1, 3, -2], [3, -3, 1], [0, 3, 1]])
    (where,) = np.argwhere(matrix == -3)
    assert parts.entry_label(where) == "(2, 2)"
    assert parts.entry_label(tuple(np.argwhere(np.array([5, 0, 7]) == 7)[0])) == "3"
