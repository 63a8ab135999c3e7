"""Realistic wrong answers (each must lose its function's points) and valid
alternatives (each must earn full marks) for assignment 06_newton."""

WRONG = {
    "newton_root": [
        ("counts loop iterations from 0 (one short)",
         "def newton_root(f, df, x0, tol=1e-12, max_iter=50):\n"
         "    x = x0\n    for k in range(max_iter):\n        x_new = x - f(x) / df(x)\n"
         "        if abs(x_new - x) < tol:\n            break\n        x = x_new\n"
         "    return x_new, k"),
        ("returns x, not x_new",
         "def newton_root(f, df, x0, tol=1e-12, max_iter=50):\n"
         "    x = x0\n    for n in range(1, max_iter + 1):\n        x_new = x - f(x) / df(x)\n"
         "        if abs(x_new - x) < tol:\n            return x, n\n        x = x_new\n"
         "    return x, max_iter"),
        ("stops when |f(x_new)| < tol",
         "def newton_root(f, df, x0, tol=1e-12, max_iter=50):\n"
         "    x, n = x0, 0\n    while n < max_iter:\n        x = x - f(x) / df(x)\n        n += 1\n"
         "        if abs(f(x)) < tol:\n            break\n    return x, n"),
        ("stops on <= tol",
         "def newton_root(f, df, x0, tol=1e-12, max_iter=50):\n"
         "    x, n = x0, 0\n    while True:\n        x_new = x - f(x) / df(x)\n        n += 1\n"
         "        if abs(x_new - x) <= tol or n >= max_iter:\n            return x_new, n\n"
         "        x = x_new"),
        ("allows max_iter + 1 updates",
         "def newton_root(f, df, x0, tol=1e-12, max_iter=50):\n"
         "    x, n = x0, 0\n    while True:\n        x_new = x - f(x) / df(x)\n        n += 1\n"
         "        if abs(x_new - x) < tol or n > max_iter:\n            return x_new, n\n"
         "        x = x_new"),
        ("stops on the relative step |x_new - x| < tol * |x_new|",
         "def newton_root(f, df, x0, tol=1e-12, max_iter=50):\n"
         "    x, n = x0, 0\n    while True:\n        x_new = x - f(x) / df(x)\n        n += 1\n"
         "        if abs(x_new - x) < tol * abs(x_new) or n >= max_iter:\n"
         "            return x_new, n\n        x = x_new"),
        ("update with the wrong sign",
         "def newton_root(f, df, x0, tol=1e-12, max_iter=50):\n"
         "    x, n = x0, 0\n    while True:\n        x_new = x + f(x) / df(x)\n        n += 1\n"
         "        if abs(x_new - x) < tol or n >= max_iter:\n            return x_new, n\n"
         "        x = x_new"),
    ],
    "newton_step": [
        ("plus, not minus", "def newton_step(g, H):\n    return np.linalg.solve(H, g)"),
        ("multiplies by H instead of solving", "def newton_step(g, H):\n    return -H @ g"),
        ("divides by the diagonal only", "def newton_step(g, H):\n    return -g / np.diag(H)"),
        ("g times the inverse: H transposed", "def newton_step(g, H):\n"
         "    return -g @ np.linalg.inv(H)"),
        ("elementwise product with the inverse", "def newton_step(g, H):\n"
         "    return -(np.linalg.inv(H) * g).sum(axis=0)"),
    ],
    "newton_minimize": [
        ("tests the gradient after the step",
         "def newton_minimize(grad, hess, x0, tol=1e-10, max_iter=50):\n"
         "    x = np.array(x0, dtype=float)\n    path = [x]\n    for _ in range(max_iter):\n"
         "        x = x - np.linalg.solve(hess(x), grad(x))\n        path.append(x)\n"
         "        if np.linalg.norm(grad(x)) < tol:\n            break\n    return np.array(path)"),
        ("stops on <= tol",
         "def newton_minimize(grad, hess, x0, tol=1e-10, max_iter=50):\n"
         "    x = np.array(x0, dtype=float)\n    path = [x]\n    for _ in range(max_iter):\n"
         "        g = grad(x)\n        if np.linalg.norm(g) <= tol:\n            break\n"
         "        x = x - np.linalg.solve(hess(x), g)\n        path.append(x)\n"
         "    return np.array(path)"),
        ("x0 left out of the path",
         "def newton_minimize(grad, hess, x0, tol=1e-10, max_iter=50):\n"
         "    x = np.array(x0, dtype=float)\n    path = []\n    for _ in range(max_iter):\n"
         "        g = grad(x)\n        if np.linalg.norm(g) < tol:\n            break\n"
         "        x = x - np.linalg.solve(hess(x), g)\n        path.append(x)\n"
         "    return np.array(path)"),
        ("the Hessian at x0 reused for every step",
         "def newton_minimize(grad, hess, x0, tol=1e-10, max_iter=50):\n"
         "    x = np.array(x0, dtype=float)\n    H = hess(x)\n    path = [x]\n"
         "    for _ in range(max_iter):\n        g = grad(x)\n"
         "        if np.linalg.norm(g) < tol:\n            break\n"
         "        x = x - np.linalg.solve(H, g)\n        path.append(x)\n"
         "    return np.array(path)"),
        ("max_iter + 1 steps",
         "def newton_minimize(grad, hess, x0, tol=1e-10, max_iter=50):\n"
         "    x = np.array(x0, dtype=float)\n    path = [x]\n    for _ in range(max_iter + 1):\n"
         "        g = grad(x)\n        if np.linalg.norm(g) < tol:\n            break\n"
         "        x = x - np.linalg.solve(hess(x), g)\n        path.append(x)\n"
         "    return np.array(path)"),
        ("stops on the squared norm",
         "def newton_minimize(grad, hess, x0, tol=1e-10, max_iter=50):\n"
         "    x = np.array(x0, dtype=float)\n    path = [x]\n    for _ in range(max_iter):\n"
         "        g = grad(x)\n        if g @ g < tol:\n            break\n"
         "        x = x - np.linalg.solve(hess(x), g)\n        path.append(x)\n"
         "    return np.array(path)"),
    ],
}

RIGHT = {
    "newton_root": [
        ("tests the length of the step f/df",
         "def newton_root(f, df, x0, tol=1e-12, max_iter=50):\n"
         "    x = x0\n    for n in range(1, max_iter + 1):\n        step = f(x) / df(x)\n"
         "        x = x - step\n        if abs(step) < tol:\n            break\n"
         "    return (x, n)"),
        ("a list and numpy numbers",
         "def newton_root(f, df, x0, tol=1e-12, max_iter=50):\n"
         "    x, n = np.float64(x0), np.int64(0)\n    while n < max_iter:\n"
         "        x_new = x - f(x) / df(x)\n        n += 1\n        done = abs(x_new - x) < tol\n"
         "        x = x_new\n        if done:\n            break\n    return [x, n]"),
    ],
    "newton_step": [
        ("inverse", "def newton_step(g, H):\n    return -np.linalg.inv(H) @ g"),
        ("lstsq", "def newton_step(g, H):\n    return -np.linalg.lstsq(H, g, rcond=None)[0]"),
        ("scipy.linalg.solve with a float copy", "def newton_step(g, H):\n"
         "    import scipy.linalg\n"
         "    return -scipy.linalg.solve(np.asarray(H, float), np.asarray(g, float))"),
    ],
    "newton_minimize": [
        ("inverse, math.sqrt norm and np.vstack",
         "def newton_minimize(grad, hess, x0, tol=1e-10, max_iter=50):\n"
         "    import math\n    x = x0.astype(float)\n    rows = [x.copy()]\n    k = 0\n"
         "    while k < max_iter:\n        g = grad(x)\n"
         "        if math.sqrt(float(np.sum(g ** 2))) < tol:\n            break\n"
         "        x = x - np.linalg.inv(hess(x)) @ g\n"
         "        rows.append(x.copy())\n        k += 1\n"
         "    return np.vstack(rows)"),
        ("preallocated, then trimmed",
         "def newton_minimize(grad, hess, x0, tol=1e-10, max_iter=50):\n"
         "    path = np.zeros((max_iter + 1, len(x0)))\n    path[0] = x0\n    k = 0\n"
         "    while k < max_iter and np.linalg.norm(grad(path[k])) >= tol:\n"
         "        path[k + 1] = path[k] + np.linalg.lstsq(hess(path[k]), -grad(path[k]),\n"
         "                                                rcond=None)[0]\n        k += 1\n"
         "    return path[:k + 1]"),
    ],
}
