"""Generates lbfgs_rosenbrock.json: scipy's L-BFGS-B (no bounds) on the Rosenbrock function from (-1.2, 1),
with scikit-learn's MLP settings (gtol = tol = 1e-4, maxiter 200, maxfun 15000, default ftol), recording the
iterate after every iteration. Run with /usr/bin/python3 make_lbfgs_fixture.py."""
import json

import numpy as np
import scipy
from scipy.optimize import minimize


def rosenbrock(x):
    f = 100.0 * (x[1] - x[0] ** 2) ** 2 + (1 - x[0]) ** 2
    g = np.array([-400.0 * x[0] * (x[1] - x[0] ** 2) - 2 * (1 - x[0]), 200.0 * (x[1] - x[0] ** 2)])
    return f, g


iterates = []
result = minimize(rosenbrock, np.array([-1.2, 1.0]), method="L-BFGS-B", jac=True,
                  options={"maxfun": 15000, "maxiter": 200, "gtol": 1e-4},
                  callback=lambda xk: iterates.append(xk.tolist()))
with open("lbfgs_rosenbrock.json", "w") as f:
    json.dump({"scipy": scipy.__version__, "iterates": iterates, "x": result.x.tolist(), "fun": float(result.fun),
               "nit": int(result.nit), "nfev": int(result.nfev), "message": str(result.message)}, f, indent=1)
print(result.nit, result.nfev, result.x, result.message)
