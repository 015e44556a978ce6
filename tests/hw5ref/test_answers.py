"""Every published result of hw5ref.answers against a value derived by hand in this file
(arithmetic shown), and the registry's lookups.

None of these numbers comes from running hw5ref. When a result key (``data=False``) is added to
``hw5ref.answers.ENTRIES``, add its hand derivation to ``EXPECTED`` below:
``test_every_result_key_has_a_hand_derivation`` fails until then.  Problem-data keys
(``data=True``) are the homework's own numbers: a test could only restate them, and every
derivation below starts from them, so a changed datum shows up as failing results.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any

import numpy as np
import pytest

from hw5ref import answers
from hw5ref.values import format_value

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


# The exact solutions, by Cramer's rule above (the dropout system's determinant is 173701/125):
# w~* = (109345/173701, 3490/173701, -3760/15791) and w* = (87476/173701, 2792/173701,
# -3008/15791) = p w~*, as Q4(b) says.
DROPOUT_MINIMIZER = dropout_minimizer_by_hand()
TIKHONOV_MINIMIZER = tikhonov_minimizer_by_hand()


EXPECTED: dict[str, Any] = {
    # Q1(a): 224x224x3 image, 3x3 conv to 16 channels: 3*3*3*16 = 432 weights + 16 biases = 448.
    "q1a.conv_params": 448,
    # Dense layer: inputs 224*224*3 = 150528, outputs 224*224*16 = 802816;
    # 150528 * 802816 weights + 802816 biases = 802816 * 150529 = 120847089664.
    "q1a.dense_params": 802816 * 150529,
    "q1a.inputs": 224 * 224 * 3,
    "q1a.outputs": 224 * 224 * 16,
    # Q1(b): the length-3 windows of x = [1, 4, 0, -2, 3] are the rows of A in y = A w.
    "q1b.windows": [[1, 4, 0], [4, 0, -2], [0, -2, 3]],
    # det A = 1*(0*3 - (-2)(-2)) - 4*(4*3 - (-2)*0) + 0 = -4 - 48 = -52 != 0: one filter fits.
    "q1b.det": -52,
    # A [2, -1, 3] = [2-4+0, 8+0-6, 0+2+9] = [-2, 2, 11] = y.
    "q1b.filter": [2, -1, 3],
    # Q1(c): (n - 1) S - 2P + k = (2 - 1)*1 - 0 + 2 = 3 per side.
    "q1c.output_size": 3,
    # Q1(c): Y = sum over input entries of X[i,j] * W placed at (i, j), counted from 1:
    # Y22 = (-1)(1) + (2)(0) + (3)(-1) + (1)(1) = -3; Y23 = (2)(1) + (1)(-1) = 1;
    # Y12 = (-1)(-1) + (2)(1) = 3; Y21 = (-1)(0) + (3)(1) = 3; Y32 = (3)(1) + (1)(0) = 3;
    # corners -1, -2, 0, 1 are single products.
    "q1c.output": [[-1, 3, -2], [3, -3, 1], [0, 3, 1]],
    # Q2(a): the figure shades (N, H, W) for one C in A, (C, H, W) for one N in B, (H, W) for one
    # (N, C) in C: batch, layer, instance.
    "q2a.batch": "A",
    "q2a.layer": "B",
    "q2a.instance": "C",
    # Q2(b), n = 1: dL/dx_1 = gamma (g_1 - g_1/1) = 0.
    "q2b.n1": 0,
    # Q3: 3 -> 4 channels, 3x3. One output channel's filter: 3*3*3 = 27 weights.
    "q3.filter_weights": 27,
    # Independent numbers of the separable layer: per input channel a rank-one 4 x 9 block,
    # 4 + 9 - 1 = 12, times 3 channels = 36; the biases add one per output channel: 40.
    "q3.dimension": 36,
    "q3.dimension_with_biases": 40,
    # Standard 3*3*3*4 = 108 (+4 biases = 112). Depthwise 3*3*3 = 27 (+3 = 30).
    # Pointwise 3*4 = 12 (+4 = 16).
    "q3.weights_only.standard": 108,
    "q3.weights_only.depthwise": 27,
    "q3.weights_only.pointwise": 12,
    "q3.weights_only.separable": 27 + 12,  # 39
    # PyTorch: nn.Conv2d has a bias by default, so every layer carries one.
    "q3.pytorch.standard": 108 + 4,
    "q3.pytorch.depthwise": 27 + 3,
    "q3.pytorch.pointwise": 12 + 4,
    "q3.pytorch.separable": 30 + 16,  # 46
    # Keras: Conv2D has one bias per output channel; SeparableConv2D one bias per output
    # channel, after the pointwise stage (none on the depthwise stage).
    "q3.keras.standard": 108 + 4,
    "q3.keras.depthwise": 27,
    "q3.keras.pointwise": 12 + 4,
    "q3.keras.separable": 27 + 16,  # 43
    # 39 / 108 = 13/36 = 1/4 + 1/9 (= 1/c_out + 1/k^2).
    "q3.weights_only.ratio": Fraction(39, 108),
    # Q4 instance (see the top of this file).
    # Xw~ = (1-0+4, 2-3+0, 2-0+2, 0-4+4) = (5, -1, 4, 0)
    "q4.Xw": [5, -1, 4, 0],
    # y - p Xw~ = (1 - 4, 2 + 4/5, 0 - 16/5, -1 - 0) = (-3, 14/5, -16/5, -1)
    "q4.fit_residual": [-3, Fraction(14, 5), Fraction(-16, 5), -1],
    # Gamma~ w~ = (3*1, 5*(-1), 3*2) = (3, -5, 6)
    "q4.gamma_w": [3, -5, 6],
    # one mask entry per entry of the 4x3 X: 2**12 masks
    "q4.mask_count": 4096,
    "q4.column_norms": [3, 5, 3],
    # 9 + 196/25 + 256/25 + 1 = 10 + 452/25 = 702/25 = 28.08.
    "q4.fit_term": Fraction(702, 25),
    # p(1-p) = 4/25; ||Gamma~ w~||^2 = 9 + 25 + 36 = 70; 70 * 4/25 = 56/5 = 11.2.
    "q4.penalty_term": Fraction(56, 5),
    "q4.expected_loss": Fraction(702, 25) + Fraction(56, 5),  # 982/25 = 39.28
    # Q4(b): w = p w~ = (4/5)(1, -1, 2).
    "q4.inference_weights": [Fraction(4, 5), Fraction(-4, 5), Fraction(8, 5)],
    # Q4(d): X Gamma~^-1 divides column j by its norm: every column has norm 1.
    "q4.ridge_column_norms": [1, 1, 1],
    # sqrt((1-p)/p) = sqrt((1/5)/(4/5)) = sqrt(1/4) = 1/2; Gamma = diag(3, 5, 3)/2.
    "q4.gamma_scale": Fraction(1, 2),
    "q4.equivalent_gamma_diag": [Fraction(3, 2), Fraction(5, 2), Fraction(3, 2)],
    "q4.dropout_minimizer": DROPOUT_MINIMIZER,
    "q4.tikhonov_minimizer": TIKHONOV_MINIMIZER,
    # X Gamma^-1 divides column j by ||X_j||/2: every column has norm 2.
    "q4.ridge_column_norms_equivalent_gamma": [2, 2, 2],
    # Q4(c): ||y - Xw||^2 + ||Gamma w||^2 = ||y - X~ w'||^2 + 1 * ||w'||^2 with w' = Gamma w.
    "q4.ridge_lambda": 1,
    # With Gamma = Gamma~ instead, the penalty p(1-p)||Gamma~ w~||^2 = ((1-p)/p) ||Gamma~ w||^2:
    # lambda = (1/5)/(4/5) = 1/4.
    "q4.dropout_ridge_lambda": Fraction(1, 4),
}


def as_float_array(value: Any) -> np.ndarray:
    return np.asarray([float(v) for v in np.ravel(np.asarray(value, dtype=object))], dtype=float)


def test_every_result_key_has_a_hand_derivation() -> None:
    results = {key for key, e in answers.ENTRIES.items() if not e.data}
    missing = sorted(results - set(EXPECTED))
    stale = sorted(set(EXPECTED) - results)
    assert not missing, f"add hand derivations to tests/hw5ref/test_answers.py for {missing}"
    assert not stale, f"EXPECTED has keys that are not published results: {stale}"


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_published_value_matches_hand_derivation(key: str) -> None:
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


def rounded(value: Fraction, decimals: int) -> str:
    """``value`` rounded half away from zero to ``decimals`` places, exactly."""
    scaled = abs(value) * 10**decimals
    digits = str(int(scaled + Fraction(1, 2))).rjust(decimals + 1, "0")
    sign = "-" if value < 0 else ""
    return f"{sign}{digits[:-decimals]}.{digits[-decimals:]}"


@pytest.mark.parametrize("key", sorted(k for k, e in answers.ENTRIES.items()
                                       if e.decimals is not None))
def test_values_published_rounded_are_the_exact_values_rounded(key: str) -> None:
    # e.g. 109345/173701 = 0.62950...: "0.6295"; 39/108 = 0.36111...: "0.361"
    decimals = answers.entry(key).decimals
    assert decimals is not None
    exact = EXPECTED[key]
    values = exact if isinstance(exact, list) else [exact]
    want = ", ".join(rounded(Fraction(v), decimals) for v in values)
    text = format_value(answers.value(key), decimals=decimals)
    assert text.strip("[]") == want


@pytest.mark.parametrize(("upstream", "gamma"), [(1.0, 1.0), (-3.5, 2.0), (7.0, -0.25)])
def test_q2b_gradient_is_zero_for_a_batch_of_one(upstream: float, gamma: float) -> None:
    # gamma * (g_1 - g_1 / 1) = 0 whatever g_1 and gamma are
    assert answers.q2b_gradient_n1(upstream, gamma) == 0.0


# ------------------------------------------------------------------ lookups


@pytest.mark.parametrize(
    ("call", "exc", "message"),
    [
        (lambda: answers.value(3), TypeError, r"^key must be a string"),
        (lambda: answers.entry(None), TypeError, r"^key must be a string"),
        (lambda: answers.value("q9.nothing"), ValueError, r"^unknown answer key 'q9.nothing'"),
        (lambda: answers.entry("q1b"), ValueError, r"^unknown answer key 'q1b'"),
        (lambda: answers.q3_counts("no_such_convention"), ValueError, r"^convention must be"),
        (lambda: answers.q3_convention("all_biases"), ValueError, r"^convention must be"),
        (lambda: answers.q2a_letter("group"), ValueError, r"^kind\b"),
        (lambda: answers.q2a_letter(3), TypeError, r"^kind\b"),
    ],
    ids=["value-type", "entry-type", "value-unknown", "entry-unknown", "q3_counts-convention",
         "q3_convention-name", "q2a_letter-unknown", "q2a_letter-type"],
)
def test_lookups_name_the_problem(call: Callable[[], Any], exc: type[Exception],
                                  message: str) -> None:
    with pytest.raises(exc, match=message):
        call()


def test_unknown_key_message_lists_the_known_keys() -> None:
    with pytest.raises(ValueError, match=r"q1b\.filter") as info:
        answers.value("q1b.filtre")
    assert "q4.ridge_lambda" in str(info.value)
