"""run() and the critical-point classifier, and the theory of gradient descent on quadratics, checked numerically."""

from __future__ import annotations

import math

import numpy as np
import pytest

import optimizers as opt
from optimizers import objectives, schedules


# -- run ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("x0, shape", [(3.0, ()), ([1.0, 2.0], (2,)), (np.ones((4, 2)), (4, 2))])
def test_run_shapes(x0, shape):
    f = objectives.Square() if shape == () else objectives.elliptic()
    traj = opt.run(f, x0, opt.SGD(lr=0.1), 7)
    assert traj.xs.shape == (8,) + shape and len(traj) == 8 and traj.steps == 7
    assert traj.values.shape == (8,) + (shape[:1] if len(shape) == 2 else ())
    assert traj.lrs.shape == (7,)
    np.testing.assert_array_equal(traj.xs[0], x0)
    np.testing.assert_array_equal(traj.x, traj.xs[-1])
    np.testing.assert_allclose(traj.values, f.value(traj.xs))
    assert traj.state["step"] == 7
    assert not traj.xs.flags.writeable           # the record cannot be changed by accident


def test_run_zero_steps_and_records_schedule():
    traj = opt.run(objectives.Square(), 2.0, opt.SGD(lr=0.1), 0)
    assert traj.xs.shape == (1,) and traj.lrs.shape == (0,)
    sched = schedules.exponential(0.2, 0.1)
    traj = opt.run(objectives.Square(), 2.0, opt.SGD(lr=sched), 5)
    np.testing.assert_array_equal(traj.lrs, sched(np.arange(5)))


def test_run_does_not_modify_x0():
    x0 = np.array([1.0, -1.0])
    opt.run(objectives.elliptic(), x0, opt.Adam(lr=0.1), 5)
    np.testing.assert_array_equal(x0, [1.0, -1.0])


@pytest.mark.parametrize("steps, noise", [(-1, 0.0), (2.5, 0.0), (True, 0.0), (3, -0.1)])
def test_run_rejects_bad_arguments(steps, noise):
    with pytest.raises(ValueError):
        opt.run(objectives.Square(), 1.0, opt.SGD(lr=0.1), steps, noise=noise)


def test_noise_is_reproducible_with_a_seed_and_differs_across_seeds():
    f, o = objectives.elliptic(), opt.SGD(lr=0.1)
    a = opt.run(f, [-5.0, -2.0], o, 20, noise=1.0, seed=3)
    b = opt.run(f, [-5.0, -2.0], o, 20, noise=1.0, seed=3)
    c = opt.run(f, [-5.0, -2.0], o, 20, noise=1.0, seed=4)
    np.testing.assert_array_equal(a.xs, b.xs)
    assert not np.allclose(a.xs[1:], c.xs[1:])
    clean = opt.run(f, [-5.0, -2.0], o, 20)
    assert not np.allclose(a.xs[1:], clean.xs[1:])


def test_noise_is_gaussian_with_the_given_standard_deviation():
    """One step from 0, where the gradient of x^2 vanishes, moves by -lr * noise * xi."""
    traj = opt.run(objectives.Square(), np.zeros(20000), opt.SGD(lr=1.0), 1, noise=0.5, seed=0)
    step = traj.x
    assert abs(step.mean()) < 4 * 0.5 / math.sqrt(20000)
    assert step.std() == pytest.approx(0.5, rel=0.03)
    np.testing.assert_array_equal(step, -0.5 * np.random.default_rng(0).standard_normal(20000))


@pytest.mark.parametrize("optimizer", [opt.SGD(lr=1e-3, momentum=0.9), opt.Adam(lr=0.1), opt.RMSprop(lr=0.01)],
                         ids=repr)
def test_run_with_state_continues_exactly(optimizer):
    f = objectives.Rosenbrock()
    whole = opt.run(f, [-1.0, 1.5], optimizer, 30)
    first = opt.run(f, [-1.0, 1.5], optimizer, 12)
    rest = opt.run(f, first.x, optimizer, 18, state=first.state)
    np.testing.assert_array_equal(np.concatenate([first.xs, rest.xs[1:]]), whole.xs)


# -- critical points ------------------------------------------------------------------------------------
def _xcos_critical_points():
    """Roots of the derivative of x cos(cx) on [-10, 10], by bisection on a fine grid."""
    f = objectives.XCos()
    grid = np.linspace(-10, 10, 2001)
    d = f.grad(grid)
    roots = []
    for i in np.nonzero(np.sign(d[:-1]) != np.sign(d[1:]))[0]:
        lo, hi = grid[i], grid[i + 1]
        for _ in range(60):
            mid = 0.5 * (lo + hi)
            lo, hi = (mid, hi) if np.sign(f.grad(mid)) == np.sign(f.grad(lo)) else (lo, mid)
        roots.append(0.5 * (lo + hi))
    return f, roots


@pytest.mark.parametrize("objective, x, kind", [
    (objectives.Square(), 0.0, "minimum"),
    (objectives.Cubic(), 0.0, "undecided"),
    (objectives.elliptic(), [0.0, 0.0], "minimum"),
    (objectives.saddle(), [0.0, 0.0], "saddle"),
    (objectives.Quadratic(-np.eye(3)), [0.0, 0.0, 0.0], "maximum"),
    (objectives.Quadratic([[1.0, 0.0], [0.0, 0.0]]), [0.0, 3.0], "undecided"),
    (objectives.Rosenbrock(), [1.0, 1.0], "minimum"),
    (objectives.Beale(), [3.0, 0.5], "minimum"),
])
def test_classify_critical_points(objective, x, kind):
    cp = opt.classify_critical_point(objective, x)
    assert cp.kind == kind
    np.testing.assert_allclose(cp.eigenvalues, np.linalg.eigvalsh(np.atleast_2d(objective.hessian(np.asarray(x)))))


def test_critical_points_of_x_cos_cx_alternate_between_minima_and_maxima():
    f, roots = _xcos_critical_points()
    kinds = [opt.classify_critical_point(f, r).kind for r in roots]
    assert len(roots) == 4   # c = 0.15 pi: two minima and two maxima in the window
    assert all(k in ("minimum", "maximum") for k in kinds)
    assert all(a != b for a, b in zip(kinds, kinds[1:]))
    for r, k in zip(roots, kinds):   # the verdict agrees with the sign of f''
        assert (f.hessian(r) > 0) == (k == "minimum")


@pytest.mark.parametrize("objective, x", [
    (objectives.Square(), 1.0), (objectives.Tanh(), 0.0), (objectives.Rosenbrock(), [0.0, 0.0]),
    (objectives.elliptic(), [1e-3, 0.0]),
])
def test_a_non_critical_point_raises(objective, x):
    with pytest.raises(ValueError, match="not a critical point"):
        opt.classify_critical_point(objective, x)


def test_classify_hessian_rejects_bad_matrices():
    with pytest.raises(ValueError):
        opt.classify_hessian([[1.0, 2.0], [0.0, 1.0]])
    with pytest.raises(ValueError):
        opt.classify_hessian(np.ones((2, 3)))
    with pytest.raises(FloatingPointError):
        opt.classify_hessian([[np.nan, 0.0], [0.0, 1.0]])


# -- theory: gradient descent and heavy ball on quadratics -----------------------------------------------
def measured_rate(xs, start):
    """The per-step contraction of ||x_t||, fitted by least squares to log ||x_t|| for t >= start."""
    t = np.arange(start, len(xs))
    logs = np.log(np.linalg.norm(xs[start:].reshape(len(t), -1), axis=1))
    return math.exp(np.polyfit(t, logs, 1)[0])


@pytest.mark.parametrize("lr", [0.05, 0.2, 0.45, 0.6])
def test_gd_contracts_each_eigendirection_by_one_minus_lr_lambda(lr):
    eig = np.array([0.5, 3.0])
    f = objectives.rotated_quadratic(eig, 0.7)
    _, V = np.linalg.eigh(f.A)
    traj = opt.run(f, [2.0, -1.0], opt.SGD(lr=lr), 15)
    z = traj.xs @ V                       # coordinates in the eigenbasis
    np.testing.assert_allclose(z[1:] / z[:-1], np.broadcast_to(1 - lr * eig, (15, 2)), rtol=1e-9)


def test_gd_diverges_just_above_two_over_lambda_max_and_converges_just_below():
    f = objectives.rotated_quadratic((0.5, 3.0), 0.7)
    lam_max = f.eigenvalues.max()
    below = opt.run(f, [2.0, -1.0], opt.SGD(lr=0.98 * 2 / lam_max), 300)
    above = opt.run(f, [2.0, -1.0], opt.SGD(lr=1.02 * 2 / lam_max), 300)
    assert np.linalg.norm(below.x) < 1e-2 * np.linalg.norm(below.xs[0])
    assert np.linalg.norm(above.x) > 1e2 * np.linalg.norm(above.xs[0])
    assert measured_rate(above.xs, 100) == pytest.approx(abs(1 - 1.02 * 2), rel=1e-3)


@pytest.mark.parametrize("eigenvalues", [(1.0, 10.0), (0.2, 4.0), (1.0, 3.0, 10.0, 30.0, 100.0)])
def test_optimal_gd_step_gives_rate_kappa_minus_one_over_kappa_plus_one(eigenvalues):
    f = objectives.Quadratic(np.diag(eigenvalues))
    lmin, lmax = min(eigenvalues), max(eigenvalues)
    kappa = lmax / lmin
    x0 = np.ones(len(eigenvalues))
    traj = opt.run(f, x0, opt.SGD(lr=2 / (lmin + lmax)), 200)
    assert measured_rate(traj.xs, 20) == pytest.approx((kappa - 1) / (kappa + 1), rel=0.01)
    # and no other constant step is faster: a slightly smaller or larger one converges more slowly
    for factor in (0.9, 1.1):
        other = opt.run(f, x0, opt.SGD(lr=factor * 2 / (lmin + lmax)), 200)
        assert measured_rate(other.xs, 20) > (kappa - 1) / (kappa + 1)


@pytest.mark.parametrize("eigenvalues", [(1.0, 100.0), (0.2, 4.0), (1.0, 3.0, 10.0, 30.0, 100.0)])
def test_heavy_ball_with_optimal_parameters_gives_rate_sqrt_kappa(eigenvalues):
    """Polyak's lr = 4 / (sqrt(L) + sqrt(mu))^2 and momentum ((sqrt(L) - sqrt(mu)) / (sqrt(L) + sqrt(mu)))^2
    give the rate (sqrt(kappa) - 1) / (sqrt(kappa) + 1), faster than the best plain GD."""
    f = objectives.Quadratic(np.diag(eigenvalues))
    mu, L = min(eigenvalues), max(eigenvalues)
    lr = 4 / (math.sqrt(L) + math.sqrt(mu)) ** 2
    beta = ((math.sqrt(L) - math.sqrt(mu)) / (math.sqrt(L) + math.sqrt(mu))) ** 2
    sk = math.sqrt(L / mu)
    traj = opt.run(f, np.ones(len(eigenvalues)), opt.SGD(lr=lr, momentum=beta), 300)
    rate = measured_rate(traj.xs, 100)
    assert rate == pytest.approx((sk - 1) / (sk + 1), rel=0.03)
    assert rate < (L / mu - 1) / (L / mu + 1)
