"""Every published answer against a value derived by hand in this file (arithmetic shown).

None of these numbers comes from running hw5ref. When a key is added to
``hw5ref.answers.published()``, add its hand derivation to ``EXPECTED`` below:
``test_every_published_key_has_a_hand_derivation`` fails until then.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np
import pytest

from hw5ref import answers

# Q4 instance: X = [[1,0,2],[2,3,0],[2,0,1],[0,4,2]], y = [1,2,0,-1], w~ = [1,-1,2], p = 4/5.
# Columns c0 = (1,2,2,0), c1 = (0,3,0,4), c2 = (2,0,1,2):
#   |c0|^2 = 1+4+4+0 = 9, |c1|^2 = 0+9+0+16 = 25, |c2|^2 = 4+0+1+4 = 9  -> norms 3, 5, 3
#   c0.c1 = 0+6+0+0 = 6, c0.c2 = 2+0+2+0 = 4, c1.c2 = 0+0+0+8 = 8
#   X^T X = [[9,6,4],[6,25,8],[4,8,9]],  X^T y = (1+4+0+0, 0+6+0-4, 2+0+0-2) = (5, 2, 0)
P = Fraction(4, 5)
XTX = [[9, 6, 4], [6, 25, 8], [4, 8, 9]]
XTY = [5, 2, 0]
NORMS2 = [9, 25, 9]


def solve3(a: list[list[Fraction]], b: list[Fraction]) -> list[Fraction]:
    """Exact 3x3 solve by Cramer's rule with Fractions."""

    def det(m: list[list[Fraction]]) -> Fraction:
        return (
            m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1])
            - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
            + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0])
        )

    d = det(a)
    out = []
    for col in range(3):
        replaced = [[b[r] if c == col else a[r][c] for c in range(3)] for r in range(3)]
        out.append(det(replaced) / d)
    return out


def dropout_minimizer_by_hand() -> list[Fraction]:
    # (p^2 X^T X + p(1-p) diag(norms^2)) w~ = p X^T y. Dividing by p: the diagonal becomes
    # p*9 + (1-p)*9 = 9 (and 25), off-diagonals are p times X^T X's:
    #   [[9, 24/5, 16/5], [24/5, 25, 32/5], [16/5, 32/5, 9]] w~ = (5, 2, 0)
    a = [[Fraction(XTX[i][j]) * (P if i != j else 1) for j in range(3)] for i in range(3)]
    assert a[0][1] == Fraction(24, 5) and a[1][1] == 25
    return solve3(a, [Fraction(v) for v in XTY])


def tikhonov_minimizer_by_hand() -> list[Fraction]:
    # Gamma^2 = ((1-p)/p) diag(9, 25, 9) = (1/4) diag(9, 25, 9) = diag(9/4, 25/4, 9/4);
    # (X^T X + Gamma^2) w = X^T y.
    a = [
        [Fraction(XTX[i][j]) + (Fraction(NORMS2[i], 4) if i == j else 0) for j in range(3)]
        for i in range(3)
    ]
    return solve3(a, [Fraction(v) for v in XTY])


# The exact solutions (Cramer's rule above; det of the dropout system is 173701/125):
DROPOUT_MINIMIZER = [Fraction(109345, 173701), Fraction(3490, 173701), Fraction(-3760, 15791)]
TIKHONOV_MINIMIZER = [Fraction(87476, 173701), Fraction(2792, 173701), Fraction(-3008, 15791)]


def test_exact_minimizers_are_what_cramer_gives() -> None:
    assert dropout_minimizer_by_hand() == DROPOUT_MINIMIZER
    assert tikhonov_minimizer_by_hand() == TIKHONOV_MINIMIZER
    # Q4(b): w* = p w~*, exactly: (4/5)(109345/173701) = 87476/173701, etc.
    assert [P * v for v in DROPOUT_MINIMIZER] == TIKHONOV_MINIMIZER


EXPECTED: dict[str, Any] = {
    # Q1(a): 224x224x3 image, 3x3 conv to 16 channels: 3*3*3*16 = 432 weights + 16 biases = 448.
    "q1a.conv_params": 448,
    # Dense layer: inputs 224*224*3 = 150528, outputs 224*224*16 = 802816;
    # 150528 * 802816 weights + 802816 biases = 802816 * 150529 = 120847089664.
    "q1a.dense_params": 802816 * 150529,
    "q1a.inputs": 224 * 224 * 3,
    "q1a.outputs": 224 * 224 * 16,
    # Q1(b): rows [1,4,0], [4,0,-2], [0,-2,3] times [2,-1,3] give 2-4+0 = -2, 8+0-6 = 2,
    # 0+2+9 = 11 = y, and the 3x3 system has det -52 != 0, so the filter is unique.
    "q1b.filter": [2, -1, 3],
    # Q1(c): Y = sum over input entries of X[i,j] * W placed at (i, j):
    # Y[1,1] = (-1)(1) + (2)(0) + (3)(-1) + (1)(1) = -3; Y[1,2] = (2)(1) + (1)(-1) = 1;
    # Y[0,1] = (-1)(-1) + (2)(1) = 3; Y[1,0] = (-1)(0) + (3)(1) = 3; Y[2,1] = (3)(1) + (1)(0) = 3;
    # corners -1, -2, 0, 1 are single products.
    "q1c.output": [[-1, 3, -2], [3, -3, 1], [0, 3, 1]],
    # Q2(a): the figure shades (N, H, W) for one C in A, (C, H, W) for one N in B, (H, W) for one
    # (N, C) in C: batch, layer, instance.
    "q2a.batch": "A",
    "q2a.layer": "B",
    "q2a.instance": "C",
    # Q2(b), n = 1: dL/dx_1 = gamma (g_1 - g_1/1) = 0.
    "q2b.n1": 0,
    # Q3: 3 -> 4 channels, 3x3. Standard 3*3*3*4 = 108 (+4 biases = 112). Depthwise 3*3*3 = 27
    # (+3 = 30). Pointwise 3*4 = 12 (+4 = 16).
    "q3.weights_only.standard": 108,
    "q3.weights_only.depthwise": 27,
    "q3.weights_only.pointwise": 12,
    "q3.weights_only.separable": 27 + 12,  # 39
    "q3.all_biases.standard": 108 + 4,
    "q3.all_biases.depthwise": 27 + 3,
    "q3.all_biases.pointwise": 12 + 4,
    "q3.all_biases.separable": 30 + 16,  # 46
    "q3.pointwise_biases_only.standard": 108,
    "q3.pointwise_biases_only.depthwise": 27,
    "q3.pointwise_biases_only.pointwise": 12 + 4,
    "q3.pointwise_biases_only.separable": 27 + 16,  # 43
    # 39 / 108 = 13/36 = 1/4 + 1/9 (= 1/c_out + 1/k^2).
    "q3.weights_only.ratio": Fraction(39, 108),
    # Q4 instance (see the top of this file).
    "q4.column_norms": [3, 5, 3],
    # Xw~ = (1-0+4, 2-3+0, 2-0+2, 0-4+4) = (5, -1, 4, 0); p Xw~ = (4, -4/5, 16/5, 0);
    # y - p Xw~ = (-3, 14/5, -16/5, -1); 9 + 196/25 + 256/25 + 1 = 10 + 452/25 = 702/25 = 28.08.
    "q4.fit_term": Fraction(702, 25),
    # p(1-p) = 4/25; Gamma~ w~ = (3, -5, 6); 9 + 25 + 36 = 70; 70 * 4/25 = 56/5 = 11.2.
    "q4.penalty_term": Fraction(56, 5),
    "q4.expected_loss": Fraction(702, 25) + Fraction(56, 5),  # 982/25 = 39.28
    # Q4(b): w = p w~ = (4/5)(1, -1, 2).
    "q4.inference_weights": [Fraction(4, 5), Fraction(-4, 5), Fraction(8, 5)],
    # Q4(d): X Gamma~^-1 divides column j by its norm: every column has norm 1.
    "q4.ridge_column_norms": [1, 1, 1],
    "q4.p": Fraction(4, 5),
    # sqrt((1-p)/p) = sqrt((1/5)/(4/5)) = sqrt(1/4) = 1/2; Gamma = diag(3, 5, 3)/2.
    "q4.gamma_scale": Fraction(1, 2),
    "q4.equivalent_gamma_diag": [Fraction(3, 2), Fraction(5, 2), Fraction(3, 2)],
    "q4.dropout_minimizer": DROPOUT_MINIMIZER,
    "q4.tikhonov_minimizer": TIKHONOV_MINIMIZER,
    # X Gamma^-1 divides column j by ||X_j||/2: every column has norm 2.
    "q4.ridge_column_norms_equivalent_gamma": [2, 2, 2],
    # Q4(c): ||y - Xw||^2 + ||Gamma w||^2 = ||y - X~ w'||^2 + 1 * ||w'||^2 with w' = Gamma w.
    "q4.ridge_lambda": 1,
}


def as_float_array(value: Any) -> np.ndarray:
    return np.asarray([float(v) for v in np.ravel(np.asarray(value, dtype=object))], dtype=float)


def test_every_published_key_has_a_hand_derivation() -> None:
    published = set(answers.published())
    missing = sorted(published - set(EXPECTED))
    stale = sorted(set(EXPECTED) - published)
    assert not missing, f"add hand derivations to tests/hw5ref/test_hw5ref_answers.py for {missing}"
    assert not stale, f"EXPECTED has keys that are no longer published: {stale}"


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_published_value_matches_hand_derivation(key: str) -> None:
    if key not in answers.published():
        pytest.fail(f"{key} is no longer published")
    got = answers.value(key)
    expected = EXPECTED[key]
    if isinstance(expected, str):
        assert got == expected
    elif isinstance(expected, int) and isinstance(got, int | np.integer):
        assert got == expected  # counts are exact integers
    else:
        want = as_float_array(expected)
        have = np.asarray(got, dtype=float)
        assert have.shape == np.asarray(expected, dtype=object).shape, f"{key}: {have.shape}"
        np.testing.assert_allclose(have.ravel(), want, rtol=1e-12, atol=1e-12)


def test_value_and_published_agree() -> None:
    published = answers.published()
    for key, val in published.items():
        np.testing.assert_array_equal(np.asarray(answers.value(key)), np.asarray(val), err_msg=key)
