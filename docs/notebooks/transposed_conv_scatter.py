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
# # Transposed convolution as a scatter-add (Q1c)
#
# Q1(c) asks for the transposed convolution, with stride one and padding zero, of the input
# $X = \begin{bmatrix}-1 & 2\\ 3 & 1\end{bmatrix}$ with the filter
# $W = \begin{bmatrix}1 & -1\\ 0 & 1\end{bmatrix}$.
#
# Entries are counted from 1, as in the homework: $X_{11}$ is the top-left entry of $X$. (The
# code is Python, which counts from 0: $X_{11}$ is `X[0, 0]`.)
#
# A transposed convolution **scatters**: every input entry $X_{ij}$ scales a whole copy of
# $W$, the copy is placed with its top-left corner at output position $(i, j)$ (at
# $\big((i-1)S+1,\ (j-1)S+1\big)$ for stride $S$), and overlapping copies are added. This
# notebook draws the copies and their sum, then shows the equivalent "gather" view: pad the
# input and slide the **flipped** filter. All numbers come from `hw5ref`.

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

from hw5ref import answers, conv

X = np.array(answers.Q1C_INPUT, dtype=float)
W = np.array(answers.Q1C_FILTER, dtype=float)
Y = answers.q1c_output()
kh, kw = W.shape
print("X =\n", X, "\nW =\n", W, "\nY =\n", Y)


# %%
def copies(x, w, stride=1):
    """The scaled, shifted filter copies: {(i, j): full-size array holding x[i, j] * w}.

    (i, j) are Python indices, counted from 0: the copy of X_11 is copies(...)[0, 0].
    """
    h = (x.shape[0] - 1) * stride + w.shape[0]
    wd = (x.shape[1] - 1) * stride + w.shape[1]
    out = {}
    for i in range(x.shape[0]):
        for j in range(x.shape[1]):
            c = np.full((h, wd), np.nan)  # NaN = "this copy does not reach here"
            c[i * stride : i * stride + w.shape[0], j * stride : j * stride + w.shape[1]] = x[i, j] * w
            out[(i, j)] = c
    return out


parts = copies(X, W)
total = sum(np.nan_to_num(c) for c in parts.values())
assert np.array_equal(total, Y)  # the scatter-add is the transposed convolution
# By hand: the centre Y_22 (Y[1, 1] in Python) receives one entry from each copy:
# -1*1 + 2*0 + 3*(-1) + 1*1 = -3.
assert [parts[ij][1, 1] for ij in sorted(parts)] == [-1, 0, -3, 1]
assert Y[1, 1] == -3


# %% tags=["remove-input"]
# Drawing helpers: heatmaps with the value in each cell, rows and columns numbered from 1.
LIMIT = 4  # colour scale -LIMIT..LIMIT, shared by every panel


def heat(ax, m, title):
    """A small heatmap with the value written in each cell; NaN cells left blank."""
    ax.imshow(np.ma.masked_invalid(m), cmap="RdBu_r", vmin=-LIMIT, vmax=LIMIT)
    for (r, c), v in np.ndenumerate(m):
        if not np.isnan(v):
            colour = "white" if abs(v) >= 0.6 * LIMIT else "black"  # legible on dark cells
            ax.text(c, r, f"{v + 0.0:g}", ha="center", va="center", fontsize=14, color=colour)
    ax.set_xticks(range(m.shape[1]), [str(k + 1) for k in range(m.shape[1])])
    ax.set_yticks(range(m.shape[0]), [str(k + 1) for k in range(m.shape[0])])
    ax.set_xticks(np.arange(-0.5, m.shape[1]), minor=True)
    ax.set_yticks(np.arange(-0.5, m.shape[0]), minor=True)
    ax.grid(which="minor", color="#90a4ae", linewidth=0.8)
    ax.tick_params(which="both", length=0, labelsize=11)
    ax.xaxis.tick_top()
    ax.set_title(title, fontsize=12, pad=22)


def scatter_figure(parts, result, result_title, suptitle, copy_title, top=0.8):
    """The copies in a 2 x 2 grid (each at its input entry's place), "=", their sum on the right."""
    fig = plt.figure(figsize=(7.4, round(6.2 * 0.77 / (top - 0.03), 2)))  # same panel size
    left = fig.add_gridspec(2, 2, left=0.045, right=0.6, bottom=0.03, top=top, wspace=0.22,
                            hspace=0.36)
    for (i, j), c in sorted(parts.items()):
        heat(fig.add_subplot(left[i, j]), c, copy_title(i, j))
    right = fig.add_gridspec(1, 1, left=0.7, right=0.985, bottom=0.03, top=top)
    heat(fig.add_subplot(right[0, 0]), result, result_title)
    fig.text(0.65, 0.4, "=", fontsize=28, ha="center", va="center")
    fig.suptitle(suptitle, fontsize=13, y=0.985, va="top")
    return fig


def gather_figure(padded, flipped, gather, unflipped):
    """The padded input on the left; the flipped filter (top row) and W itself (bottom row)."""
    fig = plt.figure(figsize=(7.4, 5.8))
    grid = fig.add_gridspec(2, 3, width_ratios=(1.3, 0.8, 1), left=0.03, right=0.985,
                            bottom=0.03, top=0.8, wspace=0.3, hspace=0.45)
    heat(fig.add_subplot(grid[:, 0]), padded, "input padded\nwith zeros")
    heat(fig.add_subplot(grid[0, 1]), flipped, "W rotated by\na half turn")
    heat(fig.add_subplot(grid[0, 2]), gather, "slide it:\nequals Y")
    heat(fig.add_subplot(grid[1, 1]), W, "W itself")
    heat(fig.add_subplot(grid[1, 2]), unflipped, "slide it:\nnot Y")
    fig.suptitle("Gather view: pad the input, slide the flipped filter", fontsize=13, y=0.985,
                 va="top")
    return fig


def ij(i, j):
    """Python indices (from 0) as the homework's subscript (from 1)."""
    return f"{i + 1}{j + 1}"


# %% tags=["site-figure", "remove-input"]
fig = scatter_figure(
    parts, Y, "sum of the\nfour copies = $Y$",
    "Scatter view: one scaled copy of W per input entry,\noverlaps added",
    lambda i, j: f"$X_{{{ij(i, j)}}} = {X[i, j]:g}$ times $W$\nat rows {i + 1}–{i + kh}, "
                 f"cols {j + 1}–{j + kw}",
)
show(svg_text(fig), "Four heatmaps in a two-by-two grid, each the filter W scaled by one input "
     "entry and placed with its top-left corner at that entry's position, and to their right a "
     f"heatmap of their sum, Y = {Y.astype(int).tolist()}.")

# %% [markdown]
# ## The gather view: pad, flip, slide
#
# The same output is an ordinary (deep-learning, unflipped) convolution of the input padded
# by $k-1-P$ zeros on every side (here $P$ is zero and $k - 1$ is one) with the filter
# **rotated by a half turn**. Reading the output entry $Y_{22}$ in the scatter picture, the copy
# from $X_{11}$ contributes $W_{22}$, the copy from $X_{22}$ contributes $W_{11}$: the filter is
# met back to front.
#
# Describing the transposed convolution as "pad (and, for stride $S$, insert $S-1$ zeros between
# inputs), then convolve" is only correct with the flipped filter. Sliding $W$ itself gives a
# different matrix, shown in the bottom row.

# %%
padded = np.pad(X, kh - 1)  # k - 1 - P zeros on every side, with P = 0
flipped = W[::-1, ::-1]     # rotated by a half turn
gather = conv.conv2d(padded, flipped)
unflipped = conv.conv2d(padded, W)
assert np.array_equal(gather, Y)
assert not np.array_equal(unflipped, Y)
assert unflipped.tolist() == [[-1, 2, 0], [4, -2, 2], [-3, 2, 1]]

# %% tags=["remove-input"]
show(svg_text(gather_figure(padded, flipped, gather, unflipped)),
     "Five heatmaps. Left: the input padded with one zero on every side. Top row: the filter "
     f"rotated by a half turn, and sliding it over the padded input, which gives "
     f"{gather.astype(int).tolist()}, equal to Y. Bottom row: the unflipped filter, and sliding "
     f"it, which gives {unflipped.astype(int).tolist()}, not Y.")

# %% [markdown]
# ## Why "transposed"
#
# Convolution with $W$ (stride one, no padding) maps an image the size of $Y$ to one the size
# of $X$. It is linear, so it is a matrix $C$ with one row per entry of the output and one
# column per entry of the input: column $q$ is the response to the $q$-th basis image (its
# shape is printed below). The transposed convolution is multiplication by $C^\top$, which maps
# the size of $X$ back to the size of $Y$. Equivalently
# $\langle C z, x\rangle = \langle z, C^\top x\rangle$ for every $z$ and $x$.

# %%
basis = np.eye(Y.size).reshape(Y.size, *Y.shape)
C = np.stack([conv.conv2d(e, W).ravel() for e in basis], axis=1)
assert C.shape == (X.size, Y.size)
assert np.array_equal((C.T @ X.ravel()).reshape(Y.shape), Y)
z = np.random.default_rng(0).normal(size=Y.shape)
assert np.isclose(np.sum(conv.conv2d(z, W) * X), np.sum(z * Y))  # adjoint identity
print(f"C has shape {C.shape}:")
print(C.astype(int))

# %% [markdown]
# ## With stride two the copies spread apart
#
# With stride $S = 2$ the copies are placed two apart, so this filter's copies no longer
# overlap. The gather view now inserts $S - 1$ zeros (here one) between neighbouring input
# entries before padding.

# %%
S = 2
Y2 = conv.conv_transpose2d(X, W, stride=S)
spread = np.zeros(((X.shape[0] - 1) * S + 1, (X.shape[1] - 1) * S + 1))
spread[::S, ::S] = X  # zero-insertion
assert np.array_equal(conv.conv2d(np.pad(spread, kh - 1), flipped), Y2)
assert np.array_equal(Y2, np.kron(X, W))  # no overlaps: a block matrix of scaled copies
parts2 = copies(X, W, stride=S)

# %% tags=["remove-input"]
fig = scatter_figure(
    parts2, Y2, "stride two:\nsum of copies",
    "Stride two: the copies are placed two apart",
    lambda i, j: f"$X_{{{ij(i, j)}}} = {X[i, j]:g}$ times $W$", top=0.86,
)
show(svg_text(fig), "With stride two, four heatmaps of the scaled filter copies placed two apart "
     f"so that they do not overlap, and to their right their sum, {Y2.astype(int).tolist()}.")
