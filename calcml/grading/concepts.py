"""Which ideas of the course each graded function exercises.

The class report (``calcml-grade report``) groups a student's results by these concepts
across assignments, so that an instructor sees "struggles with the chain rule" rather
than a list of function names. Every graded function of assignments 01-12 has at least
one concept; :func:`concepts_of` raises for a function that has none, so a new graded
function cannot silently drop out of the report.
"""

from __future__ import annotations

__all__ = ["CONCEPTS", "FUNCTION_CONCEPTS", "concepts_of"]

#: the concepts, in the order the course meets them
CONCEPTS: tuple[str, ...] = (
    "finite differences",
    "derivative rules",
    "chain rule",
    "numerical stability",
    "optimality conditions",
    "partial derivatives",
    "gradient",
    "Jacobian",
    "Hessian",
    "Taylor expansion",
    "step size",
    "convergence",
    "Newton's method",
    "linear models",
    "loss functions",
    "classification",
    "backpropagation",
    "stochastic gradients",
    "momentum and adaptive steps",
    "automatic differentiation",
)

_C = {
    # 01 derivatives
    "central_difference": ("finite differences",),
    "sigmoid": ("numerical stability",),
    "sigmoid_derivative": ("derivative rules", "numerical stability"),
    "tangent_line": ("derivative rules", "Taylor expansion"),
    "chain_derivative": ("chain rule",),
    "square_loss_minimizer": ("optimality conditions", "loss functions"),
    "coin_mle": ("optimality conditions", "derivative rules"),
    # 02 partial derivatives
    "partial_derivative": ("finite differences", "partial derivatives"),
    "grad_3x2y3": ("partial derivatives", "derivative rules"),
    "line_cost": ("loss functions", "linear models"),
    "line_cost_partials": ("partial derivatives", "chain rule", "loss functions"),
    "fit_line": ("optimality conditions", "linear models"),
    # 03 gradients
    "numerical_gradient": ("finite differences", "gradient"),
    "quadratic_form_gradient": ("gradient",),
    "mse": ("loss functions", "linear models"),
    "mse_gradient": ("gradient", "chain rule", "loss functions"),
    "normal_equation": ("optimality conditions", "linear models"),
    "numerical_jacobian": ("finite differences", "Jacobian"),
    # 04 Hessian
    "numerical_hessian": ("finite differences", "Hessian"),
    "classify_critical_point": ("Hessian", "optimality conditions"),
    "taylor2": ("Taylor expansion", "Hessian", "gradient"),
    # 05 gradient descent
    "gradient_descent": ("gradient", "step size"),
    "gd_until_converged": ("step size", "convergence"),
    "linear_regression_gd": ("gradient", "step size", "linear models"),
    "minibatch_sgd": ("stochastic gradients", "step size"),
    # 06 Newton
    "newton_root": ("Newton's method", "convergence"),
    "newton_step": ("Newton's method", "Hessian"),
    "newton_minimize": ("Newton's method", "Hessian", "convergence"),
    # 07 perceptron
    "add_bias": ("linear models",),
    "heaviside": ("classification",),
    "perceptron_predict": ("classification", "linear models"),
    "perceptron_train": ("classification", "convergence"),
    "linear_neuron_step": ("gradient", "step size", "linear models"),
    # 08 logistic regression
    "binary_cross_entropy": ("loss functions", "numerical stability"),
    "logistic_gradient": ("gradient", "chain rule", "classification"),
    "train_logistic_regression": ("step size", "classification"),
    "logistic_predict": ("classification",),
    # 09 softmax regression
    "softmax": ("numerical stability", "classification"),
    "softmax_jacobian": ("Jacobian", "derivative rules"),
    "one_hot": ("classification",),
    "cross_entropy": ("loss functions", "numerical stability"),
    "softmax_gradient": ("gradient", "chain rule", "classification"),
    "train_softmax_regression": ("step size", "classification"),
    # 10 backpropagation
    "relu": ("derivative rules",),
    "relu_derivative": ("derivative rules",),
    "mlp_forward": ("chain rule", "backpropagation"),
    "mlp_backward": ("chain rule", "backpropagation", "gradient"),
    "gradient_check": ("finite differences", "gradient"),
    "train_mlp": ("backpropagation", "step size"),
    # 11 optimizers
    "momentum_descent": ("momentum and adaptive steps", "step size"),
    "optimal_momentum": ("momentum and adaptive steps", "convergence", "Hessian"),
    "backtracking_step": ("step size", "Taylor expansion"),
    "gd_backtracking": ("step size", "convergence"),
    "adam": ("momentum and adaptive steps", "step size"),
    # 12 automatic differentiation
    "forward_derivative": ("automatic differentiation", "chain rule"),
    "linear_vjp": ("automatic differentiation", "Jacobian", "backpropagation"),
    "relu_vjp": ("automatic differentiation", "backpropagation"),
    "softmax_cross_entropy_vjp": ("automatic differentiation", "numerical stability",
                                  "loss functions"),
    "mlp_multiclass_gradient": ("backpropagation", "chain rule", "gradient"),
}

#: graded function name -> the concepts it exercises (names are unique across the course)
FUNCTION_CONCEPTS: dict[str, tuple[str, ...]] = _C


def concepts_of(name: str) -> tuple[str, ...]:
    """The concepts the graded function ``name`` exercises."""
    try:
        return FUNCTION_CONCEPTS[name]
    except KeyError:
        raise KeyError(f"the graded function {name!r} has no concepts: add it to "
                       "FUNCTION_CONCEPTS in calcml/grading/concepts.py") from None
