r"""Train a model on a data set with any optimizer of the package, minibatch by minibatch, and record it all.

:func:`train` is the minibatch stochastic gradient loop of Part II of the book: each epoch shuffles the
training set (:func:`optimizers.data.minibatches`), and each minibatch :math:`B_t` gives one step

.. math::

    g_t = \frac{1}{|B_t|}\sum_{i \in B_t} \nabla \ell_i(w_t), \qquad (w_{t+1}, s_{t+1}) = \text{step}(w_t, g_t, s_t),

where ``step`` is the optimizer's pure update. ``batch_size=1`` is single-example SGD and
``batch_size=ds.n_train`` full-batch gradient descent. The returned :class:`History` holds the minibatch
loss of every step, the full training and test losses after every epoch, the learning rates and the
measured wall time.
"""

from __future__ import annotations

import numbers
import sys
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import data as _data

__all__ = ["History", "train", "evaluate", "full_batch", "sweep", "Sweep", "DivergenceError"]


class DivergenceError(FloatingPointError):
    """Training produced a non-finite loss or gradient (the learning rate is probably too large)."""


@dataclass
class History:
    """What :func:`train` records. Arrays over steps have length ``steps``; arrays over epochs ``epochs + 1``.

    When ``w0`` is a stack of ``k`` parameter vectors, every loss array gets a trailing axis of length ``k``.

    Attributes
    ----------
    step_loss : ndarray, shape (steps,)
        The minibatch loss at each step, evaluated at the parameters BEFORE the step (the loss whose
        gradient the step used).
    examples_seen : ndarray of int64, shape (steps,)
        Training examples processed after each step (cumulative).
    epochs : ndarray, shape (steps,)
        Fractional epoch after each step: ``epoch + (i + 1) / batches_per_epoch``.
    lrs : ndarray, shape (steps,) or (steps, ...)
        The learning rate each step used (an array when the learning rate is an array).
    epoch_train_loss, epoch_test_loss : ndarray, shape (epochs + 1,)
        Full training-set and test-set losses at the start (index 0) and after each epoch.
    epoch_train_accuracy, epoch_test_accuracy : ndarray or None
        The same for accuracy (classification only).
    eval_steps : ndarray of int64
        The steps at which ``eval_train_loss``/``eval_test_loss`` were measured (multiples of
        ``eval_every``, 0 included); empty when ``eval_every`` is None.
    eval_examples_seen, eval_epochs : ndarray
        The same evaluation points in examples seen and in epochs.
    eval_train_loss, eval_test_loss : ndarray
        Full-set losses at ``eval_steps``.
    wall_time : ndarray, shape (epochs,)
        Measured seconds spent on the training steps of each epoch (minibatch gradients and updates; the
        full-set evaluations are not counted).
    w : ndarray
        The final parameters.
    state : dict
        The optimizer state after the last step.
    batch_size, batches_per_epoch : int
    """

    step_loss: np.ndarray
    examples_seen: np.ndarray
    epochs: np.ndarray
    lrs: np.ndarray
    epoch_train_loss: np.ndarray
    epoch_test_loss: np.ndarray
    epoch_train_accuracy: np.ndarray | None
    epoch_test_accuracy: np.ndarray | None
    eval_steps: np.ndarray
    eval_examples_seen: np.ndarray
    eval_epochs: np.ndarray
    eval_train_loss: np.ndarray
    eval_test_loss: np.ndarray
    wall_time: np.ndarray
    w: np.ndarray
    state: dict = field(repr=False)
    batch_size: int = 0
    batches_per_epoch: int = 0

    @property
    def steps(self) -> int:
        """Number of optimizer steps taken."""
        return int(len(self.step_loss))

    @property
    def n_epochs(self) -> int:
        return int(len(self.wall_time))

    def __repr__(self) -> str:
        return (f"History(epochs={self.n_epochs}, steps={self.steps}, batch_size={self.batch_size}, "
                f"final_train_loss={np.round(self.epoch_train_loss[-1], 6)}, "
                f"final_test_loss={np.round(self.epoch_test_loss[-1], 6)})")


def evaluate(model, w, ds) -> dict[str, Any]:
    """Full-set losses (and accuracies, for classification) of parameters ``w`` on ``ds``.

    Returns
    -------
    dict
        ``train_loss``, ``test_loss`` and, for classification, ``train_accuracy``, ``test_accuracy``
        (floats, or arrays for a stack of parameter vectors).

    Examples
    --------
    >>> import numpy as np
    >>> from optimizers import data, models
    >>> ds = data.make_dataset(np.arange(8.0).reshape(4, 2), np.array([0, 1, 0, 1]), test_size=1)
    >>> m = models.SoftmaxRegression(2, 2)
    >>> print({k: round(v, 4) for k, v in evaluate(m, np.zeros(m.n_params), ds).items()})
    {'train_loss': 0.6931, 'test_loss': 0.6931, 'train_accuracy': 0.3333, 'test_accuracy': 1.0}
    """
    out = {"train_loss": model.loss(w, ds.X_train, ds.y_train), "test_loss": model.loss(w, ds.X_test, ds.y_test)}
    if model.task == "classification":
        out["train_accuracy"] = model.accuracy(w, ds.X_train, ds.y_train)
        out["test_accuracy"] = model.accuracy(w, ds.X_test, ds.y_test)
    return out


def full_batch(ds) -> int:
    """The batch size that makes :func:`train` full-batch gradient descent: the training-set size.

    Examples
    --------
    >>> import numpy as np
    >>> from optimizers import data
    >>> full_batch(data.make_dataset(np.ones((8, 1)), np.arange(8) % 2, test_size=2))
    6
    """
    return int(ds.n_train)


def _check_compatible(model, ds) -> None:
    for attr in ("X_train", "y_train", "X_test", "y_test", "n_features", "task"):
        if not hasattr(ds, attr):
            raise ValueError(f"ds must be an optimizers.data.Dataset, got {type(ds).__name__}")
    if not hasattr(model, "loss_and_grad") or not hasattr(model, "n_params"):
        raise ValueError(f"model must be a model of optimizers.models, got {type(model).__name__}")
    if model.n_features != ds.n_features:
        raise ValueError(f"{model!r} expects {model.n_features} features but data set {ds.name!r} has "
                         f"{ds.n_features}")
    if model.task != ds.task:
        raise ValueError(f"{model!r} is a {model.task} model but data set {ds.name!r} is a {ds.task} task")
    if ds.task == "classification" and model.layer_sizes[-1] != ds.n_classes:
        raise ValueError(f"{model!r} has {model.layer_sizes[-1]} outputs but data set {ds.name!r} has "
                         f"{ds.n_classes} classes")


class _Progress:
    """A text progress bar on stderr (tqdm is not needed)."""

    def __init__(self, total: int, width: int = 30):
        self.total, self.width, self.start = total, width, time.perf_counter()

    def update(self, done: int, loss) -> None:
        frac = done / self.total if self.total else 1.0
        bar = "#" * int(round(frac * self.width))
        loss_txt = f"{float(np.mean(loss)):.4f}"
        sys.stderr.write(f"\r[{bar:<{self.width}}] {done}/{self.total} steps  loss {loss_txt}  "
                         f"{time.perf_counter() - self.start:.1f}s")
        sys.stderr.flush()

    def close(self) -> None:
        sys.stderr.write("\n")
        sys.stderr.flush()


def train(model, ds, optimizer, epochs: int = 5, batch_size: int = 32, seed=0, w0=None, eval_every=None,
          progress: bool = False, drop_last: bool = False) -> History:
    r"""Train ``model`` on ``ds.X_train, ds.y_train`` with ``optimizer``, one minibatch per step.

    Parameters
    ----------
    model : optimizers.models.Model
        Any model of :mod:`optimizers.models` (its ``n_features``, task and classes must match ``ds``).
    ds : optimizers.data.Dataset
    optimizer : optimizers.Optimizer
        Any optimizer of the package; a schedule as its ``lr`` is called with the number of steps taken.
    epochs : int, default 5
        Passes over the training set (``>= 0``; 0 only evaluates ``w0``).
    batch_size : int, default 32
        Examples per step, ``1 <= batch_size <= ds.n_train``; ``ds.n_train`` (see :func:`full_batch`) gives
        full-batch gradient descent, 1 single-example SGD.
    seed : int, default 0
        Seeds the minibatch order (epoch ``e`` uses ``default_rng([seed, e])``) and, when ``w0`` is None,
        the initial parameters ``model.init(seed)``.
    w0 : array_like, optional
        Initial parameters, shape ``(n_params,)``, or a stack ``(k, n_params)`` of ``k`` models trained side
        by side on the SAME minibatches (e.g. ``k`` learning rates given as an ``lr`` array of shape
        ``(k, 1)``, or ``k`` initializations from ``model.init(seed, k=k)``).
    eval_every : int, optional
        Also record full-set losses every ``eval_every`` steps (step 0 included).
    progress : bool, default False
        Show a text progress bar on stderr.
    drop_last : bool, default False
        Skip each epoch's last, smaller minibatch.

    Returns
    -------
    History

    Raises
    ------
    ValueError
        For a model that does not fit the data set, a bad ``batch_size``, ``epochs``, ``eval_every`` or ``w0``.
    DivergenceError
        If a minibatch loss or gradient stops being finite (the message names the step and suggests a
        smaller learning rate).

    Examples
    --------
    Softmax regression on the digits, three epochs of minibatch SGD:

    >>> import optimizers as opt
    >>> from optimizers import data, models, training
    >>> ds = data.load_digits()
    >>> m = models.SoftmaxRegression(ds.n_features, ds.n_classes)
    >>> hist = training.train(m, ds, opt.SGD(lr=0.1), epochs=3, batch_size=32)
    >>> hist.steps, len(hist.epoch_test_loss)
    (129, 4)
    >>> bool(hist.epoch_train_loss[-1] < 0.2 * hist.epoch_train_loss[0])
    True
    """
    _check_compatible(model, ds)
    if isinstance(epochs, bool) or not isinstance(epochs, numbers.Integral) or epochs < 0:
        raise ValueError(f"Invalid epochs: {epochs!r} (need a non-negative integer)")
    n = ds.n_train
    nb = _data.n_batches(n, batch_size, drop_last)  # validates batch_size
    if eval_every is not None and (isinstance(eval_every, bool) or not isinstance(eval_every, numbers.Integral)
                                   or eval_every < 1):
        raise ValueError(f"Invalid eval_every: {eval_every!r} (need a positive integer or None)")
    if w0 is None:
        w = model.init(seed)
    else:
        w = np.array(w0, dtype=np.float64)
        if w.ndim not in (1, 2) or w.shape[-1] != model.n_params:
            raise ValueError(f"w0 must have shape ({model.n_params},) or (k, {model.n_params}) for {model!r}, "
                             f"got {w.shape}")
        if not np.all(np.isfinite(w)):
            raise ValueError("w0 has non-finite entries")
    lead = w.shape[:-1]

    X, y = ds.X_train, ds.y_train
    total = epochs * nb
    step_loss = np.empty((total,) + lead)
    examples_seen = np.empty(total, dtype=np.int64)
    frac_epochs = np.empty(total)
    lrs: list = []
    ev = evaluate(model, w, ds)
    ep_train, ep_test = [ev["train_loss"]], [ev["test_loss"]]
    classification = model.task == "classification"
    ep_train_acc = [ev["train_accuracy"]] if classification else None
    ep_test_acc = [ev["test_accuracy"]] if classification else None
    eval_steps, eval_train, eval_test = [], [], []
    if eval_every is not None:
        eval_steps.append(0)
        eval_train.append(ev["train_loss"])
        eval_test.append(ev["test_loss"])
    wall = np.zeros(epochs)
    bar = _Progress(total) if progress else None

    state = optimizer.init(w)
    t, seen = 0, 0
    # overflow while diverging is caught below and reported as DivergenceError, not as RuntimeWarnings
    with np.errstate(over="ignore", invalid="ignore"):
        for epoch in range(epochs):
            tick = time.perf_counter()
            batches = _data.minibatches(n, batch_size, seed=seed, epoch=epoch, drop_last=drop_last)
            for i, idx in enumerate(batches):
                loss, g = model.loss_and_grad(w, X[idx], y[idx])
                # one pass over g first; only a non-finite sum needs the element-by-element look
                if not np.all(np.isfinite(loss)) or (not np.isfinite(np.sum(g)) and not np.all(np.isfinite(g))):
                    if bar is not None:
                        bar.close()
                    raise DivergenceError(f"non-finite loss or gradient at step {t} (epoch {epoch}): training "
                                          f"diverged; try a smaller learning rate than {optimizer!r}")
                lrs.append(np.asarray(optimizer._lr_at(t), dtype=np.float64))
                w, state = optimizer.step(w, g, state)
                step_loss[t] = loss
                seen += len(idx)
                examples_seen[t] = seen
                frac_epochs[t] = epoch + (i + 1) / nb
                t += 1
                if eval_every is not None and t % eval_every == 0:
                    pause = time.perf_counter()
                    eval_steps.append(t)
                    eval_train.append(model.loss(w, ds.X_train, ds.y_train))
                    eval_test.append(model.loss(w, ds.X_test, ds.y_test))
                    tick += time.perf_counter() - pause  # evaluation time is not training time
                if bar is not None and (t % max(1, total // 100) == 0 or t == total):
                    bar.update(t, loss)
            wall[epoch] = time.perf_counter() - tick
            ev = evaluate(model, w, ds)
            if not np.all(np.isfinite(ev["train_loss"])):
                if bar is not None:
                    bar.close()
                raise DivergenceError(f"non-finite training loss after epoch {epoch + 1}: training diverged; "
                                      f"try a smaller learning rate than {optimizer!r}")
            ep_train.append(ev["train_loss"])
            ep_test.append(ev["test_loss"])
            if classification:
                ep_train_acc.append(ev["train_accuracy"])
                ep_test_acc.append(ev["test_accuracy"])
    if bar is not None:
        bar.close()

    eval_steps_arr = np.asarray(eval_steps, dtype=np.int64)
    eval_seen = np.array([examples_seen[s - 1] if s else 0 for s in eval_steps], dtype=np.int64)
    lr_arr = np.array([np.broadcast_to(v, np.shape(lrs[0])) for v in lrs], dtype=np.float64) if lrs \
        else np.empty((0,))
    return History(
        step_loss=step_loss, examples_seen=examples_seen, epochs=frac_epochs, lrs=lr_arr,
        epoch_train_loss=np.asarray(ep_train, dtype=np.float64), epoch_test_loss=np.asarray(ep_test, dtype=np.float64),
        epoch_train_accuracy=np.asarray(ep_train_acc) if classification else None,
        epoch_test_accuracy=np.asarray(ep_test_acc) if classification else None,
        eval_steps=eval_steps_arr, eval_examples_seen=eval_seen,
        eval_epochs=np.array([frac_epochs[s - 1] if s else 0.0 for s in eval_steps]),
        eval_train_loss=np.asarray(eval_train, dtype=np.float64).reshape((-1,) + lead),
        eval_test_loss=np.asarray(eval_test, dtype=np.float64).reshape((-1,) + lead),
        wall_time=wall, w=w, state=state, batch_size=int(batch_size), batches_per_epoch=int(nb),
    )


@dataclass
class Sweep:
    """What :func:`sweep` found. Losses are full-set losses of the chosen model after the last epoch.

    Attributes
    ----------
    grid : ndarray, shape (k,)
        The hyperparameter values tried.
    index : int
        Position in ``grid`` of the value with the lowest final validation loss.
    value : float
        ``grid[index]``, the chosen value.
    history : History
        The stacked run on the tuning split (row ``i`` of every loss array belongs to ``grid[i]``; its
        ``epoch_test_loss`` is the VALIDATION loss).
    tune : optimizers.data.Dataset
        The tuning split: part of ``ds``'s training set, with the held-out validation part in its test slots.
    w : ndarray, shape (n_params,)
        The chosen model's final parameters.
    train_loss, val_loss : float
        The chosen model's loss on the tuning split's training part and on the validation part.
    test_loss : float
        Its loss on ``ds``'s test set, which the choice never saw.
    test_accuracy : float or None
        Its accuracy on the test set (classification only).
    at_edge : bool
        Whether the chosen value is the first or last of ``grid`` (only possible with ``edge="allow"``).
    """

    grid: np.ndarray
    index: int
    value: float
    history: History = field(repr=False)
    tune: Any = field(repr=False)
    w: np.ndarray = field(repr=False)
    train_loss: float
    val_loss: float
    test_loss: float
    test_accuracy: float | None
    at_edge: bool

    def __repr__(self) -> str:
        acc = "" if self.test_accuracy is None else f", test_accuracy={self.test_accuracy:.4f}"
        return (f"Sweep(value={self.value:.4g}, index={self.index} of {len(self.grid)}, "
                f"val_loss={self.val_loss:.4f}, test_loss={self.test_loss:.4f}{acc})")


def sweep(model, ds, make, grid, *, epochs: int = 5, batch_size: int = 32, seed=0, w0=None,
          val_size=0.25, split_seed=1, drop_last: bool = False, edge: str = "raise") -> Sweep:
    r"""Choose a hyperparameter on a validation split, in one stacked run, and evaluate the choice once.

    The recipe of the book's training sections: hold out ``val_size`` of ``ds``'s training set
    (:func:`optimizers.data.validation_split`), train one model per value of ``grid`` side by side on the
    rest (the same initial parameters and the same minibatches for every value), choose the value with the
    lowest final validation loss, check that it is not at the edge of the grid, and only then evaluate the
    chosen model on ``ds``'s test set.

    Parameters
    ----------
    model : optimizers.models.Model
    ds : optimizers.data.Dataset
        The full data set; its test set is used only to evaluate the chosen model.
    make : callable
        ``make(values)`` returns the optimizer for an array of values of shape ``(k, 1)``, one row per
        model: ``opt.SGD`` (the learning rate is the first argument), ``lambda lr: opt.SGD(lr=lr,
        momentum=0.9)``, or ``lambda eps: opt.Adadelta(eps=eps)`` to sweep something else.
    grid : array_like, shape (k,)
        The values to try (``k >= 3``, so that a choice can lie inside the grid).
    epochs, batch_size, seed, drop_last
        As in :func:`train` (``seed`` seeds the minibatches and, without ``w0``, the initial parameters).
    w0 : array_like, shape (n_params,), optional
        The initial parameters every value starts from (default ``model.init(seed)``).
    val_size : float or int, default 0.25
        The share (or number) of training examples held out for validation.
    split_seed : int, default 1
        Seed of the validation split.
    edge : {"raise", "allow"}, default "raise"
        What to do when the chosen value is the first or last of ``grid``: raise ``ValueError`` (the grid
        should be widened), or return it with ``at_edge=True``.

    Returns
    -------
    Sweep

    Raises
    ------
    ValueError
        For a grid with fewer than three values or non-finite values, a bad ``edge``, a choice at the edge
        of the grid (with ``edge="raise"``), or anything :func:`train` rejects.
    DivergenceError
        If some value of the grid makes training diverge (remove it from the grid).

    Examples
    --------
    >>> import numpy as np
    >>> import optimizers as opt
    >>> from optimizers import data, models, training
    >>> ds = data.load_digits()
    >>> m = models.SoftmaxRegression(ds.n_features, ds.n_classes)
    >>> s = training.sweep(m, ds, opt.SGD, [0.01, 0.1, 1.0, 10.0], epochs=3)
    >>> s.value, s.index
    (1.0, 2)
    >>> bool(s.test_accuracy > 0.9)
    True
    """
    if edge not in ("raise", "allow"):
        raise ValueError(f"Invalid edge: {edge!r} (need 'raise' or 'allow')")
    values = np.array(grid, dtype=np.float64)
    if values.ndim != 1 or len(values) < 3:
        raise ValueError(f"grid must be a 1-D sequence of at least 3 values, got shape {values.shape}")
    if not np.all(np.isfinite(values)):
        raise ValueError(f"grid has non-finite values: {values}")
    tune = _data.validation_split(ds, val_size=val_size, seed=split_seed)
    start = model.init(seed) if w0 is None else np.array(w0, dtype=np.float64)
    if start.shape != (model.n_params,):
        raise ValueError(f"w0 must have shape ({model.n_params},) for {model!r}, got {start.shape}")
    stack = np.repeat(start[None], len(values), axis=0)
    hist = train(model, tune, make(values[:, None]), epochs=epochs, batch_size=batch_size, seed=seed,
                 w0=stack, drop_last=drop_last)
    val = hist.epoch_test_loss[-1]
    i = int(np.argmin(val))
    at_edge = i in (0, len(values) - 1)
    if at_edge and edge == "raise":
        raise ValueError(f"the best value {values[i]:g} is at the edge of the grid {values}: widen the grid "
                         f"(or pass edge='allow')")
    w = hist.w[i]
    test = evaluate(model, w, ds)
    return Sweep(grid=values, index=i, value=float(values[i]), history=hist, tune=tune, w=w,
                 train_loss=float(hist.epoch_train_loss[-1, i]), val_loss=float(val[i]),
                 test_loss=float(test["test_loss"]),
                 test_accuracy=float(test["test_accuracy"]) if "test_accuracy" in test else None,
                 at_edge=bool(at_edge))
