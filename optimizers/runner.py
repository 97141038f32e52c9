"""Run an optimizer on an objective and record the trajectory; classify critical points."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np

from ._base import _as_float_array, check_range

__all__ = ["Trajectory", "run", "CriticalPoint", "classify_critical_point", "classify_hessian"]


@dataclass(frozen=True)
class Trajectory:
    """What :func:`run` records.

    Attributes
    ----------
    xs
        The positions, the start included: an array of shape ``(steps + 1,) + x0.shape``.
    values
        The objective at each position: shape ``(steps + 1,)`` followed by the batch shape.
    lrs
        The learning rate each step used: shape ``(steps,)``, or ``(steps, ...)`` when the learning rate is an array.
    state
        The optimizer's state (a dict) after the last step, so a run can be continued.
    """

    xs: np.ndarray
    values: np.ndarray
    lrs: np.ndarray
    state: dict

    @property
    def x(self) -> np.ndarray:
        """The final position."""
        return self.xs[-1]

    @property
    def steps(self) -> int:
        return len(self.xs) - 1

    def __len__(self) -> int:
        return len(self.xs)


def run(objective, x0, optimizer, steps: int, *, noise: float = 0.0, seed=None, state=None) -> Trajectory:
    r"""Take ``steps`` steps of ``optimizer`` on ``objective`` from ``x0``.

    Parameters
    ----------
    objective : Objective
        Anything with ``value(x)`` and ``grad(x)`` (see :mod:`optimizers.objectives`).
    x0 : float or array_like
        The start: a point, or a batch of points (shape ``(n, d)``) that all run at once.
    optimizer : Optimizer
        Any optimizer of this package.
    steps : int
        How many steps (``>= 0``).
    noise : float, default 0.0
        Standard deviation :math:`\sigma` of Gaussian noise added to every gradient component, which turns
        gradient descent into a model of stochastic gradient descent: :math:`g = \nabla f(x) + \sigma\xi`.
    seed : int or numpy.random.Generator, optional
        Seed for ``np.random.default_rng`` (only used when ``noise > 0``).
    state : dict, optional
        Continue from this optimizer state instead of ``optimizer.init(x0)``.

    Returns
    -------
    Trajectory

    Raises
    ------
    ValueError
        If ``steps`` is negative or not an integer, or ``noise`` is negative.

    Examples
    --------
    The source document's multivariate example, :math:`x_1^2 + 2x_2^2` from :math:`(-5, -2)`:

    >>> import optimizers as opt
    >>> traj = opt.run(opt.objectives.elliptic(), [-5.0, -2.0], opt.SGD(lr=0.1), steps=20)
    >>> traj.xs.shape
    (21, 2)
    >>> print(f"x1: {traj.x[0]:f}, x2: {traj.x[1]:f}")
    x1: -0.057646, x2: -0.000073
    """
    if isinstance(steps, bool) or int(steps) != steps or steps < 0:
        raise ValueError(f"Invalid steps: {steps!r} (need a non-negative integer)")
    steps = int(steps)
    noise = check_range("Invalid noise", noise, low=0.0)
    x = _as_float_array(x0, "x0").copy()
    rng = np.random.default_rng(seed) if np.any(np.asarray(noise) > 0) else None
    state = optimizer.init(x) if state is None else state
    xs = np.empty((steps + 1,) + x.shape, dtype=x.dtype)
    xs[0] = x
    lrs = []
    for t in range(steps):
        g = objective.grad(x)
        if rng is not None:
            g = g + noise * rng.standard_normal(np.shape(g))
        lrs.append(optimizer._lr_at(int(np.asarray(state["step"]))))
        x, state = optimizer.step(x, g, state)
        xs[t + 1] = x
    values = np.asarray(objective.value(xs))
    lr_arr = np.array([np.broadcast_to(v, np.shape(lrs[0])) for v in lrs], dtype=np.float64) if lrs \
        else np.empty((0,))
    for arr in (xs, values, lr_arr):
        arr.setflags(write=False)
    return Trajectory(xs=xs, values=values, lrs=lr_arr, state=state)


class CriticalPoint(NamedTuple):
    """The verdict of :func:`classify_hessian`: ``kind`` and the Hessian's eigenvalues, ascending."""

    kind: str
    eigenvalues: np.ndarray


def classify_hessian(hessian: Any, *, tol: float = 1e-8) -> CriticalPoint:
    r"""Classify a critical point by the eigenvalues of the Hessian there.

    All eigenvalues positive: a local ``"minimum"``; all negative: a local ``"maximum"``; some of each: a
    ``"saddle"``; otherwise (an eigenvalue within ``tol`` of zero and no sign change) ``"undecided"``:
    second-order information cannot tell, as for :math:`x^3` or :math:`x^4` at 0.

    Parameters
    ----------
    hessian : float or array_like, shape (d, d)
        The Hessian (a number for a function of one variable).
    tol : float, default 1e-8
        Eigenvalues with :math:`|\lambda| \le` ``tol`` times the largest magnitude (or ``tol`` itself when
        all are tiny) count as zero.

    Examples
    --------
    >>> classify_hessian([[2.0, 0.0], [0.0, -2.0]]).kind
    'saddle'
    >>> classify_hessian(0.0).kind
    'undecided'
    """
    H = np.asarray(hessian, dtype=np.float64)
    if H.ndim == 0:
        H = H.reshape(1, 1)
    if H.ndim != 2 or H.shape[0] != H.shape[1]:
        raise ValueError(f"hessian must be a number or a square matrix, got shape {H.shape}")
    if not np.all(np.isfinite(H)):
        raise FloatingPointError("hessian has non-finite entries")
    if not np.allclose(H, H.T, rtol=1e-8, atol=1e-10):
        raise ValueError("hessian must be symmetric")
    eig = np.linalg.eigvalsh(0.5 * (H + H.T))
    scale = max(float(np.max(np.abs(eig))), 1.0)
    zero = np.abs(eig) <= tol * scale
    pos, neg = np.any((eig > 0) & ~zero), np.any((eig < 0) & ~zero)
    if pos and neg:
        kind = "saddle"
    elif np.any(zero):
        kind = "undecided"
    elif pos:
        kind = "minimum"
    else:
        kind = "maximum"
    return CriticalPoint(kind, eig)


def classify_critical_point(objective, x, *, tol: float = 1e-8, grad_tol: float = 1e-6) -> CriticalPoint:
    r"""Check that ``x`` is a critical point of ``objective`` and classify it by its Hessian.

    Raises
    ------
    ValueError
        If the gradient at ``x`` is larger than ``grad_tol`` (then ``x`` is no critical point).

    Examples
    --------
    >>> import optimizers as opt
    >>> opt.classify_critical_point(opt.objectives.saddle(), [0.0, 0.0])
    CriticalPoint(kind='saddle', eigenvalues=array([-2.,  2.]))
    >>> opt.classify_critical_point(opt.objectives.Cubic(), 0.0).kind
    'undecided'
    """
    x = _as_float_array(x, "x")
    g = np.asarray(objective.grad(x))
    gnorm = float(np.linalg.norm(g))
    if gnorm > grad_tol:
        raise ValueError(f"not a critical point: the gradient norm at x is {gnorm:g} (> grad_tol={grad_tol:g})")
    return classify_hessian(objective.hessian(x), tol=tol)
