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
# batch. This notebook measures both terms for three losses, each a squared error
# $\ell(y_i) = \tfrac12 (y_i - t_i)^2$ with targets $t_i$ whose mean is $1$ (so the average
# per-sample gradient does not vanish):
#
# * **one sample**: $L = \ell(y_1)$, so $\sum_i g_i = g_1$ stays bounded;
# * **sum-reduced**: $L = \sum_i \ell(y_i)$, so each $g_i$ stays of order one;
# * **mean-reduced**: $L = \frac1n \sum_i \ell(y_i)$, so each $g_i$ is of order $1/n$.
#
# Throughout, $j = 1$ (index 0 in code) and $\gamma = 1$.

# %%
import base64
import html
import io

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from IPython.display import HTML, display

from hw5ref import norm

# %%
# Figures are shown as SVG images with alternative text (for screen readers).
def svg_text(fig):
    """``fig`` as SVG text (no timestamp, stable ids, text drawn as paths), then closed.

    The figures set their margins themselves: ``bbox_inches="tight"`` would draw each one twice.
    """
    buf = io.StringIO()
    with mpl.rc_context({"svg.hashsalt": "hw5ref"}):
        fig.savefig(buf, format="svg", metadata={"Date": None})
    plt.close(fig)
    return buf.getvalue()


def show(svg, alt):
    """Display SVG text as an image with alternative text (shown as a repr outside Jupyter)."""
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    alt = html.escape(alt, quote=True)
    display(HTML(f'<img src="data:image/svg+xml;base64,{data}" alt="{alt}">'))

# %%
GAMMA = 1.0
N_MAX = 100_000
rng = np.random.default_rng(2024)
x_pool = rng.normal(size=N_MAX)
t_pool = rng.normal(loc=1.0, scale=1.0, size=N_MAX)
sizes = np.unique(np.logspace(0, np.log10(N_MAX), 41).astype(int))


def upstream(n, loss):
    """g_i = dL/dy_i for the first n samples of the pool."""
    y = norm.centered_batchnorm(x_pool[:n], GAMMA, 0.0)
    per_sample = y - t_pool[:n]  # d/dy of (y - t)^2 / 2
    if loss == "one sample":
        g = np.zeros(n)
        g[0] = per_sample[0]
        return g
    if loss == "sum-reduced":
        return per_sample
    if loss == "mean-reduced":
        return per_sample / n
    raise ValueError(loss)


def terms(n, loss):
    """(|direct term|, |mean term|) of dL/dx_1, and the full gradient from hw5ref."""
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
# settles at |x_1 - E[x] - t_1| (the batch mean of x tends to E[x] = 0).
assert np.allclose(one[:, 1] * sizes, one[:, 0])
assert abs(one[-1, 0] - abs(x_pool[0] - t_pool[0])) < 2e-2
# Sum-reduced: the mean term tends to |E[y - t]| = |0 - 1| = 1 and does not vanish.
assert abs(total[-1, 1] - 1.0) < 2e-2
# Mean-reduced: both terms shrink like 1/n and their ratio does not go to zero.
assert np.allclose(avg * sizes[:, None], total)
assert avg[-1, 1] / avg[-1, 0] == total[-1, 1] / total[-1, 0]

# %% tags=["site-figure"]
def draw_terms():
    """Three log-log panels: |direct term| and |mean term| against n, one panel per loss."""
    fig, axes = plt.subplots(1, 3, figsize=(12, 3.9), sharex=True, sharey=True)
    fig.subplots_adjust(left=0.07, right=0.99, bottom=0.15, top=0.84, wspace=0.08)
    for ax, loss in zip(axes, LOSSES):
        d, m = table[loss].T
        ax.loglog(sizes, d, "-", color="#3f51b5", label=r"direct $|\gamma\, g_1|$")
        ax.loglog(sizes, m, "--", color="#e65100", label=r"mean $|\gamma\, \bar g|$")
        ax.set_title(loss)
        ax.set_xlabel("batch size n")
        ax.grid(True, which="major", alpha=0.3)
        ax.minorticks_off()  # unlabelled, and hundreds of them: they only slow the drawing
    axes[0].set_ylabel("magnitude")
    axes[0].set_ylim(3e-6, 10)
    axes[0].legend(loc="lower left")
    fig.suptitle(r"The two terms of $\partial L/\partial x_1$ as the batch grows", y=0.97)
    return fig


def alt_text():
    """Alternative text for the figure, with the measured end points."""
    parts = []
    for loss in LOSSES:
        d, m = table[loss][-1]
        parts.append(f"{loss}: direct term {d:.2g}, mean term {m:.2g}")
    return (f"Three log-log plots of the direct term and the mean term of dL/dx_1 against batch "
            f"size n from 1 to {sizes[-1]:,}. At the largest n, " + "; ".join(parts) + ".")


def figure_svg():
    """The figure as SVG text."""
    return svg_text(draw_terms())


show(figure_svg(), alt_text())

# %% [markdown]
# ## Reading the plots
#
# * **One sample** (left): the mean term falls like $1/n$ while the direct term stays put, so
#   $\partial L/\partial x_1 \to \gamma\,\partial L/\partial y_1$. This is the homework's intended
#   answer, and it holds whenever $\sum_i \partial L/\partial y_i$ stays bounded: the batch mean
#   depends on each single input only through $\partial\mu/\partial x_j = 1/n \to 0$, so for
#   large batches $\mu$ behaves like a constant.
# * **Sum-reduced** (middle): every sample contributes an order-one gradient, the mean term
#   tends to $\gamma\,\mathbb{E}[\partial \ell/\partial y]$ (here $1$ in magnitude), and the
#   limit is $\gamma\,(g_j - \mathbb{E}[g])$: the reading Claude took.
# * **Mean-reduced** (right): both terms fall like $1/n$, and their ratio stays fixed, so the
#   mean term never becomes negligible *relative to* the direct term. Multiplying the loss by
#   $n$ turns this case into the sum-reduced one.
