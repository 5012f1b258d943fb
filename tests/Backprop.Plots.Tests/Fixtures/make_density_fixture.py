#!/usr/bin/python3
"""Reference values for DensityTests: numpy histograms (density=True), quantiles, and a Gaussian KDE with R's
bw.nrd0 (Silverman) bandwidth evaluated by scipy.stats.gaussian_kde. Run: /usr/bin/python3 make_density_fixture.py"""
import json
import numpy as np
from scipy.stats import gaussian_kde

rng = np.random.default_rng(20240501)
cases = []
for n, bins in [(1, 3), (7, 5), (33, 10), (1000, 37), (2500, 64)]:
    values = np.concatenate([rng.normal(0.3, 1.7, n - n // 3), rng.exponential(2.0, n // 3)])
    density, edges = np.histogram(values, bins=bins, density=True)
    counts, _ = np.histogram(values, bins=bins)
    sd = values.std(ddof=1) if n > 1 else 0.0
    iqr = np.quantile(values, 0.75) - np.quantile(values, 0.25)
    spread = min(sd, iqr / 1.34)
    if spread <= 0:
        spread = sd if sd > 0 else (abs(values[0]) if values[0] != 0 else 1.0)
    h = 0.9 * spread * n ** -0.2
    points = np.linspace(values.min() - 1, values.max() + 1, 9)
    if n > 1:
        # gaussian_kde's kernel std is bw_method · sample std (ddof=1); pick bw_method so it equals h.
        kde = gaussian_kde(values, bw_method=h / values.std(ddof=1))(points)
    else:
        kde = np.exp(-0.5 * ((points - values[0]) / h) ** 2) / (h * np.sqrt(2 * np.pi))
    cases.append({
        "values": values.tolist(), "bins": bins, "edges": edges.tolist(), "counts": counts.tolist(),
        "densities": density.tolist(), "bandwidth": h, "points": points.tolist(), "kde": kde.tolist(),
        "quantiles": {str(q): float(np.quantile(values, q)) for q in (0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 1.0)},
    })
with open("density_fixture.json", "w") as f:
    json.dump(cases, f)
