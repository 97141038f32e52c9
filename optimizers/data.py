"""Small real data sets, train/test splits with standardization, and seeded minibatches.

The two data sets ship with scikit-learn, so nothing is downloaded: :func:`load_digits` (1797 handwritten
digits, 8x8 pixels, 10 classes) and :func:`load_diabetes` (442 patients, 10 features, a real-valued target).
scikit-learn is imported only inside those two functions; the rest of this module needs NumPy alone.

Every data set is split once, with a seeded permutation, into a training set and a held-out test set, and the
features are standardized with the mean and standard deviation of the TRAINING set only, so that nothing about
the test set leaks into training. :func:`minibatches` then cuts the training set into shuffled minibatches,
one fresh, reproducible permutation per epoch.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field
from typing import Iterator

import numpy as np

__all__ = ["Dataset", "make_dataset", "validation_split", "load_digits", "load_diabetes", "minibatches",
           "n_batches"]


def _readonly(a: np.ndarray) -> np.ndarray:
    a = np.array(a, copy=True)
    a.setflags(write=False)
    return a


@dataclass(frozen=True, eq=False)
class Dataset:
    """A data set split into a training and a held-out test part (see :func:`make_dataset`).

    Attributes
    ----------
    X_train, X_test : ndarray of float64, shape (n_train, n_features), (n_test, n_features)
        Standardized features: each column has mean 0 and standard deviation 1 on the training set (a
        column that is constant on the training set is only centred).
    y_train, y_test : ndarray
        int64 class labels ``0 .. n_classes - 1`` (classification) or float64 targets standardized with
        the training mean and standard deviation (regression).
    name : str
        A short name, used in plots and reprs.
    n_features : int
        Number of features (columns of ``X``).
    n_classes : int or None
        Number of classes; ``None`` for regression.
    task : {"classification", "regression"}
    classes : ndarray or None
        The original label of each class (``classes[k]`` was encoded as ``k``); ``None`` for regression.
    feature_mean, feature_std : ndarray, shape (n_features,)
        The training statistics used to standardize ``X`` (``feature_std`` is 1 where a column is constant).
    target_mean, target_std : float or None
        The training statistics used to standardize a regression target (``None`` for classification):
        ``y_original = y * target_std + target_mean``.

    All arrays are read-only.
    """

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    name: str
    n_features: int
    n_classes: int | None
    task: str
    classes: np.ndarray | None = field(default=None, repr=False)
    feature_mean: np.ndarray | None = field(default=None, repr=False)
    feature_std: np.ndarray | None = field(default=None, repr=False)
    target_mean: float | None = field(default=None, repr=False)
    target_std: float | None = field(default=None, repr=False)

    @property
    def n_train(self) -> int:
        """Number of training examples."""
        return int(self.X_train.shape[0])

    @property
    def n_test(self) -> int:
        """Number of held-out test examples."""
        return int(self.X_test.shape[0])

    def __repr__(self) -> str:
        classes = f", n_classes={self.n_classes}" if self.n_classes is not None else ""
        return (f"Dataset(name={self.name!r}, task={self.task!r}, n_train={self.n_train}, "
                f"n_test={self.n_test}, n_features={self.n_features}{classes})")


def _n_test(test_size, n: int, what: str = "test_size") -> int:
    if isinstance(test_size, bool):
        raise ValueError(f"Invalid {what}: {test_size!r}")
    if isinstance(test_size, numbers.Integral):
        n_test = int(test_size)
    elif isinstance(test_size, numbers.Real) and 0.0 < float(test_size) < 1.0:
        n_test = math.ceil(float(test_size) * n)
    else:
        raise ValueError(f"Invalid {what}: {test_size!r} (need a fraction in (0, 1) or a number of examples)")
    if not 1 <= n_test <= n - 1:
        raise ValueError(f"Invalid {what}: {test_size!r} leaves {n_test} held-out and {n - n_test} training "
                         f"examples out of {n}; both parts need at least one")
    return n_test


def make_dataset(X, y, test_size=0.25, seed=0, name: str = "dataset", task: str | None = None) -> Dataset:
    r"""Split ``(X, y)`` into training and test sets and standardize them with training statistics.

    Parameters
    ----------
    X : array_like, shape (n, n_features)
        Features (finite real numbers).
    y : array_like, shape (n,)
        Labels (any values: integers, strings, ...) or real-valued targets.
    test_size : float or int, default 0.25
        Fraction of the examples held out (rounded up), or their number.
    seed : int, default 0
        Seed of the permutation that makes the split: ``np.random.default_rng(seed).permutation(n)``; the
        first ``n_test`` examples of the permutation are the test set.
    name : str, default "dataset"
    task : {"classification", "regression"}, optional
        Inferred when omitted: floating ``y`` means regression, anything else classification.

    Returns
    -------
    Dataset
        With features :math:`(x - \mu_{\text{train}}) / \sigma_{\text{train}}` (a constant training column
        gets :math:`\sigma = 1`), class labels encoded as ``0 .. n_classes - 1``, and regression targets
        standardized the same way.

    Raises
    ------
    ValueError
        If ``X`` is not 2-D, is empty, has non-finite entries, if ``y`` does not have one entry per row of
        ``X``, if ``test_size`` leaves an empty part, or if ``task`` is unknown.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.arange(20.0).reshape(10, 2)
    >>> ds = make_dataset(X, np.arange(10) % 2, test_size=0.3, seed=0, name="toy")
    >>> ds
    Dataset(name='toy', task='classification', n_train=7, n_test=3, n_features=2, n_classes=2)
    >>> print(np.round(ds.X_train.mean(axis=0), 12), ds.X_train.std(axis=0))
    [0. 0.] [1. 1.]
    """
    X = np.asarray(X)
    y = np.asarray(y)
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D (n_examples, n_features), got shape {X.shape}")
    n, d = X.shape
    if n == 0 or d == 0:
        raise ValueError(f"X is empty: shape {X.shape}")
    if y.ndim != 1 or y.shape[0] != n:
        raise ValueError(f"y must be 1-D with one entry per row of X ({n}), got shape {y.shape}")
    try:
        X = X.astype(np.float64)
    except (TypeError, ValueError) as err:
        raise ValueError("X must hold real numbers") from err
    if not np.all(np.isfinite(X)):
        raise ValueError("X has non-finite entries (NaN or infinity)")
    if task is None:
        task = "regression" if y.dtype.kind == "f" else "classification"
    if task not in ("classification", "regression"):
        raise ValueError(f"Invalid task: {task!r} (need 'classification' or 'regression')")
    n_test = _n_test(test_size, n)

    perm = np.random.default_rng(seed).permutation(n)
    test, train = perm[:n_test], perm[n_test:]
    mean = X[train].mean(axis=0)
    std = X[train].std(axis=0)
    std = np.where(std > 0, std, 1.0)
    Xs = (X - mean) / std

    if task == "classification":
        classes, codes = np.unique(y, return_inverse=True)
        codes = codes.reshape(-1).astype(np.int64)
        ys, n_classes, t_mean, t_std = codes, int(len(classes)), None, None
        classes = _readonly(classes)
    else:
        try:
            yf = y.astype(np.float64)
        except (TypeError, ValueError) as err:
            raise ValueError("a regression target y must hold real numbers") from err
        if not np.all(np.isfinite(yf)):
            raise ValueError("y has non-finite entries (NaN or infinity)")
        t_mean = float(yf[train].mean())
        t_std = float(yf[train].std()) or 1.0
        ys, n_classes, classes = (yf - t_mean) / t_std, None, None

    return Dataset(
        X_train=_readonly(Xs[train]), y_train=_readonly(ys[train]),
        X_test=_readonly(Xs[test]), y_test=_readonly(ys[test]),
        name=str(name), n_features=int(d), n_classes=n_classes, task=task, classes=classes,
        feature_mean=_readonly(mean), feature_std=_readonly(std), target_mean=t_mean, target_std=t_std,
    )


def validation_split(ds: Dataset, val_size=0.25, seed=0) -> Dataset:
    """A Dataset for tuning: part of ``ds``'s TRAINING set held out as validation data, in the test slots.

    Hyperparameters chosen on the returned data set's ``X_test, y_test`` never see ``ds.X_test``. The features
    keep the standardization of ``ds`` (training statistics of the full training set), so the validation part is
    not re-standardized.

    Parameters
    ----------
    ds : Dataset
    val_size : float or int, default 0.25
        Fraction of the training examples held out (rounded up), or their number.
    seed : int, default 0
        ``np.random.default_rng(seed).permutation(ds.n_train)``; its first examples are the validation set.

    Returns
    -------
    Dataset
        Named ``"<name> (validation split)"``, with the same ``n_features``, ``n_classes`` and ``task``.

    Examples
    --------
    >>> import numpy as np
    >>> ds = make_dataset(np.arange(40.0).reshape(20, 2), np.arange(20) % 2, test_size=4, name="toy")
    >>> validation_split(ds, val_size=0.25)
    Dataset(name='toy (validation split)', task='classification', n_train=12, n_test=4, n_features=2, n_classes=2)
    """
    if not isinstance(ds, Dataset):
        raise ValueError(f"ds must be a Dataset, got {type(ds).__name__}")
    n_val = _n_test(val_size, ds.n_train, "val_size")
    perm = np.random.default_rng(seed).permutation(ds.n_train)
    val, train = perm[:n_val], perm[n_val:]
    return Dataset(
        X_train=_readonly(ds.X_train[train]), y_train=_readonly(ds.y_train[train]),
        X_test=_readonly(ds.X_train[val]), y_test=_readonly(ds.y_train[val]),
        name=f"{ds.name} (validation split)", n_features=ds.n_features, n_classes=ds.n_classes, task=ds.task,
        classes=ds.classes, feature_mean=ds.feature_mean, feature_std=ds.feature_std,
        target_mean=ds.target_mean, target_std=ds.target_std,
    )


def load_digits(test_size=0.25, seed=0) -> Dataset:
    """scikit-learn's bundled handwritten digits: 1797 images of 8x8 pixels, 10 classes (no download).

    Each image is a vector of 64 grey levels (0 to 16), standardized with training statistics; a few border
    pixels are blank in every training image and are only centred. This is the UCI "Optical Recognition of
    Handwritten Digits" test set (Alpaydin and Kaynak, 1998) as shipped inside scikit-learn.

    Parameters
    ----------
    test_size : float or int, default 0.25
    seed : int, default 0
        See :func:`make_dataset`.

    Returns
    -------
    Dataset

    Examples
    --------
    >>> ds = load_digits()
    >>> ds
    Dataset(name='digits', task='classification', n_train=1347, n_test=450, n_features=64, n_classes=10)
    """
    from sklearn.datasets import load_digits as _load  # lazy: scikit-learn is optional

    bunch = _load()
    return make_dataset(bunch.data, bunch.target.astype(np.int64), test_size=test_size, seed=seed,
                        name="digits", task="classification")


def load_diabetes(test_size=0.25, seed=0) -> Dataset:
    """scikit-learn's bundled diabetes regression set: 442 patients, 10 features (no download).

    The target, a measure of disease progression one year after baseline (Efron et al., 2004), is
    standardized with the training mean and standard deviation (kept in ``target_mean``, ``target_std``).

    Parameters
    ----------
    test_size : float or int, default 0.25
    seed : int, default 0
        See :func:`make_dataset`.

    Returns
    -------
    Dataset

    Examples
    --------
    >>> ds = load_diabetes()
    >>> ds
    Dataset(name='diabetes', task='regression', n_train=331, n_test=111, n_features=10)
    >>> print(f"{ds.y_train.mean():.6f} {ds.y_train.std():.6f}")
    0.000000 1.000000
    """
    from sklearn.datasets import load_diabetes as _load  # lazy: scikit-learn is optional

    bunch = _load()
    return make_dataset(bunch.data, bunch.target.astype(np.float64), test_size=test_size, seed=seed,
                        name="diabetes", task="regression")


def _check_batch(n, batch_size) -> tuple[int, int]:
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1:
        raise ValueError(f"Invalid number of examples: {n!r} (need a positive integer)")
    if isinstance(batch_size, bool) or not isinstance(batch_size, numbers.Integral):
        raise ValueError(f"Invalid batch_size: {batch_size!r} (need an integer)")
    if not 1 <= batch_size <= n:
        raise ValueError(f"Invalid batch_size: {batch_size} (need 1 <= batch_size <= n = {n})")
    return int(n), int(batch_size)


def n_batches(n: int, batch_size: int, drop_last: bool = False) -> int:
    """How many minibatches :func:`minibatches` yields per epoch.

    Examples
    --------
    >>> n_batches(10, 4), n_batches(10, 4, drop_last=True)
    (3, 2)
    """
    n, batch_size = _check_batch(n, batch_size)
    return n // batch_size if drop_last else -(-n // batch_size)


def minibatches(n: int, batch_size: int, seed=0, epoch: int = 0, drop_last: bool = False,
                shuffle: bool = True) -> Iterator[np.ndarray]:
    """Yield the index arrays of one epoch's minibatches.

    The examples are shuffled with ``np.random.default_rng([seed, epoch]).permutation(n)``: every epoch
    has its own permutation, and the same ``(seed, epoch)`` always gives the same one. Cutting the
    permutation into consecutive pieces of ``batch_size`` uses every example exactly once per epoch.

    Parameters
    ----------
    n : int
        Number of examples.
    batch_size : int
        Examples per minibatch, ``1 <= batch_size <= n`` (``n`` gives full-batch gradient descent).
    seed : int, default 0
    epoch : int, default 0
    drop_last : bool, default False
        Drop the last minibatch when it is smaller than ``batch_size`` (then ``n % batch_size`` examples
        are skipped this epoch, different ones each epoch).
    shuffle : bool, default True
        ``False`` yields ``0, 1, ..., n - 1`` in order (for evaluation).

    Yields
    ------
    ndarray of int64
        The indices of one minibatch.

    Raises
    ------
    ValueError
        If ``n < 1`` or ``batch_size`` is not an integer in ``[1, n]``.

    Examples
    --------
    >>> [b.tolist() for b in minibatches(5, 2, seed=0)]
    [[2, 4], [3, 0], [1]]
    >>> [b.tolist() for b in minibatches(5, 2, seed=0, drop_last=True)]
    [[2, 4], [3, 0]]
    """
    n, batch_size = _check_batch(n, batch_size)
    if isinstance(epoch, bool) or not isinstance(epoch, numbers.Integral) or epoch < 0:
        raise ValueError(f"Invalid epoch: {epoch!r} (need a non-negative integer)")
    order = (np.random.default_rng([int(seed), int(epoch)]).permutation(n) if shuffle
             else np.arange(n, dtype=np.int64))
    stop = n - n % batch_size if drop_last else n
    for start in range(0, stop, batch_size):
        yield order[start:start + batch_size]
