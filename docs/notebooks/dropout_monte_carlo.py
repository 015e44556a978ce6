# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Monte Carlo dropout: the sample average converges to the closed form
#
# Q4(a) shows that the dropout objective has a closed form:
#
# $$
# \mathbb{E}_R\,\lVert y-(R\odot X)\tilde w\rVert_2^2
# = \lVert y-pX\tilde w\rVert_2^2 + p(1-p)\,\lVert\tilde\Gamma\tilde w\rVert_2^2 ,
# $$
#
# where every entry of the mask $R$ is kept (equals 1) with probability $p$, and $\tilde\Gamma$
# holds the column norms of $X$. This notebook draws masks at random, the way dropout training
# does, and watches the sample average of the loss approach the closed form as the number of
# masks grows.
#
# The data is the numeric instance from the [Q4 solution](../../solutions/q4-dropout/)
# (`hw5ref.answers.Q4_X`, `Q4_Y`, `Q4_W_TILDE`, keep probability `Q4_P`).

# %% [markdown] tags=["remove-cell"]
# Running this notebook outside the repository (Colab, a fresh environment): run the next cell
# first; it installs the version of hw5ref this page was built with.

# %% tags=["remove-cell"]
import importlib.util
import subprocess
import sys

HW5REF_VERSION = "0.2.0"  # the version of hw5ref this notebook was published with
if importlib.util.find_spec("hw5ref") is None:  # outside the repository: install it
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "matplotlib",
                    f"hw5ref @ git+https://github.com/hw5ref/hw5ref@v{HW5REF_VERSION}"],
                   check=True)

# %% tags=["remove-input"]
# Plumbing: figures are shown as SVG images with alternative text (for screen readers).
from hw5ref.notebook import show, svg_text

# %%
import itertools
from math import comb, erf, sqrt

import matplotlib.pyplot as plt
import numpy as np

from hw5ref import answers, dropout

X = np.array(answers.Q4_X, dtype=float)
y = np.array(answers.Q4_Y, dtype=float)
w = np.array(answers.Q4_W_TILDE, dtype=float)
p = answers.Q4_P

closed_form = dropout.expected_loss(X, y, w, p)
print(f"keep probability p = {p}, closed form = {closed_form:.4f}")

# %% [markdown]
# ## The exact distribution of the loss
#
# $X$ is small, so every mask can be listed: there are only $2^{12}$ of them, one for each way
# of keeping or dropping each entry of $X$. Summing over all of them gives the exact mean of the
# loss, which must equal the closed form. It also gives the exact standard deviation $\sigma$
# of the loss of one random mask. The average of $m$ independent masks then has standard error
# $\sigma/\sqrt{m}$.

# %%
losses, probs = [], []
for bits in itertools.product((0, 1), repeat=X.size):
    R = np.array(bits, dtype=float).reshape(X.shape)
    kept = int(R.sum())
    probs.append(p**kept * (1 - p) ** (R.size - kept))
    losses.append(float(np.sum((y - (R * X) @ w) ** 2)))
losses, probs = np.array(losses), np.array(probs)

exact_mean = float(probs @ losses)
sigma = float(np.sqrt(probs @ (losses - exact_mean) ** 2))
assert len(losses) == 2**X.size
assert np.isclose(probs.sum(), 1.0)
assert np.isclose(exact_mean, closed_form)
assert np.isclose(closed_form, answers.value("q4.expected_loss"))
print(f"{X.shape[0]} x {X.shape[1]} = {X.size} entries, {len(losses)} masks")
print(f"exact mean over all masks = {exact_mean:.4f}, sigma of one mask's loss = {sigma:.3f}")

# %% [markdown]
# ## Random masks
#
# For each sample size $m$, `hw5ref.dropout.monte_carlo_loss` draws $m$ fresh masks from one
# seeded generator. It returns the sample mean of the loss and its estimated standard error.
# The plot shows each mean with an error bar of $\pm 2$ estimated standard errors, the closed
# form as a line, and the band $\pm 2\sigma/\sqrt{m}$ computed from the exact $\sigma$.
#
# What to expect: an error bar of two standard errors contains the true mean with the
# probability that a normal variable lies within two standard deviations of its mean (printed
# below), so **most** bars contain the closed-form line, not necessarily all. Over the nine
# sample sizes a miss or two is normal; the check below fails only if more bars miss than a
# correct closed form would plausibly allow, or if any estimate is very far off.

# %%
rng = np.random.default_rng(0)
sizes = np.array([10, 30, 100, 300, 1_000, 3_000, 10_000, 30_000, 100_000])
estimates = [dropout.monte_carlo_loss(X, y, w, p, m, rng) for m in sizes]
means = np.array([e.mean for e in estimates])
stderrs = np.array([e.stderr for e in estimates])
z = (means - closed_form) / stderrs                          # with the estimated SE (the bars)
z_exact = (means - closed_form) / (sigma / np.sqrt(sizes))   # with the exact sigma

print(f"{'masks':>8} {'mean':>9} {'std err':>8} {'(mean - exact) / SE':>20} {'same, exact sigma':>18}")
for m, mean, se, zi, ze in zip(sizes, means, stderrs, z, z_exact, strict=True):
    print(f"{m:>8} {mean:>9.3f} {se:>8.3f} {zi:>20.2f} {ze:>18.2f}")

# The error shrinks like 1/sqrt(m): the estimated standard error tracks sigma / sqrt(m) (for
# m >= 100; at m = 10 or 30 the estimate itself is still rough).
assert np.allclose((stderrs * np.sqrt(sizes))[sizes >= 100], sigma, rtol=0.25)

# %%
inside = np.abs(z_exact) < 2
q = 1 - erf(2 / sqrt(2))  # P(|Z| >= 2): the chance that one bar misses the line
k = len(sizes)
p_more_than_2 = 1 - sum(comb(k, j) * q**j * (1 - q) ** (k - j) for j in range(3))
print(f"each bar contains the closed form with probability about {1 - q:.3f}")
print(f"{inside.sum()} of {k} bars (exact sigma) contain it; about {k * (1 - q):.1f} "
      f"expected; more than 2 misses has probability {p_more_than_2:.4f}")
print(f"{np.sum(np.abs(z) < 2)} of {k} bars as drawn (estimated standard errors) contain it")
# A correct closed form leaves more than 2 of the bars outside with probability < 1%:
assert p_more_than_2 < 0.01
assert (~inside).sum() <= 2
# ...and no estimate is 4 or more standard errors off (probability under 0.1% over the bars).
assert np.all(np.abs(z_exact) < 4)


# %% tags=["remove-input"]
# Drawing: the estimates with their error bars, the closed form and the exact band.
def draw_estimates():
    """Monte Carlo means with +-2 SE bars, the closed-form line and the +-2 sigma/sqrt(m) band."""
    m_grid = np.geomspace(sizes[0], sizes[-1], 200)
    fig, ax = plt.subplots(figsize=(7.0, 4.4))
    fig.subplots_adjust(left=0.11, right=0.98, bottom=0.13, top=0.91)
    ax.fill_between(
        m_grid,
        closed_form - 2 * sigma / np.sqrt(m_grid),
        closed_form + 2 * sigma / np.sqrt(m_grid),
        color="tab:blue",
        alpha=0.15,
        label=r"closed form $\pm 2\sigma/\sqrt{m}$",
    )
    ax.axhline(closed_form, color="tab:blue", label=f"closed form (Q4a) = {closed_form:.2f}")
    ax.errorbar(
        sizes, means, yerr=2 * stderrs, fmt="o", color="black", capsize=3,
        label="Monte Carlo mean $\\pm$ 2 SE",
    )
    ax.set_xscale("log")
    ax.set_xlabel("number of random masks $m$", fontsize=12)
    ax.set_ylabel("average loss", fontsize=12)
    ax.tick_params(labelsize=11)
    ax.set_title(f"Dropout loss, keep probability p = {p}", fontsize=13)
    ax.legend(loc="upper right", fontsize=11)
    return fig


ALT = (
    f"Monte Carlo averages of the dropout loss for {sizes[0]:,} to {sizes[-1]:,} random masks on "
    "a log axis, each with an error bar of two standard errors; "
    f"{np.sum(np.abs(z) < 2)} of the {k} bars contain the closed-form value {closed_form:.2f} "
    "(horizontal line), and the estimates converge to it. A shaded band of half-width "
    "2 sigma / sqrt(m) around the line narrows as m grows."
)

# %% tags=["site-figure", "remove-input"]
show(svg_text(draw_estimates()), ALT)

# %% [markdown]
# Most error bars contain the closed-form line, as expected; the count is printed above, and a
# different seed may leave a bar or two outside. The bars shrink like $1/\sqrt{m}$, as the
# shaded band does. Averaging over masks is what the expectation in Q4(a) does exactly.
