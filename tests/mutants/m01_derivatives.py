"""Realistic wrong answers (each must lose its function's points) and valid
alternatives (each must earn full marks) for assignment 01_derivatives."""

WRONG = {
    "central_difference": [
        ("forward difference", "def central_difference(f, x, h=1e-5):\n"
         "    return (f(x + h) - f(x)) / h"),
        ("ignores h", "def central_difference(f, x, h=1e-5):\n"
         "    return (f(x + 1e-6) - f(x - 1e-6)) / 2e-6"),
        ("divides by h, not 2h", "def central_difference(f, x, h=1e-5):\n"
         "    return (f(x + h) - f(x - h)) / h"),
        ("scalar only: float() of the result", "def central_difference(f, x, h=1e-5):\n"
         "    return float(np.sum((f(x + h) - f(x - h)) / (2 * h)))"),
    ],
    "sigmoid": [
        ("naive formula overflows", "def sigmoid(z):\n    return 1 / (1 + np.exp(-z))"),
        ("np.where evaluates both branches", "def sigmoid(z):\n"
         "    z = np.asarray(z, dtype=float)\n"
         "    return np.where(z >= 0, 1 / (1 + np.exp(-z)), np.exp(z) / (1 + np.exp(z)))"),
        ("sign error", "def sigmoid(z):\n    return 1 / (1 + np.exp(np.clip(z, -500, 500)))"),
        ("clipped too early", "def sigmoid(z):\n"
         "    return 1 / (1 + np.exp(-np.clip(z, -5, 5)))"),
    ],
    "sigmoid_derivative": [
        ("forgot 1 - sigma", "def sigmoid_derivative(z):\n"
         "    e = np.exp(-np.abs(np.asarray(z, float)))\n"
         "    return np.where(np.asarray(z) >= 0, 1 / (1 + e), e / (1 + e))"),
        ("naive overflow", "def sigmoid_derivative(z):\n"
         "    return np.exp(-z) / (1 + np.exp(-z)) ** 2"),
        ("derivative of exp(-z) missing sign", "def sigmoid_derivative(z):\n"
         "    s = 0.5 * (1 + np.tanh(np.asarray(z, float) / 2))\n    return s * (1 + s)"),
    ],
    "tangent_line": [
        ("intercept is f(x0)", "def tangent_line(f, df, x0):\n    return df(x0), f(x0)"),
        ("sign of the intercept", "def tangent_line(f, df, x0):\n"
         "    return df(x0), f(x0) + df(x0) * x0"),
        ("swapped order", "def tangent_line(f, df, x0):\n"
         "    return f(x0) - df(x0) * x0, df(x0)"),
    ],
    "chain_derivative": [
        ("all derivatives at x", "def chain_derivative(fs, dfs, x):\n"
         "    out = 1.0\n    for df in dfs:\n        out *= df(x)\n    return out"),
        ("applied in reverse order", "def chain_derivative(fs, dfs, x):\n"
         "    value, slope = x, 1.0\n"
         "    for f, df in zip(fs[::-1], dfs[::-1]):\n"
         "        slope *= df(value)\n        value = f(value)\n    return slope"),
        ("updates the value before the slope", "def chain_derivative(fs, dfs, x):\n"
         "    value, slope = x, 1.0\n    for f, df in zip(fs, dfs):\n"
         "        value = f(value)\n        slope *= df(value)\n    return slope"),
    ],
    "square_loss_minimizer": [
        ("median", "def square_loss_minimizer(a):\n    return np.median(a)"),
        ("divides by n - 1", "def square_loss_minimizer(a):\n    return np.sum(a) / (len(a) - 1)"),
        ("midrange", "def square_loss_minimizer(a):\n    return (np.min(a) + np.max(a)) / 2"),
    ],
    "coin_mle": [
        ("tails over total", "def coin_mle(heads, tails):\n    return tails / (heads + tails)"),
        ("odds, not probability", "def coin_mle(heads, tails):\n    return heads / max(tails, 1)"),
        ("grid search", "def coin_mle(heads, tails):\n"
         "    p = np.linspace(0.01, 0.99, 99)\n"
         "    return p[np.argmax(heads * np.log(p) + tails * np.log(1 - p))]"),
    ],
}

RIGHT = {
    "central_difference": [
        ("a loop over the entries", "def central_difference(f, x, h=1e-5):\n"
         "    x = np.asarray(x, dtype=float)\n    out = np.empty_like(x)\n"
         "    for i in np.ndindex(x.shape):\n"
         "        out[i] = (f(x[i] + h) - f(x[i] - h)) / (2 * h)\n"
         "    return out if out.ndim else float(out)"),
    ],
    "sigmoid": [
        ("scipy.special.expit", "def sigmoid(z):\n    from scipy.special import expit\n"
         "    return expit(z)"),
        ("tanh form", "def sigmoid(z):\n    return 0.5 * (1 + np.tanh(np.asarray(z) / 2))"),
    ],
    "sigmoid_derivative": [
        ("expit", "def sigmoid_derivative(z):\n    from scipy.special import expit\n"
         "    s = expit(z)\n    return s * (1 - s)"),
    ],
    "tangent_line": [
        ("a list and numpy floats", "def tangent_line(f, df, x0):\n"
         "    m = np.float64(df(x0))\n    return [m, np.float64(f(x0)) - m * x0]"),
        ("a numpy array [m, b]", "def tangent_line(f, df, x0):\n"
         "    m = df(x0)\n    return np.array([m, f(x0) - m * x0])"),
    ],
    "chain_derivative": [
        ("recursion", "def chain_derivative(fs, dfs, x):\n    if not fs:\n        return 1.0\n"
         "    return dfs[0](x) * chain_derivative(fs[1:], dfs[1:], fs[0](x))"),
    ],
    "square_loss_minimizer": [
        ("np.mean of a float array", "def square_loss_minimizer(a):\n"
         "    return np.asarray(a, dtype=float).mean()"),
    ],
    "coin_mle": [
        ("float division written out", "def coin_mle(heads, tails):\n"
         "    n = heads + tails\n    return 1.0 * heads / n"),
        ("a bounded numeric maximiser (scipy, xatol 1e-10)",
         "def coin_mle(heads, tails):\n"
         "    from scipy.optimize import minimize_scalar\n"
         "    def nll(p):\n        return -(heads * np.log(p) + tails * np.log(1 - p))\n"
         "    res = minimize_scalar(nll, bounds=(1e-12, 1 - 1e-12), method='bounded',\n"
         "                          options={'xatol': 1e-10})\n    return float(res.x)"),
    ],
}
