"""Realistic wrong answers (each must lose its function's points) and valid
alternatives (each must earn full marks) for assignment 03_gradients."""

WRONG = {
    "numerical_gradient": [
        ("forward differences", "def numerical_gradient(f, x, h=1e-5):\n"
         "    x = np.asarray(x, dtype=float)\n    fx = f(x)\n    g = np.zeros(len(x))\n"
         "    for j in range(len(x)):\n        e = np.zeros(len(x))\n        e[j] = h\n"
         "        g[j] = (f(x + e) - fx) / h\n    return g"),
        ("steps x in place without restoring it", "def numerical_gradient(f, x, h=1e-5):\n"
         "    g = np.zeros(len(x))\n    for j in range(len(x)):\n        x[j] += h\n"
         "        fp = f(x)\n        x[j] -= 2 * h\n        g[j] = (fp - f(x)) / (2 * h)\n"
         "    return g"),
        ("copies keep the integer dtype", "def numerical_gradient(f, x, h=1e-5):\n"
         "    g = np.zeros(len(x))\n    for j in range(len(x)):\n"
         "        xp, xm = x.copy(), x.copy()\n        xp[j] += h\n        xm[j] -= h\n"
         "        g[j] = (f(xp) - f(xm)) / (2 * h)\n    return g"),
        ("divides by h", "def numerical_gradient(f, x, h=1e-5):\n"
         "    x = np.asarray(x, dtype=float)\n    E = h * np.eye(len(x))\n"
         "    return np.array([(f(x + e) - f(x - e)) / h for e in E])"),
        ("steps all coordinates at once", "def numerical_gradient(f, x, h=1e-5):\n"
         "    x = np.asarray(x, dtype=float)\n"
         "    return np.full(len(x), (f(x + h) - f(x - h)) / (2 * h))"),
    ],
    "quadratic_form_gradient": [
        ("2 B x: assumes B symmetric", "def quadratic_form_gradient(B, x):\n"
         "    return 2 * B @ x"),
        ("B x: forgot half of the product rule", "def quadratic_form_gradient(B, x):\n"
         "    return B @ x"),
        ("2 B^T x", "def quadratic_form_gradient(B, x):\n    return 2 * x @ B"),
        ("symmetrised but halved", "def quadratic_form_gradient(B, x):\n"
         "    return (B + B.T) @ x / 2"),
    ],
    "mse": [
        ("sum, no 1/m", "def mse(X, y, theta):\n    return np.sum((X @ theta - y) ** 2)"),
        ("1/(2m) convention", "def mse(X, y, theta):\n"
         "    return np.sum((X @ theta - y) ** 2) / (2 * len(y))"),
        ("root mean square", "def mse(X, y, theta):\n"
         "    return np.sqrt(np.mean((X @ theta - y) ** 2))"),
        ("norm not squared", "def mse(X, y, theta):\n"
         "    return np.linalg.norm(X @ theta - y) / len(y)"),
        ("divides by the number of features", "def mse(X, y, theta):\n"
         "    return np.sum((X @ theta - y) ** 2) / len(theta)"),
    ],
    "mse_gradient": [
        ("forgot the 2", "def mse_gradient(X, y, theta):\n"
         "    return X.T @ (X @ theta - y) / len(y)"),
        ("forgot the 1/m", "def mse_gradient(X, y, theta):\n"
         "    return 2 * X.T @ (X @ theta - y)"),
        ("residual y - X theta", "def mse_gradient(X, y, theta):\n"
         "    return 2 / len(y) * X.T @ (y - X @ theta)"),
        ("m taken as the number of features", "def mse_gradient(X, y, theta):\n"
         "    return 2 / X.shape[1] * X.T @ (X @ theta - y)"),
    ],
    "normal_equation": [
        ("elementwise 1 / (X^T X)", "def normal_equation(X, y):\n"
         "    return (1 / (X.T @ X)) @ X.T @ y"),
        ("one column at a time", "def normal_equation(X, y):\n"
         "    return (X.T @ y) / np.sum(X * X, axis=0)"),
        ("square system from the first n rows", "def normal_equation(X, y):\n"
         "    n = X.shape[1]\n    return np.linalg.solve(X[:n], y[:n])"),
        ("100 steps of gradient descent", "def normal_equation(X, y):\n"
         "    theta = np.zeros(X.shape[1])\n    for _ in range(100):\n"
         "        theta -= 0.05 * 2 / len(y) * X.T @ (X @ theta - y)\n    return theta"),
    ],
    "numerical_jacobian": [
        ("transposed: one row per input", "def numerical_jacobian(F, x, h=1e-5):\n"
         "    x = np.asarray(x, dtype=float)\n    rows = []\n    for j in range(len(x)):\n"
         "        e = np.zeros(len(x))\n        e[j] = h\n"
         "        rows.append((F(x + e) - F(x - e)) / (2 * h))\n    return np.array(rows)"),
        ("forward differences", "def numerical_jacobian(F, x, h=1e-5):\n"
         "    x = np.asarray(x, dtype=float)\n    Fx = F(x)\n"
         "    J = np.zeros((len(Fx), len(x)))\n    for j in range(len(x)):\n"
         "        e = np.zeros(len(x))\n        e[j] = h\n"
         "        J[:, j] = (F(x + e) - Fx) / h\n    return J"),
        ("square matrix assumed", "def numerical_jacobian(F, x, h=1e-5):\n"
         "    x = np.asarray(x, dtype=float)\n    J = np.zeros((len(x), len(x)))\n"
         "    for j in range(len(x)):\n        e = np.zeros(len(x))\n        e[j] = h\n"
         "        J[:, j] = (F(x + e) - F(x - e)) / (2 * h)\n    return J"),
        ("steps x in place without restoring it", "def numerical_jacobian(F, x, h=1e-5):\n"
         "    cols = []\n    for j in range(len(x)):\n        x[j] += h\n        Fp = F(x)\n"
         "        x[j] -= 2 * h\n        cols.append((Fp - F(x)) / (2 * h))\n"
         "    return np.stack(cols, axis=1)"),
        ("copies keep the integer dtype", "def numerical_jacobian(F, x, h=1e-5):\n"
         "    cols = []\n    for j in range(len(x)):\n        xp, xm = x.copy(), x.copy()\n"
         "        xp[j] += h\n        xm[j] -= h\n"
         "        cols.append((F(xp) - F(xm)) / (2 * h))\n    return np.stack(cols, axis=1)"),
    ],
}

RIGHT = {
    "numerical_gradient": [
        ("vectorised over the rows of h I", "def numerical_gradient(f, x, h=1e-5):\n"
         "    x = np.asarray(x, dtype=float)\n    E = h * np.eye(len(x))\n"
         "    return np.array([(f(x + e) - f(x - e)) / (2 * h) for e in E])"),
        ("complex step", "def numerical_gradient(f, x, h=1e-5):\n"
         "    g = np.zeros(len(x))\n    for j in range(len(x)):\n"
         "        z = np.array(x, dtype=complex)\n        z[j] += 1e-20j\n"
         "        g[j] = f(z).imag / 1e-20\n    return g"),
    ],
    "quadratic_form_gradient": [
        ("B x + B^T x", "def quadratic_form_gradient(B, x):\n    return B @ x + B.T @ x"),
        ("explicit double loop", "def quadratic_form_gradient(B, x):\n    n = len(x)\n"
         "    g = np.zeros(n)\n    for k in range(n):\n        for j in range(n):\n"
         "            g[k] += (B[k, j] + B[j, k]) * x[j]\n    return g"),
    ],
    "mse": [
        ("np.mean of squares", "def mse(X, y, theta):\n    return np.mean((X @ theta - y) ** 2)"),
        ("a loop over examples", "def mse(X, y, theta):\n    total = 0.0\n"
         "    for xi, yi in zip(X, y):\n        total += (np.dot(xi, theta) - yi) ** 2\n"
         "    return total / len(X)"),
    ],
    "mse_gradient": [
        ("residual times X", "def mse_gradient(X, y, theta):\n    m = X.shape[0]\n"
         "    return (2.0 / m) * ((X @ theta - y) @ X)"),
        ("sum of per-example gradients", "def mse_gradient(X, y, theta):\n"
         "    g = np.zeros(len(theta))\n    for xi, yi in zip(X, y):\n"
         "        g += 2 * (xi @ theta - yi) * xi\n    return g / len(y)"),
    ],
    "normal_equation": [
        ("inverse of X^T X", "def normal_equation(X, y):\n"
         "    return np.linalg.inv(X.T @ X) @ X.T @ y"),
        ("np.linalg.lstsq", "def normal_equation(X, y):\n"
         "    return np.linalg.lstsq(X, y, rcond=None)[0]"),
        ("pseudo-inverse", "def normal_equation(X, y):\n    return np.linalg.pinv(X) @ y"),
    ],
    "numerical_jacobian": [
        ("rows of outputs then transpose", "def numerical_jacobian(F, x, h=1e-5):\n"
         "    x = np.asarray(x, dtype=float)\n    rows = []\n    for j in range(len(x)):\n"
         "        e = np.zeros(len(x))\n        e[j] = h\n"
         "        rows.append((F(x + e) - F(x - e)) / (2 * h))\n    return np.array(rows).T"),
        ("complex step", "def numerical_jacobian(F, x, h=1e-5):\n    cols = []\n"
         "    for j in range(len(x)):\n        z = np.array(x, dtype=complex)\n"
         "        z[j] += 1e-20j\n        cols.append(np.imag(F(z)) / 1e-20)\n"
         "    return np.array(cols).T"),
    ],
}
