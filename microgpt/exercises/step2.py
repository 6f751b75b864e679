"""Step 2's exercises: operations of `Value` with their local gradients, and
the backward pass."""

from ..step2_autograd import Value
from .checking import Case, Exercise

FILE = "microgpt/step2_autograd.py"


def not_a_value(result):
    return f"{type(result).__name__} {result!r}, not a Value"


def exp_and_gradient(function, args):
    """y = exp(x) for x a Value; y.backward(); y's number and x's gradient."""
    (x_number,) = args
    x = Value(x_number)
    y = function(x)
    if not isinstance(y, Value):
        return not_a_value(y)
    y.backward()
    return {"y.data": y.data, "x.grad": x.grad}


def product_and_gradients(function, args):
    """y = a * b, with b a Value, a plain number, or a itself; y.backward()."""
    a_number, b_number, kind = args
    a = Value(a_number)
    b = {"a Value": Value(b_number), "a plain number": b_number, "a itself": a}[kind]
    y = function(a, b)
    if not isinstance(y, Value):
        return not_a_value(y)
    y.backward()
    return {"y.data": y.data, "a.grad": a.grad, **({"b.grad": b.grad} if kind == "a Value" else {})}


GRAPHS = {  # formula -> how to build it from Values a and b, with the package's operations
    "y = a * b": lambda a, b: a * b,
    "y = a * a": lambda a, b: a * a,
    "y = a * b + a": lambda a, b: a * b + a,
    "y = (a * b).exp() * a + b": lambda a, b: (a * b).exp() * a + b,
}


def gradients_after_backward(function, args):
    """Build the graph with the package's Value, run the reader's backward on
    its output, and read the leaves' gradients."""
    formula, a_number, b_number = args
    a, b = Value(a_number), Value(b_number)
    function(GRAPHS[formula](a, b))
    return {"a.grad": a.grad, "b.grad": b.grad}


EXERCISES = [
    Exercise(
        id="step2-exp",
        title="A new operation: exp",
        task="Write `exp(self)` for a `Value`: a new `Value` holding `e` to the power of `self.data`, "
             "that remembers `self` as its child and the local gradient of `exp`.",
        hint="The derivative of `exp(x)` is `exp(x)` itself: compute `e = math.exp(self.data)` once and use "
             "it twice, `Value(e, (self,), (e,))`.",
        name="exp",
        solution=f"{FILE}:Value.exp",
        starter="import math\n\n"
                "from microgpt.step2_autograd import Value\n\n\n"
                "def exp(self):\n"
                "    return Value(math.exp(self.data))\n",
        cases=lambda: [Case(f"x = Value({x}), y = exp(x), then y.backward()", (x,))
                       for x in (0.0, 1.5, -3.0)],
        call=exp_and_gradient,
    ),
    Exercise(
        id="step2-mul",
        title="Multiply, and its local gradients",
        task="Write `__mul__(self, other)` for a `Value`: the product, with both factors as children and "
             "the right local gradient for each. `other` may be a plain number.",
        hint="The derivative of `a * b` with respect to `a` is `b`, and with respect to `b` it is `a`. "
             "Wrap a plain number in `Value` first.",
        name="__mul__",
        solution=f"{FILE}:Value.__mul__",
        starter="from microgpt.step2_autograd import Value\n\n\n"
                "def __mul__(self, other):\n"
                "    other = other if isinstance(other, Value) else Value(other)\n"
                "    return Value(self.data * other.data, (self, other), (self.data, other.data))\n",
        cases=lambda: [Case(f"a = Value({a}), b = {kind} ({a if kind == 'a itself' else b}), y = a * b, "
                            "then y.backward()", (a, b, kind))
                       for a, b, kind in ((3.0, 3.0, "a Value"), (2.0, -5.0, "a Value"),
                                          (2.0, 4.0, "a plain number"), (-1.5, 0.0, "a itself"))],
        call=product_and_gradients,
    ),
    Exercise(
        id="step2-backward",
        title="Find the bug in backward",
        task="This `backward(self)` gives right gradients for some graphs and wrong ones for others. "
             "Find the graph where it fails, then fix the one character that is wrong.",
        hint="Look at a value that is used twice, as `a` is in `a * a`: it should receive a share of the "
             "gradient from each use. What does `=` do to the first share?",
        name="backward",
        solution=f"{FILE}:Value.backward",
        starter="from microgpt.step2_autograd import topological_order\n\n\n"
                "def backward(self):\n"
                "    order = topological_order(self)\n"
                "    self.grad = 1\n"
                "    for v in reversed(order):\n"
                "        for child, local_grad in zip(v._children, v._local_grads):\n"
                "            child.grad = local_grad * v.grad\n",
        cases=lambda: [Case(f"{formula} with a = Value({a}), b = Value({b}), then backward(y)",
                            (formula, a, b))
                       for formula, a, b in (("y = a * b", 2.0, -3.0), ("y = a * a", 1.5, 0.0),
                                             ("y = a * b + a", 2.0, -3.0),
                                             ("y = (a * b).exp() * a + b", 0.5, -1.0))],
        call=gradients_after_backward,
    ),
]
