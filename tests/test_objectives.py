"""Every objective: gradient and Hessian against central finite differences, vectorization, minima, shapes."""

from __future__ import annotations

import math

import numpy as np
import pytest

from optimizers import objectives

ONE_D = [objectives.Square(), objectives.XCos(), objectives.XCos(c=1.3), objectives.Cubic(), objectives.Tanh()]
_rng = np.random.default_rng(7)
_m = _rng.standard_normal((4, 4))
MULTI = [
    objectives.elliptic(), objectives.ill_conditioned(), objectives.saddle(),
    objectives.rotated_quadratic((0.5, 3.0), 0.4),
    objectives.Quadratic(_m @ _m.T + np.eye(4), b=_rng.standard_normal(4), c=1.5),
    objectives.Rosenbrock(), objectives.Rosenbrock(a=0.5, b=10.0), objectives.Beale(),
]
ALL = ONE_D + MULTI


def ids(fs):
    return [repr(f)[:40] for f in fs]


def central_gradient(value, x, h=1e-6):
    """d value / dx at points x of shape (n, d), by central differences."""
    out = np.empty_like(x)
    for i in range(x.shape[-1]):
        e = np.zeros(x.shape[-1])
        e[i] = h
        out[..., i] = (value(x + e) - value(x - e)) / (2 * h)
    return out


def assert_close(actual, desired, rtol, atol):
    """Like ``assert_allclose``, but ``atol`` may be an array (a per-point scale)."""
    err = np.abs(actual - desired)
    bound = atol + rtol * np.abs(desired)
    assert np.all(err <= bound), f"worst excess {np.max(err - bound):.3g}"


def sample(f, rng, n=20):
    """Points in the window the plots use."""
    lo = np.array([b[0] for b in f.bounds])
    hi = np.array([b[1] for b in f.bounds])
    pts = rng.uniform(lo, hi, size=(n, len(f.bounds)))
    return pts[:, 0] if f.dim == 1 else pts


@pytest.mark.parametrize("f", ONE_D, ids=ids(ONE_D))
def test_1d_derivatives_match_central_differences(f):
    x = sample(f, np.random.default_rng(0))
    h = 1e-5
    np.testing.assert_allclose(f.grad(x), (f.value(x + h) - f.value(x - h)) / (2 * h), rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(f.hessian(x), (f.grad(x + h) - f.grad(x - h)) / (2 * h), rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("f", MULTI, ids=ids(MULTI))
def test_gradient_and_hessian_match_central_differences(f):
    x = sample(f, np.random.default_rng(1)) * 0.5   # Beale's edges are steep: stay nearer the middle
    scale = 1 + np.abs(f.value(x))[:, None]
    assert_close(f.grad(x), central_gradient(f.value, x), rtol=1e-6, atol=1e-6 * scale)
    H = f.hessian(x)
    assert H.shape == x.shape + (f.dim,)
    np.testing.assert_allclose(H, np.swapaxes(H, -1, -2), rtol=1e-12, atol=1e-12)
    for i in range(f.dim):    # row i of the Hessian is the gradient of the i-th partial derivative
        gscale = 1 + np.abs(f.grad(x)[:, i])[:, None]
        assert_close(H[:, i, :], central_gradient(lambda p: f.grad(p)[..., i], x), rtol=1e-6, atol=1e-6 * gscale)


@pytest.mark.parametrize("f", ALL, ids=ids(ALL))
def test_vectorized_over_leading_axes_equals_a_loop(f):
    rng = np.random.default_rng(2)
    x = sample(f, rng, n=12).reshape((3, 4) + (() if f.dim == 1 else (f.dim,)))
    v, g, H = f.value(x), f.grad(x), f.hessian(x)
    assert v.shape == (3, 4) and g.shape == x.shape
    for i in range(3):
        for j in range(4):
            assert v[i, j] == pytest.approx(f.value(x[i, j]), rel=1e-14, abs=1e-14)
            np.testing.assert_allclose(g[i, j], f.grad(x[i, j]), rtol=1e-14, atol=1e-14)  # BLAS may round differently
            np.testing.assert_array_equal(H[i, j], f.hessian(x[i, j]))


@pytest.mark.parametrize("f", [f for f in ALL if f.minima is not None], ids=ids([f for f in ALL if f.minima is not None]))
def test_known_minima_have_zero_gradient_and_the_stated_value(f):
    for xstar in f.minima:
        np.testing.assert_allclose(f.grad(xstar), 0.0, atol=1e-12)
        assert f.value(xstar) == pytest.approx(f.minimum_value, abs=1e-12)
        # and nearby points are higher
        rng = np.random.default_rng(3)
        near = xstar + 1e-3 * rng.standard_normal((10,) + np.shape(xstar))
        assert np.all(f.value(near) > f.minimum_value)


def test_quadratic_minimizer_is_a_inverse_b():
    f = MULTI[4]
    np.testing.assert_allclose(f.minima[0], np.linalg.solve(f.A, f.b), rtol=1e-12)
    np.testing.assert_allclose(f.minimum_value, 1.5 - 0.5 * f.b @ np.linalg.solve(f.A, f.b), rtol=1e-12)


@pytest.mark.parametrize("f, eigenvalues, kappa", [
    (objectives.elliptic(), [2.0, 4.0], 2.0),
    (objectives.ill_conditioned(), [0.2, 4.0], 20.0),
    (objectives.saddle(), [-2.0, 2.0], 1.0),
    (objectives.rotated_quadratic((0.5, 3.0), 0.4), [0.5, 3.0], 6.0),
    (objectives.rotated_quadratic((1.0, 100.0), math.pi / 3), [1.0, 100.0], 100.0),
    (objectives.Quadratic([[1.0, 0.0], [0.0, 0.0]]), [0.0, 1.0], math.inf),
])
def test_quadratic_eigenvalues_and_condition_number(f, eigenvalues, kappa):
    np.testing.assert_allclose(f.eigenvalues, eigenvalues, rtol=1e-12, atol=1e-12)
    assert f.condition_number == pytest.approx(kappa, rel=1e-12)
    np.testing.assert_allclose(f.hessian(np.zeros(2)), f.A)


def test_named_quadratics_are_what_their_names_say():
    x = np.random.default_rng(4).standard_normal((10, 2))
    x1, x2 = x[:, 0], x[:, 1]
    np.testing.assert_allclose(objectives.elliptic().value(x), x1**2 + 2 * x2**2, rtol=1e-14)
    np.testing.assert_allclose(objectives.ill_conditioned().value(x), 0.1 * x1**2 + 2 * x2**2, rtol=1e-14)
    np.testing.assert_allclose(objectives.saddle().value(x), x1**2 - x2**2, rtol=1e-14)
    np.testing.assert_allclose(objectives.XCos().value(x1), x1 * np.cos(0.15 * np.pi * x1), rtol=1e-14)


@pytest.mark.parametrize("f", MULTI, ids=ids(MULTI))
@pytest.mark.parametrize("bad", [0.0, np.zeros(3), np.zeros((2, 5)), np.zeros((4, 1))])
def test_points_of_the_wrong_dimension_raise(f, bad):
    if np.shape(bad)[-1:] == (f.dim,):
        pytest.skip("right dimension for this objective")
    for method in (f.value, f.grad, f.hessian):
        with pytest.raises(ValueError, match="shape"):
            method(bad)


@pytest.mark.parametrize("A, b, message", [
    ([[1.0, 2.0, 3.0]], None, "square"),
    ([[1.0, 2.0], [0.0, 1.0]], None, "symmetric"),
    ([[1.0]], None, "at least 2"),
    (np.eye(2), [1.0, 2.0, 3.0], "b must have shape"),
])
def test_bad_quadratics_raise(A, b, message):
    with pytest.raises(ValueError, match=message):
        objectives.Quadratic(A, b)


def test_objectives_keep_float32():
    x = np.ones((3, 2), dtype=np.float32)
    assert objectives.Rosenbrock().grad(x).dtype == np.float32
    assert objectives.Square().grad(x[:, 0]).dtype == np.float32
