"""The table every optimizer test runs over: one spec per optimizer configuration.

Each :class:`Spec` names a configuration of one optimizer (every option of the contract appears in at least
one spec) and carries what the property tests need to know about it: a tuned configuration that converges on a
parabola and on Rosenbrock's function, and whether the method keeps a velocity (so that a zero gradient still
moves ``x`` once the velocity is non-zero).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
from hypothesis import settings

import optimizers as opt

#: for the property tests of the optimizer modules: many small ones, so few examples each and no deadline
#: (the machine is shared; a slow example is not a failure)
PROPERTY = settings(max_examples=25, deadline=None)


@dataclass(frozen=True)
class Convergence:
    """A tuned run: ``overrides`` of the spec's arguments, ``steps`` steps, final max-abs error below ``tol``.

    ``cosine`` decays the learning rate to zero over the run (``schedules.cosine``): methods whose steps keep
    a size of about ``lr`` near the minimum (RMSProp, Adadelta) need it to settle.
    """

    overrides: dict
    steps: int
    tol: float
    cosine: bool = False

    def optimizer(self, spec: "Spec") -> opt.Optimizer:
        kwargs = dict(self.overrides)
        if self.cosine:
            kwargs["lr"] = opt.schedules.cosine(kwargs.get("lr", spec.kwargs.get("lr", 1.0)), self.steps)
        return spec.make(**kwargs)


@dataclass(frozen=True)
class Spec:
    id: str
    cls: type
    kwargs: dict
    parabola: Convergence
    rosenbrock: Convergence
    has_velocity: bool = False  # keeps a momentum buffer or first moment

    def make(self, **overrides: Any) -> opt.Optimizer:
        return self.cls(**{**self.kwargs, **overrides})

    @property
    def maximize(self) -> bool:
        return self.make().maximize

    @property
    def decays(self) -> bool:
        """Whether the configuration has weight decay (then a zero gradient still moves ``x``)."""
        return self.make().weight_decay != 0

    def __repr__(self) -> str:
        return self.id


C = Convergence
NO_DECAY = {"weight_decay": 0.0}  # weight decay moves Rosenbrock's minimum away from (1, 1)

SPECS = [
    Spec("sgd", opt.SGD, dict(lr=0.1), C(dict(lr=0.2), 500, 1e-6), C(dict(lr=2e-3), 5000, 2e-2)),
    Spec("sgd-momentum", opt.SGD, dict(lr=0.1, momentum=0.9), C(dict(lr=0.2), 500, 1e-8),
         C(dict(lr=2e-3), 3000, 1e-8), has_velocity=True),
    Spec("sgd-dampening", opt.SGD, dict(lr=0.1, momentum=0.9, dampening=0.5), C(dict(lr=0.2), 500, 1e-8),
         C(dict(lr=2e-3), 5000, 1e-6), has_velocity=True),
    Spec("sgd-nesterov", opt.SGD, dict(lr=0.1, momentum=0.9, nesterov=True), C(dict(lr=0.2), 300, 1e-8),
         C(dict(lr=1e-3), 5000, 1e-6), has_velocity=True),
    Spec("sgd-weight-decay", opt.SGD, dict(lr=0.1, weight_decay=0.1), C(dict(lr=0.2), 500, 1e-8),
         C(dict(lr=2e-3, **NO_DECAY), 5000, 2e-2)),
    Spec("sgd-maximize", opt.SGD, dict(lr=0.1, momentum=0.5, maximize=True), C(dict(lr=0.2), 500, 1e-8),
         C(dict(lr=2e-3), 5000, 1e-3), has_velocity=True),
    Spec("adagrad", opt.Adagrad, dict(lr=0.5), C(dict(lr=2.0), 500, 1e-8), C(dict(lr=1.0), 5000, 5e-2)),
    Spec("adagrad-options", opt.Adagrad, dict(lr=0.5, lr_decay=0.01, initial_accumulator_value=0.1, weight_decay=0.01),
         C(dict(lr=2.0), 500, 1e-8), C(dict(lr=1.0, lr_decay=1e-4, **NO_DECAY), 5000, 0.3)),
    Spec("adagrad-eps-in-sqrt", opt.Adagrad, dict(lr=0.5, eps=1e-6, eps_in_sqrt=True), C(dict(lr=2.0), 500, 1e-8),
         C(dict(lr=1.0), 5000, 5e-2)),
    Spec("rmsprop", opt.RMSprop, dict(lr=0.01), C(dict(lr=0.05), 500, 1e-8),
         C(dict(lr=0.01), 5000, 1e-2, cosine=True)),
    Spec("rmsprop-centered", opt.RMSprop, dict(lr=0.01, alpha=0.9, centered=True, weight_decay=0.01),
         C(dict(lr=0.05), 500, 1e-8, cosine=True), C(dict(lr=2e-3, **NO_DECAY), 5000, 1e-2, cosine=True)),
    Spec("rmsprop-momentum", opt.RMSprop, dict(lr=0.01, momentum=0.9), C(dict(lr=0.01), 500, 1e-8),
         C(dict(lr=1e-3), 5000, 1e-3), has_velocity=True),
    Spec("rmsprop-eps-in-sqrt", opt.RMSprop, dict(lr=0.01, alpha=0.9, eps=1e-6, eps_in_sqrt=True),
         C(dict(lr=0.05), 500, 1e-8, cosine=True), C(dict(lr=0.01), 5000, 1e-2, cosine=True)),
    Spec("adadelta", opt.Adadelta, dict(), C(dict(lr=10.0), 500, 1e-8, cosine=True),
         C(dict(lr=1.0), 5000, 3e-2, cosine=True)),
    Spec("adadelta-options", opt.Adadelta, dict(lr=0.5, rho=0.8, eps=1e-5, weight_decay=0.01, maximize=True),
         C(dict(lr=10.0), 500, 1e-2, cosine=True),
         C(dict(lr=1.0, **NO_DECAY), 5000, 0.1, cosine=True)),
    Spec("adam", opt.Adam, dict(lr=0.01), C(dict(lr=0.1), 500, 1e-8), C(dict(lr=0.02), 5000, 1e-8),
         has_velocity=True),
    Spec("adam-amsgrad", opt.Adam, dict(lr=0.01, amsgrad=True), C(dict(lr=0.1), 500, 1e-8),
         C(dict(lr=0.2), 5000, 1e-8), has_velocity=True),
    Spec("adam-weight-decay", opt.Adam, dict(lr=0.01, weight_decay=0.1, maximize=True),
         C(dict(lr=0.1), 500, 1e-8), C(dict(lr=0.02, **NO_DECAY), 5000, 1e-8),
         has_velocity=True),
    Spec("adamw", opt.AdamW, dict(lr=0.01), C(dict(lr=0.1), 500, 1e-8), C(dict(lr=0.02, **NO_DECAY), 5000, 1e-8),
         has_velocity=True),
    Spec("adamw-amsgrad", opt.AdamW, dict(lr=0.01, weight_decay=0.1, amsgrad=True), C(dict(lr=0.1), 500, 1e-8),
         C(dict(lr=0.2, **NO_DECAY), 5000, 1e-8), has_velocity=True),
]

SPEC_IDS = [s.id for s in SPECS]


def pytest_generate_tests(metafunc):
    """A test of ``test_optimizers.py`` with a ``spec`` argument runs once per row of the table."""
    if "spec" in metafunc.fixturenames and metafunc.module.__name__.endswith("test_optimizers"):
        metafunc.parametrize("spec", SPECS, ids=SPEC_IDS)


@pytest.fixture(scope="session")
def digits():
    """scikit-learn's bundled digits, split and standardized (loaded once for the whole run)."""
    return opt.data.load_digits()


@pytest.fixture(scope="session")
def diabetes():
    """scikit-learn's bundled diabetes data, split and standardized."""
    return opt.data.load_diabetes()


@pytest.fixture
def rng():
    return np.random.default_rng(20240601)


def copy_state(state: dict) -> dict:
    """A deep copy of an optimizer state (arrays copied, numbers kept)."""
    return {k: np.array(v, copy=True) if isinstance(v, np.ndarray) else v for k, v in state.items()}


def assert_state_equal(a: dict, b: dict) -> None:
    """Two states hold the same keys and bit-identical values."""
    assert a.keys() == b.keys()
    for k in a:
        np.testing.assert_array_equal(np.asarray(a[k]), np.asarray(b[k]), err_msg=k)
