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
datasets   small data sets made in code or shipped by an installed package
grading    the checks behind every assignment's visible and hidden tests
"""

__version__ = "0.1.0"
