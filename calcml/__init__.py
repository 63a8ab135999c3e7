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
optim      gradient descent (batch, stochastic, mini-batch) and Newton's method
perceptron the artificial neuron, the perceptron rule and decision-boundary geometry
models     logistic regression, softmax regression and a two-layer network (forward/backward)
autograd   a tiny scalar reverse-mode autograd, in the spirit of micrograd
autodiff   forward-mode automatic differentiation with dual numbers, JVPs
network    layers' vector-Jacobian products, a multi-class MLP, gradients by depth
seeds      the verified worked examples of the course notes
grading    the checks behind every assignment's visible and hidden tests
"""

__version__ = "0.1.0"
