#!/usr/bin/python3
"""Generates tests/Backprop.Tests/Fixtures/data/*: numpy RandomState streams, scikit-learn train_test_split
indices, the Keras Boston housing order, and .npy/.npz files written by numpy itself.
Run with the Debian python (numpy 1.24, scikit-learn 1.2): /usr/bin/python3 scripts/make-data-fixtures.py"""
import csv
import io
import json
import os

import numpy as np
from sklearn.model_selection import train_test_split

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "tests", "Backprop.Tests", "Fixtures", "data")
os.makedirs(OUT, exist_ok=True)


def random_state_streams():
    cases = []
    for seed in [0, 1, 42, 113, 2024, 123456789, 2**32 - 1]:
        case = {"seed": seed}
        rs = np.random.RandomState(seed)
        case["rand_bits"] = rs.rand(25).view(np.int64).tolist()
        rs = np.random.RandomState(seed)
        case["randint_0_10"] = rs.randint(0, 10, size=30).tolist()
        case["randint_neg5_1000003"] = rs.randint(-5, 1000003, size=10).tolist()
        case["randint_0_2pow40"] = rs.randint(0, 2**40, size=6).tolist()
        case["randint_wide"] = rs.randint(-2**62, 2**62, size=6).tolist()
        case["randint_scalar_after"] = int(rs.randint(7, 8))
        case["rand_after_bits"] = int(np.array([rs.random_sample()]).view(np.int64)[0])
        rs = np.random.RandomState(seed)
        case["permutations"] = {str(n): rs.permutation(n).tolist() for n in [1, 2, 7, 33, 1000]}
        rs = np.random.RandomState(seed)
        arr = np.arange(100) * 3
        rs.shuffle(arr)
        case["shuffle_100_times3"] = arr.tolist()
        cases.append(case)
    return cases


def splits():
    cases = []
    rng = np.random.RandomState(7)
    for n, test_size, seed in [(10, 0.25, 0), (100, 0.2, 42), (506, 0.2, 113), (7, 0.3, 1), (1000, 0.33, 2024),
                               (33, 5, 3), (150, 0.1, 99)]:
        train, test = train_test_split(np.arange(n), test_size=test_size, random_state=seed)
        cases.append({"n": n, "test_size": test_size, "seed": seed, "shuffle": True, "stratify": None,
                      "train": train.tolist(), "test": test.tolist()})
    for n, test_size in [(10, 0.25), (33, 0.5)]:
        train, test = train_test_split(np.arange(n), test_size=test_size, shuffle=False)
        cases.append({"n": n, "test_size": test_size, "seed": None, "shuffle": False, "stratify": None,
                      "train": train.tolist(), "test": test.tolist()})
    for n, k, test_size, seed in [(50, 3, 0.2, 0), (150, 3, 0.25, 42), (97, 4, 0.3, 5), (40, 2, 0.5, 11),
                                  (203, 7, 0.15, 8), (31, 3, 10, 1)]:
        labels = rng.randint(0, k, size=n)
        labels[:2 * k] = np.repeat(np.arange(k), 2)  # every class at least twice
        train, test = train_test_split(np.arange(n), test_size=test_size, random_state=seed, stratify=labels)
        cases.append({"n": n, "test_size": test_size, "seed": seed, "shuffle": True, "stratify": labels.tolist(),
                      "train": train.tolist(), "test": test.tolist()})
    return cases


def boston():
    # keras.datasets.boston_housing.load_data(test_split=0.2, seed=113)
    with open("/work/shared/data/boston_house_prices.csv") as f:
        rows = list(csv.reader(f))[2:]
    y = np.array([float(r[13]) for r in rows])
    indices = np.arange(len(y))
    np.random.RandomState(113).shuffle(indices)
    n_train = int(len(y) * (1 - 0.2))
    return {"order": indices.tolist(), "n_train": n_train, "y_train_first": y[indices][:5].tolist(),
            "y_test_last": float(y[indices][-1])}


def npy_files():
    d = os.path.join(OUT, "npy")
    os.makedirs(d, exist_ok=True)
    arrays = {
        "f4_2x3": np.arange(6, dtype="<f4").reshape(2, 3) / 7,
        "f8_fortran_3x4": np.asfortranarray(np.arange(12, dtype="<f8").reshape(3, 4) * 1.5 - 4),
        "i4_fortran_2x3x4": np.asfortranarray(np.arange(24, dtype="<i4").reshape(2, 3, 4) - 11),
        "i8_5": np.array([-(2**40), -1, 0, 1, 2**62], dtype="<i8"),
        "u1_4x1": np.array([[0], [1], [200], [255]], dtype="|u1"),
        "b1_3": np.array([True, False, True]),
        "i1_3": np.array([-128, 0, 127], dtype="|i1"),
        "i2_2x2": np.array([[-32768, 1], [2, 32767]], dtype="<i2"),
        "f4_big_endian_3": np.array([1.5, -2.25, 3.0], dtype=">f4"),
        "f8_scalar": np.array(3.25),
        "f4_0x3": np.zeros((0, 3), dtype="<f4"),
    }
    meta = {}
    for name, a in arrays.items():
        np.save(os.path.join(d, name + ".npy"), a)
        meta[name] = {"shape": list(a.shape), "values": np.ascontiguousarray(a).astype(np.float64).ravel().tolist()}
    # Versions 2.0 and 3.0 headers.
    a = np.arange(5, dtype="<f8")
    for version in [(2, 0), (3, 0)]:
        name = "f8_v%d" % version[0]
        with open(os.path.join(d, name + ".npy"), "wb") as f:
            np.lib.format.write_array(f, a, version=version)
        meta[name] = {"shape": [5], "values": a.tolist()}
    np.savez(os.path.join(d, "stored.npz"), a=np.arange(6, dtype="<f4").reshape(2, 3), b=np.array([1, 2, 3], dtype="<i8"))
    np.savez_compressed(os.path.join(d, "deflated.npz"), x=np.linspace(0, 1, 50).reshape(5, 10), y=np.arange(5, dtype="|u1"))
    np.save(os.path.join(d, "object.npy"), np.array([1, "a", None], dtype=object), allow_pickle=True)
    with open(os.path.join(d, "npy_meta.json"), "w") as f:
        json.dump(meta, f, indent=0)


def sklearn_sets():
    from sklearn import datasets
    out = {}
    for name, bunch in [("iris", datasets.load_iris()), ("wine", datasets.load_wine()),
                        ("breast_cancer", datasets.load_breast_cancer()), ("digits", datasets.load_digits()),
                        ("diabetes", datasets.load_diabetes()), ("diabetes_raw", datasets.load_diabetes(scaled=False))]:
        out[name] = {"shape": list(bunch.data.shape), "first": bunch.data[0].tolist(), "last": bunch.data[-1].tolist(),
                     "target_first": float(bunch.target[0]), "target_last": float(bunch.target[-1]),
                     "class_counts": np.bincount(bunch.target.astype(int)).tolist() if name not in ("diabetes", "diabetes_raw") else None}
    return out


def main():
    with open(os.path.join(OUT, "sklearn_datasets.json"), "w") as f:
        json.dump(sklearn_sets(), f)
    with open(os.path.join(OUT, "numpy_random_state.json"), "w") as f:
        json.dump(random_state_streams(), f)
    with open(os.path.join(OUT, "sklearn_train_test_split.json"), "w") as f:
        json.dump(splits(), f)
    with open(os.path.join(OUT, "keras_boston_split.json"), "w") as f:
        json.dump(boston(), f)
    npy_files()


if __name__ == "__main__":
    main()
