"""The training loop: it descends on real data with every optimizer, records consistent histories, rejects bad input."""

import numpy as np
import pytest

import optimizers as opt
from optimizers import data, models, schedules, training


@pytest.fixture(scope="module")
def softmax(digits):
    return models.SoftmaxRegression(digits.n_features, digits.n_classes)


def test_sgd_decreases_the_loss_on_digits(digits, softmax):
    hist = training.train(softmax, digits, opt.SGD(lr=0.1), epochs=3, batch_size=32, seed=0)
    assert np.all(np.diff(hist.epoch_train_loss) < 0)
    assert hist.epoch_train_loss[-1] < 0.2 * hist.epoch_train_loss[0]
    assert hist.epoch_test_loss[-1] < hist.epoch_test_loss[0]


def test_softmax_regression_reaches_sensible_held_out_accuracy(digits, softmax):
    hist = training.train(softmax, digits, opt.SGD(lr=0.1), epochs=10, batch_size=32, seed=0)
    assert hist.epoch_test_accuracy[0] < 0.3  # chance is 0.1
    assert hist.epoch_test_accuracy[-1] > 0.93
    assert softmax.accuracy(hist.w, digits.X_test, digits.y_test) == hist.epoch_test_accuracy[-1]


# every optimizer class of the package, one configuration each that trains the digits in 2 epochs
OPTIMIZERS = [
    opt.SGD(lr=0.1),
    opt.SGD(lr=0.05, momentum=0.9),
    opt.SGD(lr=0.05, momentum=0.9, nesterov=True, weight_decay=1e-4),
    opt.Adagrad(lr=0.1),
    opt.RMSprop(lr=0.003),
    opt.Adadelta(lr=1.0),
    opt.Adam(lr=0.01),
    opt.AdamW(lr=0.01),
    opt.SGD(lr=schedules.exponential(0.2, 0.01)),
    opt.Adam(lr=schedules.warmup(schedules.cosine(0.01, 84), 10)),
]


@pytest.mark.parametrize("optimizer", OPTIMIZERS, ids=repr)
def test_every_optimizer_and_schedule_trains(digits, softmax, optimizer):
    hist = training.train(softmax, digits, optimizer, epochs=2, batch_size=32, seed=1)
    assert hist.epoch_train_loss[-1] < 0.8 * hist.epoch_train_loss[0]
    assert np.all(np.isfinite(hist.step_loss))
    lr = optimizer.lr
    expected = [lr(t) for t in range(hist.steps)] if callable(lr) else [lr] * hist.steps
    np.testing.assert_allclose(hist.lrs, expected)


def test_history_lengths_are_consistent(digits, softmax):
    epochs, b = 3, 100
    hist = training.train(softmax, digits, opt.SGD(lr=0.1), epochs=epochs, batch_size=b, eval_every=7)
    nb = -(-digits.n_train // b)
    steps = epochs * nb
    assert hist.batches_per_epoch == nb and hist.steps == steps
    for name in ("step_loss", "examples_seen", "epochs", "lrs"):
        assert len(getattr(hist, name)) == steps, name
    for name in ("epoch_train_loss", "epoch_test_loss", "epoch_train_accuracy", "epoch_test_accuracy"):
        assert len(getattr(hist, name)) == epochs + 1, name
    assert len(hist.wall_time) == epochs and np.all(hist.wall_time > 0)
    np.testing.assert_array_equal(hist.eval_steps, np.arange(0, steps + 1, 7))
    for name in ("eval_examples_seen", "eval_epochs", "eval_train_loss", "eval_test_loss"):
        assert len(getattr(hist, name)) == len(hist.eval_steps), name
    # examples seen: cumulative, the partial batch counted as what it is, a full epoch = the training set
    assert hist.examples_seen[nb - 1] == digits.n_train and hist.examples_seen[-1] == epochs * digits.n_train
    assert np.all(np.diff(hist.examples_seen) > 0)
    np.testing.assert_allclose(hist.epochs[nb - 1::nb], np.arange(1, epochs + 1))
    # the evaluations agree with the per-epoch ones where they coincide (step 0) and with the final parameters
    assert hist.eval_train_loss[0] == hist.epoch_train_loss[0]
    assert hist.eval_examples_seen[0] == 0 and hist.eval_examples_seen[1] == 7 * b
    assert hist.epoch_train_loss[-1] == pytest.approx(softmax.loss(hist.w, digits.X_train, digits.y_train))


def test_reproducible_and_seeded(digits, softmax):
    a = training.train(softmax, digits, opt.Adam(lr=0.01), epochs=1, batch_size=64, seed=4)
    b = training.train(softmax, digits, opt.Adam(lr=0.01), epochs=1, batch_size=64, seed=4)
    c = training.train(softmax, digits, opt.Adam(lr=0.01), epochs=1, batch_size=64, seed=5)
    np.testing.assert_array_equal(a.w, b.w)
    np.testing.assert_array_equal(a.step_loss, b.step_loss)
    assert not np.array_equal(a.w, c.w)


def test_matches_a_hand_written_loop(diabetes):
    """The loop is exactly: shuffle per epoch, minibatch gradient, optimizer step."""
    m = models.LinearRegression(diabetes.n_features)
    sgd = opt.SGD(lr=0.05, momentum=0.5)
    hist = training.train(m, diabetes, sgd, epochs=2, batch_size=50, seed=3)
    w, state, losses = m.init(3), sgd.init(m.init(3)), []
    for epoch in range(2):
        for idx in data.minibatches(diabetes.n_train, 50, seed=3, epoch=epoch):
            loss, g = m.loss_and_grad(w, diabetes.X_train[idx], diabetes.y_train[idx])
            losses.append(loss)
            w, state = sgd.step(w, g, state)
    np.testing.assert_array_equal(hist.w, w)
    np.testing.assert_array_equal(hist.step_loss, losses)


def test_full_batch_is_gradient_descent(diabetes):
    m = models.LinearRegression(diabetes.n_features)
    hist = training.train(m, diabetes, opt.SGD(lr=0.1), epochs=20, batch_size=training.full_batch(diabetes))
    traj = opt.run(m.objective(diabetes.X_train, diabetes.y_train), m.init(0), opt.SGD(lr=0.1), steps=20)
    np.testing.assert_allclose(hist.w, traj.x, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(hist.epoch_train_loss, traj.values, rtol=1e-12)
    assert hist.steps == 20 and np.all(hist.examples_seen == diabetes.n_train * np.arange(1, 21))


def test_stack_of_models_equals_separate_runs(digits, softmax):
    lrs = np.array([[0.01], [0.1], [0.5]])
    W0 = softmax.init(0, k=3)
    hist = training.train(softmax, digits, opt.SGD(lr=lrs), epochs=1, batch_size=128, w0=W0, eval_every=4)
    assert hist.step_loss.shape == (hist.steps, 3) and hist.epoch_test_loss.shape == (2, 3)
    assert hist.eval_test_loss.shape == (len(hist.eval_steps), 3) and hist.lrs.shape == (hist.steps, 3, 1)
    for i in range(3):
        one = training.train(softmax, digits, opt.SGD(lr=float(lrs[i, 0])), epochs=1, batch_size=128, w0=W0[i])
        np.testing.assert_allclose(hist.w[i], one.w, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(hist.epoch_test_accuracy[:, i], one.epoch_test_accuracy)


def test_drop_last_and_batch_size_one(diabetes):
    m = models.LinearRegression(diabetes.n_features)
    hist = training.train(m, diabetes, opt.SGD(lr=0.01), epochs=1, batch_size=100, drop_last=True)
    assert hist.steps == diabetes.n_train // 100 and hist.examples_seen[-1] == 300
    sgd1 = training.train(m, diabetes, opt.SGD(lr=0.01), epochs=1, batch_size=1)
    assert sgd1.steps == diabetes.n_train and sgd1.epoch_train_loss[-1] < sgd1.epoch_train_loss[0]


def test_zero_epochs_only_evaluates(digits, softmax):
    hist = training.train(softmax, digits, opt.SGD(lr=0.1), epochs=0)
    assert hist.steps == 0 and len(hist.epoch_train_loss) == 1
    np.testing.assert_array_equal(hist.w, softmax.init(0))


def test_divergence_is_reported(diabetes):
    m = models.LinearRegression(diabetes.n_features)
    with pytest.raises(training.DivergenceError, match="smaller learning rate"):
        training.train(m, diabetes, opt.SGD(lr=1e3), epochs=50, batch_size=32)


def test_progress_bar(digits, softmax, capsys):
    training.train(softmax, digits, opt.SGD(lr=0.1), epochs=1, batch_size=256, progress=True)
    err = capsys.readouterr().err
    assert "steps" in err and "loss" in err and err.endswith("\n")


def test_evaluate(digits, softmax):
    w = softmax.init(0)
    ev = training.evaluate(softmax, w, digits)
    assert set(ev) == {"train_loss", "test_loss", "train_accuracy", "test_accuracy"}
    assert ev["test_accuracy"] == softmax.accuracy(w, digits.X_test, digits.y_test)


BAD = [
    # change to the arguments, message fragment
    ({"batch_size": 0}, "batch_size"),
    ({"batch_size": 10_000}, "batch_size"),
    ({"epochs": -1}, "epochs"),
    ({"epochs": 1.5}, "epochs"),
    ({"eval_every": 0}, "eval_every"),
    ({"w0": np.zeros(3)}, "w0"),
    ({"w0": np.full(650, np.nan)}, "non-finite"),
    ({"model": models.SoftmaxRegression(10, 10)}, "features"),
    ({"model": models.SoftmaxRegression(64, 3)}, "classes"),
    ({"model": models.LinearRegression(64)}, "regression model"),
    ({"ds": (np.zeros((3, 64)), np.zeros(3))}, "Dataset"),
]


@pytest.mark.parametrize("change, fragment", BAD, ids=lambda v: str(v)[:40])
def test_bad_input(digits, softmax, change, fragment):
    kwargs = dict(model=softmax, ds=digits, optimizer=opt.SGD(lr=0.1), epochs=1)
    kwargs.update(change)
    with pytest.raises(ValueError, match=fragment):
        training.train(**kwargs)


# --- sweep: choose on a validation split, evaluate once on the test set ---

def test_sweep_equals_the_recipe_written_out(digits, softmax):
    """sweep is validation_split + one stacked train + argmin of the final validation loss + evaluate."""
    grid = np.array([0.01, 0.1, 1.0, 10.0])
    s = training.sweep(softmax, digits, opt.SGD, grid, epochs=2, seed=3, split_seed=5)
    tune = data.validation_split(digits, val_size=0.25, seed=5)
    by_hand = [training.train(softmax, tune, opt.SGD(lr=lr), epochs=2, seed=3, w0=softmax.init(3))
               for lr in grid]
    val = np.array([h.epoch_test_loss[-1] for h in by_hand])
    i = int(np.argmin(val))
    assert s.index == i and s.value == grid[i] and not s.at_edge
    np.testing.assert_allclose(s.history.epoch_test_loss[-1], val, rtol=1e-12)
    np.testing.assert_allclose(s.w, by_hand[i].w, rtol=1e-12, atol=1e-14)
    ev = training.evaluate(softmax, by_hand[i].w, digits)
    assert s.test_loss == pytest.approx(ev["test_loss"], rel=1e-12)
    assert s.test_accuracy == pytest.approx(ev["test_accuracy"])
    assert s.val_loss == pytest.approx(val[i], rel=1e-12)
    assert s.tune.n_train == tune.n_train and s.tune.n_test == tune.n_test
    assert "value=" in repr(s)


def test_sweep_other_hyperparameters_and_regression(diabetes):
    lin = models.LinearRegression(diabetes.n_features)
    s = training.sweep(lin, diabetes, lambda eps: opt.Adadelta(eps=eps), [1e-8, 1e-4, 1e-2, 1.0],
                       epochs=3, edge="allow")
    assert s.test_accuracy is None
    assert s.at_edge == (s.index in (0, 3))
    assert s.value == s.grid[s.index]


def test_sweep_edge_is_an_error_unless_allowed(digits, softmax):
    grid = [1e-4, 1e-3, 1e-2]           # far too small for 1 epoch: the largest value wins
    with pytest.raises(ValueError, match="edge of the grid"):
        training.sweep(softmax, digits, opt.SGD, grid, epochs=1)
    s = training.sweep(softmax, digits, opt.SGD, grid, epochs=1, edge="allow")
    assert s.at_edge and s.index == 2


def test_sweep_does_not_modify_its_inputs(digits, softmax):
    grid = np.array([0.01, 0.1, 1.0, 10.0])
    w0 = softmax.init(0)
    grid_copy, w0_copy = grid.copy(), w0.copy()
    training.sweep(softmax, digits, opt.SGD, grid, epochs=1, w0=w0)
    np.testing.assert_array_equal(grid, grid_copy)
    np.testing.assert_array_equal(w0, w0_copy)


@pytest.mark.parametrize("kwargs, fragment", [
    (dict(grid=[0.1, 1.0]), "at least 3"),
    (dict(grid=[[0.1, 1.0, 2.0]]), "1-D"),
    (dict(grid=[0.1, np.nan, 1.0]), "non-finite"),
    (dict(edge="ignore"), "edge"),
    (dict(w0=np.zeros(3)), "w0 must have shape"),
])
def test_sweep_bad_input(digits, softmax, kwargs, fragment):
    args = dict(grid=[0.01, 0.1, 1.0]) | kwargs
    with pytest.raises(ValueError, match=fragment):
        training.sweep(softmax, digits, opt.SGD, epochs=1, **args)
