"""RMSProp: AdaGrad with a leaky average of squared gradients, optionally centered and with momentum."""

from __future__ import annotations

import numpy as np

from ._base import Optimizer, _nonzero, check_lr, check_range

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    r"""RMSProp (Tieleman and Hinton 2012), as in ``torch.optim.RMSprop``.

    Parameters
    ----------
    lr : float, array_like or callable, default 0.01
        Learning rate :math:`\eta`, or a schedule ``t -> lr``.
    alpha : float, default 0.99
        Smoothing constant :math:`\alpha \in [0, 1)` of the average of squared gradients (the
        :math:`\gamma` of many texts).
    eps : float, default 1e-8
        :math:`\epsilon \ge 0`, added for numerical stability.
    weight_decay : float, default 0.0
        L2 penalty :math:`\lambda \ge 0`.
    momentum : float, default 0.0
        Momentum factor :math:`\mu \in [0, 1)`.
    centered : bool, default False
        Divide by an estimate of the gradient's variance instead of its second moment (Graves 2013).
    eps_in_sqrt : bool, default False
        Put :math:`\epsilon` inside the square root (optax, and this book's source), rather than
        outside (PyTorch).
    maximize : bool, default False
        Ascend instead of descend.

    Raises
    ------
    ValueError
        For a negative learning rate, epsilon, weight_decay, or alpha or momentum outside :math:`[0, 1)`.

    Notes
    -----
    With :math:`g_t = \pm\nabla f(x_t) + \lambda x_t`:

    .. math::

        v_{t+1} &= \alpha v_t + (1-\alpha)\, g_t \odot g_t \\
        \bar g_{t+1} &= \alpha \bar g_t + (1-\alpha)\, g_t \quad\text{(centered only; else } \bar g = 0) \\
        d_t &= g_t \oslash \left(\sqrt{v_{t+1} - \bar g_{t+1}^2} + \epsilon\right) \\
        b_{t+1} &= \mu b_t + d_t, \quad x_{t+1} = x_t - \eta_t b_{t+1}
        \quad\text{(or } x_{t+1} = x_t - \eta_t d_t \text{ when } \mu = 0)

    PyTorch's defaults are :math:`\alpha = 0.99`, :math:`\epsilon = 10^{-8}` outside the root; optax's
    ``rmsprop`` uses decay 0.9 and :math:`\epsilon = 10^{-8}` inside the root.

    References
    ----------
    - Tieleman, T. and Hinton, G. Lecture 6.5, "rmsprop: divide the gradient by a running average of
      its recent magnitude", COURSERA: Neural Networks for Machine Learning, 2012.
    - Graves, A. "Generating sequences with recurrent neural networks", arXiv:1308.0850, 2013.

    Examples
    --------
    >>> import numpy as np, optimizers as opt
    >>> rms = opt.RMSprop(lr=0.01, alpha=0.9)
    >>> x1, state = rms.step(np.array([1.0]), np.array([2.0]), rms.init(np.zeros(1)))
    >>> state["square_avg"]   # (1 - 0.9) * 2**2
    array([0.4])
    """

    _hyper_names = ("lr", "alpha", "eps", "weight_decay", "momentum", "centered", "eps_in_sqrt", "maximize")

    def __init__(self, lr=0.01, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False,
                 eps_in_sqrt=False, maximize=False):
        self.lr = check_lr(lr)
        self.alpha = check_range("Invalid alpha value", alpha, low=0.0, high=1.0, high_open=True)
        self.eps = check_range("Invalid epsilon value", eps, low=0.0)
        self.weight_decay = check_range("Invalid weight_decay value", weight_decay, low=0.0)
        self.momentum = check_range("Invalid momentum value", momentum, low=0.0, high=1.0, high_open=True)
        self.centered = bool(centered)
        self.eps_in_sqrt = bool(eps_in_sqrt)
        self.maximize = bool(maximize)

    def _uses_momentum(self):
        return _nonzero(self.momentum)

    def _state_names(self):
        names = ("square_avg",)
        if self.centered:
            names += ("grad_avg",)
        if self._uses_momentum():
            names += ("momentum_buffer",)
        return names

    def _update(self, x, g, state, lr, t):
        if self.maximize:
            g = -g
        if _nonzero(self.weight_decay):
            g = g + self.weight_decay * x
        new = {}
        v = np.multiply(g, g)                               # v = alpha * v + (1 - alpha) * g^2
        v *= 1.0 - self.alpha
        out = np.multiply(state["square_avg"], self.alpha)  # a scratch array, returned as x_new at the end
        v += out
        new["square_avg"] = v
        if self.centered:                                   # gbar = gbar + (1 - alpha) * (g - gbar)
            gbar = np.subtract(g, state["grad_avg"])
            gbar *= 1.0 - self.alpha
            gbar += state["grad_avg"]
            new["grad_avg"] = gbar
            np.multiply(gbar, gbar, out=out)
            np.subtract(v, out, out=out)                    # the variance v - gbar^2
        variance = out if self.centered else v
        if self.eps_in_sqrt:                                # denominator sqrt(v + eps) or sqrt(v) + eps
            np.add(variance, self.eps, out=out)
            np.sqrt(out, out=out)
        else:
            np.sqrt(variance, out=out)
            out += self.eps
        np.divide(g, out, out=out)                          # d = g / denominator
        if self._uses_momentum():                           # b = momentum * b + d
            buf = np.multiply(state["momentum_buffer"], self.momentum)
            buf += out
            new["momentum_buffer"] = buf
            np.multiply(buf, lr, out=out)
        else:
            out *= lr
        return np.subtract(x, out, out=out), new
