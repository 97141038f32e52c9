"""Models: gradients against central finite differences, stacks of parameters against loops, losses by hand."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from optimizers import models

# one spec per model: (factory, task); every property below runs over all of them
MODELS = {
    "linear": (lambda: models.LinearRegression(5), "regression"),
    "softmax": (lambda: models.SoftmaxRegression(5, 3), "classification"),
    "mlp-tanh": (lambda: models.MLP([5, 4, 3], activation="tanh"), "classification"),
    "mlp-relu-deep": (lambda: models.MLP([5, 6, 4, 3], activation="relu"), "classification"),
    "mlp-linear-out": (lambda: models.MLP([5, 4, 1], output="linear"), "regression"),
}


def batch(task, n=9, seed=0, d=5, k=3):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    y = rng.integers(0, k, n) if task == "classification" else rng.normal(size=n)
    return X, y


def central_differences(f, w, h=1e-6):
    g = np.empty_like(w)
    for i in range(w.size):
        e = np.zeros_like(w)
        e[i] = h
        g[i] = (f(w + e) - f(w - e)) / (2 * h)
    return g


@pytest.fixture(params=sorted(MODELS))
def model_spec(request):
    factory, task = MODELS[request.param]
    return factory(), task


def test_gradient_matches_central_differences(model_spec):
    model, task = model_spec
    X, y = batch(task)
    # a random point away from the initialization (relu kinks are measure-zero; h is tiny)
    w = model.init(1) + 0.3 * np.random.default_rng(2).normal(size=model.n_params)
    loss, g = model.loss_and_grad(w, X, y)
    fd = central_differences(lambda v: model.loss(v, X, y), w)
    assert isinstance(loss, float) and g.shape == w.shape
    np.testing.assert_allclose(g, fd, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(model.grad(w, X, y), g)
    assert loss == model.loss(w, X, y)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(1, 12), name=st.sampled_from(sorted(MODELS)))
def test_gradient_matches_central_differences_random(seed, n, name):
    factory, task = MODELS[name]
    model = factory()
    X, y = batch(task, n=n, seed=seed)
    w = model.init(seed) + 0.2 * np.random.default_rng(seed + 1).normal(size=model.n_params)
    _, g = model.loss_and_grad(w, X, y)
    fd = central_differences(lambda v: model.loss(v, X, y), w)
    np.testing.assert_allclose(g, fd, rtol=1e-4, atol=1e-6)


def test_stack_of_parameters_equals_loop(model_spec):
    model, task = model_spec
    X, y = batch(task)
    W = model.init(0, k=4) * np.array([[1.0], [0.5], [2.0], [-1.0]])
    losses, grads = model.loss_and_grad(W, X, y)
    assert losses.shape == (4,) and grads.shape == W.shape
    for i, w in enumerate(W):
        li, gi = model.loss_and_grad(w, X, y)
        np.testing.assert_allclose(losses[i], li, rtol=1e-13)
        np.testing.assert_allclose(grads[i], gi, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(model.loss(W, X, y), losses)
    np.testing.assert_allclose(model.output(W, X), np.stack([model.output(w, X) for w in W]), rtol=1e-12)
    # any leading shape works
    L2, G2 = model.loss_and_grad(W.reshape(2, 2, -1), X, y)
    np.testing.assert_allclose(L2.ravel(), losses)
    np.testing.assert_allclose(G2.reshape(W.shape), grads)


def test_minibatch_loss_is_the_mean_of_example_losses(model_spec):
    model, task = model_spec
    X, y = batch(task, n=6)
    w = model.init(3)
    singles = [model.loss_and_grad(w, X[i:i + 1], y[i:i + 1]) for i in range(6)]
    loss, g = model.loss_and_grad(w, X, y)
    np.testing.assert_allclose(loss, np.mean([s[0] for s in singles]), rtol=1e-13)
    np.testing.assert_allclose(g, np.mean([s[1] for s in singles], axis=0), rtol=1e-12, atol=1e-15)


def test_init_is_seeded_glorot(model_spec):
    model, _ = model_spec
    a, b, c = model.init(0), model.init(0), model.init(1)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c) and a.shape == (model.n_params,) and a.dtype == np.float64
    for (W, bias), (n_in, n_out) in zip(model.unflatten(a), zip(model.layer_sizes[:-1], model.layer_sizes[1:])):
        assert W.shape == (n_out, n_in)
        assert np.all(bias == 0) and np.all(np.abs(W) <= np.sqrt(6 / (n_in + n_out)))
    np.testing.assert_array_equal(model.init(7, k=3)[2], model.init(9))


def test_linear_regression_by_hand():
    m = models.LinearRegression(2)
    X = np.array([[1.0, 2.0], [3.0, -1.0]])
    y = np.array([1.0, 0.0])
    w = np.array([0.5, -1.0, 2.0])  # v = (0.5, -1), c = 2
    pred = X @ w[:2] + w[2]  # (0.5, 4.5)
    r = pred - y
    loss, g = m.loss_and_grad(w, X, y)
    assert loss == pytest.approx(0.5 * np.mean(r**2))
    np.testing.assert_allclose(g, [np.mean(r * X[:, 0]), np.mean(r * X[:, 1]), np.mean(r)])
    np.testing.assert_allclose(m.predict(w, X), pred)


def test_softmax_by_hand_and_stable_for_huge_logits():
    m = models.SoftmaxRegression(1, 3)
    w = np.array([1000.0, 0.0, -1000.0, 0.0, 0.0, 0.0])  # W = (1000, 0, -1000)^T, b = 0
    X, y = np.array([[1.0], [1.0]]), np.array([0, 1])
    loss, g = m.loss_and_grad(w, X, y)
    # example 0: correct with a margin of 1000 -> loss ~ 0; example 1: loss = 1000 exactly (to round-off)
    assert np.isfinite(loss) and loss == pytest.approx(500.0)
    assert np.all(np.isfinite(g))
    zero = m.loss(np.zeros(6), X, y)
    assert zero == pytest.approx(np.log(3))
    assert m.accuracy(w, X, y) == 0.5


def test_mlp_learns_xor_with_plain_gradient_descent():
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]) * 2 - 1
    y = np.array([0, 1, 1, 0])
    m = models.MLP([2, 8, 2], activation="tanh")
    w = m.init(0)
    for _ in range(500):
        w = w - 0.5 * m.grad(w, X, y)
    assert m.accuracy(w, X, y) == 1.0 and m.loss(w, X, y) < 0.05


def test_objective_for_run():
    import optimizers as opt

    m = models.LinearRegression(2)
    X, y = batch("regression", n=20, d=2)
    f = m.objective(X, y)
    traj = opt.run(f, np.zeros(3), opt.SGD(lr=0.5), steps=300)
    A = np.column_stack([X, np.ones(20)])
    np.testing.assert_allclose(traj.x, np.linalg.lstsq(A, y, rcond=None)[0], atol=1e-6)
    assert traj.values.shape == (301,) and traj.values[-1] < traj.values[0]


BAD_CONSTRUCTIONS = [
    (lambda: models.LinearRegression(0), "n_features"),
    (lambda: models.LinearRegression(2.5), "n_features"),
    (lambda: models.SoftmaxRegression(3, 1), "n_classes"),
    (lambda: models.MLP([4]), "at least"),
    (lambda: models.MLP([4, 0, 3]), "layer size"),
    (lambda: models.MLP([4, 3], activation="sigmoid"), "activation"),
    (lambda: models.MLP([4, 1]), "2 classes"),
    (lambda: models.MLP([4, 2], output="linear"), "output size 1"),
    (lambda: models.MLP([4, 2], output="hinge"), "output"),
]


@pytest.mark.parametrize("make, fragment", BAD_CONSTRUCTIONS)
def test_bad_construction(make, fragment):
    with pytest.raises(ValueError, match=fragment):
        make()


def test_bad_calls(model_spec):
    model, task = model_spec
    X, y = batch(task)
    w = model.init(0)
    with pytest.raises(ValueError, match="features|shape"):
        model.loss(w, X[:, :4], y)  # mismatched feature count
    with pytest.raises(ValueError, match="shape"):
        model.loss(w[:-1], X, y)
    with pytest.raises(ValueError, match="y must have shape"):
        model.loss(w, X, y[:-1])
    with pytest.raises(ValueError, match="no rows"):
        model.loss(w, X[:0], y[:0])
    if task == "classification":
        with pytest.raises(ValueError, match="labels"):
            model.loss(w, X, np.full(len(y), 3))
        with pytest.raises(ValueError, match="labels"):
            model.loss(w, X, y + 0.5)
    else:
        with pytest.raises(ValueError, match="classification"):
            model.accuracy(w, X, y)
