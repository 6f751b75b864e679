"""Step 2: the same MLP as Step 1, but its gradient comes from autograd.

Every number becomes a `Value` that remembers which values it was made from
and the local derivative with respect to each; `backward()` walks that graph
in reverse and applies the chain rule. The hand-written backward pass of
Step 1 is gone.
"""

# --8<-- [start:imports]
import math

from .config import MAX_SAMPLE_LENGTH, RunConfig
from .program import log_samples, start, step_line
from .step1_gradient_descent import INIT_STD, LEARNING_RATE, N_EMBD, linear, logged_every_200

# --8<-- [end:imports]


# --8<-- [start:value]
class Value:
    """A scalar that records how it was computed."""

    __slots__ = ("data", "grad", "_children", "_local_grads")

    def __init__(self, data, children=(), local_grads=()):
        self.data = data  # the number itself
        self.grad = 0  # d(loss)/d(this value), filled in by backward()
        self._children = children  # the values this one was computed from
        self._local_grads = local_grads  # d(this)/d(child), one per child
    # --8<-- [end:value]

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data + other.data, (self, other), (1, 1))

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data * other.data, (self, other), (other.data, self.data))

    def __pow__(self, n):  # n is a plain number
        return Value(self.data**n, (self,), (n * self.data ** (n - 1),))

    def log(self):
        return Value(math.log(self.data), (self,), (1 / self.data,))

    def exp(self):
        e = math.exp(self.data)
        return Value(e, (self,), (e,))

    def relu(self):
        return Value(max(0, self.data), (self,), (float(self.data > 0),))

    # --8<-- [start:sugar]
    # Built from the operations above: no gradient code of their own.
    def __neg__(self):
        return self * -1

    def __sub__(self, other):
        return self + (-other)

    def __truediv__(self, other):
        return self * other**-1

    def __radd__(self, other):  # 0 + Value, as in sum()
        return self + other

    def __rsub__(self, other):
        return other + (-self)

    def __rmul__(self, other):
        return self * other

    def __rtruediv__(self, other):
        return other * self**-1
    # --8<-- [end:sugar]

    def backward(self):
        """Fill in .grad of every value this one depends on."""
        order = topological_order(self)
        self.grad = 1
        for v in reversed(order):  # from the loss back to the parameters
            for child, local_grad in zip(v._children, v._local_grads):
                child.grad += local_grad * v.grad  # += : a value used twice gets both shares

    def __repr__(self):
        return f"Value(data={self.data:.4f}, grad={self.grad:.4f})"


def topological_order(root):
    """Every value of the graph, each after all the values it was made from
    (a depth-first walk, written with a stack so deep graphs cannot overflow)."""
    order, visited = [], set()
    stack = [(root, iter(root._children))]
    visited.add(root)
    while stack:
        node, children = stack[-1]
        child = next(children, None)
        if child is None:
            order.append(node)
            stack.pop()
        elif child not in visited:
            visited.add(child)
            stack.append((child, iter(child._children)))
    return order


def matrix(rng, nout, nin):
    return [[Value(rng.gauss(0, INIT_STD)) for _ in range(nin)] for _ in range(nout)]


def init_state_dict(rng, vocab_size, n_embd=N_EMBD):
    return {
        "wte": matrix(rng, vocab_size, n_embd),
        "mlp_fc1": matrix(rng, 4 * n_embd, n_embd),
        "mlp_fc2": matrix(rng, vocab_size, 4 * n_embd),
    }


def parameters(state_dict):
    """Every weight, a Value each, in state_dict order."""
    return [p for mat in state_dict.values() for row in mat for p in row]


def softmax(logits):
    biggest = max(v.data for v in logits)  # a plain number: no gradient flows through it
    exps = [(v - biggest).exp() for v in logits]
    total = sum(exps)
    return [e / total for e in exps]


def mlp(state_dict, token_id):
    x = state_dict["wte"][token_id]
    h = [v.relu() for v in linear(x, state_dict["mlp_fc1"])]
    return linear(h, state_dict["mlp_fc2"])


def name_loss(state_dict, tokens, n):
    """The loss of a name as one graph: mean of -log p(next) over n pairs."""
    losses = []
    for pos in range(n):
        probs = softmax(mlp(state_dict, tokens[pos]))
        losses.append(-probs[tokens[pos + 1]].log())
    return (1 / n) * sum(losses)


def train(state_dict, docs, tokenizer, num_steps, on_step, stop_after=None):
    """Forward (build the graph), backward (fill the grads), SGD update."""
    params = parameters(state_dict)
    losses = []
    for step in range(stop_after or num_steps):
        tokens = tokenizer.encode(docs[step % len(docs)])
        loss = name_loss(state_dict, tokens, len(tokens) - 1)
        loss.backward()
        lr_t = LEARNING_RATE * (1 - step / num_steps)
        for p in params:
            p.data -= lr_t * p.grad
            p.grad = 0  # gradients add up: clear them for the next step
        losses.append(loss.data)
        on_step(step, loss.data)
    return losses


def sample(state_dict, tokenizer, rng, temperature, max_len=MAX_SAMPLE_LENGTH):
    token_id, name = tokenizer.BOS, []
    for _ in range(max_len):
        probs = softmax([v / temperature for v in mlp(state_dict, token_id)])
        token_id = rng.choices(range(tokenizer.vocab_size), weights=[p.data for p in probs])[0]
        if token_id == tokenizer.BOS:
            break
        name.append(token_id)
    return tokenizer.decode(name)


def run(config=RunConfig(), log=print, stop_after=None, watch=None):
    """The whole step as a program; returns what it measured. `watch(step, loss)`,
    if given, sees every step (the site's live training draws with it)."""
    rng, docs, tokenizer = start(config, log)
    state_dict = init_state_dict(rng, tokenizer.vocab_size)
    log(f"num params: {len(parameters(state_dict))}")

    def on_step(step, loss):
        if logged_every_200(step):
            log(step_line(step, config.num_steps, loss))
        if watch:
            watch(step, loss)

    losses = train(state_dict, docs, tokenizer, config.num_steps, on_step, stop_after)
    samples = []
    if stop_after is None:
        samples = [sample(state_dict, tokenizer, rng, config.temperature)
                   for _ in range(config.num_samples)]
        log_samples(samples, log)
    return {
        "num_docs": len(docs),
        "vocab_size": tokenizer.vocab_size,
        "shapes": {name: [len(m), len(m[0])] for name, m in state_dict.items()},
        "num_params": len(parameters(state_dict)),
        "losses": losses,
        "samples": samples,
    }


if __name__ == "__main__":
    from .cli import main

    raise SystemExit(main(["step2", *__import__("sys").argv[1:]]))
