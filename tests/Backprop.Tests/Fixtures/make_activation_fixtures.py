"""Reference values for the activation and erf tests (run with Debian's /usr/bin/python3: numpy, torch, scipy).
Writes Fixtures/activation_values.csv: name,x,y,dy/dx computed by torch autograd in float64."""
import math, csv, torch
import torch.nn.functional as F
xs = [-7.5, -3.2, -1.0, -0.3, 0.2, 0.7, 1.0, 2.5, 4.0, 9.0]
fns = {
    "sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": F.relu, "relu6": F.relu6,
    "leaky_relu": lambda x: F.leaky_relu(x, 0.2), "elu": F.elu, "selu": F.selu,
    "gelu": F.gelu, "swish": F.silu, "softplus": F.softplus, "softsign": F.softsign,
    "hard_sigmoid": F.hardsigmoid, "hard_silu": F.hardswish, "exponential": torch.exp, "mish": F.mish,
    "gelu_tanh": lambda x: F.gelu(x, approximate="tanh"),
}
with open("activation_values.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["name", "x", "y", "dydx"])
    for name, fn in fns.items():
        for x in xs:
            t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
            y = fn(t)
            y.backward()
            w.writerow([name, repr(x), repr(y.item()), repr(t.grad.item())])
with open("erf_values.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["x", "erf", "erfc"])
    for i in range(-60, 121):
        x = i / 20
        w.writerow([repr(x), repr(math.erf(x)), repr(math.erfc(x))])
    for x in [7.0, 9.5, 12.0, 20.0, 26.0, 1e-3, 1e-8]:
        w.writerow([repr(x), repr(math.erf(x)), repr(math.erfc(x))])
