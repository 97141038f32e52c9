"""Every schedule against its closed form (for single steps and arrays of steps), warm-up, and bad arguments."""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import PROPERTY
from hypothesis import given
from hypothesis import strategies as st

from optimizers import schedules

T = np.arange(0, 60)

CLOSED_FORMS = [  # schedule, closed form as a function of an array of steps
    (schedules.constant(0.3), lambda t: np.full(t.shape, 0.3)),
    (schedules.piecewise_constant([10, 25], [1.0, 0.1, 0.01]),
     lambda t: np.where(t < 10, 1.0, np.where(t < 25, 0.1, 0.01))),
    (schedules.piecewise_constant([], [0.5]), lambda t: np.full(t.shape, 0.5)),
    (schedules.factor(2.0, 0.5, every=7), lambda t: 2.0 * 0.5 ** (t // 7)),
    (schedules.factor(1.0, 0.5, every=1, lr_min=0.01), lambda t: np.maximum(0.01, 0.5**t)),
    (schedules.exponential(0.4, 0.1), lambda t: 0.4 * np.exp(-0.1 * t)),
    (schedules.polynomial(0.1, alpha=0.1, beta=0.5), lambda t: 0.1 * (1 + 0.1 * t) ** -0.5),
    (schedules.polynomial(1.0, alpha=1.0, beta=1.0), lambda t: 1.0 / (1 + t)),
    (schedules.cosine(1.0, 40), lambda t: 0.5 * (1 + np.cos(np.pi * np.minimum(t, 40) / 40))),
    (schedules.cosine(1.0, 40, lr_min=0.1),
     lambda t: 0.1 + 0.45 * (1 + np.cos(np.pi * np.minimum(t, 40) / 40))),
    (schedules.warmup(schedules.exponential(1.0, 0.05), 10),
     lambda t: np.where(t < 10, (t + 1) / 10 * math.exp(-0.5), np.exp(-0.05 * t))),
    (schedules.warmup(schedules.constant(0.2), 0), lambda t: np.full(t.shape, 0.2)),
]
IDS = [s.__name__ for s, _ in CLOSED_FORMS]


@pytest.mark.parametrize("schedule, closed_form", CLOSED_FORMS, ids=IDS)
def test_schedule_equals_its_closed_form_step_by_step(schedule, closed_form):
    values = [schedule(int(t)) for t in T]
    assert all(type(v) is float for v in values)
    np.testing.assert_allclose(values, closed_form(T), rtol=1e-12)


@pytest.mark.parametrize("schedule, closed_form", CLOSED_FORMS, ids=IDS)
def test_schedule_accepts_arrays_of_steps(schedule, closed_form):
    out = schedule(T.reshape(6, 10))
    assert isinstance(out, np.ndarray) and out.shape == (6, 10) and out.dtype == np.float64
    np.testing.assert_allclose(out.ravel(), closed_form(T), rtol=1e-12)
    assert schedule(np.int64(3)) == pytest.approx(schedule(3), rel=1e-15)


@pytest.mark.parametrize("schedule, closed_form", CLOSED_FORMS, ids=IDS)
def test_schedules_are_non_negative_and_the_decays_non_increasing(schedule, closed_form):
    values = schedule(T)
    assert np.all(values >= 0)
    if not schedule.__name__.startswith("warmup"):
        assert np.all(np.diff(values) <= 1e-15)


@pytest.mark.parametrize("inner", [schedules.constant(0.7), schedules.cosine(0.7, 100), schedules.exponential(0.7, 0.02)])
@pytest.mark.parametrize("k", [1, 5, 20])
def test_warmup_climbs_linearly_into_the_schedule_without_a_jump(inner, k):
    s = schedules.warmup(inner, k)
    ramp = s(np.arange(k))
    np.testing.assert_allclose(np.diff(ramp), ramp[0], rtol=1e-12)   # equal increments from (1/k) s(k)
    assert ramp[-1] == pytest.approx(inner(k), rel=1e-12)          # reaches the schedule's value ...
    assert s(k) == inner(k) and s(k + 7) == inner(k + 7)           # ... and then is the schedule itself
    assert abs(s(k) - s(k - 1)) <= abs(inner(k) - inner(k - 1)) + 1e-15


@PROPERTY
@given(lr0=st.floats(1e-4, 10), rate=st.floats(0, 1), t=st.integers(0, 10_000))
def test_property_exponential_is_multiplicative(lr0, rate, t):
    s = schedules.exponential(lr0, rate)
    assert s(t + 1) == pytest.approx(s(t) * math.exp(-rate), rel=1e-9, abs=1e-300)


@PROPERTY
@given(boundaries=st.lists(st.integers(1, 1000), min_size=1, max_size=5, unique=True),
       t=st.integers(0, 1200), data=st.data())
def test_property_piecewise_constant_picks_the_right_piece(boundaries, t, data):
    boundaries = sorted(boundaries)
    values = data.draw(st.lists(st.floats(0, 10), min_size=len(boundaries) + 1, max_size=len(boundaries) + 1))
    s = schedules.piecewise_constant(boundaries, values)
    piece = sum(b <= t for b in boundaries)
    assert s(t) == values[piece]


BAD = [
    (schedules.constant, (-0.1,), "Invalid learning rate: -0.1"),
    (schedules.constant, (float("nan"),), "Invalid learning rate: nan"),
    (schedules.piecewise_constant, ([5, 3], [1.0, 0.5, 0.1]), "Invalid boundaries"),
    (schedules.piecewise_constant, ([3, 3], [1.0, 0.5, 0.1]), "Invalid boundaries"),
    (schedules.piecewise_constant, ([0, 3], [1.0, 0.5, 0.1]), "Invalid boundaries"),
    (schedules.piecewise_constant, ([-2], [1.0, 0.5]), "Invalid boundaries"),
    (schedules.piecewise_constant, ([2.5], [1.0, 0.5]), "Invalid boundaries"),
    (schedules.piecewise_constant, ([2, 4], [1.0, 0.5]), "Invalid values"),
    (schedules.piecewise_constant, ([2], [1.0, 0.5, 0.1]), "Invalid values"),
    (schedules.piecewise_constant, ([2], [1.0, -0.5]), "Invalid value at index 1: -0.5"),
    (schedules.piecewise_constant, ([[2]], [1.0, 0.5]), "boundaries and values must be one-dimensional"),
    (schedules.factor, (-1.0, 0.5), "Invalid lr0: -1.0"),
    (schedules.factor, (1.0, 1.5), "Invalid factor: 1.5"),
    (schedules.factor, (1.0, -0.5), "Invalid factor: -0.5"),
    (schedules.factor, (1.0, 0.5, 0), "Invalid every: 0"),
    (schedules.factor, (1.0, 0.5, 2.5), "Invalid every: 2.5"),
    (schedules.factor, (1.0, 0.5, None), "Invalid every: None"),
    (schedules.factor, (1.0, 0.5, 1, -0.1), "Invalid lr_min: -0.1"),
    (schedules.exponential, (-0.1, 0.1), "Invalid lr0: -0.1"),
    (schedules.exponential, (0.1, -0.1), "Invalid rate: -0.1"),
    (schedules.polynomial, (-0.1, 0.1, 0.5), "Invalid lr0: -0.1"),
    (schedules.polynomial, (0.1, -0.1, 0.5), "Invalid alpha: -0.1"),
    (schedules.polynomial, (0.1, 0.1, -0.5), "Invalid beta: -0.5"),
    (schedules.cosine, (-1.0, 10), "Invalid lr0: -1.0"),
    (schedules.cosine, (1.0, 0), "Invalid steps: 0"),
    (schedules.cosine, (1.0, -5), "Invalid steps: -5"),
    (schedules.cosine, (1.0, 2.5), "Invalid steps: 2.5"),
    (schedules.cosine, (1.0, float("inf")), "Invalid steps: inf"),
    (schedules.cosine, (1.0, 10, 2.0), "Invalid lr_min: 2.0"),
    (schedules.cosine, (1.0, 10, -0.5), "Invalid lr_min: -0.5"),
    (schedules.warmup, (schedules.constant(1.0), -1), "Invalid steps: -1"),
    (schedules.warmup, (schedules.constant(1.0), 1.5), "Invalid steps: 1.5"),
    (schedules.warmup, (schedules.constant(1.0), None), "Invalid steps: None"),
    (schedules.warmup, (-1.0, 3), "Invalid learning rate: -1.0"),
]


@pytest.mark.parametrize("make, args, message", BAD, ids=[f"{m.__name__}-{msg}" for m, _, msg in BAD])
def test_bad_arguments_raise_value_error_naming_them(make, args, message):
    with pytest.raises(ValueError) as err:
        make(*args)
    assert str(err.value).startswith(message)


@pytest.mark.parametrize("schedule", [s for s, _ in CLOSED_FORMS], ids=IDS)
@pytest.mark.parametrize("t", [-1, np.array([0, 3, -2]), "3", None, float("nan")])
def test_bad_steps_raise(schedule, t):
    with pytest.raises(ValueError, match="Invalid step"):
        schedule(t)


def test_warmup_accepts_a_number_as_a_constant_schedule():
    assert schedules.warmup(0.5, 2)(0) == 0.25 and schedules.warmup(0.5, 2)(5) == 0.5
