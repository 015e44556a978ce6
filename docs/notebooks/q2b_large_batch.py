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
# # Q2(b): what happens to the batch-norm gradient as the batch grows
#
# For the mean-only batch norm $y_i = \gamma(x_i - \mu) + \beta$ with
# $\mu = \frac{1}{n}\sum_i x_i$, the gradient has two terms:
#
# $$\frac{\partial L}{\partial x_j}
#   = \underbrace{\gamma\,\frac{\partial L}{\partial y_j}}_{\text{direct term}}
#   \;-\; \underbrace{\gamma\,\frac{1}{n}\sum_{i=1}^{n}\frac{\partial L}{\partial y_i}}_{\text{mean term}}.$$
#
# Whether the mean term disappears as $n \to \infty$ depends on how the upstream gradients
# $g_i = \partial L/\partial y_i$ scale with $n$, that is, on how the loss is built from the
# batch. Write $m = \lim_{n\to\infty}\frac1n\sum_{i=1}^n \ell'(y_i)$ for the average
# per-sample gradient, as on the [Q2 solution page](../../solutions/q2-normalization/#q2b-limit).
# This notebook measures both terms for three losses, each built from the squared error
# $\ell(y_i) = \tfrac12 (y_i - t_i)^2$ with targets $t_i$ drawn with a nonzero mean, so that
# $m$ is not zero:
#
# * **one sample**: $L = \ell(y_1)$, so $\sum_i g_i = g_1$ stays bounded;
# * **sum-reduced**: $L = \sum_i \ell(y_i)$, so each $g_i = \ell'(y_i)$ stays of order one;
# * **mean-reduced**: $L = \frac1n \sum_i \ell(y_i)$, so each $g_i$ is of order $1/n$.
#
# Throughout, $j = 1$ (index 0 in code) and $\gamma = 1$.

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
import matplotlib.pyplot as plt
import numpy as np

from hw5ref import norm

# %%
GAMMA = 1.0
N_MAX = 100_000
TARGET_MEAN = 1.0  # the mean of the targets t_i: not zero, so m is not zero
rng = np.random.default_rng(2024)
x_pool = rng.normal(size=N_MAX)
t_pool = rng.normal(loc=TARGET_MEAN, scale=1.0, size=N_MAX)
sizes = np.unique(np.logspace(0, np.log10(N_MAX), 41).astype(int))


def upstream(n, loss):
    """g_i = dL/dy_i for the first n samples of the pool."""
    y = norm.centered_batchnorm(x_pool[:n], GAMMA, 0.0)
    per_sample = y - t_pool[:n]  # l'(y_i): d/dy of (y - t)^2 / 2
    if loss == "one sample":
        g = np.zeros(n)
        g[0] = per_sample[0]  # sample 1 (index 0)
        return g
    if loss == "sum-reduced":
        return per_sample
    if loss == "mean-reduced":
        return per_sample / n
    raise ValueError(loss)


def terms(n, loss):
    """(|direct term|, |mean term|) of dL/dx_1, checked against the full gradient from hw5ref."""
    g = upstream(n, loss)
    direct, mean = GAMMA * g[0], GAMMA * g.mean()
    full = norm.centered_batchnorm_backward(g, GAMMA)[0]
    assert np.isclose(full, direct - mean)  # hw5ref agrees with the two-term formula
    return abs(direct), abs(mean)


LOSSES = ("one sample", "sum-reduced", "mean-reduced")
table = {loss: np.array([terms(n, loss) for n in sizes]) for loss in LOSSES}

# %% [markdown]
# ## What the numbers say

# %%
for loss in LOSSES:
    d, m = table[loss][-1]
    print(f"{loss:13s} n = {sizes[-1]:>6d}: |direct| = {d:.3g}, |mean| = {m:.3g}, "
          f"mean/direct = {m / d:.3g}")

one, total, avg = (table[loss] for loss in LOSSES)
# One sample: the mean term is exactly g_1 / n, while the direct term |g_1| = |y_1 - t_1|
# settles at |x_1 - t_1| (the batch mean of x tends to the mean of x, which is 0).
assert np.allclose(one[:, 1] * sizes, one[:, 0])
assert abs(one[-1, 0] - abs(x_pool[0] - t_pool[0])) < 2e-2
# Sum-reduced: the mean term tends to |gamma m| = |mean of (y - t)| = |0 - TARGET_MEAN|.
print(f"sum-reduced: |gamma m| = {GAMMA * TARGET_MEAN:g}, "
      f"measured mean term at n = {sizes[-1]}: {total[-1, 1]:.4f}")
assert abs(total[-1, 1] - GAMMA * TARGET_MEAN) < 2e-2
# Mean-reduced: both terms are the sum-reduced ones divided by n, so their ratio is the same
# and does not go to zero.
assert np.allclose(avg * sizes[:, None], total)
assert np.isclose(avg[-1, 1] / avg[-1, 0], total[-1, 1] / total[-1, 0], rtol=1e-12)

# %% tags=["remove-input"]
# Drawing: three stacked log-log panels, sized for the page column.
def draw_terms():
    """|direct term| and |mean term| against n, one panel per loss, stacked vertically."""
    fig, axes = plt.subplots(3, 1, figsize=(6.6, 8.2), sharex=True, sharey=True)
    fig.subplots_adjust(left=0.14, right=0.97, bottom=0.08, top=0.90, hspace=0.30)
    for ax, loss in zip(axes, LOSSES, strict=True):
        d, m = table[loss].T
        ax.loglog(sizes, d, "-", lw=2, color="#3f51b5", label=r"direct term $|\gamma\, g_1|$")
        ax.loglog(sizes, m, "--", lw=2, color="#e65100", label=r"mean term $|\gamma\, \bar g|$")
        ax.set_title(f"loss: {loss}", fontsize=13, loc="left")
        ax.set_ylabel("magnitude", fontsize=12)
        ax.tick_params(labelsize=11)
        ax.grid(True, which="major", alpha=0.3)
        ax.minorticks_off()  # unlabelled, and hundreds of them: they only slow the drawing
    axes[-1].set_xlabel("batch size $n$", fontsize=12)
    axes[0].set_ylim(3e-6, 10)
    axes[0].legend(loc="lower left", fontsize=11)
    fig.suptitle(r"The two terms of $\partial L/\partial x_1$ as the batch grows", fontsize=14,
                 y=0.985)
    return fig


def alt_text():
    """Alternative text for the figure, with the measured end points."""
    parts = []
    for loss in LOSSES:
        d, m = table[loss][-1]
        parts.append(f"{loss}: direct term {d:.2g}, mean term {m:.2g}")
    return (f"Three stacked log-log plots of the direct term and the mean term of dL/dx_1 "
            f"against batch size n from 1 to {sizes[-1]:,}, one per loss. At the largest n, "
            + "; ".join(parts) + ".")


def figure_svg():
    """The figure as SVG text."""
    return svg_text(draw_terms())


# %% tags=["site-figure", "remove-input"]
show(figure_svg(), alt_text())

# %% [markdown]
# ## Reading the plots
#
# * **One sample** (top): the mean term falls like $1/n$ while the direct term stays put, so
#   $\partial L/\partial x_1 \to \gamma\,\partial L/\partial y_1$. This is the homework's intended
#   answer, and it holds whenever $\sum_i \partial L/\partial y_i$ stays bounded: the batch mean
#   depends on each single input only through $\partial\mu/\partial x_j = 1/n \to 0$, so for
#   large batches $\mu$ behaves like a constant.
# * **Sum-reduced** (middle): every sample contributes an order-one gradient, the mean term
#   tends to $\gamma m$ (its size is printed above), and the limit is $\gamma\,(g_j - m)$: the
#   reading Claude took.
# * **Mean-reduced** (bottom): both terms fall like $1/n$, and their ratio stays fixed, so the
#   mean term never becomes negligible *relative to* the direct term. Multiplying the loss by
#   $n$ turns this case into the sum-reduced one.
