"""Every number the source document prints comes out of the public API, to all six printed decimals.

The source prints results with ``f"{x:f}"``. Its 2-D examples print ``x1`` twice (its ``x2`` column repeats
``x1``, a bug); the true ``x2`` is worked out here independently, with plain Python floats and the document's
update rules, and checked too. Its stochastic examples (SGD with noise from NumPy's global generator, never
seeded) cannot be reproduced and are not checked.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import optimizers as opt
from optimizers import objectives


def printed(x) -> str:
    return f"{float(x):f}"


@pytest.mark.parametrize("lr, expected", [(0.2, "0.060466"), (0.05, "3.486784"), (0.9, "1.073742")])
def test_gradient_descent_on_x_squared(lr, expected):
    traj = opt.run(objectives.Square(), 10.0, opt.SGD(lr=lr), steps=10)
    assert printed(traj.x) == expected
    assert math.isclose(traj.x, 10.0 * (1 - 2 * lr) ** 10, rel_tol=1e-12)   # x_t = (1 - 2 lr)^t x_0


def test_gradient_descent_on_x_cos_cx_stops_in_a_local_minimum():
    traj = opt.run(objectives.XCos(c=0.15 * np.pi), 10.0, opt.SGD(lr=2.0), steps=10)
    assert printed(traj.x) == "-1.528166"


def test_gradient_descent_on_elliptic_bowl():
    traj = opt.run(objectives.elliptic(), [-5.0, -2.0], opt.SGD(lr=0.1), steps=20)
    assert printed(traj.x[0]) == "-0.057646"
    # x2 by hand: each step multiplies it by 1 - 0.1 * 4 = 0.6 (and x1 by 1 - 0.1 * 2 = 0.8)
    assert printed(traj.x[1]) == "-0.000073"
    np.testing.assert_allclose(traj.x, [-5.0 * 0.8**20, -2.0 * 0.6**20], rtol=1e-12)


def _seed_rule(eta, gamma=None, steps=20):
    """The document's AdaGrad (gamma None) or RMSProp on 0.1 x1^2 + 2 x2^2 from (-5, -2), eps = 1e-6 in the root,
    written again with Python floats and both coordinates updated (the document's code, without its bug)."""
    x, s = [-5.0, -2.0], [0.0, 0.0]
    for _ in range(steps):
        g = [0.2 * x[0], 4.0 * x[1]]
        for i in range(2):
            s[i] = s[i] + g[i] ** 2 if gamma is None else gamma * s[i] + (1 - gamma) * g[i] ** 2
            x[i] -= eta / math.sqrt(s[i] + 1e-6) * g[i]
    return x


CASES = [  # optimizer, printed x1, the x2 the document should have printed
    (opt.Adagrad(lr=0.4, eps=1e-6, eps_in_sqrt=True), (0.4, None), "-2.382563", "-0.158591"),
    (opt.Adagrad(lr=2.0, eps=1e-6, eps_in_sqrt=True), (2.0, None), "-0.002295", "-0.000000"),
    (opt.RMSprop(lr=0.4, alpha=0.9, eps=1e-6, eps_in_sqrt=True), (0.4, 0.9), "-0.010599", "0.000000"),
]


@pytest.mark.parametrize("optimizer, rule, x1, x2", CASES, ids=["adagrad-0.4", "adagrad-2", "rmsprop-0.4"])
def test_adaptive_methods_on_ill_conditioned_bowl(optimizer, rule, x1, x2):
    traj = opt.run(objectives.ill_conditioned(), [-5.0, -2.0], optimizer, steps=20)
    assert printed(traj.x[0]) == x1
    assert printed(traj.x[1]) == x2
    np.testing.assert_allclose(traj.x, _seed_rule(*rule), rtol=1e-12, atol=1e-15)

