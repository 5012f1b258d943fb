"""Peer for Backprop's DyingReluWorkloads.cs (seconds per run, lower is better).

"dying-relu run": one training run of course 003's collapse experiment in PyTorch, written the usual way:
nn.Sequential(Linear(1, 2), 10 x (Linear(2, 2), ReLU), Linear(2, 1)) with xavier_uniform_ kernels and zero biases
(Keras's Dense defaults), 3,000 points x ~ U(-sqrt 7, sqrt 7), y = |x|, Adam(lr 1e-3, betas (0.9, 0.999), eps 1e-7 as
Keras), MSE, batch 64 over a fresh permutation each epoch, 20 epochs, and the 100 test predictions before and after
training under torch.no_grad(). Fresh data and weights per run, as the lab; the best of several runs after one warm-up.
"""
import math
import time

import torch


def _one_run(seed):
    generator = torch.Generator().manual_seed(seed)
    bound = math.sqrt(7)
    x = (torch.rand(3000, 1, generator=generator) * 2 - 1) * bound
    y = x.abs()
    x_test = (torch.rand(100, 1, generator=generator) * 2 - 1) * bound
    torch.manual_seed(seed)
    layers = [torch.nn.Linear(1, 2)]
    for _ in range(10):
        layers += [torch.nn.Linear(2, 2), torch.nn.ReLU()]
    layers.append(torch.nn.Linear(2, 1))
    model = torch.nn.Sequential(*layers)
    for module in model:
        if isinstance(module, torch.nn.Linear):
            torch.nn.init.xavier_uniform_(module.weight)
            torch.nn.init.zeros_(module.bias)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-7)
    loss_fn = torch.nn.MSELoss()
    with torch.no_grad():
        before = model(x_test)
    for _ in range(20):
        order = torch.randperm(3000, generator=generator)
        for start in range(0, 3000, 64):
            idx = order[start:start + 64]
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(model(x[idx]), y[idx])
            loss.backward()
            optimizer.step()
    with torch.no_grad():
        after = model(x_test)
    return bool((before == before[0]).all()), bool((after == after[0]).all())


def workloads(quick: bool):
    repetitions = 2 if quick else 5

    def torch_run(threads):
        torch.set_num_threads(threads)
        _one_run(0)
        best = float("inf")
        for r in range(repetitions):
            start = time.perf_counter()
            _one_run(r + 1)
            best = min(best, time.perf_counter() - start)
        return (best, "s", False)

    return [("torch", "dying-relu run", torch_run)]
