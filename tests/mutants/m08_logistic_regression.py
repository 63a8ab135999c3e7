"""Realistic wrong answers (each must lose its function's points) and valid
alternatives (each must earn full marks) for assignment 08_logistic_regression."""

_SIG = ("    z = np.asarray(z, dtype=float)\n"
        "    e = np.exp(-np.abs(z))\n"
        "    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))\n")


def _with_sigmoid(header: str, body: str) -> str:
    """A function that defines a stable sigmoid inside itself, then runs ``body``."""
    return f"{header}\n    def sig(z):\n" + "".join(
        "    " + line + "\n" for line in _SIG.splitlines()) + body


WRONG = {
    "binary_cross_entropy": [
        ("no clipping: nan / inf at p = 0 or 1", "def binary_cross_entropy(y, p):\n"
         "    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))"),
        ("sum instead of mean", "def binary_cross_entropy(y, p):\n"
         "    p = np.clip(p, 1e-12, 1 - 1e-12)\n"
         "    return -np.sum(y * np.log(p) + (1 - y) * np.log(1 - p))"),
        ("log p and log(1 - p) swapped", "def binary_cross_entropy(y, p):\n"
         "    p = np.clip(p, 1e-12, 1 - 1e-12)\n"
         "    return -np.mean(y * np.log(1 - p) + (1 - y) * np.log(p))"),
        ("forgot the (1 - y) term", "def binary_cross_entropy(y, p):\n"
         "    p = np.clip(p, 1e-12, 1 - 1e-12)\n"
         "    return -np.mean(y * np.log(p))"),
        ("missing minus sign", "def binary_cross_entropy(y, p):\n"
         "    p = np.clip(p, 1e-12, 1 - 1e-12)\n"
         "    return np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))"),
        ("clips only the lower end", "def binary_cross_entropy(y, p):\n"
         "    p = np.maximum(p, 1e-12)\n"
         "    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))"),
    ],
    "logistic_gradient": [
        ("forgot 1/m", _with_sigmoid(
            "def logistic_gradient(w, b, X, y):",
            "    r = sig(X @ w + b) - y\n    return X.T @ r, np.sum(r)")),
        ("sign flipped: y - p", _with_sigmoid(
            "def logistic_gradient(w, b, X, y):",
            "    r = y - sig(X @ w + b)\n    return X.T @ r / len(y), np.mean(r)")),
        ("forgot the bias in z", _with_sigmoid(
            "def logistic_gradient(w, b, X, y):",
            "    r = sig(X @ w) - y\n    return X.T @ r / len(y), np.mean(r)")),
        ("linear-regression gradient: no sigmoid", "def logistic_gradient(w, b, X, y):\n"
         "    r = X @ w + b - y\n    return X.T @ r / len(y), np.mean(r)"),
        ("extra factor sigma'(z) (the squared-error gradient)", _with_sigmoid(
            "def logistic_gradient(w, b, X, y):",
            "    p = sig(X @ w + b)\n    r = (p - y) * p * (1 - p)\n"
            "    return X.T @ r / len(y), np.mean(r)")),
        ("db = mean(p), forgot y", _with_sigmoid(
            "def logistic_gradient(w, b, X, y):",
            "    p = sig(X @ w + b)\n    return X.T @ (p - y) / len(y), np.mean(p)")),
    ],
    "train_logistic_regression": [
        ("one step too many", _with_sigmoid(
            "def train_logistic_regression(X, y, lr, n_epochs):",
            "    w, b = np.zeros(X.shape[1]), 0.0\n"
            "    for _ in range(n_epochs + 1):\n"
            "        r = sig(X @ w + b) - y\n"
            "        w, b = w - lr * X.T @ r / len(y), b - lr * np.mean(r)\n"
            "    return w, b")),
        ("b updated with the gradient at the new w", _with_sigmoid(
            "def train_logistic_regression(X, y, lr, n_epochs):",
            "    w, b = np.zeros(X.shape[1]), 0.0\n"
            "    for _ in range(n_epochs):\n"
            "        w = w - lr * X.T @ (sig(X @ w + b) - y) / len(y)\n"
            "        b = b - lr * np.mean(sig(X @ w + b) - y)\n"
            "    return w, b")),
        ("forgot 1/m", _with_sigmoid(
            "def train_logistic_regression(X, y, lr, n_epochs):",
            "    w, b = np.zeros(X.shape[1]), 0.0\n"
            "    for _ in range(n_epochs):\n"
            "        r = sig(X @ w + b) - y\n"
            "        w, b = w - lr * X.T @ r, b - lr * np.sum(r)\n"
            "    return w, b")),
        ("gradient ascent", _with_sigmoid(
            "def train_logistic_regression(X, y, lr, n_epochs):",
            "    w, b = np.zeros(X.shape[1]), 0.0\n"
            "    for _ in range(n_epochs):\n"
            "        r = sig(X @ w + b) - y\n"
            "        w, b = w + lr * X.T @ r / len(y), b + lr * np.mean(r)\n"
            "    return w, b")),
        ("never updates b", _with_sigmoid(
            "def train_logistic_regression(X, y, lr, n_epochs):",
            "    w, b = np.zeros(X.shape[1]), 0.0\n"
            "    for _ in range(n_epochs):\n"
            "        w = w - lr * X.T @ (sig(X @ w + b) - y) / len(y)\n"
            "    return w, b")),
        ("starts from ones", _with_sigmoid(
            "def train_logistic_regression(X, y, lr, n_epochs):",
            "    w, b = np.ones(X.shape[1]), 0.0\n"
            "    for _ in range(n_epochs):\n"
            "        r = sig(X @ w + b) - y\n"
            "        w, b = w - lr * X.T @ r / len(y), b - lr * np.mean(r)\n"
            "    return w, b")),
    ],
    "logistic_predict": [
        ("strict >: p = threshold gives 0", _with_sigmoid(
            "def logistic_predict(w, b, X, threshold=0.5):",
            "    return (sig(X @ w + b) > threshold).astype(int)")),
        ("ignores the threshold (z >= 0)", "def logistic_predict(w, b, X, threshold=0.5):\n"
         "    return (X @ w + b >= 0).astype(int)"),
        ("booleans, not integers", _with_sigmoid(
            "def logistic_predict(w, b, X, threshold=0.5):",
            "    return sig(X @ w + b) >= threshold")),
        ("compares the score z with the threshold",
         "def logistic_predict(w, b, X, threshold=0.5):\n"
         "    return (X @ w + b >= threshold).astype(int)"),
        ("returns probabilities", _with_sigmoid(
            "def logistic_predict(w, b, X, threshold=0.5):",
            "    return sig(X @ w + b)")),
        ("forgot the bias", _with_sigmoid(
            "def logistic_predict(w, b, X, threshold=0.5):",
            "    return (sig(X @ w) >= threshold).astype(int)")),
    ],
}

RIGHT = {
    "binary_cross_entropy": [
        ("a loop, clipping at 1e-7", "def binary_cross_entropy(y, p):\n"
         "    import math\n    total = 0.0\n"
         "    for yi, pi in zip(y, p):\n"
         "        pi = min(max(float(pi), 1e-7), 1 - 1e-7)\n"
         "        total += yi * math.log(pi) + (1 - yi) * math.log(1 - pi)\n"
         "    return -total / len(y)"),
        ("np.where on the label", "def binary_cross_entropy(y, p):\n"
         "    p = np.clip(np.asarray(p, float), 1e-15, 1 - 1e-15)\n"
         "    return np.mean(np.where(np.asarray(y) == 1, -np.log(p), -np.log1p(-p)))"),
    ],
    "logistic_gradient": [
        ("a loop over the examples with expit", "def logistic_gradient(w, b, X, y):\n"
         "    from scipy.special import expit\n"
         "    m, n = X.shape\n    dw, db = np.zeros(n), 0.0\n"
         "    for i in range(m):\n"
         "        r = expit(X[i] @ w + b) - y[i]\n"
         "        dw += r * X[i]\n        db += r\n"
         "    return [dw / m, db / m]"),
        ("naive sigmoid, einsum", "def logistic_gradient(w, b, X, y):\n"
         "    p = 1 / (1 + np.exp(-(X @ w + b)))\n"
         "    return np.einsum('ij,i->j', X, p - y) / len(y), np.array(np.mean(p - y))"),
    ],
    "train_logistic_regression": [
        ("a stacked parameter vector with a column of ones",
         "def train_logistic_regression(X, y, lr, n_epochs):\n"
         "    from scipy.special import expit\n"
         "    Xt = np.hstack([np.ones((len(X), 1)), X])\n"
         "    theta = np.zeros(Xt.shape[1])\n"
         "    for epoch in range(n_epochs):\n"
         "        theta = theta - lr * Xt.T @ (expit(Xt @ theta) - y) / len(y)\n"
         "    return theta[1:], theta[0]"),
    ],
    "logistic_predict": [
        ("compare z with the log-odds of the threshold",
         "def logistic_predict(w, b, X, threshold=0.5):\n"
         "    z = X @ w + b\n"
         "    return np.where(z >= np.log(threshold / (1 - threshold)), 1, 0)"),
        ("expit and astype(np.int32)", "def logistic_predict(w, b, X, threshold=0.5):\n"
         "    from scipy.special import expit\n"
         "    return (expit(X @ w + b) >= threshold).astype(np.int32)"),
    ],
}
