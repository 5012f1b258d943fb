"""Peers for Backprop's InferenceWorkloads.cs.

"infer mnist-mlp bN" / "infer mnist-1000 bN": the outputs of 784->H relu->10 (H = 100 / 1000) for 10,000 random
rows computed N rows at a time (seconds, lower is better): numpy `maximum(x @ W1 + b1, 0) @ W2 + b2` per batch,
torch `model(x[batch])` under `no_grad` in eval mode, scikit-learn `MLPRegressor.predict` per batch (a model fitted
for one iteration on 200 rows, so its weights exist).
"predict linear-1000 256x784": 256x784 through a linear 784->1000 layer, GFLOP/s: numpy `x @ W + b`, torch
`model(x)` under `no_grad`.
"""
import time
import warnings

import numpy as np

from workloads_gemm import best_seconds_per_call


def _data(rows, cols, seed, low=-1.0, high=1.0):
    rng = np.random.default_rng(seed)
    return rng.uniform(low, high, size=(rows, cols)).astype(np.float32)


def _weights(hidden):
    rng = np.random.default_rng(7)
    w1 = rng.uniform(-0.05, 0.05, size=(784, hidden)).astype(np.float32)
    w2 = rng.uniform(-0.05, 0.05, size=(hidden, 10)).astype(np.float32)
    return w1, np.zeros(hidden, np.float32), w2, np.zeros(10, np.float32)


def workloads(quick: bool):
    rows = 1_000 if quick else 10_000
    scale = 10_000 / rows

    def timed(fn):
        seconds = best_seconds_per_call(fn, quick, repetitions=3, min_seconds=0.2)
        return seconds * scale

    def numpy_infer(hidden, batch):
        def run(threads):
            x = _data(rows, 784, 5, 0, 1)
            w1, b1, w2, b2 = _weights(hidden)
            out = np.empty((rows, 10), np.float32)

            def predict():
                for start in range(0, rows, batch):
                    out[start:start + batch] = np.maximum(x[start:start + batch] @ w1 + b1, 0) @ w2 + b2
            return (timed(predict), "s", False)
        return run

    def torch_infer(hidden, batch):
        def run(threads):
            import torch
            torch.set_num_threads(threads)
            x = torch.from_numpy(_data(rows, 784, 5, 0, 1))
            model = torch.nn.Sequential(torch.nn.Linear(784, hidden), torch.nn.ReLU(), torch.nn.Linear(hidden, 10)).eval()

            def predict():
                with torch.no_grad():
                    torch.cat([model(x[start:start + batch]) for start in range(0, rows, batch)])
            return (timed(predict), "s", False)
        return run

    def sklearn_infer(hidden, batch):
        def run(threads):
            from sklearn.neural_network import MLPRegressor
            x = _data(rows, 784, 5, 0, 1)
            model = MLPRegressor(hidden_layer_sizes=(hidden,), activation="relu", max_iter=1, random_state=0)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                model.fit(x[:200], _data(200, 10, 6, 0, 1))

            def predict():
                np.concatenate([model.predict(x[start:start + batch]) for start in range(0, rows, batch)])
            return (timed(predict), "s", False)
        return run

    def numpy_linear(threads):
        x = _data(256, 784, 5, 0, 1)
        w, b = _weights(1000)[0], np.zeros(1000, np.float32)
        seconds = best_seconds_per_call(lambda: x @ w + b, quick, repetitions=10, min_seconds=0.05)
        return (2.0 * 256 * 784 * 1000 / seconds / 1e9, "GFLOP/s", True)

    def torch_linear(threads):
        import torch
        torch.set_num_threads(threads)
        x = torch.from_numpy(_data(256, 784, 5, 0, 1))
        model = torch.nn.Linear(784, 1000).eval()

        def predict():
            with torch.no_grad():
                model(x)
        seconds = best_seconds_per_call(predict, quick, repetitions=10, min_seconds=0.05)
        return (2.0 * 256 * 784 * 1000 / seconds / 1e9, "GFLOP/s", True)

    result = []
    for name, hidden in (("mnist-mlp", 100), ("mnist-1000", 1000)):
        for batch in (1000, 1):
            workload = f"infer {name} b{batch}"
            result.append(("numpy", workload, numpy_infer(hidden, batch)))
            result.append(("torch", workload, torch_infer(hidden, batch)))
            result.append(("sklearn", workload, sklearn_infer(hidden, batch)))
    result.append(("numpy", "predict linear-1000 256x784", numpy_linear))
    result.append(("torch", "predict linear-1000 256x784", torch_linear))
    return result
