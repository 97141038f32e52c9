r"""Learning-rate schedules: plain functions ``t -> lr``, where ``t`` is the number of steps already taken.

Every function here returns a schedule, a callable that takes the step count ``t`` (0 on the first step)
and returns a float, and validates its arguments, raising :class:`ValueError` that names the bad one. A
schedule is accepted as ``lr`` by every optimizer. Schedules also accept an integer array of steps and
return an array, which is how the book draws them.

Examples
--------
>>> from optimizers import schedules
>>> lr = schedules.polynomial(0.1, alpha=0.1, beta=0.5)
>>> round(lr(0), 6), round(lr(10), 6)
(0.1, 0.070711)
>>> lr = schedules.warmup(schedules.constant(1.0), steps=4)
>>> [lr(t) for t in range(6)]
[0.25, 0.5, 0.75, 1.0, 1.0, 1.0]
"""

from __future__ import annotations

import math
from typing import Callable, Sequence

import numpy as np

from ._base import check_range

__all__ = ["constant", "piecewise_constant", "exponential", "polynomial", "cosine", "warmup", "factor"]

Schedule = Callable[[int], float]


def _steps(t):
    if type(t) is int and t >= 0:  # the common case, cheaply
        return t
    arr = np.asarray(t)
    if arr.dtype.kind not in "iuf" or not np.all(arr >= 0) or not np.all(np.isfinite(arr)):
        raise ValueError(f"Invalid step: {t!r} (steps are counted from 0)")
    return arr


def _count(name, value, minimum):
    """An integer argument such as ``steps`` or ``every``, at least ``minimum``, or ValueError naming it."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer, float)) or not math.isfinite(value) \
            or value != int(value) or value < minimum:
        kind = "positive" if minimum == 1 else "non-negative"
        raise ValueError(f"Invalid {name}: {value!r} (need a {kind} integer)")
    return int(value)


def _out(value, t):
    return float(value) if np.ndim(t) == 0 else np.asarray(value, dtype=np.float64)


def _named(fn, text):
    fn.__name__ = text
    fn.__qualname__ = text
    return fn


def constant(lr: float) -> Schedule:
    r"""The same learning rate at every step, :math:`\eta_t = \eta`.

    >>> constant(0.1)(1000)
    0.1
    """
    lr = check_range("Invalid learning rate", lr, low=0.0)

    def schedule(t):
        return _out(np.full(np.shape(_steps(t)), lr), t)

    return _named(schedule, f"constant({lr})")


def piecewise_constant(boundaries: Sequence[int], values: Sequence[float]) -> Schedule:
    r"""``values[i]`` for ``boundaries[i-1] <= t < boundaries[i]``: a staircase.

    Parameters
    ----------
    boundaries : sequence of int
        Strictly increasing positive step counts where the rate changes.
    values : sequence of float
        ``len(boundaries) + 1`` non-negative rates.

    Raises
    ------
    ValueError
        If the boundaries are not strictly increasing positive integers, or the lengths do not match, or a
        value is negative.

    Examples
    --------
    >>> lr = piecewise_constant([2, 4], [1.0, 0.1, 0.01])
    >>> [lr(t) for t in range(5)]
    [1.0, 1.0, 0.1, 0.1, 0.01]
    """
    b = np.asarray(boundaries)
    v = np.asarray(values, dtype=np.float64)
    if b.ndim != 1 or v.ndim != 1:
        raise ValueError("boundaries and values must be one-dimensional sequences")
    if len(v) != len(b) + 1:
        raise ValueError(f"Invalid values: need len(boundaries) + 1 = {len(b) + 1} values, got {len(v)}")
    if len(b) and (b.dtype.kind not in "iu" or np.any(b <= 0) or np.any(np.diff(b) <= 0)):
        raise ValueError(f"Invalid boundaries: {list(boundaries)!r} (need strictly increasing positive integers)")
    for i, value in enumerate(v):
        check_range(f"Invalid value at index {i}", value, low=0.0)
    b = b.astype(np.int64)

    def schedule(t):
        return _out(v[np.searchsorted(b, _steps(t), side="right")], t)

    return _named(schedule, f"piecewise_constant({b.tolist()}, {v.tolist()})")


def factor(lr0: float, factor: float, every: int = 1, lr_min: float = 0.0) -> Schedule:
    r"""Multiply by ``factor`` every ``every`` steps, never below ``lr_min``:
    :math:`\eta_t = \max(\eta_{\min}, \eta_0 f^{\lfloor t/k \rfloor})`.

    >>> lr = factor(1.0, 0.5, every=2)
    >>> [lr(t) for t in range(5)]
    [1.0, 1.0, 0.5, 0.5, 0.25]
    """
    lr0 = check_range("Invalid lr0", lr0, low=0.0)
    f = check_range("Invalid factor", factor, low=0.0, high=1.0)
    every = _count("every", every, 1)
    lr_min = check_range("Invalid lr_min", lr_min, low=0.0)

    def schedule(t):
        return _out(np.maximum(lr_min, lr0 * f ** (_steps(t) // int(every))), t)

    return _named(schedule, f"factor({lr0}, {f}, every={int(every)})")


def exponential(lr0: float, rate: float) -> Schedule:
    r"""Exponential decay, :math:`\eta_t = \eta_0 e^{-\lambda t}`.

    >>> round(exponential(1.0, 0.1)(10), 6)   # exp(-1)
    0.367879
    """
    lr0 = check_range("Invalid lr0", lr0, low=0.0)
    rate = check_range("Invalid rate", rate, low=0.0)

    def schedule(t):
        return _out(lr0 * np.exp(-rate * _steps(t)), t)

    return _named(schedule, f"exponential({lr0}, {rate})")


def polynomial(lr0: float, alpha: float, beta: float) -> Schedule:
    r"""Polynomial decay, :math:`\eta_t = \eta_0 (1 + \alpha t)^{-\beta}`.

    With :math:`\beta = 0.5` this is the :math:`O(t^{-1/2})` rate of convex SGD theory; with
    :math:`\beta \in (1/2, 1]` it meets the Robbins--Monro conditions.

    >>> polynomial(1.0, alpha=1.0, beta=1.0)(3)
    0.25
    """
    lr0 = check_range("Invalid lr0", lr0, low=0.0)
    alpha = check_range("Invalid alpha", alpha, low=0.0)
    beta = check_range("Invalid beta", beta, low=0.0)

    def schedule(t):
        return _out(lr0 * (1.0 + alpha * _steps(t)) ** (-beta), t)

    return _named(schedule, f"polynomial({lr0}, alpha={alpha}, beta={beta})")


def cosine(lr0: float, steps: int, lr_min: float = 0.0) -> Schedule:
    r"""Cosine annealing (Loshchilov and Hutter 2017) from ``lr0`` to ``lr_min`` over ``steps`` steps,
    then constant at ``lr_min``:
    :math:`\eta_t = \eta_{\min} + \tfrac12(\eta_0 - \eta_{\min})(1 + \cos(\pi \min(t, T)/T))`.

    >>> lr = cosine(1.0, steps=4)
    >>> [round(lr(t), 4) for t in range(6)]
    [1.0, 0.8536, 0.5, 0.1464, 0.0, 0.0]
    """
    lr0 = check_range("Invalid lr0", lr0, low=0.0)
    steps = _count("steps", steps, 1)
    lr_min = check_range("Invalid lr_min", lr_min, low=0.0, high=lr0)
    steps = int(steps)

    def schedule(t):
        frac = np.minimum(_steps(t), steps) / steps
        return _out(lr_min + 0.5 * (lr0 - lr_min) * (1.0 + np.cos(math.pi * frac)), t)

    return _named(schedule, f"cosine({lr0}, steps={steps}, lr_min={lr_min})")


def warmup(schedule: Schedule, steps: int) -> Schedule:
    r"""Linear warm-up into ``schedule``: :math:`\eta_t = \frac{t+1}{k}\,s(k)` for :math:`t < k`, then
    :math:`s(t)`, where :math:`s` is the schedule and :math:`k` the number of warm-up steps.

    The ramp climbs to the value the schedule has when warm-up ends, so there is no jump; the schedule
    itself is not shifted in time.

    >>> lr = warmup(exponential(1.0, 0.0), steps=2)
    >>> [lr(t) for t in range(3)]
    [0.5, 1.0, 1.0]
    """
    if not callable(schedule):
        schedule = constant(schedule)
    k = _count("steps", steps, 0)

    def warmed(t):
        tt = _steps(t)
        if np.ndim(tt):
            return np.array([warmed(int(s)) for s in tt.ravel()], dtype=np.float64).reshape(tt.shape)
        ti = int(tt)
        if ti >= k:
            return float(schedule(ti))
        return (ti + 1) / k * float(schedule(k))

    return _named(warmed, f"warmup({getattr(schedule, '__name__', 'schedule')}, steps={k})")
