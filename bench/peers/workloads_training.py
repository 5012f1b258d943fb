"""Peers for Backprop's TrainingWorkloads.cs (seconds, lower is better).

"train boston 300ep": 300 epochs of 13->32 swish->16 swish->1 on 303 random rows, batch 32, SGD Nesterov lr 1e-3
momentum 0.9, MSE, plus a validation pass over 101 rows each epoch. torch: a plain loop over shuffled index
batches (the usual idiom); scikit-learn: MLPRegressor (tanh: it has no swish) with solver sgd, nesterov, batch 32,
max_iter 300, early stopping off, tol 0 and n_iter_no_change huge so it never stops early (no validation pass: sklearn has none).
"train mnist-mlp bN" / "train mnist-1000 bN" / "train sigmoid-deep b8": one epoch over 60,000 random rows of
784->H->10 with SGD lr 0.01 and MSE at batch N (torch), and MLPRegressor with one epoch (max_iter=1) for sklearn.
"train mnist-1000 gelu|elu|mish b128": that network with nn.GELU (exact erf form, Backprop's "gelu" default), nn.ELU
or nn.Mish; torch only (MLPRegressor has none of these activations).
"train deep-adam b128": one epoch of 784->256->256->256->10 relu with Adam (lr 1e-3) and MSE at batch 128, after two
untimed epochs (torch.optim.Adam; MLPRegressor's adam solver through partial_fit, one epoch per call, so its
optimiser state carries over as torch's and Backprop's do).
"""
import time
import warnings

import numpy as np
import torch


def _data(rows, cols, seed, low=-1.0, high=1.0):
    rng = np.random.default_rng(seed)
    return rng.uniform(low, high, size=(rows, cols)).astype(np.float32)


def _torch_mlp(sizes, activation):
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(torch.nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(activation())
    return torch.nn.Sequential(*layers)


def _torch_epochs(model, optimizer, x, y, batch, epochs, x_val=None, y_val=None, seed=1):
    loss_fn = torch.nn.MSELoss()
    generator = torch.Generator().manual_seed(seed)
    n = x.shape[0]
    for _ in range(epochs):
        model.train()
        order = torch.randperm(n, generator=generator)
        for start in range(0, n, batch):
            idx = order[start:start + batch]
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(model(x[idx]), y[idx])
            loss.backward()
            optimizer.step()
        if x_val is not None:
            model.eval()
            with torch.no_grad():
                for start in range(0, x_val.shape[0], batch):
                    loss_fn(model(x_val[start:start + batch]), y_val[start:start + batch]).item()


def _best(fn, repetitions):
    best = float("inf")
    for _ in range(repetitions):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def boston_once(library, epochs=300):
    """A function running one Boston training of a fresh model (workloads_cold.py times it in fresh processes)."""
    x, y = _data(303, 13, 1), _data(303, 1, 2)
    xv, yv = _data(101, 13, 3), _data(101, 1, 4)
    if library == "torch":
        tx, ty, txv, tyv = (torch.from_numpy(a) for a in (x, y, xv, yv))

        def run():
            torch.manual_seed(0)
            model = _torch_mlp([13, 32, 16, 1], torch.nn.SiLU)
            opt = torch.optim.SGD(model.parameters(), lr=1e-3, momentum=0.9, nesterov=True)
            _torch_epochs(model, opt, tx, ty, 32, epochs, txv, tyv)
        return run

    from sklearn.neural_network import MLPRegressor

    def run():
        model = MLPRegressor(hidden_layer_sizes=(32, 16), activation="tanh", solver="sgd", learning_rate_init=1e-3,
                             momentum=0.9, nesterovs_momentum=True, batch_size=32, max_iter=epochs,
                             early_stopping=False, tol=0.0, n_iter_no_change=10**9, random_state=0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model.fit(x, y.ravel())
    return run


def workloads(quick: bool):
    rows = 6_000 if quick else 60_000
    boston_epochs = 30 if quick else 300

    def torch_boston(threads):
        torch.set_num_threads(threads)
        x, y = torch.from_numpy(_data(303, 13, 1)), torch.from_numpy(_data(303, 1, 2))
        xv, yv = torch.from_numpy(_data(101, 13, 3)), torch.from_numpy(_data(101, 1, 4))

        def run():
            torch.manual_seed(0)
            model = _torch_mlp([13, 32, 16, 1], torch.nn.SiLU)
            opt = torch.optim.SGD(model.parameters(), lr=1e-3, momentum=0.9, nesterov=True)
            _torch_epochs(model, opt, x, y, 32, boston_epochs, xv, yv)
        run()
        return (_best(run, 3), "s", False)

    def sklearn_boston(threads):
        from sklearn.neural_network import MLPRegressor
        x, y = _data(303, 13, 1), _data(303, 1, 2).ravel()

        def run():
            model = MLPRegressor(hidden_layer_sizes=(32, 16), activation="tanh", solver="sgd", learning_rate_init=1e-3,
                                 momentum=0.9, nesterovs_momentum=True, batch_size=32, max_iter=boston_epochs,
                                 early_stopping=False, tol=0.0, n_iter_no_change=10**9, random_state=0)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                model.fit(x, y)
        run()
        return (_best(run, 3), "s", False)

    def torch_mnist(hidden, activation, batch):
        def run_workload(threads):
            torch.set_num_threads(threads)
            x, y = torch.from_numpy(_data(rows, 784, 5, 0, 1)), torch.from_numpy(_data(rows, 10, 6, 0, 1))
            torch.manual_seed(0)
            model = _torch_mlp([784] + hidden + [10], activation)
            opt = torch.optim.SGD(model.parameters(), lr=0.01)
            _torch_epochs(model, opt, x[:2000], y[:2000], batch, 1)
            seconds = _best(lambda: _torch_epochs(model, opt, x, y, batch, 1), 2)
            return (seconds * 60_000 / rows, "s", False)
        return run_workload

    def torch_deep_adam(threads):
        torch.set_num_threads(threads)
        x, y = torch.from_numpy(_data(rows, 784, 5, 0, 1)), torch.from_numpy(_data(rows, 10, 6, 0, 1))
        torch.manual_seed(0)
        model = _torch_mlp([784, 256, 256, 256, 10], torch.nn.ReLU)
        opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
        _torch_epochs(model, opt, x[:2000], y[:2000], 128, 1)
        _torch_epochs(model, opt, x, y, 128, 2)
        seconds = _best(lambda: _torch_epochs(model, opt, x, y, 128, 1), 2)
        return (seconds * 60_000 / rows, "s", False)

    def sklearn_deep_adam(threads):
        from sklearn.neural_network import MLPRegressor
        x, y = _data(rows, 784, 5, 0, 1), _data(rows, 10, 6, 0, 1)
        model = MLPRegressor(hidden_layer_sizes=(256, 256, 256), activation="relu", solver="adam",
                             learning_rate_init=1e-3, epsilon=1e-7, batch_size=128, shuffle=True, random_state=0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model.partial_fit(x[:2000], y[:2000])
            model.partial_fit(x, y)
            model.partial_fit(x, y)
            seconds = _best(lambda: model.partial_fit(x, y), 2)
        return (seconds * 60_000 / rows, "s", False)

    def sklearn_mnist(hidden, activation, batch):
        def run_workload(threads):
            from sklearn.neural_network import MLPRegressor
            x, y = _data(rows, 784, 5, 0, 1), _data(rows, 10, 6, 0, 1)

            def run():
                model = MLPRegressor(hidden_layer_sizes=tuple(hidden), activation=activation, solver="sgd",
                                     learning_rate_init=0.01, momentum=0.0, batch_size=batch, max_iter=1,
                                     shuffle=True, random_state=0, tol=0.0, n_iter_no_change=10**9)
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    model.fit(x, y)
            seconds = _best(run, 2 if batch >= 8 else 1)
            return (seconds * 60_000 / rows, "s", False)
        return run_workload

    result = [
        ("torch", "train boston 300ep", torch_boston),
        ("sklearn", "train boston 300ep", sklearn_boston),
    ]
    for batch in (1, 8, 32, 128):
        result.append(("torch", f"train mnist-mlp b{batch}", torch_mnist([100], torch.nn.ReLU, batch)))
        result.append(("sklearn", f"train mnist-mlp b{batch}", sklearn_mnist([100], "relu", batch)))
    for batch in (8, 128):
        result.append(("torch", f"train mnist-1000 b{batch}", torch_mnist([1000], torch.nn.ReLU, batch)))
        result.append(("sklearn", f"train mnist-1000 b{batch}", sklearn_mnist([1000], "relu", batch)))
    for name, activation in (("gelu", torch.nn.GELU), ("elu", torch.nn.ELU), ("mish", torch.nn.Mish)):
        result.append(("torch", f"train mnist-1000 {name} b128", torch_mnist([1000], activation, 128)))
    result.append(("torch", "train sigmoid-deep b8", torch_mnist([100] * 6, torch.nn.Sigmoid, 8)))
    result.append(("sklearn", "train sigmoid-deep b8", sklearn_mnist([100] * 6, "logistic", 8)))
    result.append(("torch", "train deep-adam b128", torch_deep_adam))
    result.append(("sklearn", "train deep-adam b128", sklearn_deep_adam))
    return result
