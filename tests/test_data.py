"""Data sets (split, standardization with training statistics only) and seeded minibatches."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from optimizers import data

# --------------------------------------------------------------------------------------------------------------
# bundled data sets


LOADERS = [
    # loader, name, n, n_features, n_classes, task
    (data.load_digits, "digits", 1797, 64, 10, "classification"),
    (data.load_diabetes, "diabetes", 442, 10, None, "regression"),
]


@pytest.mark.parametrize("loader, name, n, d, k, task", LOADERS)
def test_bundled_shapes_and_metadata(loader, name, n, d, k, task):
    ds = loader(test_size=0.25, seed=0)
    assert ds.name == name and ds.task == task and ds.n_features == d and ds.n_classes == k
    assert ds.n_test == int(np.ceil(0.25 * n)) and ds.n_train + ds.n_test == n
    assert ds.X_train.shape == (ds.n_train, d) and ds.X_test.shape == (ds.n_test, d)
    assert ds.y_train.shape == (ds.n_train,) and ds.y_test.shape == (ds.n_test,)
    assert ds.X_train.dtype == np.float64
    assert ds.y_train.dtype == (np.int64 if task == "classification" else np.float64)


@pytest.mark.parametrize("loader, name, n, d, k, task", LOADERS)
def test_standardized_with_training_statistics(loader, name, n, d, k, task):
    ds = loader()
    mean, std = ds.X_train.mean(axis=0), ds.X_train.std(axis=0)
    np.testing.assert_allclose(mean, 0.0, atol=1e-12)
    constant = std == 0  # constant training columns are only centred (scale 1), never divided by zero
    np.testing.assert_allclose(std[~constant], 1.0, rtol=1e-12)
    assert np.all(ds.feature_std[constant] == 1.0) and np.all(ds.X_train[:, constant] == 0.0)
    # the test set is NOT re-standardized: its mean is not exactly zero
    assert np.max(np.abs(ds.X_test.mean(axis=0))) > 1e-3
    if task == "regression":
        assert abs(ds.y_train.mean()) < 1e-12 and abs(ds.y_train.std() - 1.0) < 1e-12


def test_digits_has_constant_pixels_handled(digits):
    blank = digits.X_train.std(axis=0) == 0
    assert blank.any(), "digits has blank border pixels; they must not produce NaN"
    assert np.all(np.isfinite(digits.X_train)) and np.all(np.isfinite(digits.X_test))
    assert set(np.unique(digits.y_train)) == set(range(10))


def test_arrays_are_read_only(digits):
    for arr in (digits.X_train, digits.y_train, digits.X_test, digits.y_test):
        with pytest.raises(ValueError):
            arr[0] = 0


def test_dataset_is_frozen(digits):
    with pytest.raises(AttributeError):
        digits.name = "other"


def test_split_reproducible_and_seed_dependent():
    a, b, c = data.load_diabetes(seed=0), data.load_diabetes(seed=0), data.load_diabetes(seed=1)
    np.testing.assert_array_equal(a.X_train, b.X_train)
    np.testing.assert_array_equal(a.y_test, b.y_test)
    assert not np.array_equal(a.y_test, c.y_test)


# --------------------------------------------------------------------------------------------------------------
# make_dataset on known arrays


def test_split_has_no_overlap_and_covers_everything():
    n = 50
    X = np.arange(n, dtype=float)[:, None] * np.array([[1.0, -2.0]])
    y = np.arange(n) % 3
    ds = data.make_dataset(X, y, test_size=0.2, seed=3)
    # undo the standardization to recover the original row numbers
    rows_train = np.rint(ds.X_train[:, 0] * ds.feature_std[0] + ds.feature_mean[0]).astype(int)
    rows_test = np.rint(ds.X_test[:, 0] * ds.feature_std[0] + ds.feature_mean[0]).astype(int)
    assert len(rows_test) == 10 and len(rows_train) == 40
    assert set(rows_train).isdisjoint(rows_test)
    assert sorted(np.concatenate([rows_train, rows_test])) == list(range(n))
    np.testing.assert_array_equal(ds.y_train, rows_train % 3)  # labels travel with their rows
    np.testing.assert_allclose(ds.feature_mean, X[rows_train].mean(axis=0))


@pytest.mark.parametrize("test_size, n_test", [(0.25, 3), (0.5, 5), (0.01, 1), (3, 3), (9, 9)])
def test_test_size_fraction_or_count(test_size, n_test):
    ds = data.make_dataset(np.random.default_rng(0).normal(size=(10, 2)), np.arange(10) % 2, test_size=test_size)
    assert ds.n_test == n_test and ds.n_train == 10 - n_test


def test_labels_are_encoded():
    y = np.array(["cat", "dog", "cat", "emu", "dog", "emu", "cat", "dog"])
    ds = data.make_dataset(np.arange(16.0).reshape(8, 2), y, test_size=2)
    assert ds.n_classes == 3 and list(ds.classes) == ["cat", "dog", "emu"]
    assert ds.y_train.dtype == np.int64 and set(ds.y_train) <= {0, 1, 2}


def test_task_inferred_and_regression_target_standardized():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(30, 3)), 5.0 + 2.0 * rng.normal(size=30)
    ds = data.make_dataset(X, y, test_size=0.3)
    assert ds.task == "regression" and ds.n_classes is None
    np.testing.assert_allclose([ds.y_train.mean(), ds.y_train.std()], [0.0, 1.0], atol=1e-12)
    restored = np.concatenate([ds.y_train, ds.y_test]) * ds.target_std + ds.target_mean
    np.testing.assert_allclose(np.sort(restored), np.sort(y), rtol=1e-12)


BAD_DATASETS = [
    # X, y, kwargs, message fragment
    (np.zeros((0, 3)), np.zeros(0), {}, "empty"),
    (np.zeros((5, 0)), np.zeros(5), {}, "empty"),
    (np.zeros(5), np.zeros(5), {}, "2-D"),
    (np.zeros((5, 2)), np.zeros(4), {}, "one entry per row"),
    (np.zeros((5, 2)), np.zeros((5, 1)), {}, "one entry per row"),
    (np.full((5, 2), np.nan), np.zeros(5), {}, "non-finite"),
    (np.zeros((5, 2)), np.zeros(5), {"test_size": 0.0}, "test_size"),
    (np.zeros((5, 2)), np.zeros(5), {"test_size": 1.0}, "test_size"),
    (np.zeros((5, 2)), np.zeros(5), {"test_size": 5}, "test_size"),
    (np.zeros((5, 2)), np.zeros(5), {"test_size": 0}, "test_size"),
    (np.zeros((1, 2)), np.zeros(1), {}, "test_size"),
    (np.zeros((5, 2)), np.zeros(5), {"task": "ranking"}, "task"),
]


@pytest.mark.parametrize("X, y, kwargs, fragment", BAD_DATASETS)
def test_make_dataset_rejects_bad_input(X, y, kwargs, fragment):
    with pytest.raises(ValueError, match=fragment):
        data.make_dataset(X, y, **kwargs)


def test_validation_split_uses_only_training_data(digits):
    tune = data.validation_split(digits, val_size=0.25, seed=1)
    assert tune.n_test == int(np.ceil(0.25 * digits.n_train)) and tune.n_train + tune.n_test == digits.n_train
    assert tune.n_features == digits.n_features and tune.n_classes == 10 and tune.task == digits.task
    rows = {r.tobytes() for r in digits.X_train}
    assert all(r.tobytes() in rows for r in np.concatenate([tune.X_train, tune.X_test]))
    np.testing.assert_array_equal(tune.X_test, data.validation_split(digits, val_size=0.25, seed=1).X_test)
    with pytest.raises(ValueError, match="val_size"):
        data.validation_split(digits, val_size=0.0)
    with pytest.raises(ValueError, match="Dataset"):
        data.validation_split((digits.X_train, digits.y_train))


# --------------------------------------------------------------------------------------------------------------
# minibatches


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 200), data_=st.data(), seed=st.integers(0, 2**31), epoch=st.integers(0, 50))
def test_each_example_exactly_once_per_epoch(n, data_, seed, epoch):
    b = data_.draw(st.integers(1, n))
    batches = list(data.minibatches(n, b, seed=seed, epoch=epoch))
    np.testing.assert_array_equal(np.sort(np.concatenate(batches)), np.arange(n))
    assert len(batches) == data.n_batches(n, b) == -(-n // b)
    assert all(len(idx) == b for idx in batches[:-1])
    assert len(batches[-1]) == (n % b or b)  # the partial last batch


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 200), data_=st.data(), seed=st.integers(0, 2**31))
def test_drop_last(n, data_, seed):
    b = data_.draw(st.integers(1, n))
    batches = list(data.minibatches(n, b, seed=seed, drop_last=True))
    assert len(batches) == n // b == data.n_batches(n, b, drop_last=True)
    assert all(len(idx) == b for idx in batches)
    flat = np.concatenate(batches)
    assert len(np.unique(flat)) == len(flat) == n - n % b


def test_partial_last_batch_example():
    sizes = [len(idx) for idx in data.minibatches(10, 4)]
    assert sizes == [4, 4, 2]
    assert [len(idx) for idx in data.minibatches(10, 4, drop_last=True)] == [4, 4]


def test_seeded_reproducibility_and_epochs_differ():
    a = np.concatenate(list(data.minibatches(100, 7, seed=5, epoch=2)))
    b = np.concatenate(list(data.minibatches(100, 7, seed=5, epoch=2)))
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(a, np.random.default_rng([5, 2]).permutation(100))
    orders = {tuple(np.concatenate(list(data.minibatches(100, 7, seed=5, epoch=e)))) for e in range(5)}
    assert len(orders) == 5, "every epoch must shuffle differently"
    c = np.concatenate(list(data.minibatches(100, 7, seed=6, epoch=2)))
    assert not np.array_equal(a, c)


def test_no_shuffle_is_in_order():
    np.testing.assert_array_equal(np.concatenate(list(data.minibatches(9, 4, shuffle=False))), np.arange(9))


@pytest.mark.parametrize("n, batch_size, kwargs, fragment", [
    (10, 0, {}, "batch_size"),
    (10, 11, {}, "batch_size"),
    (10, -1, {}, "batch_size"),
    (10, 2.5, {}, "batch_size"),
    (10, True, {}, "batch_size"),
    (0, 1, {}, "number of examples"),
    (10, 2, {"epoch": -1}, "epoch"),
])
def test_bad_batch_arguments(n, batch_size, kwargs, fragment):
    with pytest.raises(ValueError, match=fragment):
        list(data.minibatches(n, batch_size, **kwargs))


def test_scikit_learn_is_not_imported_by_the_package():
    import subprocess
    import sys

    code = "import sys, optimizers; from optimizers import data, models, training; print('sklearn' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
