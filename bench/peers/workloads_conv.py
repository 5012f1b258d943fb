"""Peers for Backprop's ConvolutionWorkloads.cs (PyTorch; seconds per epoch, milliseconds per convolution).

"train lenet5 epoch": one epoch over 54,000 random 1x28x28 images of the plain sigmoid LeNet-5 (Conv2d 6@5x5 ->
Sigmoid -> AvgPool2d 2 -> Conv2d 16@5x5 -> Sigmoid -> AvgPool2d 2 -> Flatten -> Linear 120 -> Sigmoid -> Linear 84
-> Sigmoid -> Linear 10), batch 128, Adam (1e-3), CrossEntropyLoss on the logits (= softmax + categorical
cross-entropy). "train cnn epoch": Keras's MNIST CNN (Conv2d 32@3x3 ReLU -> Conv2d 64@3x3 ReLU -> MaxPool2d 2 ->
Dropout 0.25 -> Flatten -> Linear 128 ReLU -> Dropout 0.5 -> Linear 10) with RMSprop at Keras's settings (lr 1e-3,
alpha 0.9, eps 1e-7). Both in PyTorch's default NCHW layout (channels_last was measured slower here with this
torch build), a plain loop over shuffled index batches, after a 2,000-image warm-up.
"conv2d lenet-c1 b128" / "conv2d lenet-c2 b128" / "conv2d cnn-c2 b128": one Conv2d + activation forward and
backward at batch 128 (28x28x1 -> 6@5x5 sigmoid without input gradient; 12x12x6 -> 16@5x5 sigmoid and
26x26x32 -> 64@3x3 ReLU with the input gradient), best milliseconds per call.
"""
import time

import numpy as np
import torch


def _lenet():
    return torch.nn.Sequential(
        torch.nn.Conv2d(1, 6, 5), torch.nn.Sigmoid(), torch.nn.AvgPool2d(2),
        torch.nn.Conv2d(6, 16, 5), torch.nn.Sigmoid(), torch.nn.AvgPool2d(2), torch.nn.Flatten(),
        torch.nn.Linear(256, 120), torch.nn.Sigmoid(), torch.nn.Linear(120, 84), torch.nn.Sigmoid(),
        torch.nn.Linear(84, 10))


def _cnn():
    return torch.nn.Sequential(
        torch.nn.Conv2d(1, 32, 3), torch.nn.ReLU(), torch.nn.Conv2d(32, 64, 3), torch.nn.ReLU(),
        torch.nn.MaxPool2d(2), torch.nn.Dropout(0.25), torch.nn.Flatten(), torch.nn.Linear(9216, 128),
        torch.nn.ReLU(), torch.nn.Dropout(0.5), torch.nn.Linear(128, 10))


def _epoch(model, optimizer, x, y, rows):
    loss_fn = torch.nn.CrossEntropyLoss()
    model.train()
    order = torch.randperm(rows, generator=torch.Generator().manual_seed(1))
    for start in range(0, rows, 128):
        idx = order[start:start + 128]
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(x[idx]), y[idx])
        loss.backward()
        optimizer.step()


def workloads(quick: bool):
    images = 5_400 if quick else 54_000

    def train(make_model, make_optimizer, rows):
        def run(threads):
            torch.set_num_threads(threads)
            rng = np.random.default_rng(5)
            x = torch.from_numpy(rng.uniform(0, 1, (rows, 1, 28, 28)).astype(np.float32))
            y = torch.from_numpy(rng.integers(0, 10, rows))
            torch.manual_seed(0)
            model = make_model()
            optimizer = make_optimizer(model.parameters())
            _epoch(model, optimizer, x, y, min(rows, 2000))
            best = float("inf")
            for _ in range(2):
                start = time.perf_counter()
                _epoch(model, optimizer, x, y, rows)
                best = min(best, time.perf_counter() - start)
            return (best * 54_000 / rows, "s", False)
        return run

    def conv_alone(channels, filters, kernel, size, activation, input_gradient):
        def run(threads):
            torch.set_num_threads(threads)
            torch.manual_seed(0)
            conv = torch.nn.Conv2d(channels, filters, kernel)
            x = torch.rand(128, channels, size, size, requires_grad=input_gradient)
            out = size - kernel + 1
            dy = torch.rand(128, filters, out, out)

            def step():
                conv.zero_grad(set_to_none=True)
                activation(conv(x)).backward(dy)
                if input_gradient:
                    x.grad = None

            deadline = time.perf_counter() + 0.3
            while time.perf_counter() < deadline:
                step()
            best = float("inf")
            for _ in range(5):
                calls, start = 0, time.perf_counter()
                while True:
                    step()
                    calls += 1
                    elapsed = time.perf_counter() - start
                    if elapsed >= 0.3:
                        break
                best = min(best, elapsed / calls)
            return (best * 1e3, "ms", False)
        return run

    return [
        ("torch", "train lenet5 epoch", train(_lenet, lambda p: torch.optim.Adam(p, lr=1e-3), images)),
        ("torch", "train cnn epoch", train(_cnn, lambda p: torch.optim.RMSprop(p, lr=1e-3, alpha=0.9, eps=1e-7),
                                           1_080 if quick else images)),
        ("torch", "conv2d lenet-c1 b128", conv_alone(1, 6, 5, 28, torch.sigmoid, False)),
        ("torch", "conv2d lenet-c2 b128", conv_alone(6, 16, 5, 12, torch.sigmoid, True)),
        ("torch", "conv2d cnn-c2 b128", conv_alone(32, 64, 3, 26, torch.relu, True)),
    ]
