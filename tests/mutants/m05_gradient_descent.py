"""Realistic wrong answers (each must lose its function's points) and valid
alternatives (each must earn full marks) for assignment 05_gradient_descent."""

WRONG = {
    "gradient_descent": [
        ("x0 left out of the path", "def gradient_descent(grad, x0, lr, n_steps):\n"
         "    x = np.array(x0, dtype=float)\n    path = []\n"
         "    for _ in range(n_steps):\n        x = x - lr * grad(x)\n        path.append(x)\n"
         "    return np.array(path)"),
        ("one step too many", "def gradient_descent(grad, x0, lr, n_steps):\n"
         "    x = np.array(x0, dtype=float)\n    path = [x]\n"
         "    for _ in range(n_steps + 1):\n        x = x - lr * grad(x)\n        path.append(x)\n"
         "    return np.array(path)"),
        ("in-place update: x0 changes and the rows alias one array",
         "def gradient_descent(grad, x0, lr, n_steps):\n"
         "    x = x0\n    path = [x]\n    for _ in range(n_steps):\n"
         "        x -= lr * grad(x)\n        path.append(x)\n    return np.array(path)"),
        ("path preallocated with x0's dtype (integers truncate)",
         "def gradient_descent(grad, x0, lr, n_steps):\n"
         "    x0 = np.asarray(x0)\n"
         "    path = np.zeros((n_steps + 1,) + x0.shape, dtype=x0.dtype)\n"
         "    path[0] = x0\n    for k in range(n_steps):\n"
         "        path[k + 1] = path[k] - lr * grad(path[k])\n    return path"),
        ("gradient ascent", "def gradient_descent(grad, x0, lr, n_steps):\n"
         "    x = np.array(x0, dtype=float)\n    path = [x]\n"
         "    for _ in range(n_steps):\n        x = x + lr * grad(x)\n        path.append(x)\n"
         "    return np.array(path)"),
        ("a float x0 gives a column, shape (n_steps + 1, 1)",
         "def gradient_descent(grad, x0, lr, n_steps):\n"
         "    x = np.atleast_1d(np.array(x0, dtype=float))\n    path = [x]\n"
         "    for _ in range(n_steps):\n        x = x - lr * grad(x)\n        path.append(x)\n"
         "    return np.array(path)"),
    ],
    "gd_until_converged": [
        ("counts loop iterations from 0 (one short)",
         "def gd_until_converged(f, grad, x0, lr, tol=1e-10, max_steps=10_000):\n"
         "    x = np.array(x0, dtype=float)\n"
         "    for k in range(max_steps):\n        x_new = x - lr * grad(x)\n"
         "        if abs(f(x_new) - f(x)) < tol:\n            break\n        x = x_new\n"
         "    return x_new, k"),
        ("returns x, not x_new",
         "def gd_until_converged(f, grad, x0, lr, tol=1e-10, max_steps=10_000):\n"
         "    x = np.array(x0, dtype=float)\n    steps = 0\n"
         "    while steps < max_steps:\n        x_new = x - lr * grad(x)\n        steps += 1\n"
         "        if abs(f(x_new) - f(x)) < tol:\n            return x, steps\n"
         "        x = x_new\n    return x, steps"),
        ("stops on <= tol",
         "def gd_until_converged(f, grad, x0, lr, tol=1e-10, max_steps=10_000):\n"
         "    x = np.array(x0, dtype=float)\n    steps = 0\n"
         "    while True:\n        x_new = x - lr * grad(x)\n        steps += 1\n"
         "        if abs(f(x_new) - f(x)) <= tol or steps >= max_steps:\n"
         "            return x_new, steps\n        x = x_new"),
        ("allows max_steps + 1 updates",
         "def gd_until_converged(f, grad, x0, lr, tol=1e-10, max_steps=10_000):\n"
         "    x = np.array(x0, dtype=float)\n    steps = 0\n"
         "    while True:\n        x_new = x - lr * grad(x)\n        steps += 1\n"
         "        if abs(f(x_new) - f(x)) < tol or steps > max_steps:\n"
         "            return x_new, steps\n        x = x_new"),
        ("stops on f(x) - f(x_new) < tol, without abs (stops at once when f grows)",
         "def gd_until_converged(f, grad, x0, lr, tol=1e-10, max_steps=10_000):\n"
         "    x = np.array(x0, dtype=float)\n    steps = 0\n"
         "    while True:\n        x_new = x - lr * grad(x)\n        steps += 1\n"
         "        if f(x) - f(x_new) < tol or steps >= max_steps:\n"
         "            return x_new, steps\n        x = x_new"),
        ("stops on the change of x, not of f",
         "def gd_until_converged(f, grad, x0, lr, tol=1e-10, max_steps=10_000):\n"
         "    x = np.array(x0, dtype=float)\n    steps = 0\n"
         "    while True:\n        x_new = x - lr * grad(x)\n        steps += 1\n"
         "        if np.linalg.norm(x_new - x) < tol or steps >= max_steps:\n"
         "            return x_new, steps\n        x = x_new"),
    ],
    "linear_regression_gd": [
        ("1/m instead of 2/m", "def linear_regression_gd(X, y, lr, n_epochs):\n"
         "    theta = np.zeros(X.shape[1])\n    for _ in range(n_epochs):\n"
         "        theta = theta - lr / len(y) * X.T @ (X @ theta - y)\n    return theta"),
        ("sum, no 1/m", "def linear_regression_gd(X, y, lr, n_epochs):\n"
         "    theta = np.zeros(X.shape[1])\n    for _ in range(n_epochs):\n"
         "        theta = theta - lr * 2 * X.T @ (X @ theta - y)\n    return theta"),
        ("one epoch too many", "def linear_regression_gd(X, y, lr, n_epochs):\n"
         "    m, n = X.shape\n    theta = np.zeros(n)\n    for _ in range(n_epochs + 1):\n"
         "        theta = theta - lr * 2 / m * X.T @ (X @ theta - y)\n    return theta"),
        ("theta with X's dtype, updated in place (fails on integer X)",
         "def linear_regression_gd(X, y, lr, n_epochs):\n"
         "    m = len(y)\n    theta = np.zeros_like(X[0])\n    for _ in range(n_epochs):\n"
         "        theta -= lr * 2 / m * X.T @ (X @ theta - y)\n    return theta"),
        ("residual with the wrong sign", "def linear_regression_gd(X, y, lr, n_epochs):\n"
         "    m, n = X.shape\n    theta = np.zeros(n)\n    for _ in range(n_epochs):\n"
         "        theta = theta - lr * 2 / m * X.T @ (y - X @ theta)\n    return theta"),
        ("starts from ones", "def linear_regression_gd(X, y, lr, n_epochs):\n"
         "    m, n = X.shape\n    theta = np.ones(n)\n    for _ in range(n_epochs):\n"
         "        theta = theta - lr * 2 / m * X.T @ (X @ theta - y)\n    return theta"),
    ],
    "minibatch_sgd": [
        ("a new generator every epoch",
         "def minibatch_sgd(grad_fn, theta0, X, y, lr, n_epochs, batch_size, seed=0):\n"
         "    theta = np.array(theta0, dtype=float)\n    m = len(y)\n"
         "    for _ in range(n_epochs):\n        rng = np.random.default_rng(seed)\n"
         "        perm = rng.permutation(m)\n        for i in range(0, m, batch_size):\n"
         "            idx = perm[i:i + batch_size]\n"
         "            theta = theta - lr * grad_fn(theta, X[idx], y[idx])\n    return theta"),
        ("drops the last, smaller batch",
         "def minibatch_sgd(grad_fn, theta0, X, y, lr, n_epochs, batch_size, seed=0):\n"
         "    theta = np.array(theta0, dtype=float)\n    m = len(y)\n"
         "    rng = np.random.default_rng(seed)\n    for _ in range(n_epochs):\n"
         "        perm = rng.permutation(m)\n        for b in range(m // batch_size):\n"
         "            idx = perm[b * batch_size:(b + 1) * batch_size]\n"
         "            theta = theta - lr * grad_fn(theta, X[idx], y[idx])\n    return theta"),
        ("rng.shuffle of one index array, again every epoch",
         "def minibatch_sgd(grad_fn, theta0, X, y, lr, n_epochs, batch_size, seed=0):\n"
         "    theta = np.array(theta0, dtype=float)\n    m = len(y)\n"
         "    rng = np.random.default_rng(seed)\n    perm = np.arange(m)\n"
         "    for _ in range(n_epochs):\n        rng.shuffle(perm)\n"
         "        for i in range(0, m, batch_size):\n            idx = perm[i:i + batch_size]\n"
         "            theta = theta - lr * grad_fn(theta, X[idx], y[idx])\n    return theta"),
        ("the legacy np.random.seed",
         "def minibatch_sgd(grad_fn, theta0, X, y, lr, n_epochs, batch_size, seed=0):\n"
         "    theta = np.array(theta0, dtype=float)\n    m = len(y)\n"
         "    np.random.seed(seed)\n    for _ in range(n_epochs):\n"
         "        perm = np.random.permutation(m)\n        for i in range(0, m, batch_size):\n"
         "            idx = perm[i:i + batch_size]\n"
         "            theta = theta - lr * grad_fn(theta, X[idx], y[idx])\n    return theta"),
        ("updates theta0 in place",
         "def minibatch_sgd(grad_fn, theta0, X, y, lr, n_epochs, batch_size, seed=0):\n"
         "    theta = theta0\n    m = len(y)\n    rng = np.random.default_rng(seed)\n"
         "    for _ in range(n_epochs):\n        perm = rng.permutation(m)\n"
         "        for i in range(0, m, batch_size):\n            idx = perm[i:i + batch_size]\n"
         "            theta -= lr * grad_fn(theta, X[idx], y[idx])\n    return theta"),
        ("no shuffling",
         "def minibatch_sgd(grad_fn, theta0, X, y, lr, n_epochs, batch_size, seed=0):\n"
         "    theta = np.array(theta0, dtype=float)\n    m = len(y)\n"
         "    for _ in range(n_epochs):\n        for i in range(0, m, batch_size):\n"
         "            Xb, yb = X[i:i + batch_size], y[i:i + batch_size]\n"
         "            theta = theta - lr * grad_fn(theta, Xb, yb)\n    return theta"),
    ],
}

RIGHT = {
    "gradient_descent": [
        ("preallocated float array", "def gradient_descent(grad, x0, lr, n_steps):\n"
         "    x0 = np.asarray(x0, dtype=float)\n"
         "    path = np.empty((n_steps + 1,) + x0.shape)\n    path[0] = x0\n"
         "    for k in range(n_steps):\n        path[k + 1] = path[k] - lr * grad(path[k])\n"
         "    return path"),
        ("copy, then in-place updates on the copy", "def gradient_descent(grad, x0, lr, n_steps):\n"
         "    x = np.array(x0, dtype=float)\n    path = [x.copy()]\n"
         "    for _ in range(n_steps):\n        x -= lr * grad(x)\n        path.append(x.copy())\n"
         "    return np.stack(path)"),
    ],
    "gd_until_converged": [
        ("for loop with an explicit counter",
         "def gd_until_converged(f, grad, x0, lr, tol=1e-10, max_steps=10_000):\n"
         "    x = x0 * 1.0\n    fx = f(x)\n    for steps in range(1, max_steps + 1):\n"
         "        x_new = x - lr * grad(x)\n        f_new = f(x_new)\n"
         "        if abs(fx - f_new) < tol:\n            break\n"
         "        x, fx = x_new, f_new\n    return (x_new, steps)"),
        ("a list answer", "def gd_until_converged(f, grad, x0, lr, tol=1e-10, max_steps=10_000):\n"
         "    x, steps = np.array(x0, dtype=float), 0\n"
         "    while steps < max_steps:\n        x_new = x - lr * grad(x)\n        steps += 1\n"
         "        done = abs(f(x_new) - f(x)) < tol\n        x = x_new\n"
         "        if done:\n            break\n    return [x, steps]"),
    ],
    "linear_regression_gd": [
        ("a loop over the examples for the gradient",
         "def linear_regression_gd(X, y, lr, n_epochs):\n"
         "    X = np.asarray(X, dtype=float)\n    y = np.asarray(y, dtype=float)\n"
         "    m, n = X.shape\n    theta = np.zeros(n)\n    for _ in range(n_epochs):\n"
         "        g = np.zeros(n)\n        for i in range(m):\n"
         "            g += 2 * (X[i] @ theta - y[i]) * X[i]\n"
         "        theta -= lr * g / m\n    return theta"),
        ("X^T X precomputed", "def linear_regression_gd(X, y, lr, n_epochs):\n"
         "    m = X.shape[0]\n    A = X.T @ X * (2 / m)\n    c = X.T @ y * (2 / m)\n"
         "    theta = np.zeros(X.shape[1])\n    for _ in range(n_epochs):\n"
         "        theta = theta - lr * (A @ theta - c)\n    return theta"),
    ],
    "minibatch_sgd": [
        ("rng.shuffle of a fresh arange each epoch (same stream as permutation)",
         "def minibatch_sgd(grad_fn, theta0, X, y, lr, n_epochs, batch_size, seed=0):\n"
         "    theta = np.asarray(theta0).astype(float)\n    m = X.shape[0]\n"
         "    rng = np.random.default_rng(seed)\n    for epoch in range(n_epochs):\n"
         "        order = np.arange(m)\n        rng.shuffle(order)\n        start = 0\n"
         "        while start < m:\n            idx = order[start:min(start + batch_size, m)]\n"
         "            theta = theta - lr * grad_fn(theta, X[idx], y[idx])\n"
         "            start += batch_size\n    return theta"),
        ("a copy updated in place",
         "def minibatch_sgd(grad_fn, theta0, X, y, lr, n_epochs, batch_size, seed=0):\n"
         "    theta = theta0.astype(float)\n    m = len(y)\n    rng = np.random.default_rng(seed)\n"
         "    for _ in range(n_epochs):\n        perm = rng.permutation(m)\n"
         "        for i in range(0, m, batch_size):\n            idx = perm[i:i + batch_size]\n"
         "            theta -= lr * grad_fn(theta, X[idx], y[idx])\n    return theta"),
    ],
}
