"""Realistic wrong answers (each must lose its function's points) and valid
alternatives (each must earn full marks) for assignment 10_backpropagation."""

_FORWARD = ("def mlp_forward(params, X):\n"
            "    Z1 = X @ params['W1'] + params['b1']\n"
            "    A1 = np.maximum(Z1, 0)\n"
            "    Z2 = A1 @ params['W2'] + params['b2']\n"
            "    p = 1 / (1 + np.exp(-Z2[:, 0]))\n"
            "    return p, {'X': X, 'Z1': Z1, 'A1': A1, 'Z2': Z2, 'p': p}")

_BACKWARD = ("def mlp_backward(params, cache, y):\n"
             "    X, Z1, A1, p = cache['X'], cache['Z1'], cache['A1'], cache['p']\n"
             "    d2 = ((p - y) / len(y))[:, None]\n"
             "    d1 = (d2 @ params['W2'].T) * (Z1 > 0)\n"
             "    return {'W1': X.T @ d1, 'b1': d1.sum(axis=0), 'W2': A1.T @ d2,\n"
             "            'b2': d2.sum(axis=0)}")

_CHECK = ("def gradient_check(f, x, analytic_grad, h=1e-5):\n"
          "    x = np.array(x, dtype=float)\n"
          "    n = np.zeros_like(x)\n"
          "    for i in np.ndindex(x.shape):\n"
          "        e = np.zeros_like(x)\n"
          "        e[i] = h\n"
          "        n[i] = (f(x + e) - f(x - e)) / (2 * h)\n"
          "    a = analytic_grad\n"
          "    return np.linalg.norm(a - n) / max(np.linalg.norm(a) + np.linalg.norm(n), 1e-12)")

_TRAIN = ("def train_mlp(X, y, n_hidden, lr, n_epochs, seed=0):\n"
          "    X = np.asarray(X, dtype=float)\n"
          "    m, n = X.shape\n"
          "    rng = np.random.default_rng(seed)\n"
          "    W1 = rng.normal(0, np.sqrt(2 / n), (n, n_hidden))\n"
          "    W2 = rng.normal(0, np.sqrt(2 / n_hidden), (n_hidden, 1))\n"
          "    b1, b2 = np.zeros(n_hidden), np.zeros(1)\n"
          "    for _ in range(n_epochs):\n"
          "        Z1 = X @ W1 + b1\n"
          "        A1 = np.maximum(Z1, 0)\n"
          "        p = 1 / (1 + np.exp(-(A1 @ W2 + b2)[:, 0]))\n"
          "        d2 = ((p - y) / m)[:, None]\n"
          "        d1 = (d2 @ W2.T) * (Z1 > 0)\n"
          "        gW1, gb1, gW2, gb2 = X.T @ d1, d1.sum(0), A1.T @ d2, d2.sum(0)\n"
          "        W1, b1, W2, b2 = W1 - lr * gW1, b1 - lr * gb1, W2 - lr * gW2, b2 - lr * gb2\n"
          "    return {'W1': W1, 'b1': b1, 'W2': W2, 'b2': b2}")


def _edit(source: str, old: str, new: str) -> str:
    """``source`` with ``old`` replaced by ``new`` (which must occur exactly once)."""
    assert source.count(old) == 1, old
    return source.replace(old, new)


WRONG = {
    "relu": [
        ("np.max reduces an axis instead", "def relu(z):\n    return np.max(z, 0)"),
        ("in place: z[z < 0] = 0 changes the input", "def relu(z):\n"
         "    z = np.asarray(z)\n    z[z < 0] = 0\n    return z"),
        ("absolute value", "def relu(z):\n    return np.abs(z)"),
        ("returns the mask, not the values", "def relu(z):\n"
         "    return (np.asarray(z) > 0).astype(float)"),
        ("leaky ReLU", "def relu(z):\n    return np.where(np.asarray(z) > 0, z, 0.01 * z)"),
    ],
    "relu_derivative": [
        ("booleans", "def relu_derivative(z):\n    return np.asarray(z) > 0"),
        ("integers", "def relu_derivative(z):\n    return (np.asarray(z) > 0).astype(int)"),
        ("ReLU itself", "def relu_derivative(z):\n    return np.maximum(np.asarray(z, float), 0)"),
        ("np.sign: -1 for negative z", "def relu_derivative(z):\n"
         "    return np.sign(np.asarray(z, dtype=float))"),
        ("mask reversed", "def relu_derivative(z):\n"
         "    return (np.asarray(z) < 0).astype(float)"),
    ],
    "mlp_forward": [
        ("p left as an (m, 1) column", _edit(_FORWARD, "Z2[:, 0]", "Z2")),
        ("sigmoid in the hidden layer", _edit(_FORWARD, "np.maximum(Z1, 0)",
                                              "1 / (1 + np.exp(-Z1))")),
        ("forgot b1", _edit(_FORWARD, " + params['b1']", "")),
        ("in-place ReLU: the cache's Z1 holds A1", _edit(
            _FORWARD, "    A1 = np.maximum(Z1, 0)\n",
            "    Z1[Z1 < 0] = 0\n    A1 = Z1\n")),
        ("Z2 stored flattened", _edit(_FORWARD, "'Z2': Z2", "'Z2': Z2[:, 0]")),
        ("cache key 'A' instead of 'A1'", _edit(_FORWARD, "'A1': A1", "'A': A1")),
        ("forgot b2", _edit(_FORWARD, " + params['b2']", "")),
    ],
    "mlp_backward": [
        ("forgot 1/m", _edit(_BACKWARD, "((p - y) / len(y))", "(p - y)")),
        ("no ReLU derivative", _edit(_BACKWARD, " * (Z1 > 0)", "")),
        ("an extra sigma'(z) factor", _edit(_BACKWARD, "((p - y) / len(y))",
                                            "((p - y) * p * (1 - p) / len(y))")),
        ("b2 summed to a number", _edit(_BACKWARD, "'b2': d2.sum(axis=0)", "'b2': d2.sum()")),
        ("dW2 from Z1 instead of A1", _edit(_BACKWARD, "A1.T @ d2", "Z1.T @ d2")),
        ("sign flipped: y - p", _edit(_BACKWARD, "((p - y) / len(y))", "((y - p) / len(y))")),
        ("ReLU mask from A1 >= 0 (always true)", _edit(_BACKWARD, "(Z1 > 0)", "(A1 >= 0)")),
    ],
    "gradient_check": [
        ("forward differences", _edit(_CHECK, "(f(x + e) - f(x - e)) / (2 * h)",
                                      "(f(x + e) - f(x)) / h")),
        ("ignores h", _edit(_CHECK, "e[i] = h\n        n[i] = (f(x + e) - f(x - e)) / (2 * h)",
                            "e[i] = 1e-5\n        n[i] = (f(x + e) - f(x - e)) / 2e-5")),
        ("no max: 0 / 0 = nan", _edit(
            _CHECK, "max(np.linalg.norm(a) + np.linalg.norm(n), 1e-12)",
            "(np.linalg.norm(a) + np.linalg.norm(n))")),
        ("denominator max(||a||, ||n||)", _edit(
            _CHECK, "max(np.linalg.norm(a) + np.linalg.norm(n), 1e-12)",
            "max(np.linalg.norm(a), np.linalg.norm(n), 1e-12)")),
        ("integer x stays integer", _edit(_CHECK, "np.array(x, dtype=float)", "np.array(x)")),
        ("divides by h, not 2h", _edit(_CHECK, "/ (2 * h)", "/ h")),
        ("never restores x", "def gradient_check(f, x, analytic_grad, h=1e-5):\n"
         "    n = np.zeros(x.shape)\n"
         "    for i in np.ndindex(x.shape):\n"
         "        x[i] += h\n        fp = f(x)\n        x[i] -= 2 * h\n        fm = f(x)\n"
         "        n[i] = (fp - fm) / (2 * h)\n"
         "    a = analytic_grad\n"
         "    return np.linalg.norm(a - n) / max(np.linalg.norm(a) + np.linalg.norm(n), 1e-12)"),
    ],
    "train_mlp": [
        ("W2 drawn before W1", _edit(
            _TRAIN,
            "    W1 = rng.normal(0, np.sqrt(2 / n), (n, n_hidden))\n"
            "    W2 = rng.normal(0, np.sqrt(2 / n_hidden), (n_hidden, 1))\n",
            "    W2 = rng.normal(0, np.sqrt(2 / n_hidden), (n_hidden, 1))\n"
            "    W1 = rng.normal(0, np.sqrt(2 / n), (n, n_hidden))\n")),
        ("variance 1/n instead of 2/n", _edit(
            _edit(_TRAIN, "np.sqrt(2 / n)", "np.sqrt(1 / n)"),
            "np.sqrt(2 / n_hidden)", "np.sqrt(1 / n_hidden)")),
        ("forgot 1/m", _edit(_TRAIN, "((p - y) / m)", "(p - y)")),
        ("std 2/n instead of sqrt(2/n)", _edit(
            _edit(_TRAIN, "np.sqrt(2 / n)", "(2 / n)"), "np.sqrt(2 / n_hidden)",
            "(2 / n_hidden)")),
        ("a fresh generator for W2", _edit(
            _TRAIN, "    W2 = rng.normal(", "    W2 = np.random.default_rng(seed).normal(")),
        ("one step too many", _edit(_TRAIN, "range(n_epochs)", "range(n_epochs + 1)")),
        ("W2 updated before W1's gradient is computed", _edit(
            _TRAIN,
            "        d1 = (d2 @ W2.T) * (Z1 > 0)\n"
            "        gW1, gb1, gW2, gb2 = X.T @ d1, d1.sum(0), A1.T @ d2, d2.sum(0)\n"
            "        W1, b1, W2, b2 = W1 - lr * gW1, b1 - lr * gb1, W2 - lr * gW2, b2 - lr * gb2\n",
            "        W2, b2 = W2 - lr * A1.T @ d2, b2 - lr * d2.sum(0)\n"
            "        d1 = (d2 @ W2.T) * (Z1 > 0)\n"
            "        W1, b1 = W1 - lr * X.T @ d1, b1 - lr * d1.sum(0)\n")),
    ],
}

RIGHT = {
    "relu": [
        ("z * (z > 0)", "def relu(z):\n    return z * (z > 0)"),
        ("np.where on a float copy", "def relu(z):\n"
         "    z = np.array(z, dtype=float)\n    return np.where(z > 0, z, 0.0)"),
    ],
    "relu_derivative": [
        ("relu'(0) = 1: (z >= 0)", "def relu_derivative(z):\n"
         "    return (np.asarray(z) >= 0).astype(float)"),
        ("np.heaviside with 1/2 at 0", "def relu_derivative(z):\n"
         "    return np.heaviside(np.asarray(z, dtype=float), 0.5)"),
    ],
    "mlp_forward": [
        ("expit and reshape(-1)", "def mlp_forward(params, X):\n"
         "    from scipy.special import expit\n"
         "    W1, b1, W2, b2 = (params[k] for k in ('W1', 'b1', 'W2', 'b2'))\n"
         "    Z1 = np.dot(X, W1) + b1\n    A1 = np.where(Z1 > 0, Z1, 0.0)\n"
         "    Z2 = np.dot(A1, W2) + b2\n    p = expit(Z2).reshape(-1)\n"
         "    cache = dict(X=X, Z1=Z1, A1=A1, Z2=Z2, p=p)\n"
         "    return [p, cache]"),
    ],
    "mlp_backward": [
        ("loops over examples, relu'(0) = 1", "def mlp_backward(params, cache, y):\n"
         "    g = {k: np.zeros_like(v, dtype=float) for k, v in params.items()}\n"
         "    m = len(y)\n"
         "    for i in range(m):\n"
         "        d2 = (cache['p'][i] - y[i]) / m\n"
         "        g['W2'][:, 0] += d2 * cache['A1'][i]\n        g['b2'][0] += d2\n"
         "        d1 = d2 * params['W2'][:, 0] * (cache['Z1'][i] >= 0)\n"
         "        g['W1'] += np.outer(cache['X'][i], d1)\n        g['b1'] += d1\n"
         "    return g"),
        ("recomputes p from Z2 with expit", "def mlp_backward(params, cache, y):\n"
         "    from scipy.special import expit\n"
         "    dZ2 = (expit(cache['Z2']) - np.reshape(y, (-1, 1))) / len(y)\n"
         "    dZ1 = dZ2 @ params['W2'].T * np.heaviside(cache['Z1'], 0.5)\n"
         "    return {'W2': cache['A1'].T @ dZ2, 'b2': dZ2.sum(axis=0),\n"
         "            'W1': cache['X'].T @ dZ1, 'b1': np.sum(dZ1, axis=0)}"),
    ],
    "gradient_check": [
        ("save and restore each entry", "def gradient_check(f, x, analytic_grad, h=1e-5):\n"
         "    x = np.array(x, dtype=float)\n    n = np.zeros_like(x)\n"
         "    flat, nflat = x.reshape(-1), n.reshape(-1)\n"
         "    for i in range(flat.size):\n"
         "        old = flat[i]\n"
         "        flat[i] = old + h\n        fp = f(x)\n"
         "        flat[i] = old - h\n        fm = f(x)\n"
         "        flat[i] = old\n        nflat[i] = (fp - fm) / (2 * h)\n"
         "    a = np.asarray(analytic_grad, dtype=float)\n"
         "    num = np.sqrt(np.sum((a - n) ** 2))\n"
         "    den = np.sqrt(np.sum(a ** 2)) + np.sqrt(np.sum(n ** 2))\n"
         "    return num / max(den, 1e-12)"),
    ],
    "train_mlp": [
        ("relu'(0) = 1, expit, a params dict updated in a loop",
         "def train_mlp(X, y, n_hidden, lr, n_epochs, seed=0):\n"
         "    from scipy.special import expit\n"
         "    n = X.shape[1]\n    rng = np.random.default_rng(seed)\n"
         "    P = {'W1': rng.normal(0, np.sqrt(2 / n), (n, n_hidden)), 'b1': np.zeros(n_hidden)}\n"
         "    P['W2'] = rng.normal(0, np.sqrt(2 / n_hidden), (n_hidden, 1))\n"
         "    P['b2'] = np.zeros(1)\n"
         "    for epoch in range(n_epochs):\n"
         "        Z1 = X @ P['W1'] + P['b1']\n        A1 = np.maximum(Z1, 0)\n"
         "        dZ2 = (expit(A1 @ P['W2'] + P['b2']) - y.reshape(-1, 1)) / len(X)\n"
         "        dZ1 = dZ2 @ P['W2'].T * (Z1 >= 0)\n"
         "        G = {'W1': X.T @ dZ1, 'b1': dZ1.sum(0), 'W2': A1.T @ dZ2, 'b2': dZ2.sum(0)}\n"
         "        for k in P:\n            P[k] = P[k] - lr * G[k]\n"
         "    return P"),
    ],
}
