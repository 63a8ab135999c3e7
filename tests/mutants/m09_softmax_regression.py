"""Realistic wrong answers (each must lose its function's points) and valid
alternatives (each must earn full marks) for assignment 09_softmax_regression."""

# a correct row-wise softmax, written inside the functions that need one
_SM = ("    def sm(Z):\n"
       "        E = np.exp(Z - np.max(Z, axis=-1, keepdims=True))\n"
       "        return E / np.sum(E, axis=-1, keepdims=True)\n")


def _train(body_loop: str, init: str = "    W, b = np.zeros((n, k)), np.zeros(k)\n",
           steps: str = "n_epochs") -> str:
    return ("def train_softmax_regression(X, y, k, lr, n_epochs):\n" + _SM
            + "    m, n = X.shape\n    Y = np.eye(k)[y]\n" + init
            + f"    for _ in range({steps}):\n" + body_loop + "    return W, b")


_STEP = ("        R = sm(X @ W + b) - Y\n"
         "        W, b = W - lr * X.T @ R / m, b - lr * R.mean(axis=0)\n")

WRONG = {
    "softmax": [
        ("naive exponentials overflow", "def softmax(Z):\n"
         "    E = np.exp(Z)\n    return E / np.sum(E, axis=-1, keepdims=True)"),
        ("normalised over the whole array", "def softmax(Z):\n"
         "    E = np.exp(Z - np.max(Z))\n    return E / np.sum(E)"),
        ("column-wise (axis=0)", "def softmax(Z):\n"
         "    E = np.exp(Z - np.max(Z, axis=0, keepdims=True))\n"
         "    return E / np.sum(E, axis=0, keepdims=True)"),
        ("shifted by the global maximum: rows far below it underflow", "def softmax(Z):\n"
         "    E = np.exp(Z - np.max(Z))\n    return E / np.sum(E, axis=-1, keepdims=True)"),
        ("max without keepdims broadcasts along the wrong axis", "def softmax(Z):\n"
         "    Z = np.asarray(Z, dtype=float)\n"
         "    E = np.exp(Z - np.max(Z, axis=-1))\n"
         "    return E / np.sum(E, axis=-1, keepdims=True)"),
        ("shifted by the minimum", "def softmax(Z):\n"
         "    E = np.exp(Z - np.min(Z, axis=-1, keepdims=True))\n"
         "    return E / np.sum(E, axis=-1, keepdims=True)"),
    ],
    "softmax_jacobian": [
        ("sign flipped: s s^T - diag(s)", "def softmax_jacobian(z):\n" + _SM
         + "    s = sm(z)\n    return np.outer(s, s) - np.diag(s)"),
        ("s @ s is a number, not an outer product", "def softmax_jacobian(z):\n" + _SM
         + "    s = sm(z)\n    return np.diag(s) - s @ s"),
        ("only the diagonal s (1 - s)", "def softmax_jacobian(z):\n" + _SM
         + "    s = sm(z)\n    return np.diag(s * (1 - s))"),
        ("forgot to normalise: exp(z) instead of softmax", "def softmax_jacobian(z):\n"
         "    s = np.exp(z - np.max(z))\n    return np.diag(s) - np.outer(s, s)"),
        ("the log-softmax Jacobian I - 1 s^T", "def softmax_jacobian(z):\n" + _SM
         + "    s = sm(z)\n    return np.eye(len(s)) - np.outer(np.ones(len(s)), s)"),
    ],
    "one_hot": [
        ("an integer array", "def one_hot(y, k):\n    return np.eye(k, dtype=int)[y]"),
        ("transposed: (k, m)", "def one_hot(y, k):\n    return np.eye(k)[y].T"),
        ("k taken from the labels", "def one_hot(y, k):\n    return np.eye(np.max(y) + 1)[y]"),
        ("labels treated as 1-based", "def one_hot(y, k):\n"
         "    return np.eye(k)[np.asarray(y) - 1]"),
        ("booleans", "def one_hot(y, k):\n"
         "    return np.asarray(y)[:, None] == np.arange(k)[None, :]"),
    ],
    "cross_entropy": [
        ("no clipping: nan / inf when P_ij = 0", "def cross_entropy(Y, P):\n"
         "    return -np.mean(np.sum(Y * np.log(P), axis=1))"),
        ("mean over all entries, not over rows", "def cross_entropy(Y, P):\n"
         "    return -np.mean(Y * np.log(np.clip(P, 1e-12, None)))"),
        ("sum over the examples, not the mean", "def cross_entropy(Y, P):\n"
         "    return -np.sum(Y * np.log(np.clip(P, 1e-12, None)))"),
        ("binary cross-entropy of every entry", "def cross_entropy(Y, P):\n"
         "    P = np.clip(P, 1e-12, 1 - 1e-12)\n"
         "    return -np.mean(np.sum(Y * np.log(P) + (1 - Y) * np.log(1 - P), axis=1))"),
        ("missing minus sign", "def cross_entropy(Y, P):\n"
         "    return np.mean(np.sum(Y * np.log(np.clip(P, 1e-12, None)), axis=1))"),
    ],
    "softmax_gradient": [
        ("forgot 1/m", "def softmax_gradient(W, b, X, y):\n" + _SM
         + "    R = sm(X @ W + b) - np.eye(W.shape[1])[y]\n"
         "    return X.T @ R, R.sum(axis=0)"),
        ("sign flipped: Y - S", "def softmax_gradient(W, b, X, y):\n" + _SM
         + "    R = np.eye(W.shape[1])[y] - sm(X @ W + b)\n"
         "    return X.T @ R / len(y), R.mean(axis=0)"),
        ("forgot the bias in the scores", "def softmax_gradient(W, b, X, y):\n" + _SM
         + "    R = sm(X @ W) - np.eye(W.shape[1])[y]\n"
         "    return X.T @ R / len(y), R.mean(axis=0)"),
        ("dW transposed: (k, n)", "def softmax_gradient(W, b, X, y):\n" + _SM
         + "    R = sm(X @ W + b) - np.eye(W.shape[1])[y]\n"
         "    return R.T @ X / len(y), R.mean(axis=0)"),
        ("db averaged over the wrong axis", "def softmax_gradient(W, b, X, y):\n" + _SM
         + "    R = sm(X @ W + b) - np.eye(W.shape[1])[y]\n"
         "    return X.T @ R / len(y), R.mean(axis=1)"),
        ("k taken from the labels", "def softmax_gradient(W, b, X, y):\n" + _SM
         + "    R = sm(X @ W + b) - np.eye(np.max(y) + 1)[y]\n"
         "    return X.T @ R / len(y), R.mean(axis=0)"),
        ("softmax over the columns", "def softmax_gradient(W, b, X, y):\n"
         "    Z = X @ W + b\n    E = np.exp(Z - Z.max(axis=0))\n    S = E / E.sum(axis=0)\n"
         "    R = S - np.eye(W.shape[1])[y]\n"
         "    return X.T @ R / len(y), R.mean(axis=0)"),
    ],
    "train_softmax_regression": [
        ("one step too many", _train(_STEP, steps="n_epochs + 1")),
        ("b updated with the gradient at the new W", _train(
            "        W = W - lr * X.T @ (sm(X @ W + b) - Y) / m\n"
            "        b = b - lr * (sm(X @ W + b) - Y).mean(axis=0)\n")),
        ("forgot 1/m", _train("        R = sm(X @ W + b) - Y\n"
                              "        W, b = W - lr * X.T @ R, b - lr * R.sum(axis=0)\n")),
        ("k taken from the labels", _train(_STEP).replace(
            "    m, n = X.shape\n", "    m, n = X.shape\n    k = int(np.max(y)) + 1\n")),
        ("gradient ascent", _train(
            "        R = sm(X @ W + b) - Y\n"
            "        W, b = W + lr * X.T @ R / m, b + lr * R.mean(axis=0)\n")),
        ("never updates b", _train("        W = W - lr * X.T @ (sm(X @ W + b) - Y) / m\n")),
    ],
}

RIGHT = {
    "softmax": [
        ("scipy.special.softmax", "def softmax(Z):\n    from scipy.special import softmax as s\n"
         "    return s(Z, axis=-1)"),
        ("a loop over rows, via logsumexp", "def softmax(Z):\n"
         "    Z = np.asarray(Z, dtype=float)\n"
         "    if Z.ndim == 1:\n"
         "        m = Z.max()\n        return np.exp(Z - m - np.log(np.sum(np.exp(Z - m))))\n"
         "    out = np.empty_like(Z)\n"
         "    for i, row in enumerate(Z):\n"
         "        m = row.max()\n"
         "        out[i] = np.exp(row - m - np.log(np.sum(np.exp(row - m))))\n"
         "    return out"),
    ],
    "softmax_jacobian": [
        ("two loops with the Kronecker delta", "def softmax_jacobian(z):\n" + _SM
         + "    s = sm(np.asarray(z, dtype=float))\n    k = len(s)\n    J = np.zeros((k, k))\n"
         "    for j in range(k):\n        for i in range(k):\n"
         "            J[j, i] = s[j] * ((i == j) - s[i])\n"
         "    return J"),
        ("naive exponentials, s[:, None] * s[None, :]", "def softmax_jacobian(z):\n"
         "    e = np.exp(z)\n    s = e / e.sum()\n    return np.diag(s) - s[:, None] * s[None, :]"),
    ],
    "one_hot": [
        ("a loop", "def one_hot(y, k):\n    Y = np.zeros((len(y), k))\n"
         "    for i, label in enumerate(y):\n        Y[i, label] = 1\n    return Y"),
        ("np.eye indexing, float32", "def one_hot(y, k):\n"
         "    return np.eye(k, dtype=np.float32)[y]"),
    ],
    "cross_entropy": [
        ("the true class's probability by argmax", "def cross_entropy(Y, P):\n"
         "    Y, P = np.asarray(Y), np.asarray(P, dtype=float)\n"
         "    p_true = P[np.arange(len(P)), np.argmax(Y, axis=1)]\n"
         "    return -np.mean(np.log(np.maximum(p_true, 1e-9)))"),
        ("a loop, log only where Y = 1", "def cross_entropy(Y, P):\n"
         "    import math\n    total = 0.0\n"
         "    for yrow, prow in zip(Y, P):\n        for yj, pj in zip(yrow, prow):\n"
         "            if yj:\n                total -= yj * math.log(max(pj, 1e-15))\n"
         "    return total / len(Y)"),
    ],
    "softmax_gradient": [
        ("a loop over the examples", "def softmax_gradient(W, b, X, y):\n" + _SM
         + "    dW, db = np.zeros(W.shape), np.zeros(len(b))\n"
         "    for x, label in zip(X, y):\n"
         "        r = sm(x @ W + b)\n        r[label] -= 1\n"
         "        dW += np.outer(x, r)\n        db += r\n"
         "    return dW / len(y), db / len(y)"),
        ("scipy softmax and a one-hot matrix", "def softmax_gradient(W, b, X, y):\n"
         "    from scipy.special import softmax\n"
         "    Y = (np.asarray(y)[:, None] == np.arange(W.shape[1])).astype(float)\n"
         "    R = softmax(X @ W + b, axis=1) - Y\n"
         "    return [np.einsum('in,ik->nk', X, R) / len(y), np.mean(R, axis=0)]"),
    ],
    "train_softmax_regression": [
        ("bias as an extra row of W, scipy softmax",
         "def train_softmax_regression(X, y, k, lr, n_epochs):\n"
         "    from scipy.special import softmax\n"
         "    Xt = np.hstack([X, np.ones((len(X), 1))])\n"
         "    Y = np.eye(k)[y]\n    Theta = np.zeros((Xt.shape[1], k))\n"
         "    for epoch in range(n_epochs):\n"
         "        Theta -= lr * Xt.T @ (softmax(Xt @ Theta, axis=1) - Y) / len(X)\n"
         "    return Theta[:-1], Theta[-1]"),
    ],
}
