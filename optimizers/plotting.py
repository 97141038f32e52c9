"""The book's plotting helpers, in one house style. Needs matplotlib; the core package never imports this module.

The style: the Okabe--Ito palette (safe for the common forms of colour blindness), readable font sizes,
no chart junk, SVG output with a fixed hash salt (so the same figure gives the same file). Every helper
takes an optional ``ax`` and returns it, so figures with several panels are built the ordinary way.

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import optimizers as opt
>>> from optimizers import plotting
>>> plotting.use_style()
>>> f = opt.objectives.elliptic()
>>> traj = opt.run(f, [-5.0, -2.0], opt.SGD(lr=0.1), steps=20)
>>> ax = plotting.contour_paths(f, {"gradient descent": traj})
>>> ax.get_xlabel(), ax.get_ylabel()
('$x_1$', '$x_2$')
"""

from __future__ import annotations

from typing import Mapping, Sequence

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np

__all__ = [
    "PALETTE", "MARKERS", "use_style", "color", "path_1d", "contour_paths", "loss_curves", "band", "surface",
    "figure",
]

#: Okabe and Ito's colour-blind-safe palette, in the order the book uses it (black last: it is for references).
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*"]

_RC = {
    "figure.figsize": (6.4, 4.0),
    "figure.dpi": 100,
    "savefig.dpi": 150,
    "savefig.bbox": "tight",
    "font.size": 11,
    "axes.titlesize": 12,
    "axes.labelsize": 12,
    "legend.fontsize": 10,
    "xtick.labelsize": 10,
    "ytick.labelsize": 10,
    "axes.prop_cycle": mpl.cycler(color=PALETTE),
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.25,
    "grid.linewidth": 0.6,
    "lines.linewidth": 2.0,
    "lines.markersize": 5,
    "legend.frameon": False,
    "image.cmap": "viridis",
    "svg.fonttype": "path",
    "svg.hashsalt": "optimizers",
    "figure.constrained_layout.use": True,
}


def use_style(svg: bool = True) -> None:
    """Apply the house style to matplotlib (and, inside IPython/Jupyter, ask for SVG figures).

    Safe to call more than once. Outside IPython the SVG request is skipped.
    """
    mpl.rcParams.update(_RC)
    if not svg:
        return
    try:  # pragma: no cover - depends on running inside IPython
        from IPython import get_ipython

        ip = get_ipython()
        if ip is not None:
            from matplotlib_inline.backend_inline import set_matplotlib_formats

            set_matplotlib_formats("svg")
    except Exception:  # noqa: BLE001 - styling must never break a page
        pass


def color(i: int) -> str:
    """The ``i``-th colour of the palette (cycling)."""
    return PALETTE[i % len(PALETTE)]


def figure(ncols: int = 1, nrows: int = 1, width: float = 6.4, height: float = 4.0, **kwargs):
    """``plt.subplots`` at the book's sizes: ``width`` and ``height`` are per panel, in inches."""
    return plt.subplots(nrows, ncols, figsize=(width * ncols, height * nrows), **kwargs)


def _positions(path) -> np.ndarray:
    """The positions of a Trajectory, or an array of positions as given."""
    return np.asarray(getattr(path, "xs", path), dtype=np.float64)


def _ax(ax):
    return plt.gca() if ax is None else ax


def path_1d(objective, paths, *, ax=None, bounds=None, num: int = 400, markers: bool = True,
            curve_label: str | None = None, xlabel: str = "$x$", ylabel: str = "$f(x)$"):
    """Draw a function of one variable and one or several descent paths on it.

    Parameters
    ----------
    objective : Objective
        A one-variable objective (``dim == 1``).
    paths : Trajectory, array_like or mapping of label -> path
        The positions to mark (the start included); a mapping draws several, each in its own colour.
    bounds : (low, high), optional
        The x-range; by default the objective's window widened to hold every path.
    """
    ax = _ax(ax)
    if not isinstance(paths, Mapping):
        paths = {None: paths}
    pts = {k: _positions(v).ravel() for k, v in paths.items()}
    lo, hi = bounds if bounds is not None else objective.bounds[0]
    if bounds is None and pts:
        allp = np.concatenate([p[np.isfinite(p)] for p in pts.values()])
        if allp.size:
            lo, hi = min(lo, allp.min()), max(hi, allp.max())
    xs = np.linspace(lo, hi, num)
    ax.plot(xs, objective.value(xs), color="0.35", lw=1.5, label=curve_label, zorder=1)
    for i, (label, p) in enumerate(pts.items()):
        c = color(i)
        ax.plot(p, objective.value(p), "-", color=c, lw=1.2, alpha=0.8, zorder=2)
        if markers:
            ax.plot(p, objective.value(p), MARKERS[i % len(MARKERS)], color=c, label=label, ms=5, zorder=3)
            ax.plot(p[:1], objective.value(p[:1]), MARKERS[i % len(MARKERS)], color=c, ms=9, mfc="white",
                    mew=1.8, zorder=4)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if any(k is not None for k in pts) or curve_label:
        ax.legend()
    return ax


def contour_paths(objective, paths=None, *, ax=None, bounds=None, levels: int | Sequence[float] = 20,
                  log_levels: bool = False, filled: bool = True, num: int = 200, show_minima: bool = True,
                  colorbar: bool = False, markers: bool = True, legend_loc: str = "best"):
    """Contours of a two-variable objective with one or several labelled paths.

    Parameters
    ----------
    objective : Objective
        A two-variable objective.
    paths : Trajectory, array_like (T, 2) or mapping of label -> path, optional
        Paths to draw over the contours, each in its own colour and marker.
    bounds : ((x1min, x1max), (x2min, x2max)), optional
        The window (default ``objective.bounds``).
    levels : int or sequence
        Number of contour levels, or the levels themselves.
    log_levels : bool
        Space the levels logarithmically (for functions such as Rosenbrock whose values span decades).
    filled : bool
        Filled contours in a light colour map with thin lines on top (default), or lines only.
    show_minima : bool
        Mark the known minimizers with a black star.
    """
    ax = _ax(ax)
    (x1lo, x1hi), (x2lo, x2hi) = bounds if bounds is not None else objective.bounds
    g1, g2 = np.meshgrid(np.linspace(x1lo, x1hi, num), np.linspace(x2lo, x2hi, num))
    z = objective.value(np.stack([g1, g2], axis=-1))
    if log_levels:
        zmin = float(np.min(z))
        shift = 0.0 if zmin > 0 else 1e-3 - zmin
        n = levels if isinstance(levels, int) else len(levels)
        lv = np.geomspace(np.min(z) + shift, np.max(z) + shift, n) - shift
    elif isinstance(levels, int) and np.min(z) >= 0:
        # Equal steps in sqrt(f): for a quadratic, evenly spaced ellipses rather than a crowd at the rim.
        lv = np.linspace(np.sqrt(np.min(z)), np.sqrt(np.max(z)), levels + 1)[1:] ** 2
        lv = np.concatenate([[np.min(z)], lv])
    else:
        lv = levels
    if filled:
        cs = ax.contourf(g1, g2, z, levels=lv, cmap="Greys", alpha=0.3)  # light and neutral: coloured paths stand out
        ax.contour(g1, g2, z, levels=lv, colors="0.55", linewidths=0.5)
    else:
        cs = ax.contour(g1, g2, z, levels=lv, cmap="viridis", linewidths=0.9)
    if colorbar:
        plt.colorbar(cs, ax=ax, label="$f(x)$")
    if show_minima and getattr(objective, "minima", None) is not None:
        m = np.atleast_2d(objective.minima)
        ax.plot(m[:, 0], m[:, 1], "*", color="black", ms=13, mfc="white", mew=1.5, zorder=5, label="minimum")
    if paths is not None:
        if not isinstance(paths, Mapping):
            paths = {None: paths}
        for i, (label, p) in enumerate(paths.items()):
            xy = _positions(p).reshape(-1, 2)
            c = color(i)
            ax.plot(xy[:, 0], xy[:, 1], "-", color=c, lw=1.6, zorder=3,
                    marker=MARKERS[i % len(MARKERS)] if markers else None, ms=4, label=label)
            ax.plot(xy[:1, 0], xy[:1, 1], MARKERS[i % len(MARKERS)], color=c, ms=9, mfc="white", mew=1.8, zorder=4)
    ax.set_xlim(x1lo, x1hi)
    ax.set_ylim(x2lo, x2hi)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.grid(False)
    handles, labels = ax.get_legend_handles_labels()
    if any(lab and lab != "minimum" for lab in labels):
        ax.legend(loc=legend_loc, frameon=True, framealpha=0.85, edgecolor="none")
    return ax


def loss_curves(curves: Mapping, *, ax=None, xlabel: str = "step $t$", ylabel: str = "loss", logy: bool = True,
                logx: bool = False, markers: bool = False, **plot_kwargs):
    """Loss (or distance, or gap) curves, one per label.

    Parameters
    ----------
    curves : mapping of label -> values or (x, values)
        Each curve as its values (plotted against 0, 1, 2, ...) or as an ``(x, values)`` pair.
    logy, logx : bool
        Logarithmic axes (``logy`` is on by default: optimization curves span decades).
    """
    ax = _ax(ax)
    for i, (label, cv) in enumerate(curves.items()):
        if isinstance(cv, tuple) and len(cv) == 2:
            x, y = np.asarray(cv[0]), np.asarray(cv[1])
        else:
            y = np.asarray(cv)
            x = np.arange(len(y))
        ax.plot(x, y, color=color(i), label=label, marker=MARKERS[i % len(MARKERS)] if markers else None,
                markevery=max(1, len(x) // 12), **plot_kwargs)
    if logy:
        ax.set_yscale("log")
    if logx:
        ax.set_xscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if len(curves) > 1:
        ax.legend()
    return ax


def band(x, ys, *, ax=None, label: str | None = None, color_index: int = 0, quantiles=(0.1, 0.9),
         center: str = "median", alpha: float = 0.2, **plot_kwargs):
    """A central line and a shaded band over several runs (seeds).

    Parameters
    ----------
    x : array_like, shape (T,)
        The horizontal positions.
    ys : array_like, shape (runs, T)
        One row per run.
    quantiles : (low, high)
        The band, as quantiles across runs (default the 10th to the 90th percentile). ``None`` shades
        the minimum to the maximum.
    center : "median" or "mean"
        The line.
    """
    ax = _ax(ax)
    ys = np.asarray(ys, dtype=np.float64)
    x = np.asarray(x)
    c = color(color_index)
    mid = np.median(ys, axis=0) if center == "median" else np.mean(ys, axis=0)
    if quantiles is None:
        lo, hi = ys.min(axis=0), ys.max(axis=0)
    else:
        lo, hi = np.quantile(ys, quantiles, axis=0)
    ax.fill_between(x, lo, hi, color=c, alpha=alpha, lw=0)
    ax.plot(x, mid, color=c, label=label, **plot_kwargs)
    return ax


def surface(objective, *, ax=None, bounds=None, num: int = 60, elev: float = 28, azim: float = -60,
            cmap: str = "viridis"):
    """A 3-D surface of a two-variable objective (for saddles). Returns the 3-D axes.

    Pass ``ax`` made with ``fig.add_subplot(projection="3d")`` or let the helper make a new figure.
    """
    if ax is None:
        fig = plt.figure(figsize=(6.4, 4.8))
        ax = fig.add_subplot(projection="3d")
    (x1lo, x1hi), (x2lo, x2hi) = bounds if bounds is not None else objective.bounds
    g1, g2 = np.meshgrid(np.linspace(x1lo, x1hi, num), np.linspace(x2lo, x2hi, num))
    z = objective.value(np.stack([g1, g2], axis=-1))
    ax.plot_surface(g1, g2, z, cmap=cmap, linewidth=0, antialiased=True, alpha=0.9, rasterized=True)
    ax.view_init(elev=elev, azim=azim)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_zlabel("$f(x)$")
    return ax
