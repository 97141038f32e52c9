"""Adam and AdamW: momentum on the gradient and on its square, with bias correction."""

from __future__ import annotations

import math

import numpy as np

from ._base import Optimizer, _fmt, _nonzero, check_lr, check_range

__all__ = ["Adam", "AdamW"]


class Adam(Optimizer):
    r"""Adam (Kingma and Ba 2015), with AMSGrad (Reddi et al. 2018), as in ``torch.optim.Adam``.

    Parameters
    ----------
    lr : float, array_like or callable, default 0.001
        Learning rate :math:`\eta`, or a schedule ``t -> lr``.
    betas : tuple of two floats, default (0.9, 0.999)
        Decays :math:`(\beta_1, \beta_2)`, each in :math:`[0, 1)`, of the first and second moments.
    eps : float, default 1e-8
        :math:`\epsilon \ge 0`, added to the denominator (outside the square root).
    weight_decay : float, default 0.0
        L2 penalty :math:`\lambda \ge 0`, added to the gradient (for decoupled decay use :class:`AdamW`).
    amsgrad : bool, default False
        Divide by the running maximum of the second moment (AMSGrad).
    maximize : bool, default False
        Ascend instead of descend.

    Raises
    ------
    ValueError
        For a negative learning rate, epsilon or weight_decay, or a beta outside :math:`[0, 1)`.

    Notes
    -----
    With :math:`g_t = \pm\nabla f(x_t) + \lambda x_t` and :math:`k = t + 1` the number of this step:

    .. math::

        m_{t+1} &= \beta_1 m_t + (1-\beta_1)\, g_t \\
        v_{t+1} &= \beta_2 v_t + (1-\beta_2)\, g_t \odot g_t \\
        \hat v_{t+1} &= \max(\hat v_t, v_{t+1}) \quad\text{(AMSGrad; otherwise } \hat v_{t+1} = v_{t+1}) \\
        x_{t+1} &= x_t - \frac{\eta_t}{1-\beta_1^k}\; m_{t+1} \oslash
                   \left(\frac{\sqrt{\hat v_{t+1}}}{\sqrt{1-\beta_2^k}} + \epsilon\right)

    This is PyTorch's arrangement. The paper writes :math:`\hat m/(\sqrt{\hat v}+\epsilon)` with both
    moments bias-corrected first, which is the same; optax's ``adam`` is the same too, but its
    ``amsgrad`` keeps the maximum of the *bias-corrected* :math:`\hat v`, whereas PyTorch (and this
    package) keep the maximum of the raw :math:`v` and correct afterwards.

    References
    ----------
    - Kingma, D. P. and Ba, J. "Adam: a method for stochastic optimization", ICLR 2015.
    - Reddi, S. J., Kale, S. and Kumar, S. "On the convergence of Adam and beyond", ICLR 2018.

    Examples
    --------
    Bias correction makes the first step :math:`\eta\,\mathrm{sign}(g)` (up to :math:`\epsilon`):

    >>> import numpy as np, optimizers as opt
    >>> adam = opt.Adam(lr=0.1)
    >>> x1, state = adam.step(np.array([1.0, 1.0]), np.array([3.0, -0.5]), adam.init(np.zeros(2)))
    >>> x1.round(6)
    array([0.9, 1.1])
    >>> state["step"]
    1
    """

    _hyper_names = ("lr", "betas", "eps", "weight_decay", "amsgrad", "maximize")
    _decoupled = False

    def __init__(self, lr=0.001, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False, maximize=False):
        self.lr = check_lr(lr)
        try:
            b1, b2 = betas
        except (TypeError, ValueError):
            raise ValueError(f"Invalid betas: {betas!r} (need two values)") from None
        self.betas = (
            check_range("Invalid beta parameter at index 0", b1, low=0.0, high=1.0, high_open=True),
            check_range("Invalid beta parameter at index 1", b2, low=0.0, high=1.0, high_open=True),
        )
        self.eps = check_range("Invalid epsilon value", eps, low=0.0)
        self.weight_decay = check_range("Invalid weight_decay value", weight_decay, low=0.0)
        self.amsgrad = bool(amsgrad)
        self.maximize = bool(maximize)

    def __repr__(self):
        text = super().__repr__()
        return text.replace(f"betas={self.betas}", f"betas=({_fmt(self.betas[0])}, {_fmt(self.betas[1])})")

    def _state_names(self):
        return ("exp_avg", "exp_avg_sq", "max_exp_avg_sq") if self.amsgrad else ("exp_avg", "exp_avg_sq")

    def _update(self, x, g, state, lr, t):
        if self.maximize:
            g = -g
        if _nonzero(self.weight_decay):
            if self._decoupled:
                x = x * (1.0 - lr * self.weight_decay)
            else:
                g = g + self.weight_decay * x
        b1, b2 = self.betas
        k = t + 1
        m = np.subtract(g, state["exp_avg"])           # m = m + (1 - b1) * (g - m), as torch's lerp
        m *= 1.0 - b1
        m += state["exp_avg"]
        v = np.multiply(g, g)                          # v = b2 * v + (1 - b2) * g^2
        v *= 1.0 - b2
        out = np.multiply(state["exp_avg_sq"], b2)     # a scratch array, returned as x_new at the end
        v += out
        new = {"exp_avg": m, "exp_avg_sq": v}
        if self.amsgrad:
            v = np.maximum(state["max_exp_avg_sq"], v)
            new["max_exp_avg_sq"] = v
        bias1 = 1.0 - b1**k
        bias2_sqrt = math.sqrt(1.0 - b2**k)
        np.sqrt(v, out=out)                            # denominator sqrt(v) / sqrt(bias2) + eps
        out /= bias2_sqrt
        out += self.eps
        np.divide(m, out, out=out)
        out *= lr / bias1
        return np.subtract(x, out, out=out), new


class AdamW(Adam):
    r"""AdamW (Loshchilov and Hutter 2019): Adam with decoupled weight decay, as in ``torch.optim.AdamW``.

    Parameters
    ----------
    lr, betas, eps, amsgrad, maximize
        As in :class:`Adam`.
    weight_decay : float, default 0.01
        Decoupled decay :math:`\lambda \ge 0`: each step first shrinks :math:`x` by the factor
        :math:`1 - \eta_t\lambda`, then takes an Adam step on the bare gradient.

    Notes
    -----
    .. math::

        x_t' = (1 - \eta_t\lambda)\, x_t, \qquad x_{t+1} = x_t' - \text{(the Adam step with } \lambda = 0)

    With :class:`Adam`, the penalty :math:`\lambda x` enters the gradient and is then divided by
    :math:`\sqrt{\hat v}` like everything else, so coordinates with large gradients are barely decayed;
    here every coordinate decays at the same rate. PyTorch multiplies the decay by the learning rate;
    optax's ``adamw`` does too (the decay is added to the update before scaling by ``-learning_rate``),
    but the paper's :math:`\lambda` is scaled by the schedule multiplier only, not by :math:`\eta`.

    References
    ----------
    - Loshchilov, I. and Hutter, F. "Decoupled weight decay regularization", ICLR 2019.

    Examples
    --------
    With a zero gradient the point only decays:

    >>> import numpy as np, optimizers as opt
    >>> adamw = opt.AdamW(lr=0.1, weight_decay=0.5)
    >>> x1, _ = adamw.step(np.array([2.0]), np.array([0.0]), adamw.init(np.zeros(1)))
    >>> x1   # 2 * (1 - 0.1 * 0.5)
    array([1.9])
    """

    _decoupled = True

    def __init__(self, lr=0.001, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01, amsgrad=False, maximize=False):
        super().__init__(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad, maximize=maximize)
