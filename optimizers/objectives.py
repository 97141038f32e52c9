r"""Test functions, each with its value, gradient and Hessian.

Conventions
-----------
* A function of ``d >= 2`` variables takes ``x`` of shape ``(..., d)``: ``value`` returns shape ``(...)``,
  ``grad`` shape ``(..., d)`` and ``hessian`` shape ``(..., d, d)``. A grid of points or a batch of
  trajectories is one call.
* A function of one variable (``dim == 1``) acts element by element on ``x`` of any shape: ``value``,
  ``grad`` (the derivative) and ``hessian`` (the second derivative) all have the shape of ``x``. So
  ``Square().grad(3.0)`` is ``6.0`` and a batch of starting points is just an array.
* ``minima`` holds the known global minimizers, shape ``(m, d)`` (``(m,)`` in one dimension), or is
  ``None`` where there are none or none in closed form; ``minimum_value`` is the value there.
* ``bounds`` is a window that shows the interesting part of the function, used by the plots.

Examples
--------
>>> import numpy as np
>>> from optimizers import objectives
>>> f = objectives.ill_conditioned()          # 0.1 x1^2 + 2 x2^2
>>> f.value(np.array([1.0, 1.0]))
np.float64(2.1)
>>> f.grad(np.array([[1.0, 1.0], [0.0, 2.0]]))
array([[0.2, 4. ],
       [0. , 8. ]])
>>> f.eigenvalues, round(f.condition_number, 6)
(array([0.2, 4. ]), 20.0)
"""

from __future__ import annotations

import math

import numpy as np

__all__ = [
    "Objective", "Square", "XCos", "Cubic", "Tanh", "Quadratic", "Rosenbrock", "Beale",
    "elliptic", "ill_conditioned", "saddle", "rotated_quadratic",
]


def _points(x, dim):
    arr = np.asarray(x, dtype=np.float64) if np.asarray(x).dtype.kind != "f" else np.asarray(x)
    if dim > 1 and (arr.ndim == 0 or arr.shape[-1] != dim):
        raise ValueError(f"expected points of shape (..., {dim}), got shape {arr.shape}")
    return arr


class Objective:
    """Base class: a named function with ``value``, ``grad`` and ``hessian``."""

    dim: int = 1
    name: str = "f"
    latex: str = "f(x)"
    minima = None
    minimum_value = None
    bounds: tuple = ((-1.0, 1.0),)

    def __call__(self, x):
        return self.value(x)

    def value(self, x):
        raise NotImplementedError

    def grad(self, x):
        raise NotImplementedError

    def hessian(self, x):
        raise NotImplementedError

    def __repr__(self):
        return f"{type(self).__name__}()"


# -- one variable ----------------------------------------------------------------------------------------
class Square(Objective):
    r""":math:`f(x) = x^2`, the simplest convex function: :math:`f'(x) = 2x`, :math:`f''(x) = 2`.

    >>> Square().grad(np.array([-1.0, 3.0]))
    array([-2.,  6.])
    """

    name, latex = "x^2", "f(x) = x^2"
    minima, minimum_value = np.array([0.0]), 0.0
    bounds = ((-10.0, 10.0),)

    def value(self, x):
        x = _points(x, 1)
        return x * x

    def grad(self, x):
        return 2.0 * _points(x, 1)

    def hessian(self, x):
        return np.full_like(_points(x, 1), 2.0)


class XCos(Objective):
    r""":math:`f(x) = x\cos(cx)`, with many local minima whose depth grows with :math:`|x|`.

    :math:`f'(x) = \cos(cx) - cx\sin(cx)`, :math:`f''(x) = -2c\sin(cx) - c^2x\cos(cx)`. It has no global
    minimum on the real line; on a bounded window the deepest minimum is the one nearest the edge.

    Parameters
    ----------
    c : float, default 0.15 * pi
        The frequency.
    """

    bounds = ((-10.0, 10.0),)

    def __init__(self, c=0.15 * math.pi):
        self.c = float(c)
        self.name = "x cos(cx)"
        self.latex = r"f(x) = x\cos(cx)"

    def value(self, x):
        x = _points(x, 1)
        return x * np.cos(self.c * x)

    def grad(self, x):
        x = _points(x, 1)
        return np.cos(self.c * x) - self.c * x * np.sin(self.c * x)

    def hessian(self, x):
        x = _points(x, 1)
        c = self.c
        return -2.0 * c * np.sin(c * x) - c * c * x * np.cos(c * x)

    def __repr__(self):
        return f"XCos(c={self.c!r})"


class Cubic(Objective):
    r""":math:`f(x) = x^3`: :math:`f'(0) = f''(0) = 0`, a critical point that is no extremum."""

    name, latex = "x^3", "f(x) = x^3"
    bounds = ((-2.0, 2.0),)

    def value(self, x):
        x = _points(x, 1)
        return x * x * x

    def grad(self, x):
        x = _points(x, 1)
        return 3.0 * x * x

    def hessian(self, x):
        return 6.0 * _points(x, 1)


class Tanh(Objective):
    r""":math:`f(x) = \tanh x`, whose derivative :math:`1 - \tanh^2 x` vanishes as :math:`|x|` grows."""

    name, latex = "tanh x", r"f(x) = \tanh x"
    bounds = ((-4.0, 4.0),)

    def value(self, x):
        return np.tanh(_points(x, 1))

    def grad(self, x):
        t = np.tanh(_points(x, 1))
        return 1.0 - t * t

    def hessian(self, x):
        t = np.tanh(_points(x, 1))
        return -2.0 * t * (1.0 - t * t)


# -- several variables -----------------------------------------------------------------------------------
class Quadratic(Objective):
    r"""The quadratic :math:`f(x) = \tfrac12 x^\top A x - b^\top x + c`, with Hessian :math:`A`.

    Parameters
    ----------
    A : array_like, shape (d, d)
        A symmetric matrix (``d >= 2``). Positive definite gives a bowl with minimizer :math:`A^{-1}b`;
        indefinite gives a saddle.
    b : array_like, shape (d,), optional
        Linear term (default zero).
    c : float, default 0.0
        Constant term.
    name : str, optional
        A label for plots.

    Raises
    ------
    ValueError
        If ``A`` is not square, not symmetric, or ``b`` does not fit.

    Examples
    --------
    :math:`x_1^2 + 2x_2^2` is :math:`\tfrac12 x^\top \mathrm{diag}(2, 4)\, x`:

    >>> f = Quadratic(np.diag([2.0, 4.0]))
    >>> f.value(np.array([1.0, 1.0])), f.eigenvalues, f.condition_number
    (np.float64(3.0), array([2., 4.]), 2.0)
    """

    def __init__(self, A, b=None, c=0.0, name=None):
        A = np.array(A, dtype=np.float64)
        if A.ndim != 2 or A.shape[0] != A.shape[1] or A.shape[0] < 2:
            raise ValueError(f"A must be a square matrix of size at least 2, got shape {A.shape}")
        if not np.allclose(A, A.T, rtol=1e-12, atol=1e-12):
            raise ValueError("A must be symmetric")
        d = A.shape[0]
        b = np.zeros(d) if b is None else np.array(b, dtype=np.float64)
        if b.shape != (d,):
            raise ValueError(f"b must have shape ({d},), got {b.shape}")
        self.A, self.b, self.c = A, b, float(c)
        self.A.setflags(write=False)
        self.b.setflags(write=False)
        self.dim = d
        self.eigenvalues = np.linalg.eigvalsh(A)
        self.eigenvalues.setflags(write=False)
        self.name = name or "quadratic"
        self.latex = r"f(x) = \tfrac12 x^\top A x - b^\top x"
        if np.all(self.eigenvalues > 0):
            xstar = np.linalg.solve(A, b)
            self.minima = xstar[None, :]
            self.minimum_value = float(-0.5 * b @ xstar + self.c)
        r = 2.5 * max(1.0, float(np.max(np.abs(np.linalg.lstsq(A, b, rcond=None)[0])))) if np.any(b) else 5.0
        self.bounds = tuple((-r, r) for _ in range(d))

    @property
    def condition_number(self) -> float:
        """:math:`\\kappa = |\\lambda|_{\\max} / |\\lambda|_{\\min}` (infinite when an eigenvalue is 0)."""
        mags = np.abs(self.eigenvalues)
        return float(mags.max() / mags.min()) if mags.min() > 0 else math.inf

    def value(self, x):
        x = _points(x, self.dim)
        return 0.5 * np.einsum("...i,ij,...j->...", x, self.A, x) - x @ self.b + self.c

    def grad(self, x):
        x = _points(x, self.dim)
        return x @ self.A - self.b   # A is symmetric

    def hessian(self, x):
        x = _points(x, self.dim)
        return np.broadcast_to(self.A, x.shape[:-1] + self.A.shape).copy()

    def __repr__(self):
        return f"Quadratic(A={self.A.tolist()}, b={self.b.tolist()}, name={self.name!r})"


def elliptic() -> Quadratic:
    r""":math:`f(x) = x_1^2 + 2x_2^2`, eigenvalues 2 and 4 (condition number 2)."""
    f = Quadratic(np.diag([2.0, 4.0]), name="x1^2 + 2 x2^2")
    f.latex = r"f(x) = x_1^2 + 2x_2^2"
    return f


def ill_conditioned() -> Quadratic:
    r""":math:`f(x) = 0.1x_1^2 + 2x_2^2`, eigenvalues 0.2 and 4 (condition number 20)."""
    f = Quadratic(np.diag([0.2, 4.0]), name="0.1 x1^2 + 2 x2^2")
    f.latex = r"f(x) = 0.1x_1^2 + 2x_2^2"
    return f


def saddle() -> Quadratic:
    r""":math:`f(x) = x_1^2 - x_2^2`, a saddle at the origin (eigenvalues -2 and 2)."""
    f = Quadratic(np.diag([2.0, -2.0]), name="x1^2 - x2^2")
    f.latex = r"f(x) = x_1^2 - x_2^2"
    f.bounds = ((-2.0, 2.0), (-2.0, 2.0))
    return f


def rotated_quadratic(eigenvalues=(0.2, 4.0), angle=math.pi / 6) -> Quadratic:
    r"""A 2-D quadratic bowl with the given Hessian eigenvalues, its axes turned by ``angle`` radians.

    Axis-aligned bowls flatter methods that act coordinate by coordinate (AdaGrad, RMSProp, Adam);
    turning the bowl takes that advantage away.
    """
    c, s = math.cos(angle), math.sin(angle)
    R = np.array([[c, -s], [s, c]])
    A = R @ np.diag(np.asarray(eigenvalues, dtype=np.float64)) @ R.T
    A = 0.5 * (A + A.T)
    return Quadratic(A, name=f"rotated quadratic ({math.degrees(angle):g} degrees)")


class Rosenbrock(Objective):
    r"""Rosenbrock's banana, :math:`f(x) = (a - x_1)^2 + b(x_2 - x_1^2)^2`, minimum 0 at :math:`(a, a^2)`.

    >>> Rosenbrock().grad(np.array([1.0, 1.0]))
    array([0., 0.])
    """

    dim = 2
    name, latex = "Rosenbrock", r"f(x) = (a - x_1)^2 + b(x_2 - x_1^2)^2"
    bounds = ((-2.0, 2.0), (-1.0, 3.0))

    def __init__(self, a=1.0, b=100.0):
        self.a, self.b = float(a), float(b)
        self.minima = np.array([[self.a, self.a**2]])
        self.minimum_value = 0.0

    def value(self, x):
        x = _points(x, 2)
        x1, x2 = x[..., 0], x[..., 1]
        return (self.a - x1) ** 2 + self.b * (x2 - x1 * x1) ** 2

    def grad(self, x):
        x = _points(x, 2)
        x1, x2 = x[..., 0], x[..., 1]
        r = x2 - x1 * x1
        return np.stack([-2.0 * (self.a - x1) - 4.0 * self.b * x1 * r, 2.0 * self.b * r], axis=-1)

    def hessian(self, x):
        x = _points(x, 2)
        x1, x2 = x[..., 0], x[..., 1]
        h11 = 2.0 - 4.0 * self.b * (x2 - x1 * x1) + 8.0 * self.b * x1 * x1
        h12 = -4.0 * self.b * x1
        h22 = np.full_like(x1, 2.0 * self.b)
        return np.stack([np.stack([h11, h12], -1), np.stack([h12, h22], -1)], -2)

    def __repr__(self):
        return f"Rosenbrock(a={self.a!r}, b={self.b!r})"


class Beale(Objective):
    r"""Beale's function, :math:`f(x) = \sum_{i=1}^3 (c_i - x_1 + x_1 x_2^i)^2` with
    :math:`c = (1.5, 2.25, 2.625)`; minimum 0 at :math:`(3, 0.5)`, flat plateaus and steep walls.

    >>> Beale().value(np.array([3.0, 0.5]))
    np.float64(0.0)
    """

    dim = 2
    name, latex = "Beale", r"f(x) = \sum_{i=1}^{3} (c_i - x_1 + x_1 x_2^i)^2"
    bounds = ((-4.5, 4.5), (-4.5, 4.5))
    minima = np.array([[3.0, 0.5]])
    minimum_value = 0.0
    _c = (1.5, 2.25, 2.625)

    def _terms(self, x):
        x = _points(x, 2)
        x1, x2 = x[..., 0], x[..., 1]
        out = []
        for i, ci in enumerate(self._c, start=1):
            r = ci - x1 + x1 * x2**i
            dr1 = -1.0 + x2**i
            dr2 = i * x1 * x2 ** (i - 1)
            d11 = np.zeros_like(x1)
            d12 = i * x2 ** (i - 1)
            d22 = i * (i - 1) * x1 * x2 ** (i - 2) if i >= 2 else np.zeros_like(x1)
            out.append((r, dr1, dr2, d11, d12, d22))
        return out

    def value(self, x):
        return sum(r * r for r, *_ in self._terms(x))

    def grad(self, x):
        g1 = sum(2.0 * r * d1 for r, d1, *_ in self._terms(x))
        g2 = sum(2.0 * r * d2 for r, _, d2, *_ in self._terms(x))
        return np.stack([g1, g2], axis=-1)

    def hessian(self, x):
        t = self._terms(x)
        h11 = sum(2.0 * (d1 * d1 + r * e11) for r, d1, d2, e11, e12, e22 in t)
        h12 = sum(2.0 * (d1 * d2 + r * e12) for r, d1, d2, e11, e12, e22 in t)
        h22 = sum(2.0 * (d2 * d2 + r * e22) for r, d1, d2, e11, e12, e22 in t)
        return np.stack([np.stack([h11, h12], -1), np.stack([h12, h22], -1)], -2)
