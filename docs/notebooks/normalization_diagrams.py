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
# # Which entries share one mean? Batch, layer and instance normalization
#
# The homework's figure for Q2(a) is not available, so this notebook redraws it. An activation
# tensor of shape $(N, C, H, W)$ is drawn as a box with axes $N$ (samples in the batch),
# $C$ (channels) and $H \cdot W$ (the two spatial axes flattened into one). The shaded cells are
# the entries that share **one** mean and variance with the front corner entry $x_{1111}$
# (first sample, first channel, first position; `x[0, 0, 0, 0]` in Python).
#
# Nothing in the picture is typed by hand: the shaded set is computed from
# `hw5ref.norm.normalization_axes`, checked against what `hw5ref.norm.normalize` actually does,
# and the letters come from `hw5ref.answers.Q2A_LETTERS`. Those letters (A batch, B layer,
# C instance) follow Gemini's reading of the homework's figure, which Gemini's reviewer
# confirmed; Claude read the panels differently, and its reviewer called that a misreading.
# The Q2 solution page embeds the same figure, drawn by the functions below at build time.

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

from hw5ref import answers, norm

#: Sizes drawn for N, C, H and W (H*W is drawn as one axis).
SHAPE = (4, 5, 2, 3)
REF = (0, 0, 0, 0)  # the front corner entry x_1111 (Python counts from 0)


def shared_statistics_mask(kind, shape=SHAPE, ref=REF):
    """Boolean NCHW array: True where an entry shares its mean/variance with entry ``ref``.

    An entry shares the statistics when it agrees with ``ref`` on every axis that is *not*
    averaged over; the averaged axes come from ``norm.normalization_axes(kind)``.
    """
    axes = norm.normalization_axes(kind)
    grids = np.indices(shape)
    mask = np.ones(shape, dtype=bool)
    for axis in range(4):
        if axis not in axes:
            mask &= grids[axis] == ref[axis]
    return mask


def dependency_mask(kind, shape=SHAPE, ref=REF, seed=0):
    """The same set found by experiment: which outputs of ``norm.normalize`` move when x[ref] moves."""
    x = np.random.default_rng(seed).normal(size=shape)
    bumped = x.copy()
    bumped[ref] += 1.0
    changed = ~np.isclose(norm.normalize(x, kind), norm.normalize(bumped, kind), rtol=0, atol=1e-12)
    return changed


def describe(kind):
    """One sentence saying which axes the shaded set spans, derived from the axes."""
    axes = set(norm.normalization_axes(kind))
    names = {0: "all samples N", 1: "all channels C", 2: "all positions H·W"}
    fixed = {0: "one sample", 1: "one channel"}
    spans = [names[a] for a in (0, 1) if a in axes]
    if {2, 3} <= axes:
        spans.append(names[2])
    held = [fixed[a] for a in (0, 1) if a not in axes]
    return f"shaded over {' and '.join(spans)}, for {' and '.join(held)}"


def letters():
    """(letter, kind) pairs in the homework's order."""
    return sorted(answers.Q2A_LETTERS.items())


# %% [markdown]
# ## The shaded sets, computed two ways
#
# For each kind the set derived from the axes must equal the set of outputs that change when
# one input entry is nudged. That is the defining property: those entries share a mean and a
# variance with it.

# %%
for letter, kind in letters():
    by_axes = shared_statistics_mask(kind)
    by_experiment = dependency_mask(kind)
    assert np.array_equal(by_axes, by_experiment), kind
    n_shared = int(by_axes.sum())
    print(f"{letter}: {kind:8s} axes {norm.normalization_axes(kind)}  "
          f"{n_shared:3d} entries share one mean -> {describe(kind)}")

# %%
# Counts by hand for SHAPE = (N, C, H, W) = (4, 5, 2, 3):
# batch: N*H*W = 4*2*3 = 24, layer: C*H*W = 5*2*3 = 30, instance: H*W = 2*3 = 6.
assert [int(shared_statistics_mask(k).sum()) for k in ("batch", "layer", "instance")] == [24, 30, 6]


# %% [markdown]
# ## The figure

# %% tags=["remove-input"]
# Drawing: one 3-D box of voxels per kind, the shaded set in colour.
SHADED = "#3f51b5"
PLAIN = "#eceff1"


def cube(mask4d):
    """Flatten H and W into one axis: an (N, C, H*W) boolean array."""
    n, c, h, w = mask4d.shape
    return mask4d.reshape(n, c, h * w)


def draw_diagrams():
    """One 3-D box per normalization kind, shaded set in colour; returns the figure."""
    fig = plt.figure(figsize=(7.4, 3.2))
    for i, (letter, kind) in enumerate(letters()):
        ax = fig.add_subplot(1, 3, i + 1, projection="3d")
        mask = cube(shared_statistics_mask(kind))
        colors = np.where(mask, SHADED, PLAIN)
        ax.voxels(np.ones_like(mask), facecolors=colors, edgecolor="#546e7a", linewidth=0.5,
                  shade=False)
        n, c, hw = mask.shape
        ax.set_box_aspect(mask.shape, zoom=1.05)
        ax.view_init(elev=22, azim=-58)
        ax.set_axis_off()
        ax.text(n / 2, -0.9, -0.6, "N", ha="center", va="top", fontsize=14)
        ax.text(n + 0.5, c / 2, -0.6, "C", ha="left", va="top", fontsize=14)
        ax.text(-0.4, -0.4, hw / 2, "H·W", ha="right", va="center", fontsize=14)
        ax.set_title(f"{letter}: {kind} norm", y=1.06, fontsize=14)
    fig.subplots_adjust(left=0.03, right=0.98, bottom=-0.02, top=0.9, wspace=0.06)
    return fig


def alt_text():
    """Alternative text for the figure, generated from the same axes as the drawing."""
    parts = [f"{letter}, {kind} normalization: {describe(kind)}" for letter, kind in letters()]
    return ("Three boxes with axes N, C and H·W. " + "; ".join(parts) + ".")


def figure_svg():
    """The figure as SVG text."""
    return svg_text(draw_diagrams())


# %% tags=["site-figure", "remove-input"]
print(alt_text())
show(figure_svg(), alt_text())
