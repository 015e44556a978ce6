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

# %%
import base64
import html
import io
import itertools

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from IPython.display import HTML

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
# $X$ has $4 \times 3 = 12$ entries, so there are only $2^{12} = 4096$ masks. Summing over all
# of them gives the exact mean of the loss, which must equal the closed form. It also gives the
# exact standard deviation $\sigma$ of the loss of one random mask. The average of $m$
# independent masks then has standard error $\sigma/\sqrt{m}$.

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
assert np.isclose(probs.sum(), 1.0)
assert np.isclose(exact_mean, closed_form)
assert np.isclose(closed_form, answers.value("q4.expected_loss"))
print(f"exact mean over all masks = {exact_mean:.4f}, sigma of one mask's loss = {sigma:.3f}")

# %% [markdown]
# ## Random masks
#
# For each sample size $m$, `hw5ref.dropout.monte_carlo_loss` draws $m$ fresh masks from one
# seeded generator. It returns the sample mean of the loss and its estimated standard error.
# The plot shows each mean with an error bar of $\pm 2$ estimated standard errors, the closed
# form as a line, and the band $\pm 2\sigma/\sqrt{m}$ computed from the exact $\sigma$.

# %%
rng = np.random.default_rng(0)
sizes = [10, 30, 100, 300, 1_000, 3_000, 10_000, 30_000, 100_000]
estimates = [dropout.monte_carlo_loss(X, y, w, p, m, rng) for m in sizes]
means = np.array([e.mean for e in estimates])
stderrs = np.array([e.stderr for e in estimates])
z = (means - closed_form) / stderrs

print(f"{'masks':>8} {'mean':>9} {'std err':>8} {'(mean - exact) / SE':>20}")
for m, mean, se, zi in zip(sizes, means, stderrs, z, strict=True):
    print(f"{m:>8} {mean:>9.3f} {se:>8.3f} {zi:>20.2f}")

# The error shrinks like 1/sqrt(m): the estimated standard error tracks sigma / sqrt(m).
assert np.allclose(stderrs * np.sqrt(sizes), sigma, rtol=0.5)
# With this seed every error bar (2 standard errors) contains the closed form.
assert np.all(np.abs(z) < 2)
assert abs(means[-1] - closed_form) < 0.1

# %%
m_grid = np.geomspace(sizes[0], sizes[-1], 200)
fig, ax = plt.subplots(figsize=(7, 4))
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
ax.set_xlabel("number of random masks $m$")
ax.set_ylabel("average loss")
ax.set_title(f"Dropout loss, keep probability p = {p}")
ax.legend(loc="upper right")
fig.tight_layout()

ALT = (
    "Monte Carlo averages of the dropout loss for 10 to 100,000 random masks on a log axis, "
    "each with an error bar of two standard errors, converging to the closed-form value "
    f"{closed_form:.2f} (horizontal line); a shaded band of half-width 2 sigma / sqrt(m) "
    "around the line narrows as m grows."
)
buf = io.StringIO()
with mpl.rc_context({"svg.hashsalt": "hw5ref"}):  # text as paths: no font needed
    fig.savefig(buf, format="svg", metadata={"Date": None})
plt.close(fig)
svg64 = base64.b64encode(buf.getvalue().encode()).decode()
HTML(
    f'<figure><img src="data:image/svg+xml;base64,{svg64}" alt="{html.escape(ALT)}">'
    "<figcaption>Monte Carlo means (points, ± 2 standard errors) approach the closed form "
    "of Q4(a) (line) as the number of masks grows.</figcaption></figure>"
)

# %% [markdown]
# Every error bar overlaps the closed-form line, and the bars shrink by about a factor of
# $\sqrt{10} \approx 3.2$ for each tenfold increase in $m$. Averaging over masks is what the
# expectation in Q4(a) does exactly.
