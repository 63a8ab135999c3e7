"""Realistic wrong answers (each must lose its function's points) and valid
alternatives (each must earn full marks) for assignment 07_perceptron."""

_TRAIN = ("def perceptron_train(X, y, lr=1.0, max_epochs=100):\n"
          "    X = np.asarray(X, dtype=float)\n"
          "    Xb = np.hstack([np.ones((X.shape[0], 1)), X])\n"
          "    w = np.zeros(Xb.shape[1])\n    n_updates = 0\n"
          "    for _ in range({epochs}):\n        mistakes = 0\n"
          "        for x_tilde, target in zip(Xb, y):\n"
          "            y_hat = 1 if x_tilde @ w {cmp} 0 else 0\n"
          "            if y_hat != target:\n"
          "                w = w + {update}\n"
          "                n_updates += 1\n                mistakes += 1\n"
          "{extra}"
          "        if mistakes == 0:\n            break\n    return w, n_updates")


def _train(epochs="max_epochs", cmp=">=", update="lr * (target - y_hat) * x_tilde", extra=""):
    return _TRAIN.format(epochs=epochs, cmp=cmp, update=update, extra=extra)


WRONG = {
    "add_bias": [
        ("ones appended as the last column", "def add_bias(X):\n"
         "    return np.hstack([X, np.ones((X.shape[0], 1))])"),
        ("a column of zeros", "def add_bias(X):\n"
         "    return np.hstack([np.zeros((X.shape[0], 1)), X])"),
        ("adds 1 to every entry", "def add_bias(X):\n    return X + 1.0"),
        ("a row of ones on top", "def add_bias(X):\n"
         "    return np.vstack([np.ones(X.shape[1]), X])"),
    ],
    "heaviside": [
        ("0 at z = 0", "def heaviside(z):\n    return (np.asarray(z) > 0).astype(int)"),
        ("np.heaviside: a float array", "def heaviside(z):\n    return np.heaviside(z, 1.0)"),
        ("booleans, not integers", "def heaviside(z):\n    return np.asarray(z) >= 0"),
        ("(sign + 1) / 2: 0.5 at zero", "def heaviside(z):\n"
         "    return ((np.sign(z) + 1) // 2).astype(int)"),
    ],
    "perceptron_predict": [
        ("bias taken from w[-1]", "def perceptron_predict(w, X):\n"
         "    return (X @ w[:-1] + w[-1] >= 0).astype(int)"),
        ("bias forgotten", "def perceptron_predict(w, X):\n"
         "    return (X @ w[1:] >= 0).astype(int)"),
        ("strict > 0 at the boundary", "def perceptron_predict(w, X):\n"
         "    return (X @ w[1:] + w[0] > 0).astype(int)"),
        ("labels -1 / +1", "def perceptron_predict(w, X):\n"
         "    return np.where(X @ w[1:] + w[0] >= 0, 1, -1)"),
        ("float labels", "def perceptron_predict(w, X):\n"
         "    return np.heaviside(X @ w[1:] + w[0], 1.0)"),
    ],
    "perceptron_train": [
        ("step(0) = 0", _train(cmp=">")),
        ("counts every presentation, not the updates",
         _train(extra="            else:\n                n_updates += 1\n")),
        ("one epoch too many", _train(epochs="max_epochs + 1")),
        ("adds lr * y * x_tilde (ignores y_hat)", _train(update="lr * target * x_tilde")),
        ("ignores lr", _train(update="(target - y_hat) * x_tilde")),
        ("batch update once per epoch",
         "def perceptron_train(X, y, lr=1.0, max_epochs=100):\n"
         "    X = np.asarray(X, dtype=float)\n"
         "    Xb = np.hstack([np.ones((X.shape[0], 1)), X])\n"
         "    w = np.zeros(Xb.shape[1])\n    n_updates = 0\n"
         "    for _ in range(max_epochs):\n"
         "        y_hat = (Xb @ w >= 0).astype(int)\n        wrong = y_hat != y\n"
         "        if not wrong.any():\n            break\n"
         "        w = w + lr * (y - y_hat) @ Xb\n        n_updates += int(wrong.sum())\n"
         "    return w, n_updates"),
    ],
    "linear_neuron_step": [
        ("the step goes up the gradient", "def linear_neuron_step(w, b, x, y, lr):\n"
         "    e = y - (w @ x + b)\n    return w - lr * e * x, b - lr * e"),
        ("factor 2 from (y - y_hat)^2", "def linear_neuron_step(w, b, x, y, lr):\n"
         "    e = y - (w @ x + b)\n    return w + 2 * lr * e * x, b + 2 * lr * e"),
        ("bias not updated", "def linear_neuron_step(w, b, x, y, lr):\n"
         "    e = y - (w @ x + b)\n    return w + lr * e * x, b"),
        ("w updated without the factor x", "def linear_neuron_step(w, b, x, y, lr):\n"
         "    e = y - (w @ x + b)\n    return w + lr * e, b + lr * e"),
        ("w changed in place", "def linear_neuron_step(w, b, x, y, lr):\n"
         "    e = y - (w @ x + b)\n    w += lr * e * x\n    return w, b + lr * e"),
        ("y_hat without b", "def linear_neuron_step(w, b, x, y, lr):\n"
         "    e = y - w @ x\n    return w + lr * e * x, b + lr * e"),
    ],
}

RIGHT = {
    "add_bias": [
        ("np.insert", "def add_bias(X):\n    return np.insert(X, 0, 1, axis=1)"),
        ("np.c_", "def add_bias(X):\n    return np.c_[np.ones(len(X)), X]"),
    ],
    "heaviside": [
        ("np.where, numpy ints for scalars", "def heaviside(z):\n"
         "    return np.where(np.asarray(z) >= 0, 1, 0)"),
        ("np.heaviside converted", "def heaviside(z):\n"
         "    out = np.heaviside(z, 1).astype(np.int64)\n"
         "    return int(out) if out.ndim == 0 else out"),
    ],
    "perceptron_predict": [
        ("a loop over the rows", "def perceptron_predict(w, X):\n"
         "    out = np.zeros(len(X), dtype=int)\n    for i, x in enumerate(X):\n"
         "        s = w[0]\n        for j in range(len(x)):\n            s += w[j + 1] * x[j]\n"
         "        out[i] = 1 if s >= 0 else 0\n    return out"),
        ("bias column and np.where", "def perceptron_predict(w, X):\n"
         "    Xt = np.insert(np.asarray(X, float), 0, 1.0, axis=1)\n"
         "    return np.where(Xt @ w >= 0, 1, 0)"),
    ],
    "perceptron_train": [
        ("checks the whole data set after each epoch",
         "def perceptron_train(X, y, lr=1.0, max_epochs=100):\n"
         "    Xb = np.insert(np.asarray(X, float), 0, 1.0, axis=1)\n"
         "    w, count = np.zeros(Xb.shape[1]), 0\n    epoch = 0\n"
         "    while epoch < max_epochs:\n        epoch += 1\n"
         "        for i in range(len(y)):\n"
         "            err = y[i] - (1 if w @ Xb[i] >= 0 else 0)\n"
         "            if err:\n                w += lr * err * Xb[i]\n                count += 1\n"
         "        if np.all((Xb @ w >= 0).astype(int) == y):\n            break\n"
         "    return [w, count]"),
        ("stops after m correct predictions in a row",
         "def perceptron_train(X, y, lr=1.0, max_epochs=100):\n"
         "    m = len(y)\n    w = np.zeros(X.shape[1] + 1)\n    updates = 0\n    streak = 0\n"
         "    for t in range(m * max_epochs):\n        i = t % m\n"
         "        y_hat = int(w[0] + X[i] @ w[1:] >= 0)\n"
         "        if y_hat == y[i]:\n            streak += 1\n            if streak == m:\n"
         "                break\n        else:\n            w[0] += lr * (y[i] - y_hat)\n"
         "            w[1:] += lr * (y[i] - y_hat) * X[i]\n            updates += 1\n"
         "            streak = 0\n    return w, updates"),
    ],
    "linear_neuron_step": [
        ("gradient written out, a list answer", "def linear_neuron_step(w, b, x, y, lr):\n"
         "    y_hat = np.sum(np.asarray(w) * np.asarray(x)) + b\n"
         "    dw = -(y - y_hat) * np.asarray(x)\n    db = -(y - y_hat)\n"
         "    return [np.asarray(w) - lr * dw, float(b - lr * db)]"),
    ],
}
