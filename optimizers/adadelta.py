"""Adadelta: RMSProp with the units fixed by a second leaky average, so it needs no learning rate."""

from __future__ import annotations

import numpy as np

from ._base import Optimizer, _nonzero, check_lr, check_range

__all__ = ["Adadelta"]


class Adadelta(Optimizer):
    r"""Adadelta (Zeiler 2012), as in ``torch.optim.Adadelta``.

    Parameters
    ----------
    lr : float, array_like or callable, default 1.0
        A factor :math:`\eta` on the update; Zeiler's method has none, which is ``lr=1.0``.
    rho : float, default 0.9
        Decay :math:`\rho \in [0, 1)` of both leaky averages.
    eps : float, default 1e-6
        :math:`\epsilon \ge 0`, inside both square roots. It also sets the size of the very first steps,
        about :math:`\sqrt{\epsilon}/\sqrt{1-\rho}` per coordinate.
    weight_decay : float, default 0.0
        L2 penalty :math:`\lambda \ge 0`.
    maximize : bool, default False
        Ascend instead of descend.

    Raises
    ------
    ValueError
        For a negative learning rate, epsilon or weight_decay, or rho outside :math:`[0, 1)`.

    Notes
    -----
    With :math:`g_t = \pm\nabla f(x_t) + \lambda x_t`:

    .. math::

        v_{t+1} &= \rho v_t + (1-\rho)\, g_t \odot g_t \\
        \Delta_t &= \frac{\sqrt{u_t + \epsilon}}{\sqrt{v_{t+1} + \epsilon}} \odot g_t \\
        u_{t+1} &= \rho u_t + (1-\rho)\, \Delta_t \odot \Delta_t \\
        x_{t+1} &= x_t - \eta_t \Delta_t

    The ratio of two root-mean-squares carries the units of :math:`x`, which is Zeiler's argument for
    dropping the learning rate. optax's ``adadelta`` takes the same rule with ``learning_rate`` as the
    factor.

    References
    ----------
    - Zeiler, M. D. "ADADELTA: an adaptive learning rate method", arXiv:1212.5701, 2012.

    Examples
    --------
    >>> import numpy as np, optimizers as opt
    >>> delta = opt.Adadelta(rho=0.9, eps=1e-6)
    >>> x1, state = delta.step(np.array([0.0]), np.array([1.0]), delta.init(np.zeros(1)))
    >>> bool(np.isclose(x1[0], -np.sqrt(1e-6) / np.sqrt(0.1 + 1e-6)))
    True
    """

    _hyper_names = ("lr", "rho", "eps", "weight_decay", "maximize")

    def __init__(self, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0.0, maximize=False):
        self.lr = check_lr(lr)
        self.rho = check_range("Invalid rho value", rho, low=0.0, high=1.0, high_open=True)
        self.eps = check_range("Invalid epsilon value", eps, low=0.0)
        self.weight_decay = check_range("Invalid weight_decay value", weight_decay, low=0.0)
        self.maximize = bool(maximize)

    def _state_names(self):
        return ("square_avg", "acc_delta")

    def _update(self, x, g, state, lr, t):
        if self.maximize:
            g = -g
        if _nonzero(self.weight_decay):
            g = g + self.weight_decay * x
        rho, eps = self.rho, self.eps
        v = np.multiply(g, g)                          # v = rho * v + (1 - rho) * g^2
        v *= 1.0 - rho
        out = np.multiply(state["square_avg"], rho)    # a scratch array, returned as x_new at the end
        v += out
        delta = np.add(state["acc_delta"], eps)        # delta = sqrt(u + eps) / sqrt(v + eps) * g
        np.sqrt(delta, out=delta)
        np.add(v, eps, out=out)
        np.sqrt(out, out=out)
        delta /= out
        delta *= g
        u = np.multiply(delta, delta)                  # u = rho * u + (1 - rho) * delta^2
        u *= 1.0 - rho
        np.multiply(state["acc_delta"], rho, out=out)
        u += out
        np.multiply(delta, lr, out=out)
        return np.subtract(x, out, out=out), {"square_avg": v, "acc_delta": u}
