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
# Q1(c) asks for the stride-1, padding-0 transposed convolution of the input
# $X = \begin{bmatrix}-1 & 2\\ 3 & 1\end{bmatrix}$ with the filter
# $W = \begin{bmatrix}1 & -1\\ 0 & 1\end{bmatrix}$.
#
# A transposed convolution **scatters**: every input entry $X_{ij}$ scales a whole copy of
# $W$, the copy is placed with its top-left corner at output position $(i, j)$ (at
# $(iS, jS)$ for stride $S$), and overlapping copies are added. This notebook draws the four
# copies and their sum, then shows the equivalent "gather" view: pad the input and slide the
# **flipped** filter. All numbers come from `hw5ref`.

# %%
import base64
import html
import io

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from IPython.display import HTML, display

from hw5ref import answers, conv

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
X = np.array(answers.Q1C_INPUT, dtype=float)
W = np.array(answers.Q1C_FILTER, dtype=float)
Y = answers.q1c_output()
kh, kw = W.shape
out_shape = Y.shape
print("X =\n", X, "\nW =\n", W, "\nY =\n", Y)


# %%
def copies(x, w, stride=1):
    """The scaled, shifted filter copies: {(i, j): full-size array holding x[i, j] * w}."""
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
# By hand: the centre receives one entry from each copy, -1*1 + 2*0 + 3*(-1) + 1*1 = -3.
assert [parts[ij][1, 1] for ij in sorted(parts)] == [-1, 0, -3, 1]
assert Y[1, 1] == -3


# %%
LIMIT = 4  # colour scale -LIMIT..LIMIT, shared by every panel


def heat(ax, m, title):
    """A small heatmap with the value written in each cell; NaN cells left blank."""
    ax.imshow(np.ma.masked_invalid(m), cmap="RdBu_r", vmin=-LIMIT, vmax=LIMIT)
    for (r, c), v in np.ndenumerate(m):
        if not np.isnan(v):
            colour = "white" if abs(v) >= 0.6 * LIMIT else "black"  # legible on dark cells
            ax.text(c, r, f"{v + 0.0:g}", ha="center", va="center", fontsize=13, color=colour)
    ax.set_xticks(range(m.shape[1]))
    ax.set_yticks(range(m.shape[0]))
    ax.set_xticks(np.arange(-0.5, m.shape[1]), minor=True)
    ax.set_yticks(np.arange(-0.5, m.shape[0]), minor=True)
    ax.grid(which="minor", color="#90a4ae", linewidth=0.8)
    ax.tick_params(which="both", length=0, labelsize=8)
    ax.set_title(title, fontsize=10)


fig, axes = plt.subplots(1, 5, figsize=(13, 3.6))
fig.subplots_adjust(left=0.015, right=0.995, bottom=0.06, top=0.74, wspace=0.2)
for ax, ((i, j), c) in zip(axes, sorted(parts.items())):
    heat(ax, c, f"$X_{{{i}{j}}} = {X[i, j]:g}$ times $W$\nat rows {i}-{i + kh - 1}, cols {j}-{j + kw - 1}")
heat(axes[4], Y, "sum of the four copies = $Y$")
fig.suptitle("Scatter view: one scaled copy of W per input entry, overlaps added", y=0.97)
show(svg_text(fig), "Four heatmaps, each the filter W scaled by one input entry and placed with "
     "its top-left corner at that entry's position, and a fifth heatmap with their sum, "
     f"Y = {Y.astype(int).tolist()}.")

# %% [markdown]
# ## The gather view: pad, flip, slide
#
# The same output is an ordinary (deep-learning, unflipped) convolution of the input padded
# by $k-1 = 1$ zeros on every side with the filter **rotated by 180°**. Reading the output
# entry $Y_{11}$ in the scatter picture, the copy from $X_{00}$ contributes $W_{11}$, the copy
# from $X_{11}$ contributes $W_{00}$: the filter is met back to front.
#
# Describing the transposed convolution as "pad (and, for stride $S$, insert $S-1$ zeros between
# inputs), then convolve" is only correct with the flipped filter. Sliding $W$ itself gives a
# different matrix, shown on the right.

# %%
padded = np.pad(X, 1)
flipped = W[::-1, ::-1]
gather = conv.conv2d(padded, flipped)
unflipped = conv.conv2d(padded, W)
assert np.array_equal(gather, Y)
assert not np.array_equal(unflipped, Y)
assert unflipped.tolist() == [[-1, 2, 0], [4, -2, 2], [-3, 2, 1]]

fig, axes = plt.subplots(1, 5, figsize=(13, 3.1))
fig.subplots_adjust(left=0.015, right=0.995, bottom=0.07, top=0.9, wspace=0.2)
heat(axes[0], padded, "input padded by 1")
heat(axes[1], flipped, "W rotated 180°")
heat(axes[2], gather, "slide flipped W: equals Y")
heat(axes[3], W, "W unflipped")
heat(axes[4], unflipped, "slide W unflipped: wrong")
show(svg_text(fig), "Five heatmaps: the input padded with one zero on every side; the filter "
     f"rotated by 180 degrees; sliding it over the padded input gives {gather.astype(int).tolist()},"
     f" equal to Y; the unflipped filter; sliding that gives {unflipped.astype(int).tolist()}.")

# %% [markdown]
# ## Why "transposed"
#
# A stride-1 convolution with a $2\times 2$ filter maps a $3\times 3$ image to $2\times 2$. Writing
# it as a $4\times 9$ matrix $C$ (column $k$ is the response to the $k$-th basis image), the
# transposed convolution is multiplication by $C^\top$, which maps $2\times 2$ back to
# $3\times 3$. Equivalently $\langle C z, x\rangle = \langle z, C^\top x\rangle$ for every $z$ and $x$.

# %%
basis = np.eye(9).reshape(9, 3, 3)
C = np.stack([conv.conv2d(e, W).ravel() for e in basis], axis=1)
assert C.shape == (4, 9)
assert np.array_equal((C.T @ X.ravel()).reshape(3, 3), Y)
z = np.random.default_rng(0).normal(size=(3, 3))
assert np.isclose(np.sum(conv.conv2d(z, W) * X), np.sum(z * Y))  # adjoint identity
print(C.astype(int))

# %% [markdown]
# ## With stride 2 the copies spread apart
#
# With stride $S = 2$ the copies are placed two apart, so this filter's copies no longer
# overlap. The gather view now inserts $S - 1 = 1$ zero between input entries before padding.

# %%
Y2 = conv.conv_transpose2d(X, W, stride=2)
spread = np.zeros((3, 3))
spread[::2, ::2] = X  # zero-insertion
assert np.array_equal(conv.conv2d(np.pad(spread, 1), flipped), Y2)
assert np.array_equal(Y2, np.kron(X, W))  # no overlaps: a block matrix of scaled copies

fig, axes = plt.subplots(1, 5, figsize=(13, 3.1))
fig.subplots_adjust(left=0.015, right=0.995, bottom=0.07, top=0.9, wspace=0.2)
parts2 = copies(X, W, stride=2)
for ax, ((i, j), c) in zip(axes, sorted(parts2.items())):
    heat(ax, c, f"$X_{{{i}{j}}} = {X[i, j]:g}$ times $W$")
heat(axes[4], Y2, "stride 2: sum of copies")
show(svg_text(fig), "With stride two, four heatmaps of the scaled filter copies placed two apart "
     f"so that they do not overlap, and a fifth with their sum, {Y2.astype(int).tolist()}.")
