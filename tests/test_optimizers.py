"""Every optimizer configuration of the table in ``conftest.py`` crossed with the properties all must have."""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import PROPERTY, SPECS, assert_state_equal, copy_state
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import optimizers as opt
from optimizers import objectives, schedules

sqrt = math.sqrt


class Negated:
    """``-f``: what an optimizer with ``maximize=True`` climbs when it should find the minimum of ``f``."""

    def __init__(self, f):
        self.f = f

    def value(self, x):
        return -self.f.value(x)

    def grad(self, x):
        return -self.f.grad(x)


def for_spec(spec, f):
    return Negated(f) if spec.maximize else f


def sign(spec):
    """+1 when the spec minimizes, -1 when it maximizes."""
    return -1.0 if spec.maximize else 1.0


# -- hand-computed steps ------------------------------------------------------------------------------------
# From x0 = 1 with gradients g0 then g1 (given, whatever the point), the first two points worked out by hand from
# the update rules of the torch.optim documentation, one spec at a time.
def _adagrad_options():
    g0 = 2.0 + 0.01 * 1.0
    s1 = 0.1 + g0**2
    x1 = 1.0 - 0.5 * g0 / (sqrt(s1) + 1e-10)
    g1 = -1.0 + 0.01 * x1
    s2 = s1 + g1**2
    return x1, x1 - 0.5 / 1.01 * g1 / (sqrt(s2) + 1e-10)


def _rmsprop_centered():
    g0 = 2.01
    v1, a1 = 0.1 * g0**2, 0.1 * g0
    x1 = 1.0 - 0.01 * g0 / (sqrt(v1 - a1**2) + 1e-8)   # sqrt(0.09 * 2.01^2) = 0.603
    g1 = -1.0 + 0.01 * x1
    v2, a2 = 0.9 * v1 + 0.1 * g1**2, 0.9 * a1 + 0.1 * g1
    return x1, x1 - 0.01 * g1 / (sqrt(v2 - a2**2) + 1e-8)


def _rmsprop_momentum():
    b1 = 2.0 / (sqrt(0.04) + 1e-8)
    x1 = 1.0 - 0.01 * b1
    b2 = 0.9 * b1 - 1.0 / (sqrt(0.99 * 0.04 + 0.01) + 1e-8)
    return x1, x1 - 0.01 * b2


def _adadelta():
    d0 = sqrt(1e-6) / sqrt(0.4 + 1e-6) * 2.0
    u1 = 0.1 * d0**2
    x1 = 1.0 - d0
    d1 = sqrt(u1 + 1e-6) / sqrt(0.9 * 0.4 + 0.1 + 1e-6) * -1.0
    return x1, x1 - d1


def _adadelta_options():  # lr 0.5, rho 0.8, eps 1e-5, weight decay 0.01, maximize
    g0 = -2.0 + 0.01
    v1 = 0.2 * g0**2
    d0 = sqrt(1e-5) / sqrt(v1 + 1e-5) * g0
    u1, x1 = 0.2 * d0**2, 1.0 - 0.5 * d0
    g1 = 1.0 + 0.01 * x1
    d1 = sqrt(u1 + 1e-5) / sqrt(0.8 * v1 + 0.2 * g1**2 + 1e-5) * g1
    return x1, x1 - 0.5 * d1


def _adam_second(x1, m2, v2hat, lr=0.01):
    return x1 - lr / (1 - 0.9**2) * m2 / (sqrt(v2hat) / sqrt(1 - 0.999**2) + 1e-8)


def _adam_weight_decay():  # lr 0.01, weight decay 0.1, maximize
    g0 = -2.0 + 0.1
    x1 = 1.0 - 0.01 / 0.1 * (0.1 * g0) / (sqrt(0.001 * g0**2) / sqrt(0.001) + 1e-8)
    g1 = 1.0 + 0.1 * x1
    return x1, _adam_second(x1, 0.09 * g0 + 0.1 * g1, 0.999 * 0.001 * g0**2 + 0.001 * g1**2)


ADAM_X1 = 1.0 - 0.01 * 2.0 / (2.0 + 1e-8)   # the first Adam step is lr * g / (|g| + eps)
HAND = {  # spec id: ((g0, g1), (x1, x2))
    "sgd": ((2.0, -1.0), (0.8, 0.9)),
    "sgd-momentum": ((2.0, -1.0), (0.8, 0.72)),          # b1 = 0.9 * 2 - 1 = 0.8
    "sgd-dampening": ((2.0, -1.0), (0.8, 0.67)),         # b1 = 0.9 * 2 + 0.5 * (-1) = 1.3
    "sgd-nesterov": ((2.0, -1.0), (0.62, 0.648)),        # d0 = 2 + 0.9 * 2; d1 = -1 + 0.9 * 0.8
    "sgd-weight-decay": ((2.0, -1.0), (0.79, 0.8821)),   # g0 = 2.1, g1 = -1 + 0.079
    "sgd-maximize": ((2.0, -1.0), (1.2, 1.2)),           # b0 = -2, b1 = 0.5 * (-2) + 1 = 0
    "adagrad": ((2.0, -1.0), (1.0 - 1.0 / (2.0 + 1e-10), 1.0 - 1.0 / (2.0 + 1e-10) + 0.5 / (sqrt(5.0) + 1e-10))),
    "adagrad-options": ((2.0, -1.0), _adagrad_options()),
    "adagrad-eps-in-sqrt": ((2.0, -1.0), (1.0 - 1.0 / sqrt(4.000001), 1.0 - 1.0 / sqrt(4.000001) + 0.5 / sqrt(5.000001))),
    "rmsprop": ((2.0, -1.0), (1.0 - 0.02 / (0.2 + 1e-8),
                              1.0 - 0.02 / (0.2 + 1e-8) + 0.01 / (sqrt(0.0496) + 1e-8))),
    "rmsprop-centered": ((2.0, -1.0), _rmsprop_centered()),
    "rmsprop-momentum": ((2.0, -1.0), _rmsprop_momentum()),
    "rmsprop-eps-in-sqrt": ((2.0, -1.0), (1.0 - 0.02 / sqrt(0.400001),
                                          1.0 - 0.02 / sqrt(0.400001) + 0.01 / sqrt(0.460001))),
    "adadelta": ((2.0, -1.0), _adadelta()),
    "adadelta-options": ((2.0, -1.0), _adadelta_options()),
    "adam": ((2.0, -1.0), (ADAM_X1, _adam_second(ADAM_X1, 0.08, 0.999 * 0.004 + 0.001))),
    # AMSGrad: the second gradient is small, so v falls and the maximum 0.004 of the first step is used
    "adam-amsgrad": ((2.0, 0.01), (ADAM_X1, _adam_second(ADAM_X1, 0.181, 0.004))),
    "adam-weight-decay": ((2.0, -1.0), _adam_weight_decay()),
    "adamw": ((2.0, -1.0), (ADAM_X1 - 1e-4, _adam_second((ADAM_X1 - 1e-4) * (1 - 1e-4), 0.08, 0.004996))),
    "adamw-amsgrad": ((2.0, 0.01), (ADAM_X1 - 1e-3, _adam_second((ADAM_X1 - 1e-3) * (1 - 1e-3), 0.181, 0.004))),
}


def test_every_spec_has_hand_computed_steps():
    assert set(HAND) == {s.id for s in SPECS}


def test_hand_computed_first_two_steps(spec):
    (g0, g1), expected = HAND[spec.id]
    o = spec.make()
    x1, s1 = o.step(1.0, g0, o.init(1.0))
    x2, s2 = o.step(x1, g1, s1)
    np.testing.assert_allclose([x1, x2], expected, rtol=1e-13, atol=1e-15)
    assert (s1["step"], s2["step"]) == (1, 2)
    assert x1.shape == () and x2.dtype == np.float64


# -- direction, maximize, convergence ---------------------------------------------------------------------
def test_first_step_descends_on_a_parabola(spec, rng):
    """f decreases after one small step (a maximizing spec is given -f to climb)."""
    f = objectives.rotated_quadratic((0.5, 3.0), 0.3)
    x0 = rng.uniform(-3, 3, size=(20, 2))
    o = spec.make(lr=1e-3)
    x1, _ = o.step(x0, for_spec(spec, f).grad(x0), o.init(x0))
    assert np.all(f.value(x1) < f.value(x0))


def test_maximize_equals_descending_on_minus_f(spec, rng):
    x, g = rng.standard_normal((2, 7))
    up, down = spec.make(maximize=True), spec.make(maximize=False)
    su, sd = up.init(x), down.init(x)
    xu = xd = x
    for _ in range(4):
        g = rng.standard_normal(7)
        xu, su = up.step(xu, -g, su)   # ascending f = -(descending on -f)
        xd, sd = down.step(xd, g, sd)
        np.testing.assert_array_equal(xu, xd)


def test_maximize_ascends_a_concave_function(spec, rng):
    f = Negated(objectives.elliptic())           # -x1^2 - 2 x2^2, maximum at 0
    x0 = rng.uniform(-3, 3, size=(20, 2))
    o = spec.make(lr=1e-3, maximize=True)
    x1, _ = o.step(x0, f.grad(x0), o.init(x0))
    assert np.all(f.value(x1) > f.value(x0))


def test_converges_on_a_parabola(spec):
    f = for_spec(spec, objectives.ill_conditioned())
    c = spec.parabola
    traj = opt.run(f, [-5.0, -2.0], c.optimizer(spec), c.steps)
    assert np.max(np.abs(traj.x)) < c.tol


def test_converges_on_rosenbrock(spec):
    f = for_spec(spec, objectives.Rosenbrock())
    c = spec.rosenbrock
    traj = opt.run(f, [-1.2, 1.0], c.optimizer(spec), c.steps)
    assert np.max(np.abs(traj.x - 1.0)) < c.tol


# -- batches, state, zero gradient ------------------------------------------------------------------------
def test_batch_equals_loop_over_rows(spec, rng):
    f = for_spec(spec, objectives.Rosenbrock())
    X = rng.uniform(-1.5, 1.5, size=(5, 2))
    o = spec.make(lr=1e-3)
    batch = opt.run(f, X, o, 6)
    for i in range(len(X)):
        np.testing.assert_array_equal(batch.xs[:, i], opt.run(f, X[i], o, 6).xs)


def test_state_round_trip_through_savez_resumes_bit_for_bit(spec, rng, tmp_path):
    f = for_spec(spec, objectives.Beale())
    o = spec.make(lr=1e-3)
    x0 = rng.uniform(-1, 1, size=(3, 2))
    whole = opt.run(f, x0, o, 8)
    half = opt.run(f, x0, o, 4)
    np.savez(tmp_path / "state.npz", **half.state)
    with np.load(tmp_path / "state.npz") as data:
        loaded = dict(data)
    resumed = opt.run(f, half.x, o, 4, state=loaded)
    np.testing.assert_array_equal(resumed.xs, whole.xs[4:])
    assert_state_equal(resumed.state, {**whole.state, "step": 8})


def test_zero_gradient_from_the_start_changes_nothing_without_weight_decay(spec, rng):
    x = rng.standard_normal((3, 4))
    o = spec.make()
    x1, state = o.step(x, np.zeros_like(x), o.init(x))
    if spec.decays:
        assert not np.array_equal(x1, x)   # the decay alone moves x towards 0
        assert np.all(np.abs(x1) <= np.abs(x))
    else:
        np.testing.assert_array_equal(x1, x)


def test_zero_gradient_after_some_steps(spec, rng):
    """Without a velocity a zero gradient is a fixed point at any time; with one, the velocity carries x on."""
    o = spec.make(weight_decay=0.0)
    x, state = rng.standard_normal(4), None
    state = o.init(x)
    for _ in range(3):
        x, state = o.step(x, rng.standard_normal(4), state)
    x1, _ = o.step(x, np.zeros(4), state)
    if spec.has_velocity:
        assert not np.array_equal(x1, x)
    else:
        np.testing.assert_array_equal(x1, x)


def test_adagrad_state_is_unchanged_by_a_zero_gradient(rng):
    o = opt.Adagrad(lr=0.1, initial_accumulator_value=0.3)
    x = rng.standard_normal(3)
    _, state = o.step(x, rng.standard_normal(3), o.init(x))
    x1, state1 = o.step(x, np.zeros(3), state)
    np.testing.assert_array_equal(x1, x)
    np.testing.assert_array_equal(state1["sum"], state["sum"])


# -- dtypes ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("gdtype", [np.float32, np.float64, np.int64])
def test_float32_stays_float32(spec, rng, gdtype):
    x = rng.standard_normal((2, 3)).astype(np.float32)
    o = spec.make(lr=np.array([[0.01], [0.02]]))   # a float64 array lr must not promote either
    state = o.init(x)
    assert all(v.dtype == np.float32 for k, v in state.items() if k != "step")
    for _ in range(2):
        x, state = o.step(x, (10 * rng.standard_normal((2, 3))).astype(gdtype), state)
        assert x.dtype == np.float32
        assert all(v.dtype == np.float32 for k, v in state.items() if k != "step")


def test_integers_are_promoted_to_float64(spec):
    o = spec.make()
    state = o.init(np.array([1, 2, 3]))
    assert all(v.dtype == np.float64 for k, v in state.items() if k != "step")
    x1, state = o.step(np.array([1, 2, 3]), np.array([1, -1, 2]), state)
    assert x1.dtype == np.float64
    assert all(v.dtype == np.float64 for k, v in state.items() if k != "step")
    x2, _ = o.step(3, 1, o.init(3))          # Python numbers
    assert isinstance(x2, np.ndarray) and x2.dtype == np.float64 and x2.shape == ()


# -- invalid hyperparameters ---------------------------------------------------------------------------
INVALID = [
    (opt.SGD, dict(lr=-0.1), "Invalid learning rate: -0.1"),
    (opt.SGD, dict(lr=float("nan")), "Invalid learning rate: nan"),
    (opt.SGD, dict(lr="fast"), "Invalid learning rate: 'fast'"),
    (opt.SGD, dict(lr=np.array([0.1, -0.2])), "Invalid learning rate: [ 0.1 -0.2]"),
    (opt.SGD, dict(lr=0.1, momentum=-0.5), "Invalid momentum value: -0.5"),
    (opt.SGD, dict(lr=0.1, momentum=1.0), "Invalid momentum value: 1.0"),
    (opt.SGD, dict(lr=0.1, dampening=1.5), "Invalid dampening value: 1.5"),
    (opt.SGD, dict(lr=0.1, weight_decay=-1e-4), "Invalid weight_decay value: -0.0001"),
    (opt.SGD, dict(lr=0.1, nesterov=True), "Nesterov momentum requires a momentum and zero dampening"),
    (opt.SGD, dict(lr=0.1, momentum=0.9, dampening=0.1, nesterov=True),
     "Nesterov momentum requires a momentum and zero dampening"),
    (opt.Adagrad, dict(lr=-1.0), "Invalid learning rate: -1.0"),
    (opt.Adagrad, dict(lr_decay=-0.1), "Invalid lr_decay value: -0.1"),
    (opt.Adagrad, dict(weight_decay=-0.1), "Invalid weight_decay value: -0.1"),
    (opt.Adagrad, dict(initial_accumulator_value=-0.1), "Invalid initial_accumulator_value value: -0.1"),
    (opt.Adagrad, dict(eps=-1e-10), "Invalid epsilon value: -1e-10"),
    (opt.RMSprop, dict(lr=-0.01), "Invalid learning rate: -0.01"),
    (opt.RMSprop, dict(alpha=1.0), "Invalid alpha value: 1.0"),
    (opt.RMSprop, dict(alpha=-0.1), "Invalid alpha value: -0.1"),
    (opt.RMSprop, dict(eps=-1.0), "Invalid epsilon value: -1.0"),
    (opt.RMSprop, dict(weight_decay=-1.0), "Invalid weight_decay value: -1.0"),
    (opt.RMSprop, dict(momentum=1.5), "Invalid momentum value: 1.5"),
    (opt.Adadelta, dict(lr=-1.0), "Invalid learning rate: -1.0"),
    (opt.Adadelta, dict(rho=1.0), "Invalid rho value: 1.0"),
    (opt.Adadelta, dict(rho=-0.5), "Invalid rho value: -0.5"),
    (opt.Adadelta, dict(eps=-1e-6), "Invalid epsilon value: -1e-06"),
    (opt.Adadelta, dict(weight_decay=-0.5), "Invalid weight_decay value: -0.5"),
    (opt.Adam, dict(lr=-0.001), "Invalid learning rate: -0.001"),
    (opt.Adam, dict(betas=(0.9, 1.0)), "Invalid beta parameter at index 1: 1.0"),
    (opt.Adam, dict(betas=(-0.1, 0.999)), "Invalid beta parameter at index 0: -0.1"),
    (opt.Adam, dict(betas=(0.9,)), "Invalid betas: (0.9,)"),
    (opt.Adam, dict(eps=-1e-8), "Invalid epsilon value: -1e-08"),
    (opt.Adam, dict(weight_decay=-0.01), "Invalid weight_decay value: -0.01"),
    (opt.AdamW, dict(betas=(1.0, 0.999)), "Invalid beta parameter at index 0: 1.0"),
    (opt.AdamW, dict(weight_decay=-0.01), "Invalid weight_decay value: -0.01"),
    (opt.AdamW, dict(lr=float("inf")), "Invalid learning rate: inf"),
]


@pytest.mark.parametrize("cls, kwargs, message", INVALID, ids=[f"{c.__name__}-{m}" for c, _, m in INVALID])
def test_invalid_hyperparameters_raise_naming_parameter_and_value(cls, kwargs, message):
    with pytest.raises(ValueError) as err:
        cls(**kwargs)
    assert str(err.value).startswith(message)


def test_every_optimizer_class_has_invalid_cases():
    assert {c for c, _, _ in INVALID} == {type(s.make()) for s in SPECS}


def test_schedule_giving_an_invalid_rate_raises_at_that_step():
    o = opt.SGD(lr=lambda t: 0.1 - 0.05 * t)
    x, state = 1.0, o.init(1.0)
    for _ in range(3):
        x, state = o.step(x, 1.0, state)
    with pytest.raises(ValueError, match=r"Invalid learning rate at step 3: -0.05"):
        o.step(x, 1.0, state)


# -- shapes and non-finite gradients --------------------------------------------------------------------
def test_gradient_of_another_shape_raises(spec):
    o = spec.make()
    x = np.zeros((2, 3))
    for g in (np.zeros(3), np.zeros((3, 2)), np.zeros((1, 2, 3)), 0.0):
        with pytest.raises(ValueError, match="shape"):
            o.step(x, g, o.init(x))


def test_state_of_another_shape_or_kind_raises(spec):
    o = spec.make()
    x = np.zeros((2, 3))
    wrong = o.init(np.zeros(3))
    if len(wrong) > 1:                     # every spec keeps state arrays except plain SGD
        with pytest.raises(ValueError, match="shape"):
            o.step(x, x, wrong)
        with pytest.raises(ValueError, match="state has no"):
            o.step(x, x, {"step": 0})
    with pytest.raises(ValueError, match="state"):
        o.step(x, x, None)
    with pytest.raises(ValueError, match="step"):
        o.step(x, x, {**o.init(x), "step": -1})


def test_array_lr_that_does_not_fit_x_raises(spec):
    o = spec.make(lr=np.array([[0.1], [0.2], [0.3]]))
    with pytest.raises(ValueError, match="shape"):
        o.step(np.zeros(2), np.ones(2), o.init(np.zeros(2)))


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_gradient_raises_naming_the_step_and_leaves_state_alone(spec, rng, bad):
    o = spec.make()
    x, state = rng.standard_normal(5), None
    state = o.init(x)
    for _ in range(3):
        x, state = o.step(x, rng.standard_normal(5), state)
    before = copy_state(state)
    g = rng.standard_normal(5)
    g[2] = bad
    with pytest.raises(FloatingPointError, match="step 3"):
        o.step(x, g, state)
    assert_state_equal(state, before)


def test_huge_finite_gradient_is_not_mistaken_for_a_non_finite_one():
    """The float64 sum of these overflows, but every element is finite: no error."""
    o = opt.SGD(lr=0.0)
    g = np.full(4, np.finfo(np.float64).max)
    x1, _ = o.step(np.zeros(4), g, o.init(np.zeros(4)))
    np.testing.assert_array_equal(x1, 0.0)
    g32 = np.full(3, np.finfo(np.float32).max, dtype=np.float32)
    x1, _ = o.step(np.zeros(3, np.float32), g32, o.init(np.zeros(3, np.float32)))
    assert np.all(np.isfinite(x1))


# -- purity ---------------------------------------------------------------------------------------------
def _warm(spec, rng, shape=(3, 2)):
    o = spec.make()
    x = rng.standard_normal(shape)
    state = o.init(x)
    for _ in range(2):
        x, state = o.step(x, rng.standard_normal(shape), state)
    return o, x, state


def test_inputs_are_never_modified(spec, rng):
    o, x, state = _warm(spec, rng)
    g = rng.standard_normal(x.shape)
    copies = (x.copy(), g.copy(), copy_state(state))
    x1, state1 = o.step(x, g, state)
    np.testing.assert_array_equal(x, copies[0])
    np.testing.assert_array_equal(g, copies[1])
    assert_state_equal(state, copies[2])
    # nothing returned shares memory with anything passed in
    for new in [x1, *(v for v in state1.values() if isinstance(v, np.ndarray))]:
        for old in [x, g, *(v for v in state.values() if isinstance(v, np.ndarray))]:
            assert not np.shares_memory(new, old)


def test_read_only_inputs_are_accepted(spec, rng):
    o, x, state = _warm(spec, rng)
    g = rng.standard_normal(x.shape)
    expected = o.step(x, g, state)
    for arr in [x, g, *(v for v in state.values() if isinstance(v, np.ndarray))]:
        arr.setflags(write=False)
    x1, state1 = o.step(x, g, state)
    np.testing.assert_array_equal(x1, expected[0])
    assert_state_equal(state1, expected[1])


# -- learning rates: schedules and arrays ----------------------------------------------------------------
def test_schedule_equals_changing_the_float_lr_each_step(spec, rng):
    """A schedule is the same as a fresh optimizer with lr = schedule(t) at every step, sharing the state."""
    sched = schedules.piecewise_constant([2, 4], [2e-3, 1e-3, 5e-4])
    f = for_spec(spec, objectives.Rosenbrock())
    x0 = rng.uniform(-1, 1, size=2)
    traj = opt.run(f, x0, spec.make(lr=sched), 6)
    x, state = x0, spec.make().init(x0)
    for t in range(6):
        x, state = spec.make(lr=sched(t)).step(x, f.grad(x), state)
        np.testing.assert_array_equal(x, traj.xs[t + 1])
    np.testing.assert_array_equal(traj.lrs, [sched(t) for t in range(6)])


def test_array_lr_sweep_equals_separate_runs(spec, rng):
    lrs = np.array([1e-3, 3e-3, 1e-2, 3e-2])
    f = for_spec(spec, objectives.Beale())
    x0 = np.tile(rng.uniform(-1, 1, size=2), (len(lrs), 1))
    sweep = opt.run(f, x0, spec.make(lr=lrs[:, None]), 5)
    assert sweep.lrs.shape == (5, 4, 1)
    for i, lr in enumerate(lrs):
        np.testing.assert_array_equal(sweep.xs[:, i], opt.run(f, x0[i], spec.make(lr=float(lr)), 5).xs)


def test_sgd_momentum_array_equals_separate_runs(rng):
    mus = np.array([0.0, 0.5, 0.9])
    f = objectives.ill_conditioned()
    x0 = np.tile([-5.0, -2.0], (3, 1))
    sweep = opt.run(f, x0, opt.SGD(lr=0.1, momentum=mus[:, None]), 10)
    for i, mu in enumerate(mus):
        np.testing.assert_array_equal(sweep.xs[:, i], opt.run(f, x0[i], opt.SGD(lr=0.1, momentum=mu), 10).xs)


def test_repr_shows_the_hyperparameters_and_evaluates_back(spec):
    o = spec.make()
    text = repr(o)
    assert text.startswith(type(o).__name__ + "(")
    for name, value in spec.kwargs.items():
        assert f"{name}={value!r}" in text
    assert eval(text, vars(opt)) == o


def test_repr_of_a_schedule_names_it():
    assert "lr=cosine(0.1, steps=10, lr_min=0.0)" in repr(opt.Adam(lr=schedules.cosine(0.1, 10)))


# -- properties over random inputs -------------------------------------------------------------------------
shapes = hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=4)
finite = st.floats(-1e3, 1e3, allow_nan=False, width=64)


@st.composite
def point_and_gradients(draw, steps=3):
    shape = draw(shapes)
    x = draw(hnp.arrays(np.float64, shape, elements=finite))
    gs = [draw(hnp.arrays(np.float64, shape, elements=finite)) for _ in range(steps)]
    return x, gs


@pytest.mark.parametrize("spec_", SPECS, ids=[s.id for s in SPECS])
@PROPERTY
@given(data=point_and_gradients())
def test_property_pure_and_batch_equals_elementwise(spec_, data):
    """For any shape: inputs untouched, shapes kept, and each element evolves as if it were alone."""
    x, gs = data
    o = spec_.make()
    state = o.init(x)
    flat = [(x.ravel()[i], o.init(x.ravel()[i])) for i in range(x.size)]
    for g in gs:
        copies = x.copy(), g.copy(), copy_state(state)
        x1, state1 = o.step(x, g, state)
        np.testing.assert_array_equal(x, copies[0])
        np.testing.assert_array_equal(g, copies[1])
        assert_state_equal(state, copies[2])
        assert x1.shape == x.shape and x1.dtype == np.float64
        flat = [o.step(xi, gi, si) for (xi, si), gi in zip(flat, g.ravel())]
        np.testing.assert_array_equal(x1.ravel(), [xi for xi, _ in flat])
        x, state = x1, state1


@pytest.mark.parametrize("spec_", SPECS, ids=[s.id for s in SPECS])
@PROPERTY
@given(data=point_and_gradients(steps=2))
def test_property_float32_in_float32_out(spec_, data):
    x, gs = data
    o = spec_.make()
    x, state = x.astype(np.float32), o.init(x.astype(np.float32))
    for g in gs:
        x, state = o.step(x, g.astype(np.float32), state)
        assert x.dtype == np.float32
        assert all(v.dtype == np.float32 for k, v in state.items() if k != "step")


@PROPERTY
@given(x=hnp.arrays(np.float64, shapes, elements=finite),
       g=hnp.arrays(np.float64, shapes, elements=st.floats(1e-3, 1e3) | st.floats(-1e3, -1e-3)),
       lr=st.floats(1e-4, 1.0))
def test_property_first_adam_step_is_lr_times_sign(x, g, lr):
    if x.shape != g.shape:
        x = np.broadcast_to(x.ravel()[0], g.shape).copy() if x.size else np.zeros(g.shape)
    o = opt.Adam(lr=lr)
    x1, _ = o.step(x, g, o.init(x))
    np.testing.assert_allclose(x - x1, lr * np.sign(g), rtol=1e-4, atol=1e-9 * (1 + np.abs(x)).max())


@PROPERTY
@given(x=hnp.arrays(np.float64, shapes, elements=finite), lr=st.floats(0.0, 10.0), scale=st.floats(1e-3, 1e3))
def test_property_sgd_step_is_linear(x, lr, scale):
    """x - lr * g exactly, and scaling g scales the move (to round-off)."""
    g = np.cos(np.arange(x.size)).reshape(x.shape)
    o = opt.SGD(lr=lr)
    x1, _ = o.step(x, g, o.init(x))
    np.testing.assert_array_equal(x1, x - lr * g)
    x2, _ = o.step(x, scale * g, o.init(x))
    np.testing.assert_allclose(x2 - x, scale * (x1 - x), rtol=1e-9, atol=1e-9 * (1 + np.abs(x).max()))


@PROPERTY
@given(g=hnp.arrays(np.float64, shapes, elements=st.floats(1e-2, 1e2) | st.floats(-1e2, -1e-2)))
def test_property_adagrad_first_step_is_lr_times_sign(g):
    o = opt.Adagrad(lr=0.5)
    x1, _ = o.step(np.zeros(g.shape), g, o.init(np.zeros(g.shape)))
    np.testing.assert_allclose(x1, -0.5 * np.sign(g), rtol=2e-8)
