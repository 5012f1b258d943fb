"""scikit-learn's LogisticRegression on the logistic-regression lab's splits: the reference accuracies the lab
compares with (recorded in src/Backprop.Labs/LogisticRegression/LogisticRegressionPublished.cs).

The lab's data, exactly: load_digits() with pixels divided by 16, and load_iris() standardised with the training
rows' mean and standard deviation; train_test_split(test_size=0.25, random_state=42) on the row indices (Backprop's
TrainTestSplit reproduces it index for index). Two models per data set: LogisticRegression's defaults (lbfgs,
multinomial, L2 penalty with C=1.0) with max_iter raised to 5000 so lbfgs converges, and the same without a penalty
(penalty=None), which minimises the same unregularised cross-entropy as the lab's softmax regression.
Usage: /usr/bin/python3 bench/peers/logistic_regression_reference.py   (prints one JSON line per model)
"""
import json
import platform

import numpy as np
import sklearn
from sklearn.datasets import load_digits, load_iris
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split


def splits():
    digits = load_digits()
    x, y = digits.data / 16.0, digits.target
    train, test = train_test_split(np.arange(len(y)), test_size=0.25, random_state=42)
    yield "digits", x[train], y[train], x[test], y[test], test

    iris = load_iris()
    x, y = iris.data, iris.target
    train, test = train_test_split(np.arange(len(y)), test_size=0.25, random_state=42)
    mean, std = x[train].mean(axis=0), x[train].std(axis=0)
    yield "iris", (x[train] - mean) / std, y[train], (x[test] - mean) / std, y[test], test


def main():
    for name, x_train, y_train, x_test, y_test, test_rows in splits():
        for label, model in [("default C=1.0", LogisticRegression(max_iter=5000)),
                             ("penalty=None", LogisticRegression(penalty=None, max_iter=5000))]:
            model.fit(x_train, y_train)
            print(json.dumps({
                "data": name, "model": label, "test_accuracy": float(model.score(x_test, y_test)),
                "train_accuracy": float(model.score(x_train, y_train)), "iterations": int(model.n_iter_.max()),
                "train_rows": len(y_train), "test_rows": len(y_test), "first_test_rows": test_rows[:5].tolist(),
                "sklearn": sklearn.__version__, "numpy": np.__version__, "python": platform.python_version(),
            }), flush=True)


if __name__ == "__main__":
    main()
