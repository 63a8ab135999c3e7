"""Realistic wrong answers (each must lose its function's points) and valid
alternatives (each must earn full marks) for assignment 11_optimizers."""

_MOM = "def momentum_descent(grad, x0, lr, beta, n_steps):\n"
_OPT = "def optimal_momentum(l_min, l_max):\n"
_BT = "def backtracking_step(f, g, x, d, t0=1.0, alpha=1e-4, shrink=0.5):\n"
_GDB = "def gd_backtracking(f, grad, x0, n_steps, t0=1.0, alpha=1e-4, shrink=0.5):\n"
_MV = "        m = beta1 * m + (1 - beta1) * g\n        v = beta2 * v + (1 - beta2) * g ** 2\n"
_ADAM = "def adam(grad, x0, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, n_steps=100):\n"


def _adam(update: str, start: str = "    for t in range(1, n_steps + 1):\n") -> str:
    """An Adam whose loop body (after g = grad(x)) is ``update``."""
    return (_ADAM + "    x = np.array(x0, dtype=float)\n    m = np.zeros_like(x)\n"
            "    v = np.zeros_like(x)\n    path = [x]\n" + start + "        g = grad(x)\n"
            + update + "        path.append(x)\n    return np.array(path)")


WRONG = {
    "momentum_descent": [
        ("the moving-average form v = beta v + (1 - beta) g (a different method)",
         _MOM + "    x = np.array(x0, dtype=float)\n    v = np.zeros_like(x)\n    path = [x]\n"
         "    for _ in range(n_steps):\n        v = beta * v + (1 - beta) * grad(x)\n"
         "        x = x - lr * v\n        path.append(x)\n    return np.array(path)"),
        ("steps first, then adds the gradient at the new point",
         _MOM + "    x = np.array(x0, dtype=float)\n    v = np.zeros_like(x)\n    path = [x]\n"
         "    for _ in range(n_steps):\n        x = x - lr * v\n        v = beta * v + grad(x)\n"
         "        path.append(x)\n    return np.array(path)"),
        ("v = beta v - grad, then x - lr v: a sign slip (ascent)",
         _MOM + "    x = np.array(x0, dtype=float)\n    v = np.zeros_like(x)\n    path = [x]\n"
         "    for _ in range(n_steps):\n        v = beta * v - grad(x)\n        x = x - lr * v\n"
         "        path.append(x)\n    return np.array(path)"),
        ("x0 left out of the path",
         _MOM + "    x = np.array(x0, dtype=float)\n    v = np.zeros_like(x)\n    path = []\n"
         "    for _ in range(n_steps):\n        v = beta * v + grad(x)\n        x = x - lr * v\n"
         "        path.append(x)\n    return np.array(path)"),
        ("a float x0 gives a column, shape (n_steps + 1, 1)",
         _MOM + "    x = np.atleast_1d(np.array(x0, dtype=float))\n    v = np.zeros_like(x)\n"
         "    path = [x]\n    for _ in range(n_steps):\n        v = beta * v + grad(x)\n"
         "        x = x - lr * v\n        path.append(x)\n    return np.array(path)"),
        ("Nesterov's look-ahead gradient instead of the heavy ball",
         _MOM + "    x = np.array(x0, dtype=float)\n    v = np.zeros_like(x)\n    path = [x]\n"
         "    for _ in range(n_steps):\n        v = beta * v + grad(x - lr * beta * v)\n"
         "        x = x - lr * v\n        path.append(x)\n    return np.array(path)"),
        ("in-place update of x0: x0 changes and the rows alias one array",
         _MOM + "    x = x0\n    v = 0 * x0\n    path = [x]\n    for _ in range(n_steps):\n"
         "        v = beta * v + grad(x)\n        x -= lr * v\n        path.append(x)\n"
         "    return np.array(path)"),
    ],
    "optimal_momentum": [
        ("kappa not square-rooted",
         _OPT + "    kappa = l_max / l_min\n    lr = 4 / (np.sqrt(l_max) + np.sqrt(l_min)) ** 2\n"
         "    return lr, ((kappa - 1) / (kappa + 1)) ** 2"),
        ("gradient descent's best rate lr = 2 / (l_min + l_max)",
         _OPT + "    kappa = l_max / l_min\n    lr = 2 / (l_min + l_max)\n"
         "    return lr, ((np.sqrt(kappa) - 1) / (np.sqrt(kappa) + 1)) ** 2"),
        ("beta not squared (that is the rate, not beta)",
         _OPT + "    kappa = l_max / l_min\n    lr = 4 / (np.sqrt(l_max) + np.sqrt(l_min)) ** 2\n"
         "    return lr, (np.sqrt(kappa) - 1) / (np.sqrt(kappa) + 1)"),
        ("the denominator of lr not squared",
         _OPT + "    kappa = l_max / l_min\n    lr = 4 / (np.sqrt(l_max) + np.sqrt(l_min))\n"
         "    return lr, ((np.sqrt(kappa) - 1) / (np.sqrt(kappa) + 1)) ** 2"),
    ],
    "backtracking_step": [
        ("no check of the direction: an ascent direction returns a tiny t",
         _BT + "    slope = np.dot(g, d)\n    t = t0\n"
         "    while f(x + t * d) > f(x) + alpha * t * slope and t > 1e-12:\n"
         "        t *= shrink\n    return t"),
        ("raises only for g.d > 0: a zero slope gets through",
         _BT + "    slope = np.dot(g, d)\n    if slope > 0:\n        raise ValueError('ascent')\n"
         "    t = t0\n    while f(x + t * d) > f(x) + alpha * t * slope and t > 1e-12:\n"
         "        t *= shrink\n    return t"),
        ("an assert instead of ValueError",
         _BT + "    slope = np.dot(g, d)\n    assert slope < 0, 'not a descent direction'\n"
         "    t = t0\n    while f(x + t * d) > f(x) + alpha * t * slope:\n"
         "        t *= shrink\n    return t"),
        ("the Armijo test with the wrong sign (accepts f(x + t d) >= ...)",
         _BT + "    slope = np.dot(g, d)\n    if slope >= 0:\n        raise ValueError('ascent')\n"
         "    t = t0\n    while not f(x + t * d) >= f(x) + alpha * t * slope:\n"
         "        t *= shrink\n    return t"),
        ("alpha not multiplying: f(x + t d) <= f(x) + t g.d",
         _BT + "    slope = np.dot(g, d)\n    if slope >= 0:\n        raise ValueError('ascent')\n"
         "    t = t0\n    while f(x + t * d) > f(x) + t * slope:\n        t *= shrink\n"
         "    return t"),
        ("shrinks before the first test: t0 itself is never tried",
         _BT + "    slope = np.dot(g, d)\n    if slope >= 0:\n        raise ValueError('ascent')\n"
         "    t = t0\n    while True:\n        t *= shrink\n"
         "        if f(x + t * d) <= f(x) + alpha * t * slope:\n            return t"),
        ("moves x in place while testing",
         _BT + "    slope = np.dot(g, d)\n    if slope >= 0:\n        raise ValueError('ascent')\n"
         "    fx = f(x)\n    t = t0\n    while True:\n        x += t * d\n"
         "        if f(x) <= fx + alpha * t * slope:\n            return t\n"
         "        x -= t * d\n        t *= shrink"),
        ("assumes d = -g: the slope -g.g instead of g.d",
         _BT + "    slope = -np.dot(g, g)\n    t = t0\n"
         "    while f(x + t * d) > f(x) + alpha * t * slope:\n        t *= shrink\n    return t"),
        ("plain decrease f(x + t d) < f(x), no sufficient decrease",
         _BT + "    slope = np.dot(g, d)\n    if slope >= 0:\n        raise ValueError('ascent')\n"
         "    t = t0\n    while f(x + t * d) >= f(x):\n        t *= shrink\n    return t"),
    ],
    "gd_backtracking": [
        ("keeps t from the previous step instead of restarting at t0",
         _GDB + "    x = np.array(x0, dtype=float)\n    path = [x]\n    t = t0\n"
         "    for _ in range(n_steps):\n        g = grad(x)\n        if not np.any(g):\n"
         "            break\n        while f(x - t * g) > f(x) - alpha * t * np.sum(g * g):\n"
         "            t *= shrink\n        x = x - t * g\n        path.append(x)\n"
         "    return np.array(path)"),
        ("does not stop at an exact zero gradient",
         _GDB + "    x = np.array(x0, dtype=float)\n    path = [x]\n"
         "    for _ in range(n_steps):\n        g = grad(x)\n        t = t0\n"
         "        while f(x - t * g) > f(x) - alpha * t * np.sum(g * g):\n"
         "            t *= shrink\n        x = x - t * g\n        path.append(x)\n"
         "    return np.array(path)"),
        ("x0 left out of the path",
         _GDB + "    x = np.array(x0, dtype=float)\n    path = []\n"
         "    for _ in range(n_steps):\n        g = grad(x)\n        if not np.any(g):\n"
         "            break\n        t = t0\n"
         "        while f(x - t * g) > f(x) - alpha * t * np.sum(g * g):\n"
         "            t *= shrink\n        x = x - t * g\n        path.append(x)\n"
         "    return np.array(path)"),
        ("Armijo with + alpha t |g|^2 (accepts an increase)",
         _GDB + "    x = np.array(x0, dtype=float)\n    path = [x]\n"
         "    for _ in range(n_steps):\n        g = grad(x)\n        if not np.any(g):\n"
         "            break\n        t = t0\n"
         "        while f(x - t * g) > f(x) + alpha * t * np.sum(g * g):\n"
         "            t *= shrink\n        x = x - t * g\n        path.append(x)\n"
         "    return np.array(path)"),
        ("a float x0 gives a column, shape (rows, 1)",
         _GDB + "    x = np.atleast_1d(np.array(x0, dtype=float))\n    path = [x]\n"
         "    for _ in range(n_steps):\n        g = grad(x)\n        if not np.any(g):\n"
         "            break\n        t = t0\n"
         "        while f(x - t * g) > f(x) - alpha * t * np.sum(g * g):\n"
         "            t *= shrink\n        x = x - t * g\n        path.append(x)\n"
         "    return np.array(path)"),
    ],
    "adam": [
        ("no bias correction",
         _adam(_MV
               + "        x = x - lr * m / (np.sqrt(v) + eps)\n")),
        ("eps inside the square root",
         _adam(_MV
               + "        m_hat = m / (1 - beta1 ** t)\n        v_hat = v / (1 - beta2 ** t)\n"
               "        x = x - lr * m_hat / np.sqrt(v_hat + eps)\n")),
        ("bias correction with beta^(t - 1) (t counted from 0)",
         _adam(_MV
               + "        m_hat = m / (1 - beta1 ** t)\n        v_hat = v / (1 - beta2 ** t)\n"
               "        x = x - lr * m_hat / (np.sqrt(v_hat) + eps)\n",
               start="    for t in range(n_steps):\n")),
        ("v updated with g instead of g^2",
         _adam("        m = beta1 * m + (1 - beta1) * g\n        v = beta2 * v + (1 - beta2) * g\n"
               "        m_hat = m / (1 - beta1 ** t)\n        v_hat = v / (1 - beta2 ** t)\n"
               "        x = x - lr * m_hat / (np.sqrt(np.abs(v_hat)) + eps)\n")),
        ("only m is bias-corrected",
         _adam(_MV
               + "        m_hat = m / (1 - beta1 ** t)\n"
               "        x = x - lr * m_hat / (np.sqrt(v) + eps)\n")),
        ("v_hat divided by 1 - beta1^t (copy-paste slip)",
         _adam(_MV
               + "        m_hat = m / (1 - beta1 ** t)\n        v_hat = v / (1 - beta1 ** t)\n"
               "        x = x - lr * m_hat / (np.sqrt(v_hat) + eps)\n")),
    ],
}

RIGHT = {
    "momentum_descent": [
        ("the other form u = beta u - lr g, x = x + u",
         _MOM + "    x = np.array(x0, dtype=float)\n    u = np.zeros_like(x)\n    path = [x]\n"
         "    for _ in range(n_steps):\n        u = beta * u - lr * grad(x)\n        x = x + u\n"
         "        path.append(x)\n    return np.array(path)"),
        ("a preallocated float array and in-place updates of a copy",
         _MOM + "    x = np.array(x0, dtype=float)\n"
         "    path = np.empty((n_steps + 1,) + x.shape)\n    path[0] = x\n"
         "    v = np.zeros(x.shape)\n    for k in range(n_steps):\n"
         "        v *= beta\n        v += grad(path[k])\n        path[k + 1] = path[k] - lr * v\n"
         "    return path"),
    ],
    "optimal_momentum": [
        ("math.sqrt and the rate squared, returned as a list",
         _OPT + "    import math\n    rate = (math.sqrt(l_max) - math.sqrt(l_min)) / "
         "(math.sqrt(l_max) + math.sqrt(l_min))\n"
         "    return [4.0 / (math.sqrt(l_max) + math.sqrt(l_min)) ** 2, rate ** 2]"),
        ("np.power, kappa = l_min / l_max (beta is the same)",
         _OPT + "    q = np.sqrt(np.power(l_min, 1.0) / l_max)\n"
         "    return np.array([4 / np.power(np.sqrt(l_max) + np.sqrt(l_min), 2), "
         "np.power((q - 1) / (q + 1), 2)])"),
    ],
    "backtracking_step": [
        ("a for loop over powers of shrink",
         _BT + "    if g @ d >= 0:\n        raise ValueError('not a descent direction')\n"
         "    fx = f(x)\n    for j in range(10_000):\n        t = t0 * shrink ** j\n"
         "        if f(x + t * d) <= fx + alpha * t * (g @ d):\n            return t\n"
         "    raise RuntimeError('no step found')"),
        ("a float copy of x and the slope as a sum",
         _BT + "    x = np.asarray(x, dtype=float).copy()\n    slope = float(np.sum(g * d))\n"
         "    if not slope < 0:\n        raise ValueError('d must point downhill')\n"
         "    t = float(t0)\n    while True:\n        trial = x + t * d\n"
         "        if f(trial) <= f(x) + alpha * t * slope:\n            break\n"
         "        t = shrink * t\n    return t"),
    ],
    "gd_backtracking": [
        ("a nested line-search helper and a norm test",
         _GDB + "    def search(x, g):\n        t = t0\n"
         "        while f(x - t * g) > f(x) - alpha * t * np.dot(np.ravel(g), np.ravel(g)):\n"
         "            t = t * shrink\n        return t\n"
         "    x = np.array(x0, dtype=float)\n    rows = [x.copy()]\n"
         "    for _ in range(n_steps):\n        g = np.asarray(grad(x), dtype=float)\n"
         "        if np.linalg.norm(g) == 0:\n            break\n"
         "        x = x - search(x, g) * g\n        rows.append(x.copy())\n"
         "    return np.stack(rows)"),
        ("a while loop with a step counter and np.all(g == 0)",
         _GDB + "    x = x0 * 1.0\n    out = [x]\n    k = 0\n    while k < n_steps:\n"
         "        g = grad(x)\n        if np.all(g == 0):\n            break\n"
         "        fx, gg, t = f(x), np.sum(g ** 2), t0\n"
         "        while not f(x - t * g) <= fx - alpha * t * gg:\n            t *= shrink\n"
         "        x = x - t * g\n        out.append(x)\n        k += 1\n"
         "    return np.array(out, dtype=float)"),
    ],
    "adam": [
        ("precomputed powers for the bias correction",
         _ADAM + "    x = np.array(x0, dtype=float)\n"
         "    c1 = 1 - beta1 ** np.arange(1, n_steps + 1)\n"
         "    c2 = 1 - beta2 ** np.arange(1, n_steps + 1)\n"
         "    m = np.zeros_like(x)\n    v = np.zeros_like(x)\n"
         "    path = np.empty((n_steps + 1,) + x.shape)\n    path[0] = x\n"
         "    for i in range(n_steps):\n        g = grad(x)\n"
         "        m = beta1 * m + (1 - beta1) * g\n        v = beta2 * v + (1 - beta2) * g * g\n"
         "        x = x - lr * (m / c1[i]) / (np.sqrt(v / c2[i]) + eps)\n        path[i + 1] = x\n"
         "    return path"),
        ("np.power and in-place updates of float copies",
         _adam("        m *= beta1\n        m += (1 - beta1) * g\n        v *= beta2\n"
               "        v += (1 - beta2) * np.power(g, 2)\n"
               "        step = (m / (1 - np.power(beta1, t))) / "
               "(np.sqrt(v / (1 - np.power(beta2, t))) + eps)\n"
               "        x = x - lr * step\n")),
    ],
}
