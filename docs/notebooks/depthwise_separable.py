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
# # Depthwise-separable convolution in two stages (Q3)
#
# Q3 replaces a standard convolution from $c_\text{in} = 3$ input channels (an RGB image) to
# $c_\text{out} = 4$ output channels with $3 \times 3$ kernels ($k = 3$) by two stages:
#
# * **depthwise**: each input channel $c$ is convolved with its own $k \times k$ filter $D_c$,
#   and channels are not mixed, so there are as many intermediate maps as input channels;
# * **pointwise**: a $1 \times 1$ convolution mixes the intermediate maps. At every position,
#   output channel $o$ is $\sum_c P_{oc}\,(\text{map } c)$, so the whole stage is one
#   $c_\text{out} \times c_\text{in}$ matrix $P$.
#
# Biases are ignored, as the problem says. The figure below draws the two stages for the
# homework's layer, with the weights of each stage counted by `hw5ref.params`; the check after
# it confirms that the two stages together are a standard convolution whose kernel for output
# $o$ and input $c$ is $P_{oc} D_c$, and counts the weights a second way. The counts and their
# derivation are on the [Q3 solution page](../../solutions/q3-depthwise-separable/).

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

from hw5ref import answers, conv, params

C_IN, C_OUT, K = answers.Q3_C_IN, answers.Q3_C_OUT, answers.Q3_KERNEL
count = params.depthwise_separable_params(C_IN, C_OUT, K, False, False)  # no biases
depthwise, pointwise = count.stages
for stage in count.stages:
    print(f"{stage.name:9s} weight shape {stage.weight_shape}: {stage.weights} weights")
print(f"separable total: {count.total}; "
      f"standard convolution: {params.conv2d_params(C_IN, C_OUT, K, bias=False)}")


# %% tags=["remove-input"]
# Drawing: input channels -> one filter each -> intermediate maps -> mixing matrix -> outputs.
from matplotlib.colors import to_rgb
from matplotlib.patches import FancyArrowPatch, Rectangle

CHANNEL_COLOURS = ["#e53935", "#43a047", "#1e88e5"]  # red, green, blue input channels
CHANNEL_NAMES = ["red", "green", "blue"]
OUTPUT_COLOUR = "#7e57c2"
INK = "#263238"


def tint(colour, amount):
    """``colour`` mixed with white: amount 0 is white, 1 the colour itself."""
    rgb = np.array(to_rgb(colour))
    return tuple(1 - amount * (1 - rgb))


def grid_square(ax, x, y, size, cells, face, edge, lw=0.6):
    """A square of ``cells`` x ``cells`` cells centred at (x, y)."""
    x0, y0 = x - size / 2, y - size / 2
    ax.add_patch(Rectangle((x0, y0), size, size, facecolor=face, edgecolor=edge, lw=1.2))
    for t in np.linspace(0, size, cells + 1)[1:-1]:
        ax.plot([x0 + t, x0 + t], [y0, y0 + size], color=edge, lw=lw)
        ax.plot([x0, x0 + size], [y0 + t, y0 + t], color=edge, lw=lw)


def arrow(ax, start, end, colour=INK, lw=1.4):
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=14, lw=lw,
                                 color=colour, shrinkA=0, shrinkB=0))


def bracket(ax, x0, x1, y, text):
    """A horizontal bracket from x0 to x1 at height y, ``text`` above it."""
    ax.plot([x0, x0, x1, x1], [y - 0.2, y, y, y - 0.2], color=INK, lw=1.2)
    ax.text((x0 + x1) / 2, y + 0.15, text, ha="center", va="bottom", fontsize=13,
            fontweight="bold", color=INK)


def draw_stages(c_in, c_out, k, depthwise, pointwise):
    """The two stages of a depthwise-separable layer, with each stage's weight count."""
    fig, ax = plt.subplots(figsize=(7.4, 5.4))
    fig.subplots_adjust(left=0.005, right=0.995, bottom=0.005, top=0.995)
    ax.set_xlim(-0.9, 16.1)
    ax.set_ylim(-2.95, 9.45)
    ax.set_aspect("equal")
    ax.set_axis_off()

    x_in, x_filter, x_map, x_out = 0.7, 3.9, 7.0, 15.0
    map_size, filter_size, out_size = 1.5, 1.2, 1.15
    rows = np.linspace(6.0, 0.8, c_in)  # one row per input channel
    for c, yc in enumerate(rows):
        colour = CHANNEL_COLOURS[c % len(CHANNEL_COLOURS)]
        name = CHANNEL_NAMES[c] if c < len(CHANNEL_NAMES) else f"channel {c + 1}"
        grid_square(ax, x_in, yc, map_size, 5, tint(colour, 0.25), tint(colour, 0.7))
        ax.text(x_in, yc - map_size / 2 - 0.12, name, ha="center", va="top", fontsize=12)
        ax.text((x_in + x_filter) / 2 + 0.05, yc, "∗", ha="center", va="center", fontsize=20)
        grid_square(ax, x_filter, yc, filter_size, k, tint(colour, 0.6), tint(colour, 1.0), lw=1)
        ax.text(x_filter, yc - filter_size / 2 - 0.12, f"$D_{c + 1}$", ha="center", va="top",
                fontsize=13)
        arrow(ax, (x_filter + filter_size / 2 + 0.2, yc), (x_map - map_size / 2 - 0.2, yc))
        grid_square(ax, x_map, yc, map_size, 5, tint(colour, 0.25), tint(colour, 0.7))
        ax.text(x_map, yc - map_size / 2 - 0.12, f"map {c + 1}", ha="center", va="top",
                fontsize=12)
    ax.text(x_in, rows[0] + map_size / 2 + 0.3, "input\nchannels", ha="center", va="bottom",
            fontsize=12)
    ax.text(x_map, rows[0] + map_size / 2 + 0.3, "intermediate\nmaps", ha="center",
            va="bottom", fontsize=12)

    # The pointwise matrix P: c_out rows (outputs) by c_in columns (intermediate maps).
    cell = 0.78
    x_p0 = 9.6
    y_mid = (rows[0] + rows[-1]) / 2
    y_p0 = y_mid + c_out * cell / 2  # top edge
    values = np.random.default_rng(3).uniform(0.15, 0.85, size=(c_out, c_in))
    for o in range(c_out):
        for c in range(c_in):
            colour = CHANNEL_COLOURS[c % len(CHANNEL_COLOURS)]
            ax.add_patch(Rectangle((x_p0 + c * cell, y_p0 - (o + 1) * cell), cell, cell,
                                   facecolor=tint(colour, values[o, c]), edgecolor="white",
                                   lw=1.5))
    for c in range(c_in):
        ax.text(x_p0 + (c + 0.5) * cell, y_p0 + 0.1, str(c + 1), ha="center", va="bottom",
                fontsize=12, color=CHANNEL_COLOURS[c % len(CHANNEL_COLOURS)], fontweight="bold")
    ax.text(x_p0 + c_in * cell / 2, y_p0 + 0.55, "map $c$", ha="center", va="bottom",
            fontsize=12)
    ax.text(x_p0 + c_in * cell + 0.12, y_p0 + 0.1, "$o$", ha="left", va="bottom", fontsize=12,
            color=OUTPUT_COLOUR)
    ax.text(x_p0 + c_in * cell / 2, y_p0 - c_out * cell - 0.15, "$P_{oc}$", ha="center",
            va="top", fontsize=13)
    arrow(ax, (x_map + map_size / 2 + 0.2, y_mid), (x_p0 - 0.2, y_mid))

    out_rows = np.linspace(rows[0] + 0.35, rows[-1] - 0.35, c_out)
    for o, yo in enumerate(out_rows):
        y_row = y_p0 - (o + 0.5) * cell
        ax.text(x_p0 + c_in * cell + 0.12, y_row, str(o + 1), ha="left", va="center",
                fontsize=12, color=OUTPUT_COLOUR, fontweight="bold")
        arrow(ax, (x_p0 + c_in * cell + 0.5, y_row), (x_out - out_size / 2 - 0.15, yo),
              colour=OUTPUT_COLOUR, lw=1.2)
        grid_square(ax, x_out, yo, out_size, 5, tint(OUTPUT_COLOUR, 0.25),
                    tint(OUTPUT_COLOUR, 0.6))
    ax.text(x_out, rows[0] + map_size / 2 + 0.3, "output\nchannels", ha="center",
            va="bottom", fontsize=12)

    # The stages and their weight counts (computed by hw5ref.params, not typed).
    top = 8.55
    bracket(ax, x_in + map_size / 2 + 0.1, x_map - map_size / 2 - 0.1, top, "depthwise stage")
    bracket(ax, x_map + map_size / 2 + 0.1, x_out + out_size / 2, top, "pointwise stage")
    y_note = rows[-1] - map_size / 2 - 0.85
    ax.text((x_filter + x_in) / 2 + 0.4, y_note,
            f"{c_in} filters of {k} × {k}\n= {depthwise.weights} weights", ha="center",
            va="top", fontsize=13, color=INK)
    ax.text(x_p0 + c_in * cell / 2 + 0.9, y_note,
            f"{c_out} × {c_in} matrix ($1 \\times 1$ conv)\n= {pointwise.weights} weights",
            ha="center", va="top", fontsize=13, color=INK)
    ax.text(7.6, y_note - 1.35, f"in all: {depthwise.weights + pointwise.weights} weights",
            ha="center", va="top", fontsize=13, color=INK, fontweight="bold")
    return fig


def alt_text(c_in, c_out, k, depthwise, pointwise):
    names = ", ".join(CHANNEL_NAMES[:c_in])
    return (f"Diagram of a depthwise-separable convolution in two stages. Depthwise stage: "
            f"each of the {c_in} input channels ({names}) is convolved with its own {k} by {k} "
            f"filter, D_1 to D_{c_in}, without mixing channels, giving {c_in} intermediate maps; "
            f"{depthwise.weights} weights. Pointwise stage: a {c_out} by {c_in} matrix P (a 1 by "
            f"1 convolution) mixes the {c_in} maps into {c_out} output channels, output o being "
            f"the sum over maps c of P[o, c] times map c; {pointwise.weights} weights. "
            f"{depthwise.weights + pointwise.weights} weights in all.")


# %% tags=["site-figure", "remove-input"]
show(svg_text(draw_stages(C_IN, C_OUT, K, depthwise, pointwise)),
     alt_text(C_IN, C_OUT, K, depthwise, pointwise))

# %% [markdown]
# ## Check: two stages are one standard convolution, and the counts two ways
#
# On a random image, run the two stages (a filter per channel, then the mixing matrix) and a
# standard convolution whose kernel for output $o$ and input $c$ is $P_{oc} D_c$. Then count the
# weights from the shapes of the weight arrays and compare with `hw5ref.params`.

# %%
rng = np.random.default_rng(0)
image = rng.normal(size=(C_IN, 8, 8))  # (channels, height, width); any size works
D = rng.normal(size=(C_IN, K, K))      # depthwise filters: D[c] for input channel c
P = rng.normal(size=(C_OUT, C_IN))     # pointwise matrix: P[o, c]

# Stage 1: each channel with its own filter (no mixing). Stage 2: mix the maps with P.
maps = np.stack([conv.conv2d(image[c], D[c]) for c in range(C_IN)])
separable = np.einsum("oc,chw->ohw", P, maps)

# The standard convolution with kernel[o, c] = P[o, c] * D[c], summed over input channels.
kernel = P[:, :, None, None] * D[None, :, :, :]  # shape (C_OUT, C_IN, K, K)
standard = np.stack([sum(conv.conv2d(image[c], kernel[o, c]) for c in range(C_IN))
                     for o in range(C_OUT)])
assert np.allclose(separable, standard)
assert np.allclose(standard, conv.conv2d_multi(image, kernel))  # hw5ref's multi-channel conv
print("separable layer == standard conv with kernel P[o, c] * D[c]:",
      np.allclose(separable, standard))

# Counts by hand, from the shapes of the weight arrays (PyTorch's layout), without biases.
by_hand = {
    "depthwise": np.zeros((C_IN, 1, K, K)).size,
    "pointwise": np.zeros((C_OUT, C_IN, 1, 1)).size,
    "standard": np.zeros((C_OUT, C_IN, K, K)).size,
}
from_params = {
    "depthwise": depthwise.weights,
    "pointwise": pointwise.weights,
    "standard": params.conv2d_params(C_IN, C_OUT, K, bias=False),
}
assert by_hand == from_params
assert depthwise.weight_shape == (C_IN, 1, K, K) and pointwise.weight_shape == (C_OUT, C_IN, 1, 1)
assert count.total == by_hand["depthwise"] + by_hand["pointwise"]
assert count.total == answers.value("q3.weights_only.separable")
for name, n in by_hand.items():
    print(f"{name:9s} {n:3d} weights (by hand) = {from_params[name]:3d} (hw5ref.params)")
