"""Stochastic gradient descent, with momentum, dampening, Nesterov momentum and weight decay."""

from __future__ import annotations

import numpy as np

from ._base import Optimizer, _nonzero, check_lr, check_range

__all__ = ["SGD"]


class SGD(Optimizer):
    r"""Gradient descent, optionally with (Nesterov) momentum, as in ``torch.optim.SGD``.

    Parameters
    ----------
    lr : float, array_like or callable
        Learning rate :math:`\eta` (required). A callable is a schedule ``t -> lr``, called with the number
        of steps already taken; an array broadcasts against ``x`` (one rate per row of a batch, say).
    momentum : float or array_like, default 0.0
        Momentum factor :math:`\mu`, in :math:`[0, 1)`.
    dampening : float, default 0.0
        Dampening :math:`\tau` of the momentum, in :math:`[0, 1]`.
    nesterov : bool, default False
        Use Nesterov's accelerated gradient (needs ``momentum > 0`` and ``dampening == 0``).
    weight_decay : float, default 0.0
        L2 penalty :math:`\lambda \ge 0`, added to the gradient as :math:`\lambda x`.
    maximize : bool, default False
        Ascend instead of descend.

    Raises
    ------
    ValueError
        For a negative learning rate, momentum outside :math:`[0, 1)`, dampening outside :math:`[0, 1]`,
        a negative weight decay, or Nesterov momentum without momentum or with dampening.

    Notes
    -----
    With :math:`g_t = \pm\nabla f(x_t) + \lambda x_t` (minus when maximizing):

    .. math::

        b_t &= \begin{cases} g_t & t = 0 \\ \mu b_{t-1} + (1-\tau) g_t & t > 0 \end{cases} \\
        d_t &= \begin{cases} g_t + \mu b_t & \text{nesterov} \\ b_t & \text{otherwise} \end{cases}
              \qquad (d_t = g_t \text{ when } \mu = 0) \\
        x_{t+1} &= x_t - \eta_t d_t

    The buffer starts as the first gradient, undamped, exactly as in PyTorch. This "PyTorch form" of
    momentum puts :math:`\eta` outside the buffer; the Polyak form :math:`v_t = \mu v_{t-1} + \eta g_t`
    used by Sutskever et al. (2013) and in many books is the same when :math:`\eta` is constant and
    differs when it changes. optax's ``sgd(momentum=...)`` (``optax.trace``) uses the PyTorch form too:
    its trace starts at zero and is updated as :math:`b_t = g_t + \mu b_{t-1}`, so its first buffer is
    :math:`g_0` as here and the iterates are identical (without dampening, which optax does not have).

    References
    ----------
    - Robbins, H. and Monro, S. "A stochastic approximation method", 1951.
    - Polyak, B. T. "Some methods of speeding up the convergence of iteration methods", 1964.
    - Nesterov, Y. "A method for solving the convex programming problem with convergence rate
      O(1/k^2)", 1983.

    Examples
    --------
    Ten steps of gradient descent on :math:`f(x) = x^2` from :math:`x_0 = 10`:

    >>> import optimizers as opt
    >>> sgd = opt.SGD(lr=0.2)
    >>> x, state = 10.0, sgd.init(10.0)
    >>> for _ in range(10):
    ...     x, state = sgd.step(x, 2 * x, state)
    >>> print(f"{float(x):f}")
    0.060466
    >>> sgd
    SGD(lr=0.2, momentum=0.0, dampening=0.0, nesterov=False, weight_decay=0.0, maximize=False)
    """

    _hyper_names = ("lr", "momentum", "dampening", "nesterov", "weight_decay", "maximize")

    def __init__(self, lr, momentum=0.0, dampening=0.0, nesterov=False, weight_decay=0.0, maximize=False):
        self.lr = check_lr(lr)
        self.momentum = check_range("Invalid momentum value", momentum, low=0.0, high=1.0, high_open=True)
        self.dampening = check_range("Invalid dampening value", dampening, low=0.0, high=1.0)
        self.weight_decay = check_range("Invalid weight_decay value", weight_decay, low=0.0)
        self.nesterov = bool(nesterov)
        self.maximize = bool(maximize)
        if self.nesterov and (np.any(np.asarray(self.momentum) <= 0) or np.any(np.asarray(self.dampening) != 0)):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")

    def _uses_momentum(self) -> bool:
        return _nonzero(self.momentum)

    def _state_names(self):
        return ("momentum_buffer",) if self._uses_momentum() else ()

    def _update(self, x, g, state, lr, t):
        if self.maximize:
            g = -g
        if _nonzero(self.weight_decay):
            g = g + self.weight_decay * x
        new_state = {}
        if self._uses_momentum():
            if t == 0:
                buf = g.copy()
            else:  # buf = momentum * buf + (1 - dampening) * g, written into one new array
                buf = np.multiply(state["momentum_buffer"], self.momentum)
                buf += (1.0 - self.dampening) * g if _nonzero(self.dampening) else g
            new_state["momentum_buffer"] = buf
            g = g + self.momentum * buf if self.nesterov else buf
        x_new = np.multiply(g, lr)                        # lr * g ...
        return np.subtract(x, x_new, out=x_new), new_state  # ... then x - lr * g, in the same new array
