"""Realistic wrong answers (each must lose its function's points) and valid
alternatives (each must earn full marks) for assignment 04_hessian."""

WRONG = {
    "numerical_hessian": [
        ("one-sided (forward) differences", "def numerical_hessian(f, x, h=1e-4):\n"
         "    x = np.asarray(x, dtype=float)\n    n = len(x)\n    E = h * np.eye(n)\n"
         "    H = np.zeros((n, n))\n    for i in range(n):\n        for j in range(n):\n"
         "            H[i, j] = (f(x + E[i] + E[j]) - f(x + E[i]) - f(x + E[j]) + f(x)) / h ** 2\n"
         "    return H"),
        ("mixed partials divided by h^2, not 4h^2", "def numerical_hessian(f, x, h=1e-4):\n"
         "    x = np.asarray(x, dtype=float)\n    n = len(x)\n    E = h * np.eye(n)\n"
         "    H = np.zeros((n, n))\n    for i in range(n):\n        for j in range(n):\n"
         "            if i == j:\n"
         "                H[i, i] = (f(x + E[i]) - 2 * f(x) + f(x - E[i])) / h ** 2\n"
         "            else:\n"
         "                H[i, j] = (f(x + E[i] + E[j]) - f(x + E[i] - E[j])\n"
         "                           - f(x - E[i] + E[j]) + f(x - E[i] - E[j])) / h ** 2\n"
         "    return H"),
        ("diagonal only", "def numerical_hessian(f, x, h=1e-4):\n"
         "    x = np.asarray(x, dtype=float)\n    n = len(x)\n    E = h * np.eye(n)\n"
         "    return np.diag([(f(x + e) - 2 * f(x) + f(x - e)) / h ** 2 for e in E])"),
        ("steps x in place without restoring it", "def numerical_hessian(f, x, h=1e-4):\n"
         "    n = len(x)\n    H = np.zeros((n, n))\n    for i in range(n):\n"
         "        for j in range(n):\n            x[i] += h\n            x[j] += h\n"
         "            fpp = f(x)\n            x[j] -= 2 * h\n            fpm = f(x)\n"
         "            x[i] -= 2 * h\n            fmm = f(x)\n            x[j] += 2 * h\n"
         "            fmp = f(x)\n            H[i, j] = (fpp - fpm - fmp + fmm) / (4 * h * h)\n"
         "    return H"),
        ("copies keep the integer dtype", "def numerical_hessian(f, x, h=1e-4):\n"
         "    n = len(x)\n    H = np.zeros((n, n))\n    for i in range(n):\n"
         "        for j in range(n):\n            pts = []\n"
         "            for si, sj in ((1, 1), (1, -1), (-1, 1), (-1, -1)):\n"
         "                z = x.copy()\n                z[i] += si * h\n"
         "                z[j] += sj * h\n                pts.append(f(z))\n"
         "            H[i, j] = (pts[0] - pts[1] - pts[2] + pts[3]) / (4 * h * h)\n"
         "    return H"),
    ],
    "classify_critical_point": [
        ("the 2 x 2 determinant test for every n", "def classify_critical_point(H, tol=1e-8):\n"
         "    d = np.linalg.det(H)\n    if abs(d) <= tol:\n        return 'inconclusive'\n"
         "    if d < 0:\n        return 'saddle'\n"
         "    return 'minimum' if H[0, 0] > 0 else 'maximum'"),
        ("ignores tol", "def classify_critical_point(H, tol=1e-8):\n"
         "    lam = np.linalg.eigvalsh(H)\n    if np.all(lam > 0):\n        return 'minimum'\n"
         "    if np.all(lam < 0):\n        return 'maximum'\n"
         "    if np.any(lam > 0) and np.any(lam < 0):\n        return 'saddle'\n"
         "    return 'inconclusive'"),
        ("any zero eigenvalue makes it inconclusive", "def classify_critical_point(H, tol=1e-8):\n"
         "    lam = np.linalg.eigvalsh(H)\n    if np.any(np.abs(lam) <= tol):\n"
         "        return 'inconclusive'\n    if np.all(lam > 0):\n        return 'minimum'\n"
         "    if np.all(lam < 0):\n        return 'maximum'\n    return 'saddle'"),
        ("signs of the diagonal entries", "def classify_critical_point(H, tol=1e-8):\n"
         "    d = np.diag(H)\n    if np.all(d > tol):\n        return 'minimum'\n"
         "    if np.all(d < -tol):\n        return 'maximum'\n"
         "    if np.any(d > tol) and np.any(d < -tol):\n        return 'saddle'\n"
         "    return 'inconclusive'"),
        ("minimum and maximum swapped", "def classify_critical_point(H, tol=1e-8):\n"
         "    lam = np.linalg.eigvalsh(H)\n    if np.all(lam > tol):\n        return 'maximum'\n"
         "    if np.all(lam < -tol):\n        return 'minimum'\n"
         "    if np.any(lam > tol) and np.any(lam < -tol):\n        return 'saddle'\n"
         "    return 'inconclusive'"),
        (">= tol instead of > tol", "def classify_critical_point(H, tol=1e-8):\n"
         "    lam = np.linalg.eigvalsh(H)\n    if np.all(lam >= tol):\n        return 'minimum'\n"
         "    if np.all(lam <= -tol):\n        return 'maximum'\n"
         "    if np.any(lam >= tol) and np.any(lam <= -tol):\n        return 'saddle'\n"
         "    return 'inconclusive'"),
    ],
    "taylor2": [
        ("forgot the 1/2", "def taylor2(f0, g, H, x0, x):\n    d = x - x0\n"
         "    return f0 + g @ d + d @ H @ d"),
        ("x instead of x - x0", "def taylor2(f0, g, H, x0, x):\n"
         "    return f0 + g @ x + 0.5 * x @ H @ x"),
        ("x0 - x in the linear term", "def taylor2(f0, g, H, x0, x):\n    d = x - x0\n"
         "    return f0 - g @ d + 0.5 * d @ H @ d"),
        ("forgot f0", "def taylor2(f0, g, H, x0, x):\n    d = x - x0\n"
         "    return g @ d + 0.5 * d @ H @ d"),
        ("elementwise product: returns an array", "def taylor2(f0, g, H, x0, x):\n    d = x - x0\n"
         "    return f0 + g * d + 0.5 * d * (H @ d)"),
    ],
}

RIGHT = {
    "numerical_hessian": [
        ("central differences of a central-difference gradient",
         "def numerical_hessian(f, x, h=1e-4):\n    x = np.asarray(x, dtype=float)\n"
         "    n = len(x)\n    E = h * np.eye(n)\n\n    def grad(z):\n"
         "        return np.array([(f(z + e) - f(z - e)) / (2 * h) for e in E])\n\n"
         "    H = np.array([(grad(x + e) - grad(x - e)) / (2 * h) for e in E])\n"
         "    return (H + H.T) / 2"),
        ("four-point formula everywhere, full double loop",
         "def numerical_hessian(f, x, h=1e-4):\n    x = x.astype(float)\n    n = x.size\n"
         "    H = np.empty((n, n))\n    for i in range(n):\n        for j in range(n):\n"
         "            ei = np.zeros(n)\n            ej = np.zeros(n)\n"
         "            ei[i] = h\n            ej[j] = h\n"
         "            H[i, j] = (f(x + ei + ej) - f(x + ei - ej) - f(x - ei + ej)\n"
         "                       + f(x - ei - ej)) / (4 * h * h)\n    return H"),
    ],
    "classify_critical_point": [
        ("smallest and largest eigenvalue of eigvals", "def classify_critical_point(H, tol=1e-8):\n"
         "    lam = np.linalg.eigvals(H).real\n    lo, hi = lam.min(), lam.max()\n"
         "    if lo > tol:\n        return 'minimum'\n    if hi < -tol:\n        return 'maximum'\n"
         "    if lo < -tol and hi > tol:\n        return 'saddle'\n    return 'inconclusive'"),
        ("a numpy string picked from an array of labels",
         "def classify_critical_point(H, tol=1e-8):\n"
         "    labels = np.array(['minimum', 'maximum', 'saddle', 'inconclusive'])\n"
         "    lam = np.linalg.eigvalsh(H)\n"
         "    if np.all(lam > tol):\n        return labels[0]\n"
         "    if np.all(lam < -tol):\n        return labels[1]\n"
         "    if np.any(lam > tol) and np.any(lam < -tol):\n        return labels[2]\n"
         "    return labels[3]"),
        ("counting signs with scipy", "def classify_critical_point(H, tol=1e-8):\n"
         "    import scipy.linalg\n    lam = scipy.linalg.eigh(H, eigvals_only=True)\n"
         "    pos, neg = int(np.sum(lam > tol)), int(np.sum(lam < -tol))\n"
         "    if pos == len(lam):\n        return 'minimum'\n"
         "    if neg == len(lam):\n        return 'maximum'\n"
         "    return 'saddle' if pos and neg else 'inconclusive'"),
    ],
    "taylor2": [
        ("np.dot and a float", "def taylor2(f0, g, H, x0, x):\n"
         "    d = np.asarray(x, dtype=float) - x0\n"
         "    return float(f0 + np.dot(g, d) + np.dot(d, np.dot(H, d)) / 2)"),
        ("explicit loops", "def taylor2(f0, g, H, x0, x):\n    n = len(x)\n"
         "    d = [x[i] - x0[i] for i in range(n)]\n"
         "    total = f0 + sum(g[i] * d[i] for i in range(n))\n"
         "    for i in range(n):\n        for j in range(n):\n"
         "            total += 0.5 * H[i, j] * d[i] * d[j]\n    return total"),
    ],
}
