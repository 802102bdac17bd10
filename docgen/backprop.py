"""The worked example of docs/backprop.md: backpropagation by hand, then by autograd.

    python -m docgen.backprop           # rewrite the generated block of docs/backprop.md
    python -m docgen.backprop --check   # exit 1 if the page is out of date

A network small enough to follow with a pencil, built from the same pieces as
the lessons (a weight, ReLU, log-softmax, the negative log-likelihood loss,
SGD with momentum):

    x --(* w1)--> z --ReLU--> a --(* v0, * v1)--> scores s0, s1 --log_softmax--> NLL loss

Every number on the page is computed here: the forward and backward passes by
the chain rule with plain Python floats (`forward_backward`), the update by the
momentum-SGD rule (`sgd_momentum`), and, to check them, the autograd column by
running the PyTorch snippet that the page shows (`autograd_run`).
docgen/backprop_tables.py turns these numbers into the page's tables.
"""
import argparse
import math
import sys

from common import paths
from common.cli import EXIT_FAILED, EXIT_OK

from .backprop_tables import as_typed, backward_table, check_table, forward_table, six_decimals, update_table
from .markers import replace_block
from .pages import DOCS, refresh

PAGE = DOCS / "backprop.md"
BLOCK = "backprop"

# The example. LR and MOMENTUM are the ones lesson 10 trains with (tests/test_backprop.py checks they still
# agree; lessons 1 to 3, without BatchNorm, use a smaller rate).
X = 1.5
TARGET = 1
W1 = 0.8
V = (0.4, -0.2)
LR = 0.05
MOMENTUM = 0.9
STEPS = 2


# ----------------------------------------------------------------- by hand

def forward_backward(x, w1, v, target):
    """Loss and gradients of the tiny network, step by step, with the chain rule.

    Returns a dict of every intermediate value, so that the page can show them.
    """
    # forward
    z = w1 * x
    a = max(0.0, z)
    s = [v[0] * a, v[1] * a]
    m = max(s)
    log_sum = m + math.log(sum(math.exp(sk - m) for sk in s))  # log(e^s0 + e^s1), computed stably
    log_p = [sk - log_sum for sk in s]
    p = [math.exp(lp) for lp in log_p]
    loss = -log_p[target]
    # backward: each line is (what it feeds) x (its local derivative)
    y = [1.0 if k == target else 0.0 for k in range(2)]
    d_s = [p[k] - y[k] for k in range(2)]  # dL/ds_k for log_softmax followed by NLL
    d_v = [d_s[k] * a for k in range(2)]  # s_k = v_k * a  ->  ds_k/dv_k = a
    d_a = d_s[0] * v[0] + d_s[1] * v[1]  # a feeds both scores: add the two paths
    relu_slope = 1.0 if z > 0 else 0.0
    d_z = d_a * relu_slope  # ReLU passes the gradient where z > 0, blocks it elsewhere
    d_w1 = d_z * x  # z = w1 * x  ->  dz/dw1 = x
    return dict(x=x, w1=w1, v=list(v), target=target, z=z, a=a, s=s, log_sum=log_sum, log_p=log_p, p=p,
                loss=loss, y=y, d_s=d_s, d_v=d_v, d_a=d_a, relu_slope=relu_slope, d_z=d_z, d_w1=d_w1)


def sgd_momentum(params, grads, buffers, lr=LR, momentum=MOMENTUM):
    """One step of torch.optim.SGD(lr, momentum) with no dampening, no Nesterov, no weight decay.

    b <- momentum * b + g  (b starts at 0, so the first step's b is g);  w <- w - lr * b.
    Returns (new params, new buffers).
    """
    new_buffers = [momentum * b + g for b, g in zip(buffers, grads)]
    new_params = [w - lr * b for w, b in zip(params, new_buffers)]
    return new_params, new_buffers


def hand_run(steps=STEPS):
    """``steps`` training steps by hand: for each, the forward/backward values and the update."""
    params, buffers = [W1, *V], [0.0, 0.0, 0.0]
    history = []
    for step in range(1, steps + 1):
        passes = forward_backward(X, params[0], params[1:], TARGET)
        grads = [passes["d_w1"], *passes["d_v"]]
        new_params, new_buffers = sgd_momentum(params, grads, buffers)
        history.append(dict(step=step, passes=passes, params=params, grads=grads, buffers_before=buffers,
                            buffers=new_buffers, new_params=new_params))
        params, buffers = new_params, new_buffers
    return history


# ----------------------------------------------------------------- by autograd

SNIPPET = f"""\
import torch
import torch.nn.functional as F

x = torch.tensor([{X}], dtype=torch.float64)  # one input: a batch of one
target = torch.tensor([{TARGET}])  # its class
w1 = torch.tensor({W1}, dtype=torch.float64, requires_grad=True)
v = torch.tensor([{V[0]}, {V[1]}], dtype=torch.float64, requires_grad=True)
optimizer = torch.optim.SGD([w1, v], lr={LR}, momentum={MOMENTUM})

for step in range(1, {STEPS + 1}):
    optimizer.zero_grad()
    a = F.relu(w1 * x)  # shape (1,)
    scores = a.unsqueeze(1) * v  # shape (1, 2): one image, two classes
    loss = F.nll_loss(F.log_softmax(scores, dim=1), target)
    loss.backward()  # fills w1.grad and v.grad
    print(step, "loss", loss.item(), "grads", w1.grad.item(), v.grad.tolist())
    optimizer.step()  # moves w1 and v
    print(step, "params", w1.item(), v.tolist())
"""


def autograd_run():
    """Run SNIPPET (the code the page shows) and collect what it prints, step by step."""
    printed = []
    exec(SNIPPET, {"__name__": "backprop_snippet", "print": lambda *args: printed.append(args)})  # noqa: S102
    runs = {}
    for step, kind, *values in printed:
        entry = runs.setdefault(step, {})
        if kind == "loss":
            entry["loss"], entry["grads"] = values[0], [values[2], *values[3]]
        else:
            entry["params"] = [values[0], *values[1]]
    return [runs[step] for step in sorted(runs)]


def render():
    """The markdown of the worked example: the content of the page's generated block."""
    history = hand_run()
    first, second = history[0], history[1]
    first_loss, second_loss = first["passes"]["loss"], second["passes"]["loss"]
    parts = [
        "### The numbers",
        f"Input x = {as_typed(X)}, target class {TARGET}; starting weights w1 = {as_typed(W1)}, "
        f"v0 = {as_typed(V[0])}, v1 = {as_typed(V[1])}; learning rate {as_typed(LR)} and momentum "
        f"{as_typed(MOMENTUM)}, as in the final lesson.",
        "### Forward pass",
        forward_table(first["passes"]),
        "### Backward pass",
        "From the loss back to the input, each gradient is the one before it times a local derivative:",
        backward_table(first["passes"]),
        "### The update: SGD with momentum",
        "Step 1. The momentum buffers start at 0, so the first buffer is just the gradient:",
        update_table(first, LR, MOMENTUM),
        "Step 2. A new forward and backward pass at the new weights gives new gradients, and a loss of "
        f"{six_decimals(second_loss)}, {'lower' if second_loss < first_loss else 'not lower'} "
        f"than step 1's {six_decimals(first_loss)}. Now the buffer carries {as_typed(MOMENTUM)} of step 1's "
        "buffer along:",
        update_table(second, LR, MOMENTUM),
        "### Checked against autograd",
        "The same network in PyTorch; the column on the right below is what this code prints:",
        "```python\n" + SNIPPET.rstrip("\n") + "\n```",
        check_table(history, autograd_run()),
    ]
    return "\n\n".join(parts)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="only check; exit 1 if the page is out of date")
    args = parser.parse_args(argv)
    if not refresh(PAGE, replace_block(PAGE.read_text(), BLOCK, render()), args.check):
        return EXIT_OK
    if args.check:
        print(f"{PAGE.relative_to(paths.ROOT)} is out of date: run `python -m docgen.backprop`")
        return EXIT_FAILED
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
