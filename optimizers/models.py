r"""Small differentiable models whose parameters are one flat vector: what the optimizers train.

Each model keeps its parameters in ONE flat float vector ``w`` of shape ``(n_params,)``, so any optimizer of
this package applies to it unchanged. ``loss_and_grad(w, X, y)`` returns the mean loss over the rows of ``X``
and its gradient, vectorized over the minibatch. Every method also accepts a STACK of parameter vectors,
``w`` of shape ``(..., n_params)`` (say ``k`` seeds or ``k`` learning rates trained side by side), and
then returns one loss per vector, shape ``(...)``, and gradients of the shape of ``w``.

* :class:`LinearRegression`: :math:`\hat y = x^\top v + c`, loss :math:`\frac{1}{2n}\sum_i (\hat y_i - y_i)^2`.
* :class:`SoftmaxRegression`: logits :math:`z = W x + b`, loss the mean cross-entropy
  :math:`\frac1n \sum_i \big(\log\sum_k e^{z_{ik}} - z_{i y_i}\big)`, computed with a stable log-sum-exp.
* :class:`MLP`: fully connected layers with ``tanh`` or ``relu`` between them and a softmax cross-entropy
  (or, with ``output="linear"``, a squared-error) output.

Layout of ``w``: layer by layer, each layer's weight matrix of shape ``(n_out, n_in)`` row by row, then its
bias ``(n_out,)``. :meth:`Model.unflatten` returns the pieces.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

__all__ = ["Model", "LinearRegression", "SoftmaxRegression", "MLP", "ModelObjective"]


def _check_size(name: str, value: Any, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"Invalid {name}: {value!r} (need an integer >= {minimum})")
    return int(value)


def _log_softmax(z: np.ndarray) -> np.ndarray:
    """``z - logsumexp(z)`` along the last axis, without overflow."""
    zmax = np.max(z, axis=-1, keepdims=True)
    shifted = z - zmax
    return shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))


def _affine(h: np.ndarray, W: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``h W^T + b`` for a stack of ``k`` layers: ``h`` is ``(n, i)`` (shared input) or ``(k, n, i)``.

    With a shared 2-D input the ``k`` products are ONE matrix product (a single BLAS call); broadcasting
    ``np.matmul`` over a stride-0 axis can fall back to a much slower loop.
    """
    k, o, i = W.shape
    if h.ndim == 2:
        z = (h @ W.reshape(k * o, i).T).reshape(h.shape[0], k, o).transpose(1, 0, 2)
    else:
        z = np.matmul(h, W.transpose(0, 2, 1))
    return z + b[:, None, :]


def _weight_grad(delta: np.ndarray, h: np.ndarray) -> np.ndarray:
    """``delta^T h`` per stacked model: ``delta`` is ``(k, n, o)``, ``h`` is ``(n, i)`` or ``(k, n, i)``."""
    k, n, o = delta.shape
    if h.ndim == 2:
        return (delta.transpose(0, 2, 1).reshape(k * o, n) @ h).reshape(k, o, h.shape[1])
    return np.matmul(delta.transpose(0, 2, 1), h)


class Model:
    """Base class: flat parameter vectors, input checks, batching over stacks of parameter vectors.

    Subclasses define ``layer_sizes`` (``[n_in, ..., n_out]``), ``task`` and, with hidden layers, the activation
    (``_activate``, ``_activate_grad``); forward and backward passes work on a stack of ``k`` parameter sets
    (layer ``l`` has weights of shape ``(k, n_out, n_in)``).
    """

    task: str = ""
    layer_sizes: list[int]

    # -- parameter layout ---------------------------------------------------------------------------------
    @property
    def n_features(self) -> int:
        """Number of input features."""
        return self.layer_sizes[0]

    @property
    def n_params(self) -> int:
        """Length of the flat parameter vector."""
        return sum((i + 1) * o for i, o in zip(self.layer_sizes[:-1], self.layer_sizes[1:]))

    def unflatten(self, w) -> list[tuple[np.ndarray, np.ndarray]]:
        """The ``(W, b)`` pair of each layer, as views of ``w``.

        ``W`` has shape ``(..., n_out, n_in)`` and ``b`` shape ``(..., n_out)``.

        Examples
        --------
        >>> m = SoftmaxRegression(3, 2)
        >>> [(W.shape, b.shape) for W, b in m.unflatten(m.init(0))]
        [((2, 3), (2,))]
        """
        w = self._check_w(w)
        lead = w.shape[:-1]
        out, pos = [], 0
        for i, o in zip(self.layer_sizes[:-1], self.layer_sizes[1:]):
            W = w[..., pos:pos + o * i].reshape(lead + (o, i))
            pos += o * i
            b = w[..., pos:pos + o]
            pos += o
            out.append((W, b))
        return out

    def init(self, seed=0, *, k: int | None = None) -> np.ndarray:
        r"""Initial parameters, Glorot-style: weights uniform in :math:`\pm\sqrt{6/(n_{in}+n_{out})}`, biases 0.

        Parameters
        ----------
        seed : int, default 0
            Seed for ``np.random.default_rng``.
        k : int, optional
            Return ``k`` parameter vectors, shape ``(k, n_params)``; row ``i`` is ``init(seed + i)``.

        Returns
        -------
        ndarray of float64, shape (n_params,) or (k, n_params)

        References
        ----------
        - X. Glorot and Y. Bengio, "Understanding the difficulty of training deep feedforward neural
          networks", AISTATS 2010.
        """
        if k is not None:
            k = _check_size("k", k)
            return np.stack([self.init(int(seed) + i) for i in range(k)])
        rng = np.random.default_rng(seed)
        parts = []
        for i, o in zip(self.layer_sizes[:-1], self.layer_sizes[1:]):
            a = np.sqrt(6.0 / (i + o))
            parts.append(rng.uniform(-a, a, size=o * i))
            parts.append(np.zeros(o))
        return np.concatenate(parts)

    # -- checks -------------------------------------------------------------------------------------------
    def _check_w(self, w) -> np.ndarray:
        w = np.asarray(w)
        if w.dtype.kind != "f":
            w = w.astype(np.float64)
        if w.ndim == 0 or w.shape[-1] != self.n_params:
            raise ValueError(f"w must have shape ({self.n_params},) or (..., {self.n_params}) for {self!r}, "
                             f"got {w.shape}")
        return w

    def _check_X(self, X) -> np.ndarray:
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != self.n_features:
            raise ValueError(f"X must have shape (n, {self.n_features}) for {self!r}, got {X.shape}")
        if X.shape[0] == 0:
            raise ValueError("X has no rows: a loss needs at least one example")
        return X

    def _check_y(self, y, n: int) -> np.ndarray:
        y = np.asarray(y)
        if y.shape != (n,):
            raise ValueError(f"y must have shape ({n},) to match X, got {y.shape}")
        if self.task == "classification":
            if y.dtype.kind not in "iu":
                if y.dtype.kind == "f" and np.all(y == np.round(y)):
                    y = y.astype(np.int64)
                else:
                    raise ValueError(f"class labels must be integers, got dtype {y.dtype}")
            k = self.layer_sizes[-1]
            if n and (y.min() < 0 or y.max() >= k):
                raise ValueError(f"class labels must lie in 0 .. {k - 1}, got {y.min()} .. {y.max()}")
            return y.astype(np.int64, copy=False)
        return y.astype(np.float64, copy=False)

    # -- the work -----------------------------------------------------------------------------------------
    def _stack(self, w):
        """``w`` as a stack ``(k, n_params)`` and the leading shape to restore."""
        w = self._check_w(w)
        lead = w.shape[:-1]
        return w.reshape(-1, self.n_params), lead

    def _layers(self, w2):
        k = w2.shape[0]
        out, pos = [], 0
        for i, o in zip(self.layer_sizes[:-1], self.layer_sizes[1:]):
            W = w2[:, pos:pos + o * i].reshape(k, o, i)
            pos += o * i
            out.append((W, w2[:, pos:pos + o]))
            pos += o
        return out

    def _forward(self, layers, X):
        """Pre-activations and activations of every layer; the last entry of ``acts`` is the output ``(k, n, o)``."""
        h = X  # (n, d), broadcast against the stack of k parameter sets
        pres, acts = [], [h]
        last = len(layers) - 1
        for l, (W, b) in enumerate(layers):
            z = _affine(h, W, b)
            pres.append(z)
            h = z if l == last else self._activate(z)
            acts.append(h)
        return pres, acts

    def _activate(self, z):  # pragma: no cover - only MLP has hidden layers
        raise NotImplementedError

    def _activate_grad(self, z, h):  # pragma: no cover
        raise NotImplementedError

    def _output_loss(self, out, y):
        """Per-model mean loss ``(k,)`` and its gradient with respect to the output ``(k, n, o)``."""
        n = out.shape[1]
        if self.task == "classification":
            logp = _log_softmax(out)
            rows = np.arange(n)
            loss = -np.mean(logp[:, rows, y], axis=-1)
            dout = np.exp(logp)
            dout[:, rows, y] -= 1.0
            return loss, dout / n
        r = out[..., 0] - y
        return 0.5 * np.mean(r * r, axis=-1), (r / n)[..., None]

    def _loss_grad(self, w, X, y, need_grad: bool):
        w2, lead = self._stack(w)
        X = self._check_X(X)
        y = self._check_y(y, X.shape[0])
        layers = self._layers(w2)
        pres, acts = self._forward(layers, X)
        loss, delta = self._output_loss(acts[-1], y)
        if not need_grad:
            return (float(loss[0]) if lead == () else loss.reshape(lead)), None
        grads = []
        for l in range(len(layers) - 1, -1, -1):
            W, _ = layers[l]
            h_in = acts[l]
            gW = _weight_grad(delta, h_in)  # (k, o, i)
            grads.append((gW.reshape(gW.shape[0], -1), delta.sum(axis=1)))
            if l > 0:
                delta = np.matmul(delta, W) * self._activate_grad(pres[l - 1], acts[l])
        flat = np.concatenate([p for gW, gb in reversed(grads) for p in (gW, gb)], axis=-1)
        if lead == ():
            return float(loss[0]), flat[0]
        return loss.reshape(lead), flat.reshape(lead + (self.n_params,))

    # -- public API ---------------------------------------------------------------------------------------
    def loss(self, w, X, y):
        """The mean loss over the rows of ``X``: a float, or an array of shape ``w.shape[:-1]`` for a stack."""
        return self._loss_grad(w, X, y, need_grad=False)[0]

    def loss_and_grad(self, w, X, y):
        """The mean loss and its gradient with respect to ``w`` (same shape as ``w``).

        Parameters
        ----------
        w : array_like, shape (n_params,) or (..., n_params)
            Parameters, or a stack of parameter vectors.
        X : array_like, shape (n, n_features)
            A minibatch of inputs.
        y : array_like, shape (n,)
            Integer class labels (classification) or real targets (regression).

        Returns
        -------
        loss : float or ndarray of shape ``w.shape[:-1]``
        grad : ndarray of the shape of ``w``

        Raises
        ------
        ValueError
            If ``w``, ``X`` or ``y`` has the wrong shape (for instance the wrong number of features) or a
            class label is out of range.
        """
        return self._loss_grad(w, X, y, need_grad=True)

    def grad(self, w, X, y) -> np.ndarray:
        """The gradient of :meth:`loss` with respect to ``w``."""
        return self._loss_grad(w, X, y, need_grad=True)[1]

    def output(self, w, X) -> np.ndarray:
        """The raw outputs (logits, or predictions for regression): ``(n, n_out)`` or ``(..., n, n_out)``."""
        w2, lead = self._stack(w)
        X = self._check_X(X)
        out = self._forward(self._layers(w2), X)[1][-1]
        return out.reshape(lead + out.shape[1:])

    def predict(self, w, X) -> np.ndarray:
        """Predicted class labels (int64, shape ``(..., n)``) or predicted targets (float64, ``(..., n)``)."""
        out = self.output(w, X)
        if self.task == "classification":
            return np.argmax(out, axis=-1).astype(np.int64)
        return out[..., 0]

    def accuracy(self, w, X, y):
        """The fraction of rows whose predicted class is ``y`` (classification only)."""
        if self.task != "classification":
            raise ValueError(f"accuracy is defined for classification models, not for {self!r}")
        X = self._check_X(X)
        y = self._check_y(y, X.shape[0])
        acc = np.mean(self.predict(w, X) == y, axis=-1)
        return float(acc) if np.ndim(acc) == 0 else acc

    def objective(self, X, y) -> "ModelObjective":
        """The full-batch loss on ``(X, y)`` as an objective for :func:`optimizers.run` (``value``/``grad``)."""
        return ModelObjective(self, X, y)


class ModelObjective:
    """A model's mean loss on fixed data, with the ``value``/``grad`` interface of :mod:`optimizers.objectives`.

    Examples
    --------
    >>> import numpy as np, optimizers as opt
    >>> X, y = np.array([[1.0], [2.0]]), np.array([1.0, 2.0])
    >>> f = LinearRegression(1).objective(X, y)
    >>> traj = opt.run(f, np.zeros(2), opt.SGD(lr=0.5), steps=200)
    >>> print(np.round(traj.x, 4))
    [1. 0.]
    """

    def __init__(self, model: Model, X, y):
        self.model = model
        self.X = model._check_X(X)
        self.y = model._check_y(y, self.X.shape[0])
        self.name = f"{type(model).__name__} loss"

    def value(self, w):
        return self.model.loss(w, self.X, self.y)

    def grad(self, w):
        return self.model.grad(w, self.X, self.y)


class LinearRegression(Model):
    r"""Linear least squares: :math:`\hat y = x^\top v + c`, loss :math:`\frac{1}{2n}\sum_i(\hat y_i - y_i)^2`.

    ``w = [v_1, ..., v_d, c]`` (``n_params = n_features + 1``).

    Parameters
    ----------
    n_features : int

    Notes
    -----
    The gradient is :math:`\frac1n \sum_i r_i\,(x_i, 1)` with residuals :math:`r_i = \hat y_i - y_i`; the loss
    is a quadratic whose Hessian is the second-moment matrix of the inputs :math:`(x, 1)`.

    Examples
    --------
    >>> import numpy as np
    >>> m = LinearRegression(2)
    >>> X, y = np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([1.0, -1.0])
    >>> m.loss_and_grad(np.zeros(3), X, y)
    (0.5, array([-0.5,  0.5,  0. ]))
    >>> m.loss(np.zeros((4, 3)), X, y)   # a stack of 4 parameter vectors
    array([0.5, 0.5, 0.5, 0.5])
    """

    task = "regression"

    def __init__(self, n_features: int):
        self.layer_sizes = [_check_size("n_features", n_features), 1]

    def __repr__(self) -> str:
        return f"LinearRegression(n_features={self.n_features})"


class SoftmaxRegression(Model):
    r"""Multinomial logistic regression: logits :math:`z = Wx + b`, mean cross-entropy loss.

    ``w`` holds ``W`` (``n_classes x n_features``, row by row) then ``b`` (``n_classes``).

    Parameters
    ----------
    n_features : int
    n_classes : int
        At least 2.

    Notes
    -----
    With :math:`p = \operatorname{softmax}(z)` and one-hot labels :math:`e_y`, the loss of one example is
    :math:`\log\sum_k e^{z_k} - z_y`, evaluated as :math:`m + \log\sum_k e^{z_k - m}` with :math:`m = \max_k z_k`
    so that large logits do not overflow, and its gradient is :math:`(p - e_y)\,(x, 1)^\top`.

    Examples
    --------
    >>> import numpy as np
    >>> m = SoftmaxRegression(n_features=4, n_classes=3)
    >>> m.n_params
    15
    >>> X, y = np.ones((2, 4)), np.array([0, 2])
    >>> print(f"{m.loss(np.zeros(15), X, y):.6f}")   # log 3: uniform predictions
    1.098612
    """

    task = "classification"

    def __init__(self, n_features: int, n_classes: int):
        self.layer_sizes = [_check_size("n_features", n_features), _check_size("n_classes", n_classes, 2)]

    @property
    def n_classes(self) -> int:
        return self.layer_sizes[-1]

    def __repr__(self) -> str:
        return f"SoftmaxRegression(n_features={self.n_features}, n_classes={self.n_classes})"


class MLP(Model):
    r"""A fully connected network ("multilayer perceptron") with a softmax cross-entropy output.

    Parameters
    ----------
    layer_sizes : sequence of int
        ``[n_features, hidden_1, ..., n_out]``: at least an input and an output size.
    activation : {"tanh", "relu"}, default "tanh"
        The nonlinearity between layers (none after the last).
    output : {"softmax", "linear"}, default "softmax"
        ``"softmax"``: classification with ``n_out >= 2`` classes and mean cross-entropy loss; ``"linear"``:
        regression with ``n_out == 1`` and loss :math:`\frac{1}{2n}\sum_i(\hat y_i - y_i)^2`.

    Notes
    -----
    The gradient is computed by backpropagation: with output error :math:`\delta_L = (p - e_y)/n`, each layer
    gives :math:`\nabla_{W_l} = \delta_l^\top h_{l-1}`, :math:`\nabla_{b_l} = \sum_i \delta_{l,i}` and
    :math:`\delta_{l-1} = (\delta_l W_l) \odot \sigma'(z_{l-1})`.

    Examples
    --------
    >>> import numpy as np
    >>> m = MLP([64, 32, 10], activation="relu")
    >>> m.n_params                       # 64*32 + 32 + 32*10 + 10
    2410
    >>> X, y = np.random.default_rng(0).normal(size=(5, 64)), np.arange(5)
    >>> loss, g = m.loss_and_grad(m.init(0), X, y)
    >>> g.shape
    (2410,)
    """

    def __init__(self, layer_sizes, activation: str = "tanh", output: str = "softmax"):
        sizes = list(layer_sizes)
        if len(sizes) < 2:
            raise ValueError(f"layer_sizes needs at least an input and an output size, got {sizes}")
        sizes = [_check_size(f"layer size at index {i}", s) for i, s in enumerate(sizes)]
        if activation not in ("tanh", "relu"):
            raise ValueError(f"Invalid activation: {activation!r} (need 'tanh' or 'relu')")
        if output == "softmax":
            if sizes[-1] < 2:
                raise ValueError(f"a softmax output needs at least 2 classes, got {sizes[-1]}")
            self.task = "classification"
        elif output == "linear":
            if sizes[-1] != 1:
                raise ValueError(f"a linear (regression) output needs output size 1, got {sizes[-1]}")
            self.task = "regression"
        else:
            raise ValueError(f"Invalid output: {output!r} (need 'softmax' or 'linear')")
        self.layer_sizes = sizes
        self.activation = activation
        self.output_kind = output

    @property
    def n_classes(self) -> int | None:
        return self.layer_sizes[-1] if self.task == "classification" else None

    def _activate(self, z):
        return np.tanh(z) if self.activation == "tanh" else np.maximum(z, 0.0)

    def _activate_grad(self, z, h):
        return 1.0 - h * h if self.activation == "tanh" else (z > 0).astype(z.dtype)

    def __repr__(self) -> str:
        out = "" if self.output_kind == "softmax" else ", output='linear'"
        return f"MLP({self.layer_sizes}, activation={self.activation!r}{out})"
