"""The machinery every optimizer shares: validation, state handling and a pure ``step``.

Each optimizer subclass declares which per-element state arrays it keeps (``_state_names``) and implements
``_update``, the update rule proper, which receives validated arrays and returns new ones. Everything a
reader should not have to think about when reading an update rule lives here:

* ``x`` is turned into a floating array (integers are promoted to float64, float32 stays float32);
* ``g`` and every state array must have the shape of ``x``;
* a non-finite gradient raises :class:`FloatingPointError` before anything is computed;
* the learning rate is resolved (a number, an array that broadcasts against ``x``, or a schedule ``t -> lr``);
* nothing the caller passed is modified: ``_update`` may write only into arrays it has just allocated
  itself (``out=`` and in-place operators on its own temporaries save memory passes on large arrays), never
  into its arguments.
"""

from __future__ import annotations

import math
import numbers
from typing import Any, Callable

import numpy as np

__all__ = ["Optimizer", "State"]

State = dict[str, Any]


def _as_float_array(x: Any, name: str = "x") -> np.ndarray:
    """``x`` as a floating ndarray: floating dtypes are kept, everything else becomes float64."""
    arr = np.asarray(x)
    if arr.dtype.kind == "f":
        return arr
    if arr.dtype.kind in "biu":
        return arr.astype(np.float64)
    if arr.dtype.kind == "c":
        raise TypeError(f"{name} must be real, got complex dtype {arr.dtype}")
    try:
        return arr.astype(np.float64)
    except (TypeError, ValueError) as err:
        raise TypeError(f"{name} must be a real number or array, got {x!r}") from err


def _hyper(value: Any) -> Any:
    """A hyperparameter as a Python float, or as a float64 array when an array was passed."""
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return float(value)
    arr = np.asarray(value, dtype=np.float64)
    return float(arr) if arr.ndim == 0 else arr


def _nonzero(value: Any) -> bool:
    """Whether a hyperparameter (a float, or an array of them) is non-zero anywhere; cheap for floats."""
    return value != 0.0 if isinstance(value, float) else bool(np.any(np.asarray(value) != 0))


def _all_finite(g: np.ndarray) -> bool:
    """Whether every element of ``g`` is finite.

    One BLAS pass, ``g . g``, which is finite exactly when every element is, unless the sum of squares
    overflows; only then do we look element by element. (A sum would do as well but is slower.)
    """
    flat = g.reshape(-1)
    with np.errstate(over="ignore", invalid="ignore"):
        return math.isfinite(np.dot(flat, flat)) or bool(np.isfinite(g).all())


def _fmt(value: Any) -> str:
    if isinstance(value, np.ndarray):
        return np.array2string(value, threshold=6)
    return repr(value) if not isinstance(value, float) else str(value)


def check_range(
    message: str,
    value: Any,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
) -> Any:
    """Validate a scalar or array hyperparameter against an interval.

    ``message`` is the start of the error, e.g. ``"Invalid learning rate"``; the offending value is appended,
    so the error reads ``Invalid learning rate: -0.1`` (the wording of ``torch.optim``).
    """
    try:
        v = _hyper(value)
    except (TypeError, ValueError):
        raise ValueError(f"{message}: {value!r}") from None
    if isinstance(v, float):  # the common case, without NumPy's overhead (schedules are checked every step)
        ok = math.isfinite(v)
        if ok and low is not None:
            ok = v > low if low_open else v >= low
        if ok and high is not None:
            ok = v < high if high_open else v <= high
        if not ok:
            raise ValueError(f"{message}: {_fmt(value)}")
        return v
    arr = np.asarray(v)
    ok = np.isfinite(arr)
    if low is not None:
        ok &= (arr > low) if low_open else (arr >= low)
    if high is not None:
        ok &= (arr < high) if high_open else (arr <= high)
    if not np.all(ok):
        raise ValueError(f"{message}: {_fmt(value)}")
    return v


def check_lr(lr: Any) -> Any:
    """A learning rate: a non-negative number, an array of them, or a schedule (any callable)."""
    if callable(lr):
        return lr
    return check_range("Invalid learning rate", lr, low=0.0)


class Optimizer:
    """Base class: a pure ``init``/``step`` pair around an update rule.

    Subclasses set ``_state_names`` (the per-element state arrays they keep, given the configuration) and
    implement ``_update(x, g, state, lr, t)`` where ``t`` is the number of steps already taken.
    """

    #: names of the constructor's hyperparameters, in order, for ``repr``
    _hyper_names: tuple[str, ...] = ()

    def _state_names(self) -> tuple[str, ...]:
        return ()

    def _initial_value(self, name: str) -> float:
        return 0.0

    # -- public API ---------------------------------------------------------------------------------------
    def init(self, x: Any) -> State:
        """The state before the first step: ``{"step": 0}`` and one zero array per state variable.

        Parameters
        ----------
        x : float or array_like
            The starting point; its shape and floating dtype are those of every state array.

        Returns
        -------
        dict
            A plain dict of NumPy arrays and Python numbers that ``np.savez`` can write.
        """
        x = _as_float_array(x)
        state: State = {"step": 0}
        for name in self._state_names():
            state[name] = np.full(x.shape, self._initial_value(name), dtype=x.dtype)
        return state

    def step(self, x: Any, g: Any, state: State) -> tuple[np.ndarray, State]:
        """One update. Pure: ``x``, ``g`` and ``state`` are left as they were.

        Parameters
        ----------
        x : float or array_like
            The current point (any shape; a batch of points is one array).
        g : float or array_like
            The gradient at ``x``, of the same shape.
        state : dict
            The state returned by :meth:`init` or by the previous :meth:`step`.

        Returns
        -------
        x_new : ndarray
            The new point, with the floating dtype of ``x``.
        state_new : dict
            The new state, with ``state_new["step"] == state["step"] + 1``.

        Raises
        ------
        ValueError
            If ``g`` or a state array does not have the shape of ``x``, or the schedule gives an invalid
            learning rate.
        FloatingPointError
            If ``g`` contains NaN or infinity.
        """
        x = _as_float_array(x)
        g = _as_float_array(g, "g")
        if g.shape != x.shape:
            raise ValueError(f"gradient shape {g.shape} does not match x shape {x.shape}")
        if not isinstance(state, dict) or "step" not in state:
            raise ValueError("state must be the dict returned by init() or step()")
        t = state["step"]
        t = t if type(t) is int else int(np.asarray(t))  # np.load gives back a 0-d array
        if t < 0:
            raise ValueError(f"Invalid step count in state: {t}")
        arrays = {}
        for name in self._state_names():
            if name not in state:
                raise ValueError(f"state has no {name!r}: was it made by another optimizer or configuration?")
            arr = np.asarray(state[name])
            if arr.shape != x.shape:
                raise ValueError(f"state[{name!r}] has shape {arr.shape}, which does not match x shape {x.shape}")
            arrays[name] = arr
        if not _all_finite(g):
            raise FloatingPointError(f"non-finite gradient at step {t} (update number {t + 1})")
        lr = self._lr_at(t)
        if isinstance(lr, np.ndarray) and np.broadcast_shapes(lr.shape, x.shape) != x.shape:
            raise ValueError(f"learning rate of shape {lr.shape} does not broadcast to x shape {x.shape}")
        if g.dtype != x.dtype:
            g = g.astype(x.dtype)
        shape = x.shape
        if not shape:  # a single number: the update rules write into new arrays, which a 0-d result is not
            x, g, arrays = x.reshape(1), g.reshape(1), {k: a.reshape(1) for k, a in arrays.items()}
        x_new, new_arrays = self._update(x, g, arrays, lr, t)
        x_new = np.asarray(x_new)
        if not shape and x_new.shape == (1,):
            x_new, new_arrays = x_new.reshape(()), {k: np.asarray(a).reshape(()) for k, a in new_arrays.items()}
        if x_new.shape != shape:
            raise ValueError(
                f"the update has shape {x_new.shape}, not the shape {shape} of x: an array learning rate or "
                "momentum must broadcast against x without enlarging it")
        if x_new.dtype != x.dtype:
            x_new = x_new.astype(x.dtype)
        new_state: State = {"step": t + 1}
        for name, arr in new_arrays.items():
            arr = np.asarray(arr)
            new_state[name] = arr.astype(x.dtype) if arr.dtype != x.dtype else arr
        return x_new, new_state

    # -- helpers for subclasses ---------------------------------------------------------------------------
    def _lr_at(self, t: int) -> Any:
        lr = self.lr
        if callable(lr):
            value = lr(t)
            try:
                return check_range("Invalid learning rate", value, low=0.0)
            except ValueError:
                raise ValueError(f"Invalid learning rate at step {t}: {_fmt(value)}") from None
        return lr

    def _update(self, x, g, state, lr, t):  # pragma: no cover - abstract
        raise NotImplementedError

    def __repr__(self) -> str:
        parts = []
        for name in self._hyper_names:
            value = getattr(self, name)
            parts.append(f"{name}={_fmt(value) if not callable(value) else getattr(value, '__name__', repr(value))}")
        return f"{type(self).__name__}({', '.join(parts)})"

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return all(
            np.array_equal(getattr(self, n), getattr(other, n)) if not callable(getattr(self, n))
            else getattr(self, n) is getattr(other, n)
            for n in self._hyper_names
        )

    __hash__ = None  # type: ignore[assignment]


Schedule = Callable[[int], float]
