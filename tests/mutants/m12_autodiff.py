"""Realistic wrong answers (each must lose its function's points) and valid
alternatives (each must earn full marks) for assignment 12_autodiff.

A wrong dual-number rule is a bug in the student's Dual class; to keep each mutant
inside forward_derivative's own answer cell, the variants carry their Dual class nested
in the function (the notebook's ungraded Dual cell stays correct).
"""

_DUAL = ("def forward_derivative(f, x):\n"
         "    class D:\n"
         "        def __init__(self, a, b=0.0):\n"
         "            self.a, self.b = float(a), float(b)\n"
         "        @staticmethod\n"
         "        def lift(o):\n"
         "            return o if isinstance(o, D) else D(o)\n"
         "        def __add__(self, o):\n"
         "            o = D.lift(o)\n"
         "            return D(self.a + o.a, self.b + o.b)\n"
         "        __radd__ = __add__\n"
         "        def __neg__(self):\n"
         "            return D(-self.a, -self.b)\n"
         "        def __sub__(self, o):\n"
         "            o = D.lift(o)\n"
         "            return D(self.a - o.a, self.b - o.b)\n"
         "        def __rsub__(self, o):\n"
         "            return D.lift(o) - self\n"
         "        def __mul__(self, o):\n"
         "            o = D.lift(o)\n"
         "            return D(self.a * o.a, self.a * o.b + self.b * o.a)\n"
         "        __rmul__ = __mul__\n"
         "        def __truediv__(self, o):\n"
         "            o = D.lift(o)\n"
         "            return D(self.a / o.a, (self.b * o.a - self.a * o.b) / o.a ** 2)\n"
         "        def __rtruediv__(self, o):\n"
         "            return D.lift(o) / self\n"
         "        def __pow__(self, n):\n"
         "            return D(self.a ** n, n * self.a ** (n - 1) * self.b) if n else D(1.0)\n"
         "        def exp(self):\n"
         "            return D(math.exp(self.a), math.exp(self.a) * self.b)\n"
         "        def log(self):\n"
         "            return D(math.log(self.a), self.b / self.a)\n"
         "        def sin(self):\n"
         "            return D(math.sin(self.a), math.cos(self.a) * self.b)\n"
         "        def cos(self):\n"
         "            return D(math.cos(self.a), -math.sin(self.a) * self.b)\n"
         "        def tanh(self):\n"
         "            return D(math.tanh(self.a), (1 - math.tanh(self.a) ** 2) * self.b)\n"
         "    out = f(D(x, 1.0))\n"
         "    return out.b if isinstance(out, D) else 0.0")

_SCE = ("def softmax_cross_entropy_vjp(Z, y):\n"
        "    Z = np.asarray(Z, dtype=float)\n"
        "    m, k = Z.shape\n"
        "    S = Z - Z.max(axis=1, keepdims=True)\n"
        "    lse = np.log(np.exp(S).sum(axis=1))\n"
        "    loss = np.mean(lse - S[np.arange(m), y])\n"
        "    P = np.exp(S - lse[:, None])\n"
        "    Y = np.zeros((m, k))\n"
        "    Y[np.arange(m), y] = 1.0\n"
        "    return loss, (P - Y) / m")

_MLP = ("def mlp_multiclass_gradient(params, X, y):\n"
        "    W1, b1, W2, b2 = params['W1'], params['b1'], params['W2'], params['b2']\n"
        "    m = X.shape[0]\n"
        "    Z1 = X @ W1 + b1\n"
        "    A1 = np.maximum(Z1, 0)\n"
        "    Z2 = A1 @ W2 + b2\n"
        "    S = Z2 - Z2.max(axis=1, keepdims=True)\n"
        "    lse = np.log(np.exp(S).sum(axis=1))\n"
        "    loss = np.mean(lse - S[np.arange(m), y])\n"
        "    dZ2 = np.exp(S - lse[:, None])\n"
        "    dZ2[np.arange(m), y] -= 1\n"
        "    dZ2 = dZ2 / m\n"
        "    dA1 = dZ2 @ W2.T\n"
        "    dZ1 = dA1 * (Z1 > 0)\n"
        "    return loss, {'W1': X.T @ dZ1, 'b1': dZ1.sum(axis=0), 'W2': A1.T @ dZ2,\n"
        "                  'b2': dZ2.sum(axis=0)}")


def _edit(source: str, old: str, new: str) -> str:
    """``source`` with ``old`` replaced by ``new`` (which must occur exactly once)."""
    assert source.count(old) == 1, old
    return source.replace(old, new)


WRONG = {
    "forward_derivative": [
        ("central differences (error about 1e-10)", "def forward_derivative(f, x):\n"
         "    h = 1e-5\n    return (f(x + h) - f(x - h)) / (2 * h)"),
        ("product rule wrong: b d instead of a d + b c", _edit(
            _DUAL, "self.a * o.b + self.b * o.a", "self.b * o.b")),
        ("exp's derivative forgets the e^a factor", _edit(
            _DUAL, "math.exp(self.a) * self.b)", "self.b)")),
        ("differentiates at 0 whatever x is", _edit(_DUAL, "f(D(x, 1.0))", "f(D(0.0, 1.0))")),
        ("quotient rule with the sign of the numerator flipped", _edit(
            _DUAL, "(self.b * o.a - self.a * o.b)", "(self.a * o.b - self.b * o.a)")),
        ("c - x computed as x - c", _edit(_DUAL, "return D.lift(o) - self", "return self - o")),
        ("cos' = +sin", _edit(_DUAL, "-math.sin(self.a) * self.b", "math.sin(self.a) * self.b")),
        ("power rule with the exponent n, not n - 1", _edit(
            _DUAL, "n * self.a ** (n - 1) * self.b", "n * self.a ** n * self.b")),
    ],
    "linear_vjp": [
        ("dW = G^T X, transposed (right shape when n = k)", "def linear_vjp(X, W, b, G):\n"
         "    return G @ W.T, G.T @ X, G.sum(axis=0)"),
        ("db as the mean of G's rows", "def linear_vjp(X, W, b, G):\n"
         "    return G @ W.T, X.T @ G, G.mean(axis=0)"),
        ("db = G[0], the first row only", "def linear_vjp(X, W, b, G):\n"
         "    return G @ W.T, X.T @ G, G[0]"),
        ("dX = G W, no transpose (right shape when n = k)", "def linear_vjp(X, W, b, G):\n"
         "    return G @ W, X.T @ G, G.sum(axis=0)"),
        ("dW divided by m once more", "def linear_vjp(X, W, b, G):\n"
         "    return G @ W.T, X.T @ G / len(X), G.sum(axis=0)"),
        ("db summed over the columns", "def linear_vjp(X, W, b, G):\n"
         "    return G @ W.T, X.T @ G, G.sum(axis=1)"),
    ],
    "relu_vjp": [
        ("passes G where Z < 0", "def relu_vjp(Z, G):\n    return np.where(Z < 0, G, 0.0)"),
        ("mask from A = relu(Z) >= 0: always true", "def relu_vjp(Z, G):\n"
         "    A = np.maximum(Z, 0)\n    return np.where(A >= 0, G, 0.0)"),
        ("G times relu(Z) instead of relu'(Z)", "def relu_vjp(Z, G):\n"
         "    return G * np.maximum(Z, 0)"),
        ("returns relu'(Z) alone", "def relu_vjp(Z, G):\n    return (Z > 0).astype(float)"),
        ("in place: G[Z <= 0] = 0 changes the input", "def relu_vjp(Z, G):\n"
         "    G[Z <= 0] = 0\n    return G"),
        ("mask by G instead of Z", "def relu_vjp(Z, G):\n    return np.where(G > 0, G, 0.0)"),
    ],
    "softmax_cross_entropy_vjp": [
        ("dZ without the 1/m", _edit(_SCE, "(P - Y) / m", "P - Y")),
        ("no max shift: e^1e4 overflows to inf and nan", _edit(
            _SCE, "    S = Z - Z.max(axis=1, keepdims=True)\n", "    S = Z\n")),
        ("loss summed over examples instead of averaged", _edit(
            _SCE, "np.mean(lse - S[np.arange(m), y])", "np.sum(lse - S[np.arange(m), y])")),
        ("one-hot off by one", _edit(_SCE, "Y[np.arange(m), y] = 1.0",
                                     "Y[np.arange(m), y - 1] = 1.0")),
        ("loss as -log of a clipped probability: 27.6 instead of 1e4", _edit(
            _SCE, "np.mean(lse - S[np.arange(m), y])",
            "-np.mean(np.log(np.clip(np.exp(S - lse[:, None])[np.arange(m), y], 1e-12, 1)))")),
        ("softmax down the columns", _edit(
            _SCE, "    P = np.exp(S - lse[:, None])\n",
            "    P = np.exp(Z - Z.max(axis=0)) / np.exp(Z - Z.max(axis=0)).sum(axis=0)\n")),
        ("sign flipped: onehot - softmax", _edit(_SCE, "(P - Y) / m", "(Y - P) / m")),
    ],
    "mlp_multiclass_gradient": [
        ("forgot relu' in the backward pass", _edit(_MLP, "dA1 * (Z1 > 0)", "dA1")),
        ("b1's gradient averaged over rows", _edit(_MLP, "'b1': dZ1.sum(axis=0)",
                                                   "'b1': dZ1.mean(axis=0)")),
        ("loss of the logits before b2 is added", _edit(
            _MLP, "    loss = np.mean(lse - S[np.arange(m), y])\n",
            "    Zl = A1 @ W2\n"
            "    loss = np.mean(np.log(np.exp(Zl).sum(axis=1)) - Zl[np.arange(m), y])\n")),
        ("forgot 1/m", _edit(_MLP, "    dZ2 = dZ2 / m\n", "")),
        ("dW2 from Z1 instead of A1", _edit(_MLP, "A1.T @ dZ2", "Z1.T @ dZ2")),
        ("dA1 = dZ2 W2, no transpose (right shape when h = k)", _edit(
            _MLP, "dZ2 @ W2.T", "dZ2 @ W2")),
        ("ReLU mask from A1 >= 0 (always true)", _edit(_MLP, "(Z1 > 0)", "(A1 >= 0)")),
    ],
}

RIGHT = {
    "forward_derivative": [
        ("a complex step", "def forward_derivative(f, x):\n"
         "    return f(x + 1e-20j).imag / 1e-20"),
        ("the notebook's Dual class", "def forward_derivative(f, x):\n"
         "    out = f(Dual(x, 1.0))\n"
         "    return float(out.deriv) if isinstance(out, Dual) else 0.0"),
        ("integer powers by repeated multiplication", _edit(
            _DUAL, "            return D(self.a ** n, n * self.a ** (n - 1) * self.b) if n "
                   "else D(1.0)\n",
            "            out = D(1.0)\n            for _ in range(n):\n"
            "                out = out * self\n            return out\n")),
    ],
    "linear_vjp": [
        ("loops over examples", "def linear_vjp(X, W, b, G):\n"
         "    X, W, G = (np.asarray(a, dtype=float) for a in (X, W, G))\n"
         "    dX = np.zeros(X.shape)\n    dW = np.zeros(W.shape)\n    db = np.zeros(W.shape[1])\n"
         "    for i in range(len(X)):\n"
         "        dX[i] = W @ G[i]\n        dW += np.outer(X[i], G[i])\n        db += G[i]\n"
         "    return dX, dW, db"),
        ("np.einsum", "def linear_vjp(X, W, b, G):\n"
         "    return (np.einsum('ik,jk->ij', G, W), np.einsum('ij,ik->jk', X, G),\n"
         "            np.einsum('ik->k', G))"),
    ],
    "relu_vjp": [
        ("relu'(0) = 1: G * (Z >= 0)", "def relu_vjp(Z, G):\n    return G * (Z >= 0)"),
        ("relu'(0) = 1/2", "def relu_vjp(Z, G):\n"
         "    return np.where(Z > 0, G, np.where(Z == 0, 0.5 * G, 0.0))"),
        ("a loop on a float copy", "def relu_vjp(Z, G):\n"
         "    out = np.array(G, dtype=float)\n"
         "    for i in np.ndindex(out.shape):\n"
         "        if Z[i] <= 0:\n            out[i] = 0.0\n    return out"),
    ],
    "softmax_cross_entropy_vjp": [
        ("scipy.special.logsumexp and softmax", "def softmax_cross_entropy_vjp(Z, y):\n"
         "    from scipy.special import logsumexp, softmax\n"
         "    m = len(Z)\n"
         "    loss = np.mean(logsumexp(Z, axis=1) - Z[np.arange(m), y])\n"
         "    return loss, (softmax(Z, axis=1) - np.eye(Z.shape[1])[y]) / m"),
        ("a loop over examples", "def softmax_cross_entropy_vjp(Z, y):\n"
         "    Z = np.asarray(Z, dtype=float)\n    m = len(Z)\n    loss = 0.0\n"
         "    dZ = np.zeros(Z.shape)\n"
         "    for i in range(m):\n"
         "        c = max(Z[i])\n        e = np.exp(Z[i] - c)\n        s = e.sum()\n"
         "        loss += c + math.log(s) - Z[i, y[i]]\n"
         "        dZ[i] = e / s\n        dZ[i, y[i]] -= 1\n"
         "    return loss / m, dZ / m"),
    ],
    "mlp_multiclass_gradient": [
        ("scipy.special and np.eye one-hot", "def mlp_multiclass_gradient(params, X, y):\n"
         "    from scipy.special import logsumexp, softmax\n"
         "    Z1 = X @ params['W1'] + params['b1']\n    A1 = np.maximum(Z1, 0)\n"
         "    Z2 = A1 @ params['W2'] + params['b2']\n    m, k = Z2.shape\n"
         "    loss = np.mean(logsumexp(Z2, axis=1) - Z2[np.arange(m), y])\n"
         "    dZ2 = (softmax(Z2, axis=1) - np.eye(k)[y]) / m\n"
         "    dZ1 = np.where(Z1 > 0, dZ2 @ params['W2'].T, 0)\n"
         "    return loss, {'W1': X.T @ dZ1, 'b1': dZ1.sum(0), 'W2': A1.T @ dZ2,\n"
         "                  'b2': dZ2.sum(0)}"),
        ("example by example, with einsum for the sums",
         "def mlp_multiclass_gradient(params, X, y):\n"
         "    X = np.asarray(X, dtype=float)\n    m = len(X)\n"
         "    g = {key: np.zeros(np.shape(v)) for key, v in params.items()}\n    loss = 0.0\n"
         "    for i in range(m):\n"
         "        z1 = X[i] @ params['W1'] + params['b1']\n        a1 = np.maximum(z1, 0)\n"
         "        z2 = a1 @ params['W2'] + params['b2']\n"
         "        c = z2.max()\n        e = np.exp(z2 - c)\n"
         "        loss += (c + np.log(e.sum()) - z2[y[i]]) / m\n"
         "        d2 = e / e.sum()\n        d2[y[i]] -= 1\n        d2 /= m\n"
         "        d1 = (params['W2'] @ d2) * (z1 > 0)\n"
         "        g['W2'] += np.einsum('j,k->jk', a1, d2)\n        g['b2'] += d2\n"
         "        g['W1'] += np.einsum('j,k->jk', X[i], d1)\n        g['b1'] += d1\n"
         "    return loss, g"),
    ],
}
