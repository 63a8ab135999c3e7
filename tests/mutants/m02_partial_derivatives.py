"""Realistic wrong answers (each must lose its function's points) and valid
alternatives (each must earn full marks) for assignment 02_partial_derivatives."""

WRONG = {
    "partial_derivative": [
        ("steps x in place and never restores it", "def partial_derivative(f, x, i, h=1e-5):\n"
         "    x[i] += h\n    fp = f(x)\n    x[i] -= 2 * h\n    fm = f(x)\n"
         "    return (fp - fm) / (2 * h)"),
        ("forward difference", "def partial_derivative(f, x, i, h=1e-5):\n"
         "    xp = np.array(x, dtype=float)\n    xp[i] += h\n"
         "    return (f(xp) - f(np.asarray(x, dtype=float))) / h"),
        ("copies keep the integer dtype", "def partial_derivative(f, x, i, h=1e-5):\n"
         "    xp, xm = x.copy(), x.copy()\n    xp[i] += h\n    xm[i] -= h\n"
         "    return (f(xp) - f(xm)) / (2 * h)"),
        ("steps every coordinate", "def partial_derivative(f, x, i, h=1e-5):\n"
         "    x = np.asarray(x, dtype=float)\n"
         "    return (f(x + h) - f(x - h)) / (2 * h)"),
        ("aliases: xp and xm are the same array", "def partial_derivative(f, x, i, h=1e-5):\n"
         "    x = np.asarray(x, dtype=float)\n    xp = x\n    xp[i] += h\n"
         "    xm = x\n    xm[i] -= 2 * h\n    return (f(xp) - f(xm)) / (2 * h)"),
        ("divides by h", "def partial_derivative(f, x, i, h=1e-5):\n"
         "    e = np.zeros(len(x))\n    e[i] = h\n"
         "    return (f(x + e) - f(x - e)) / h"),
    ],
    "grad_3x2y3": [
        ("power rule slip: exponent not lowered", "def grad_3x2y3(x, y):\n"
         "    return 6 * x * y ** 3, 9 * x ** 2 * y ** 3"),
        ("partials swapped", "def grad_3x2y3(x, y):\n"
         "    return 9 * x ** 2 * y ** 2, 6 * x * y ** 3"),
        ("forgot the factor 3", "def grad_3x2y3(x, y):\n"
         "    return 2 * x * y ** 3, 3 * x ** 2 * y ** 2"),
        ("scalars only", "def grad_3x2y3(x, y):\n"
         "    x, y = float(x), float(y)\n    return 6 * x * y ** 3, 9 * x ** 2 * y ** 2"),
    ],
    "line_cost": [
        ("mean instead of sum", "def line_cost(m, b, x, y):\n"
         "    return np.mean((m * x + b - y) ** 2)"),
        ("residuals not squared", "def line_cost(m, b, x, y):\n"
         "    return np.sum(np.abs(m * x + b - y))"),
        ("m and b swapped", "def line_cost(m, b, x, y):\n"
         "    return np.sum((b * x + m - y) ** 2)"),
        ("square of the sum", "def line_cost(m, b, x, y):\n"
         "    return np.sum(m * x + b - y) ** 2"),
    ],
    "line_cost_partials": [
        ("forgot the factor 2", "def line_cost_partials(m, b, x, y):\n"
         "    r = m * x + b - y\n    return np.sum(r * x), np.sum(r)"),
        ("inner derivative missing for m", "def line_cost_partials(m, b, x, y):\n"
         "    r = m * x + b - y\n    return 2 * np.sum(r), 2 * np.sum(r)"),
        ("sign: residual written y - (mx + b)", "def line_cost_partials(m, b, x, y):\n"
         "    r = y - m * x - b\n    return 2 * np.sum(r * x), 2 * np.sum(r)"),
        ("mean instead of sum", "def line_cost_partials(m, b, x, y):\n"
         "    r = m * x + b - y\n    return 2 * np.mean(r * x), 2 * np.mean(r)"),
    ],
    "fit_line": [
        ("returns (b, m)", "def fit_line(x, y):\n"
         "    b, m = np.polynomial.polynomial.polyfit(x, y, 1)\n    return b, m"),
        ("line through the origin, then b from the means", "def fit_line(x, y):\n"
         "    m = np.sum(x * y) / np.sum(x * x)\n    return m, np.mean(y) - m * np.mean(x)"),
        ("line through the first and last point", "def fit_line(x, y):\n"
         "    m = (y[-1] - y[0]) / (x[-1] - x[0])\n    return m, y[0] - m * x[0]"),
        ("b is the mean of y", "def fit_line(x, y):\n"
         "    xc = x - np.mean(x)\n    m = np.sum(xc * (y - np.mean(y))) / np.sum(xc ** 2)\n"
         "    return m, np.mean(y)"),
        ("sample covariance over population variance", "def fit_line(x, y):\n"
         "    m = np.cov(x, y)[0, 1] / np.var(x)\n    return m, np.mean(y) - m * np.mean(x)"),
    ],
}

RIGHT = {
    "partial_derivative": [
        ("a float copy stepped in place", "def partial_derivative(f, x, i, h=1e-5):\n"
         "    z = np.array(x, dtype=float)\n    z[i] += h\n    fp = f(z)\n"
         "    z[i] -= 2 * h\n    fm = f(z)\n    return float((fp - fm) / (2 * h))"),
        ("a scalar function of the one coordinate", "def partial_derivative(f, x, i, h=1e-5):\n"
         "    def g(t):\n        z = x.astype(float)\n        z[i] = t\n        return f(z)\n"
         "    return (g(x[i] + h) - g(x[i] - h)) / (2 * h)"),
    ],
    "grad_3x2y3": [
        ("a numpy array of the two partials", "def grad_3x2y3(x, y):\n"
         "    x = np.asarray(x, dtype=float)\n    y = np.asarray(y, dtype=float)\n"
         "    return np.array([6 * x * y ** 3, 9 * x ** 2 * y ** 2])"),
        ("a list, products written out", "def grad_3x2y3(x, y):\n"
         "    return [3 * 2 * x * y * y * y, 3 * 3 * x * x * y * y]"),
    ],
    "line_cost": [
        ("a loop over the points", "def line_cost(m, b, x, y):\n    total = 0.0\n"
         "    for xi, yi in zip(x, y):\n        total += (m * xi + b - yi) ** 2\n"
         "    return total"),
        ("a dot product", "def line_cost(m, b, x, y):\n    r = m * x + b - y\n"
         "    return float(r @ r)"),
    ],
    "line_cost_partials": [
        ("expanded sums", "def line_cost_partials(m, b, x, y):\n    n = len(x)\n"
         "    sx, sy, sxx, sxy = x.sum(), y.sum(), (x * x).sum(), (x * y).sum()\n"
         "    return 2 * (m * sxx + b * sx - sxy), 2 * (m * sx + n * b - sy)"),
    ],
    "fit_line": [
        ("np.polyfit", "def fit_line(x, y):\n    m, b = np.polyfit(x, y, 1)\n    return m, b"),
        ("Cramer's rule with sums", "def fit_line(x, y):\n    n = len(x)\n"
         "    sx, sy, sxx, sxy = np.sum(x), np.sum(y), np.sum(x * x), np.sum(x * y)\n"
         "    det = n * sxx - sx * sx\n"
         "    return (n * sxy - sx * sy) / det, (sxx * sy - sx * sxy) / det"),
        ("lstsq on [x, 1]", "def fit_line(x, y):\n"
         "    A = np.column_stack([x, np.ones(len(x))])\n"
         "    return tuple(np.linalg.lstsq(A, y, rcond=None)[0])"),
    ],
}
