"""AdaGrad: per-coordinate learning rates from the sum of squared gradients."""

from __future__ import annotations

import numpy as np

from ._base import Optimizer, _nonzero, check_lr, check_range

__all__ = ["Adagrad"]


class Adagrad(Optimizer):
    r"""AdaGrad (Duchi, Hazan and Singer 2011), as in ``torch.optim.Adagrad``.

    Parameters
    ----------
    lr : float, array_like or callable, default 0.01
        Learning rate :math:`\eta`, or a schedule ``t -> lr``.
    lr_decay : float, default 0.0
        Learning-rate decay :math:`\delta \ge 0`: step :math:`t` uses :math:`\eta / (1 + t\delta)`.
    weight_decay : float, default 0.0
        L2 penalty :math:`\lambda \ge 0`.
    initial_accumulator_value : float, default 0.0
        Starting value :math:`s_0 \ge 0` of the sum of squares.
    eps : float, default 1e-10
        :math:`\epsilon \ge 0`, added for numerical stability.
    eps_in_sqrt : bool, default False
        Put :math:`\epsilon` inside the square root, :math:`g/\sqrt{s+\epsilon}` (optax, and the
        d2l-style code this book grew from), rather than :math:`g/(\sqrt{s}+\epsilon)` (PyTorch).
    maximize : bool, default False
        Ascend instead of descend.

    Raises
    ------
    ValueError
        For a negative learning rate, lr_decay, weight_decay, initial accumulator value or epsilon.

    Notes
    -----
    With :math:`g_t = \pm\nabla f(x_t) + \lambda x_t` and :math:`t` the number of steps already taken:

    .. math::

        \tilde\eta_t &= \eta_t / (1 + t\,\delta) \\
        s_{t+1} &= s_t + g_t \odot g_t \\
        x_{t+1} &= x_t - \tilde\eta_t\, g_t \oslash (\sqrt{s_{t+1}} + \epsilon)

    PyTorch adds :math:`\epsilon` outside the square root with default :math:`10^{-10}`; optax's
    ``adagrad`` adds it inside, with default :math:`10^{-7}`, and starts the accumulator at 0.1. Inside
    the root, :math:`\epsilon` caps the first step of a coordinate with a tiny gradient at
    :math:`\eta |g|/\sqrt{\epsilon}`; outside, the first step is :math:`\eta\,\mathrm{sign}(g)` whatever
    the size of :math:`g`.

    References
    ----------
    - Duchi, J., Hazan, E. and Singer, Y. "Adaptive subgradient methods for online learning and
      stochastic optimization", JMLR 12, 2011.

    Examples
    --------
    The first AdaGrad step moves every coordinate by about ``lr``, whatever the gradient's scale:

    >>> import numpy as np, optimizers as opt
    >>> ada = opt.Adagrad(lr=0.5)
    >>> x1, state = ada.step(np.array([1.0, 1.0]), np.array([100.0, 0.01]), ada.init(np.zeros(2)))
    >>> x1
    array([0.5, 0.5])
    """

    _hyper_names = ("lr", "lr_decay", "weight_decay", "initial_accumulator_value", "eps", "eps_in_sqrt", "maximize")

    def __init__(self, lr=0.01, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0, eps=1e-10,
                 eps_in_sqrt=False, maximize=False):
        self.lr = check_lr(lr)
        self.lr_decay = check_range("Invalid lr_decay value", lr_decay, low=0.0)
        self.weight_decay = check_range("Invalid weight_decay value", weight_decay, low=0.0)
        self.initial_accumulator_value = check_range(
            "Invalid initial_accumulator_value value", initial_accumulator_value, low=0.0)
        self.eps = check_range("Invalid epsilon value", eps, low=0.0)
        self.eps_in_sqrt = bool(eps_in_sqrt)
        self.maximize = bool(maximize)

    def _state_names(self):
        return ("sum",)

    def _initial_value(self, name):
        return self.initial_accumulator_value

    def _update(self, x, g, state, lr, t):
        if self.maximize:
            g = -g
        if _nonzero(self.weight_decay):
            g = g + self.weight_decay * x
        clr = lr / (1.0 + t * self.lr_decay)
        s = np.multiply(g, g)
        s += state["sum"]
        if self.eps_in_sqrt:             # out = sqrt(s + eps)
            out = np.add(s, self.eps)
            np.sqrt(out, out=out)
        else:                            # out = sqrt(s) + eps
            out = np.sqrt(s)
            out += self.eps
        np.divide(g, out, out=out)       # g / denominator
        out *= clr
        return np.subtract(x, out, out=out), {"sum": s}
