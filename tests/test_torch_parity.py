"""The same trajectories as ``torch.optim``, in float64, to round-off, for every optimizer and option.

Skipped when torch is not installed. Both sides take the same gradient field, evaluated at their own iterates,
for 40 steps; the trajectories must agree to ``rtol=1e-10`` at every step.
"""

from __future__ import annotations

import numpy as np
import pytest

import optimizers as opt
from optimizers import schedules

torch = pytest.importorskip("torch")

STEPS = 40


class Field:
    """A nontrivial gradient field: a random positive-definite quadratic plus a sinusoidal ripple, on (4, 3)."""

    def __init__(self, seed=0):
        rng = np.random.default_rng(seed)
        m = rng.standard_normal((3, 3))
        self.A = m @ m.T / 3 + 0.2 * np.eye(3)
        self.b = rng.standard_normal(3)
        self.x0 = rng.standard_normal((4, 3))

    def __call__(self, x):
        return x @ self.A - self.b + 0.3 * np.sin(3.0 * x)


def rosenbrock(x):
    return opt.objectives.Rosenbrock().grad(x)


# (class name, in this package and in torch.optim; keyword arguments, the same for both)
CONFIGS = [
    ("SGD", dict(lr=0.05)),
    ("SGD", dict(lr=0.05, momentum=0.9)),
    ("SGD", dict(lr=0.05, momentum=0.9, dampening=0.3)),
    ("SGD", dict(lr=0.05, momentum=0.9, nesterov=True)),
    ("SGD", dict(lr=0.05, momentum=0.8, weight_decay=0.1, maximize=True)),
    ("Adagrad", dict(lr=0.1)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.05, initial_accumulator_value=0.2, eps=1e-8)),
    ("Adagrad", dict(lr=0.1, weight_decay=0.1, maximize=True)),
    ("RMSprop", dict(lr=0.01)),
    ("RMSprop", dict(lr=0.01, alpha=0.9, centered=True)),
    ("RMSprop", dict(lr=0.01, momentum=0.8, eps=1e-6)),
    ("RMSprop", dict(lr=0.01, alpha=0.95, centered=True, momentum=0.5, weight_decay=0.1, maximize=True)),
    ("Adadelta", dict()),
    ("Adadelta", dict(lr=0.5, rho=0.8, eps=1e-5, weight_decay=0.1)),
    ("Adadelta", dict(maximize=True)),
    ("Adam", dict(lr=0.05)),
    ("Adam", dict(lr=0.05, betas=(0.8, 0.99), eps=1e-6, amsgrad=True)),
    ("Adam", dict(lr=0.05, weight_decay=0.1, maximize=True)),
    ("Adam", dict(lr=0.05, weight_decay=0.1, amsgrad=True)),
    ("AdamW", dict(lr=0.05)),
    ("AdamW", dict(lr=0.05, weight_decay=0.2, amsgrad=True)),
    ("AdamW", dict(lr=0.05, weight_decay=0.2, maximize=True)),
]
IDS = [f"{name}-" + "-".join(f"{k}={v}" for k, v in kw.items()) for name, kw in CONFIGS]


def torch_trajectory(name, kwargs, grad, x0, steps, lr_at=None):
    p = torch.tensor(x0, dtype=torch.float64, requires_grad=True)
    optimizer = getattr(torch.optim, name)([p], **kwargs)
    xs = [x0.copy()]
    for t in range(steps):
        if lr_at is not None:
            optimizer.param_groups[0]["lr"] = lr_at(t)
        p.grad = torch.tensor(grad(p.detach().numpy().copy()), dtype=torch.float64)
        optimizer.step()
        xs.append(p.detach().numpy().copy())
    return np.array(xs)


def our_trajectory(name, kwargs, grad, x0, steps):
    o = getattr(opt, name)(**kwargs)
    x, state = x0, o.init(x0)
    xs = [x0]
    for _ in range(steps):
        x, state = o.step(x, grad(x), state)
        xs.append(x)
    return np.array(xs)


@pytest.mark.parametrize("name, kwargs", CONFIGS, ids=IDS)
def test_same_trajectory_as_torch_on_a_rippled_quadratic(name, kwargs):
    field = Field()
    ours = our_trajectory(name, kwargs, field, field.x0, STEPS)
    theirs = torch_trajectory(name, kwargs, field, field.x0, STEPS)
    assert np.max(np.abs(ours[-1] - ours[0])) > 1e-3          # the run went somewhere
    np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("name, kwargs", CONFIGS, ids=IDS)
def test_same_trajectory_as_torch_on_rosenbrock(name, kwargs):
    """A batch of five starting points, shape (5, 2), as one parameter tensor; small steps keep it stable."""
    kwargs = {**kwargs, "lr": 2e-4 if name == "SGD" else kwargs.get("lr", 1.0) / 5}
    grad = (lambda x: -rosenbrock(x)) if kwargs.get("maximize") else rosenbrock   # climb -f, not f
    x0 = np.random.default_rng(1).uniform(-1.5, 1.5, size=(5, 2))
    ours = our_trajectory(name, kwargs, grad, x0, STEPS)
    theirs = torch_trajectory(name, kwargs, grad, x0, STEPS)
    assert np.all(np.isfinite(ours))
    np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)


SCHEDULED = [(c, i) for c, i in zip(CONFIGS, IDS) if c[0] != "Adadelta"][::2]   # every other one is plenty


@pytest.mark.parametrize("name, kwargs", [c for c, _ in SCHEDULED], ids=[i for _, i in SCHEDULED])
def test_schedule_matches_setting_torchs_lr_every_step(name, kwargs):
    sched = schedules.warmup(schedules.cosine(kwargs.get("lr", 1.0), STEPS), 5)
    field = Field(seed=2)
    ours = our_trajectory(name, {**kwargs, "lr": sched}, field, field.x0, STEPS)
    theirs = torch_trajectory(name, kwargs, field, field.x0, STEPS, lr_at=sched)
    np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)


def test_defaults_are_torchs():
    """Every default of every class equals torch's (SGD's lr has no default here: it must be given)."""
    import inspect

    for name in ["SGD", "Adagrad", "RMSprop", "Adadelta", "Adam", "AdamW"]:
        ours = inspect.signature(getattr(opt, name)).parameters
        theirs = inspect.signature(getattr(torch.optim, name)).parameters
        for pname, param in ours.items():
            if pname in ("eps_in_sqrt",) or param.default is inspect.Parameter.empty:
                continue
            assert pname in theirs, (name, pname)
            assert param.default == theirs[pname].default, (name, pname)
