"""Generates optimizer_trajectories.json for Backprop's optimizer tests.

Run with Debian's python (numpy + torch): /usr/bin/python3 make_optimizer_fixtures.py

"keras" cases: an independent float64 numpy transcription of Keras 3's update rules
(keras/src/optimizers/{sgd,adam,adamw,nadam,adamax,adagrad,adadelta,rmsprop}.py, base_optimizer.py for clipping
and weight decay, schedules/learning_rate_schedule.py). Two parameters (shapes (3,) and (2,)), five steps with
fixed gradients; the weights after every step are recorded.

"torch" cases: the same gradients through torch.optim where its formula coincides with Keras's (SGD with
momentum/Nesterov, Adadelta) or coincides after adjusting epsilon (Adam/AdamW with a negligible epsilon).
"""
import json
import math

import numpy as np
import torch

W0 = [np.array([0.5, -1.25, 2.0]), np.array([0.3, -0.7])]
GRADS = [
    [np.array([0.4, -0.2, 1.5]), np.array([2.0, -3.0])],
    [np.array([0.1, 0.3, -0.5]), np.array([1.0e-6, -2.5])],
    [np.array([-0.6, 0.25, 0.75]), np.array([0.5, 0.0])],
    [np.array([0.2, -0.9, 0.05]), np.array([-1.5, 4.0])],
    [np.array([1.1, 0.4, -0.3]), np.array([0.25, -0.125])],
]


def schedule_value(lr, step):
    if not isinstance(lr, dict):
        return lr
    c = lr["config"]
    kind = lr["class_name"]
    if kind == "ExponentialDecay":
        p = step / c["decay_steps"]
        if c["staircase"]:
            p = math.floor(p)
        return c["initial_learning_rate"] * c["decay_rate"] ** p
    if kind == "CosineDecay":
        d = c["decay_steps"]
        if c["warmup_target"] is None:
            s = min(step, d)
            return c["initial_learning_rate"] * ((1 - c["alpha"]) * 0.5 * (1 + math.cos(math.pi * s / d)) + c["alpha"])
        w = c["warmup_steps"]
        s = min(step, d + w)
        if s < w:
            return (c["warmup_target"] - c["initial_learning_rate"]) * (s / w) + c["initial_learning_rate"]
        return c["warmup_target"] * ((1 - c["alpha"]) * 0.5 * (1 + math.cos(math.pi * (s - w) / d)) + c["alpha"])
    raise ValueError(kind)


def clip(config, grads):
    if config.get("clipnorm"):
        c = config["clipnorm"]
        return [g * c / max(np.sqrt(np.sum(g * g)), c) for g in grads]
    if config.get("global_clipnorm"):
        c = config["global_clipnorm"]
        norm = np.sqrt(sum(np.sum(g * g) for g in grads))
        return [g * (c * min(1.0 / norm, 1.0 / c)) for g in grads]
    if config.get("clipvalue"):
        c = config["clipvalue"]
        return [np.clip(g, -c, c) for g in grads]
    return grads


def run_keras(name, config, steps=5):
    w = [x.copy() for x in W0]
    state = [dict() for _ in w]
    u_product = 1.0
    history = []
    for it in range(steps):
        lr = schedule_value(config.get("learning_rate"), it)
        grads = clip(config, [g.copy() for g in GRADS[it]])
        if config.get("weight_decay"):
            w = [x - x * config["weight_decay"] * lr for x in w]
        t = it + 1
        if name == "nadam":
            b1 = config["beta_1"]
            u_product *= b1 * (1 - 0.5 * 0.96 ** t)
        for i, g in enumerate(grads):
            s = state[i]
            x = w[i]
            z = np.zeros_like(x)
            if name == "sgd":
                mu = config["momentum"]
                if mu == 0:
                    x = x - lr * g
                else:
                    m = s.get("m", z)
                    m = m * mu - g * lr
                    s["m"] = m
                    x = x + (m * mu - g * lr if config["nesterov"] else m)
            elif name in ("adam", "adamw"):
                b1, b2, eps = config["beta_1"], config["beta_2"], config["epsilon"]
                m = s.get("m", z) + (g - s.get("m", z)) * (1 - b1)
                v = s.get("v", z) + (g * g - s.get("v", z)) * (1 - b2)
                s["m"], s["v"] = m, v
                alpha = lr * math.sqrt(1 - b2 ** t) / (1 - b1 ** t)
                if config["amsgrad"]:
                    vh = np.maximum(s.get("vh", z), v)
                    s["vh"] = vh
                    v = vh
                x = x - m * alpha / (np.sqrt(v) + eps)
            elif name == "nadam":
                b1, b2, eps = config["beta_1"], config["beta_2"], config["epsilon"]
                u_t = b1 * (1 - 0.5 * 0.96 ** t)
                u_t1 = b1 * (1 - 0.5 * 0.96 ** (t + 1))
                u_prod_t1 = u_product * u_t1
                m = s.get("m", z) + (g - s.get("m", z)) * (1 - b1)
                v = s.get("v", z) + (g * g - s.get("v", z)) * (1 - b2)
                s["m"], s["v"] = m, v
                m_hat = u_t1 * m / (1 - u_prod_t1) + (1 - u_t) * g / (1 - u_product)
                v_hat = v / (1 - b2 ** t)
                x = x - m_hat * lr / (np.sqrt(v_hat) + eps)
            elif name == "adamax":
                b1, b2, eps = config["beta_1"], config["beta_2"], config["epsilon"]
                m = s.get("m", z) + (g - s.get("m", z)) * (1 - b1)
                u = np.maximum(b2 * s.get("u", z), np.abs(g))
                s["m"], s["u"] = m, u
                x = x - lr * m / ((1 - b1 ** t) * (u + eps))
            elif name == "adagrad":
                a = s.get("a", np.full_like(x, config["initial_accumulator_value"])) + g * g
                s["a"] = a
                x = x - lr * g / np.sqrt(a + config["epsilon"])
            elif name == "adadelta":
                rho, eps = config["rho"], config["epsilon"]
                a = rho * s.get("a", z) + (1 - rho) * g * g
                delta = -(np.sqrt(s.get("d", z) + eps) * g / np.sqrt(a + eps))
                s["a"] = a
                s["d"] = rho * s.get("d", z) + (1 - rho) * delta * delta
                x = x + lr * delta
            elif name == "rmsprop":
                rho, mu, eps = config["rho"], config["momentum"], config["epsilon"]
                v = rho * s.get("v", z) + (1 - rho) * g * g
                s["v"] = v
                if config["centered"]:
                    ag = rho * s.get("ag", z) + (1 - rho) * g
                    s["ag"] = ag
                    den = v - ag * ag + eps
                else:
                    den = v + eps
                inc = lr * g / np.sqrt(den)
                if mu > 0:
                    b = mu * s.get("b", z) + inc
                    s["b"] = b
                    x = x - b
                else:
                    x = x - inc
            else:
                raise ValueError(name)
            w[i] = x
        history.append([x.tolist() for x in w])
    return history


def run_torch(make, steps=5):
    params = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in W0]
    opt = make(params)
    history = []
    for it in range(steps):
        for p, g in zip(params, GRADS[it]):
            p.grad = torch.tensor(g, dtype=torch.float64)
        opt.step()
        history.append([p.detach().numpy().tolist() for p in params])
    return history


def base(**kw):
    c = {"weight_decay": None, "clipnorm": None, "global_clipnorm": None, "clipvalue": None}
    c.update(kw)
    return c


def sgd(**kw):
    return base(**{"learning_rate": 0.1, "momentum": 0.0, "nesterov": False, **kw})


def adam(**kw):
    return base(**{"learning_rate": 0.1, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7, "amsgrad": False, **kw})


def exponential(initial, steps, rate, staircase):
    return {"module": "keras.optimizers.schedules", "class_name": "ExponentialDecay", "config": {
        "initial_learning_rate": initial, "decay_steps": steps, "decay_rate": rate, "staircase": staircase,
        "name": "ExponentialDecay"}}


def cosine(initial, steps, alpha, target, warmup):
    return {"module": "keras.optimizers.schedules", "class_name": "CosineDecay", "config": {
        "initial_learning_rate": initial, "decay_steps": steps, "alpha": alpha, "name": "CosineDecay",
        "warmup_target": target, "warmup_steps": warmup}}


KERAS_CASES = [
    ("sgd plain", "sgd", sgd()),
    ("sgd momentum", "sgd", sgd(momentum=0.9)),
    ("sgd nesterov", "sgd", sgd(momentum=0.9, nesterov=True)),
    ("sgd weight decay", "sgd", sgd(momentum=0.5, weight_decay=0.2)),
    ("sgd global clipnorm", "sgd", sgd(global_clipnorm=1.0)),
    ("sgd momentum exponential schedule", "sgd", sgd(momentum=0.9, learning_rate=exponential(0.1, 2, 0.5, False))),
    ("sgd staircase schedule", "sgd", sgd(learning_rate=exponential(0.1, 2, 0.5, True))),
    ("adam", "adam", adam()),
    ("adam amsgrad", "adam", adam(amsgrad=True)),
    ("adam clipnorm", "adam", adam(clipnorm=1.0)),
    ("adam clipvalue", "adam", adam(clipvalue=0.3)),
    ("adam cosine warmup", "adam", adam(learning_rate=cosine(0.0, 3, 0.1, 0.2, 2))),
    ("adamw", "adamw", adam(weight_decay=0.1)),
    ("nadam", "nadam", base(learning_rate=0.1, beta_1=0.9, beta_2=0.999, epsilon=1e-7)),
    ("adamax", "adamax", base(learning_rate=0.1, beta_1=0.9, beta_2=0.999, epsilon=1e-7)),
    ("adagrad", "adagrad", base(learning_rate=0.1, initial_accumulator_value=0.1, epsilon=1e-7)),
    ("adadelta", "adadelta", base(learning_rate=1.0, rho=0.95, epsilon=1e-7)),
    ("rmsprop", "rmsprop", base(learning_rate=0.01, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False)),
    ("rmsprop centered momentum", "rmsprop", base(learning_rate=0.01, rho=0.9, momentum=0.5, epsilon=1e-7, centered=True)),
]

TINY = 1e-30
TORCH_CASES = [
    ("torch sgd momentum", "sgd", sgd(momentum=0.9),
     lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9)),
    ("torch sgd nesterov", "sgd", sgd(momentum=0.9, nesterov=True),
     lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True)),
    ("torch adadelta", "adadelta", base(learning_rate=1.0, rho=0.9, epsilon=1e-6),
     lambda p: torch.optim.Adadelta(p, lr=1.0, rho=0.9, eps=1e-6)),
    # Keras's epsilon sits outside the bias correction; with a negligible epsilon both reduce to m̂/√v̂.
    ("torch adam negligible epsilon", "adam", adam(epsilon=TINY),
     lambda p: torch.optim.Adam(p, lr=0.1, eps=TINY)),
    ("torch adamw negligible epsilon", "adamw", adam(epsilon=TINY, weight_decay=0.1),
     lambda p: torch.optim.AdamW(p, lr=0.1, eps=TINY, weight_decay=0.1)),
]


def main():
    cases = []
    for label, name, config in KERAS_CASES:
        cases.append({"label": label, "reference": "keras formulas (numpy)", "name": name, "config": config,
                      "weights": run_keras(name, config)})
    for label, name, config, make in TORCH_CASES:
        torch_weights = run_torch(make)
        keras_weights = run_keras(name, config)
        assert np.allclose(np.concatenate([np.concatenate(s) for s in torch_weights]),
                           np.concatenate([np.concatenate(s) for s in keras_weights]), rtol=1e-12, atol=1e-14), label
        cases.append({"label": label, "reference": "torch.optim " + torch.__version__, "name": name, "config": config,
                      "weights": torch_weights})
    # With Keras's default epsilon and a tiny gradient element the two Adams disagree (documented difference).
    keras_default = run_keras("adam", adam())
    torch_default = run_torch(lambda p: torch.optim.Adam(p, lr=0.1, eps=1e-7))
    difference = abs(keras_default[1][1][0] - torch_default[1][1][0])
    out = {
        "initial": [x.tolist() for x in W0],
        "gradients": [[g.tolist() for g in step] for step in GRADS],
        "cases": cases,
        "adam_epsilon_difference": {"keras": keras_default, "torch_eps_1e-7": torch_default,
                                    "element_difference_after_step_2": difference},
    }
    with open("optimizer_trajectories.json", "w") as f:
        json.dump(out, f, indent=1)
    print("cases:", len(cases), "adam eps difference at p1[0] after 2 steps:", difference)


if __name__ == "__main__":
    main()
