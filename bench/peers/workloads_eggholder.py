"""Peers for Backprop's EggholderWorkloads.cs (PyTorch; seconds per training epoch, lower is better).

One epoch of the eggholder-capacity lab's networks as course 003, Problem 4 builds them: 80,000 rows of
(x1, x2) ~ U(-512, 512) with the Eggholder target, batches of 1,000, MSELoss on y_pred.squeeze(), SGD with
momentum 0.9 (dampening 0), nn.Linear's default initialisation.
"train eggholder [128,256,128] epoch": Linear -> BatchNorm1d -> ReLU three times, then Linear(128, 1), lr 1e-4.
"train eggholder [512] epoch": Linear(2, 512) -> ReLU -> Linear(512, 1), lr 1e-7.
Suite "torch": a plain loop over shuffled index batches (torch.randperm; the fast idiom the other workloads use).
Suite "torch-dataloader": the course's own loop, DataLoader(TensorDataset(x, y), batch_size=1000, shuffle=True),
whose default collate gathers each batch row by row.
Best of three epochs after a warm-up epoch (--quick: 8,000 rows, scaled to 80,000).
"train eggholder [128,256,128] epoch cpu": the same epoch in processor seconds of the process (time.process_time,
all threads) instead of wall seconds: less disturbed by other jobs on a shared machine.
"""
import time

import numpy as np
import torch


def _data(rows):
    rng = np.random.default_rng(7)
    x = rng.uniform(-512, 512, size=(rows, 2))
    x1, x2 = x[:, 0], x[:, 1]
    y = -(x2 + 47) * np.sin(np.sqrt(np.abs(x2 + x1 / 2 + 47))) - x1 * np.sin(np.sqrt(np.abs(x1 - (x2 + 47))))
    return torch.from_numpy(x.astype(np.float32)), torch.from_numpy(y.astype(np.float32))


def _model(hidden, batch_norm):
    layers, inputs = [], 2
    for h in hidden:
        layers.append(torch.nn.Linear(inputs, h))
        if batch_norm:
            layers.append(torch.nn.BatchNorm1d(h))
        layers.append(torch.nn.ReLU())
        inputs = h
    layers.append(torch.nn.Linear(inputs, 1))
    return torch.nn.Sequential(*layers)


def _epoch_index(model, optimizer, x, y, generator):
    loss_fn = torch.nn.MSELoss()
    model.train()
    order = torch.randperm(x.shape[0], generator=generator)
    for start in range(0, x.shape[0], 1000):
        idx = order[start:start + 1000]
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(x[idx]).squeeze(), y[idx])
        loss.backward()
        optimizer.step()


def _epoch_dataloader(model, optimizer, loader):
    loss_fn = torch.nn.MSELoss()
    model.train()
    for xb, yb in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(xb).squeeze(), yb)
        loss.backward()
        optimizer.step()


def workloads(quick: bool):
    rows = 8_000 if quick else 80_000

    def make(hidden, batch_norm, lr, dataloader, clock=time.perf_counter):
        def run(threads):
            torch.set_num_threads(threads)
            x, y = _data(rows)
            torch.manual_seed(0)
            model = _model(hidden, batch_norm)
            optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9, dampening=0)
            generator = torch.Generator().manual_seed(1)
            loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, y), batch_size=1000, shuffle=True, generator=generator)
            step = (lambda: _epoch_dataloader(model, optimizer, loader)) if dataloader else (lambda: _epoch_index(model, optimizer, x, y, generator))
            step()
            best = float("inf")
            for _ in range(3):
                start = clock()
                step()
                best = min(best, clock() - start)
            return (best * 80_000 / rows, "s", False)
        return run

    result = []
    for name, hidden, batch_norm, lr in [("train eggholder [128,256,128] epoch", [128, 256, 128], True, 1e-4),
                                         ("train eggholder [512] epoch", [512], False, 1e-7)]:
        result.append(("torch", name, make(hidden, batch_norm, lr, dataloader=False)))
        result.append(("torch-dataloader", name, make(hidden, batch_norm, lr, dataloader=True)))
    result.append(("torch", "train eggholder [128,256,128] epoch cpu", make([128, 256, 128], True, 1e-4, dataloader=False, clock=time.process_time)))
    return result
