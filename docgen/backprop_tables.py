"""The tables of docs/backprop.md's worked example: the numbers that docgen/backprop.py computes, as markdown.

Each table takes what ``docgen.backprop.hand_run`` (and ``autograd_run``) return;
nothing here computes a number of the example.
"""
PARAMETER_NAMES = ("w1", "v0", "v1")


def six_decimals(value):
    """A number as the page shows it: six decimals, a true minus sign."""
    text = f"{value:.6f}"
    return ("−" + text[1:]) if text.startswith("-") else text


def in_formula(value):
    """A number inside a formula: negative ones in parentheses, so "x × (−0.2)" reads clearly."""
    return f"({six_decimals(value)})" if value < 0 else six_decimals(value)


def as_typed(value):
    """A given constant as typed (1.5, not 1.500000)."""
    text = repr(value)
    return ("−" + text[1:]) if text.startswith("-") else text


def forward_table(passes):
    """The forward pass of ``passes`` (one step's values), line by line, from the input to the loss."""
    x, w1, v, target = passes["x"], passes["w1"], passes["v"], passes["target"]
    scores, probabilities, z, a = passes["s"], passes["p"], passes["z"], passes["a"]
    rows = [
        ("input", "x", as_typed(x)),
        ("weighted input", f"z = w1 · x = {six_decimals(w1)} × {as_typed(x)}", six_decimals(z)),
        ("ReLU", f"a = max(0, z) = max(0, {six_decimals(z)})", six_decimals(a)),
        ("score of class 0", f"s0 = v0 · a = {six_decimals(v[0])} × {six_decimals(a)}", six_decimals(scores[0])),
        ("score of class 1", f"s1 = v1 · a = {six_decimals(v[1])} × {in_formula(a)}", six_decimals(scores[1])),
        ("log of the sum", f"log(e^s0 + e^s1) = log(e^{in_formula(scores[0])} + e^{in_formula(scores[1])})",
         six_decimals(passes["log_sum"])),
        ("log-probability of class 0", "log p0 = s0 − log(e^s0 + e^s1)", six_decimals(passes["log_p"][0])),
        ("log-probability of class 1", "log p1 = s1 − log(e^s0 + e^s1)", six_decimals(passes["log_p"][1])),
        ("probabilities", "p0 = e^(log p0), p1 = e^(log p1)",
         f"{six_decimals(probabilities[0])}, {six_decimals(probabilities[1])}"),
        (f"loss (target class {target})", f"L = −log p{target}", six_decimals(passes["loss"])),
    ]
    return markdown_table(("what", "formula", "value"), rows)


def backward_table(passes):
    """The backward pass of ``passes``: each gradient as the chain rule makes it, from the loss back to w1."""
    v, d_s, a, d_a, d_z = passes["v"], passes["d_s"], passes["a"], passes["d_a"], passes["d_z"]
    one_hot = [int(c) for c in passes["y"]]
    rows = [
        ("∂L/∂s0", f"p0 − y0 = {six_decimals(passes['p'][0])} − {one_hot[0]}", six_decimals(d_s[0])),
        ("∂L/∂s1", f"p1 − y1 = {six_decimals(passes['p'][1])} − {one_hot[1]}", six_decimals(d_s[1])),
        ("∂L/∂v0", f"∂L/∂s0 · a = {six_decimals(d_s[0])} × {six_decimals(a)}", six_decimals(passes["d_v"][0])),
        ("∂L/∂v1", f"∂L/∂s1 · a = {six_decimals(d_s[1])} × {six_decimals(a)}", six_decimals(passes["d_v"][1])),
        ("∂L/∂a", f"∂L/∂s0 · v0 + ∂L/∂s1 · v1 = {six_decimals(d_s[0])} × {in_formula(v[0])} "
                  f"+ {in_formula(d_s[1])} × {in_formula(v[1])}", six_decimals(d_a)),
        ("∂L/∂z", f"∂L/∂a · (1 if z > 0 else 0) = {six_decimals(d_a)} × {int(passes['relu_slope'])}",
         six_decimals(d_z)),
        ("∂L/∂w1", f"∂L/∂z · x = {six_decimals(d_z)} × {as_typed(passes['x'])}", six_decimals(passes["d_w1"])),
    ]
    return markdown_table(("gradient", "chain rule", "value"), rows)


def update_table(entry, lr, momentum):
    """One step of SGD with momentum (``entry``, one step of hand_run) for each parameter."""
    rows = []
    for name, weight, grad, buffer_before, buffer, new_weight in zip(
            PARAMETER_NAMES, entry["params"], entry["grads"], entry["buffers_before"], entry["buffers"],
            entry["new_params"]):
        rows.append((name, six_decimals(weight), six_decimals(grad),
                     f"{as_typed(momentum)} × {in_formula(buffer_before)} + {in_formula(grad)} = "
                     f"{six_decimals(buffer)}",
                     f"{six_decimals(weight)} − {as_typed(lr)} × {in_formula(buffer)} = {six_decimals(new_weight)}"))
    head = ("parameter", "value w", "gradient g", f"momentum buffer b = {as_typed(momentum)} · b + g",
            "new value w − lr · b")
    return markdown_table(head, rows)


def check_table(history, torch_runs):
    """Every step's loss, gradients and new parameters by hand beside what autograd and torch.optim.SGD give."""
    rows = []
    for entry, run in zip(history, torch_runs):
        step = entry["step"]
        rows.append((f"step {step}: loss", six_decimals(entry["passes"]["loss"]), six_decimals(run["loss"])))
        for name, grad, torch_grad in zip(PARAMETER_NAMES, entry["grads"], run["grads"]):
            rows.append((f"step {step}: ∂L/∂{name}", six_decimals(grad), six_decimals(torch_grad)))
        for name, weight, torch_weight in zip(PARAMETER_NAMES, entry["new_params"], run["params"]):
            rows.append((f"step {step}: {name} after the step", six_decimals(weight), six_decimals(torch_weight)))
    return markdown_table(("quantity", "by hand", "autograd and torch.optim.SGD"), rows)


def markdown_table(head, rows):
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)
