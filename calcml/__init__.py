"""calcml: the helper package of *Calculus for Machine Learning*.

One place for the logic that the chapters, the assignments' grading checks and the
instructors share. Import the submodule you need::

    from calcml.diff import central_difference, gradient, jacobian, hessian
    from calcml.functions import sigmoid, softmax
    from calcml import plotting, datasets

Submodules
----------
diff       numerical differentiation (central differences, complex step)
functions  the activation and loss functions of the course, numerically stable
plotting   the figures a reader meets on every page
interactive  one figure driven by a slider (live) and by a precomputed animation (static)
datasets   small data sets made in code or shipped by an installed package
linalg     the second-derivative test, the normal equation, Taylor models
taylor     Taylor polynomials of one variable and the observed order of an error (chapter 1)
optim      gradient descent (batch, stochastic, mini-batch) and Newton's method
optimizers momentum, Nesterov, backtracking line search, RMSProp, Adam and step-size
           schedules (chapter 11)
perceptron the artificial neuron, the perceptron rule and decision-boundary geometry
models     logistic regression, softmax regression and a two-layer network (forward/backward)
autograd   a tiny scalar reverse-mode autograd, in the spirit of micrograd
autodiff   forward-mode automatic differentiation with dual numbers, JVPs (chapter 12)
network    layers' vector-Jacobian products, a multi-class MLP, gradients by depth (chapter 12)
seeds      the verified worked examples the book's pages are checked against
grading    the checks behind every assignment's visible and hidden tests

Importing ``calcml`` in a Jupyter kernel makes the inline backend draw every figure as a
2x ("retina") PNG shown at its normal size, so figures are sharp on high-density
screens without a line of set-up in a chapter (see :func:`sharp_inline_figures`).
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["sharp_inline_figures"]


def sharp_inline_figures() -> bool:
    """In a Jupyter kernel, make matplotlib's inline figures 2x PNGs at their CSS size.

    Sets the inline backend's ``figure_formats`` to ``{"retina"}``: each figure is a
    PNG with twice the pixels, and its output metadata carries the width and height at
    which to show it (which myst-nb writes into the page's ``<img>``). Setting it on
    the backend's configuration (not only on the current formatter) keeps it when
    ``import matplotlib.pyplot`` activates the inline backend later.

    Returns True if it changed the format, False outside a Jupyter kernel (a plain
    Python process, a terminal IPython, or without matplotlib-inline), where it does
    nothing.
    """
    import sys

    if "ipykernel" not in sys.modules:  # cheap test first: only a kernel has it loaded
        return False
    try:
        from IPython import get_ipython
        from matplotlib_inline.backend_inline import set_matplotlib_formats
        from matplotlib_inline.config import InlineBackend
    except ImportError:
        return False
    shell = get_ipython()
    if shell is None or not hasattr(shell, "kernel"):
        return False
    InlineBackend.instance(parent=shell).figure_formats = {"retina"}
    set_matplotlib_formats("retina")
    return True


sharp_inline_figures()
