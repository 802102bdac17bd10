"""What a network is: its parameter count, its operations per image and the
receptive field of every layer, all measured from the model itself."""
import copy
import io
from contextlib import redirect_stdout

import torch
import torch.nn as nn
from torchsummary import summary

# Layers that move the window over the image; everything else (ReLU,
# BatchNorm, Dropout) keeps size and receptive field as they are.
SPATIAL = (nn.Conv2d, nn.MaxPool2d, nn.AvgPool2d, nn.AdaptiveAvgPool2d, nn.AdaptiveMaxPool2d)


def count_parameters(model):
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def _pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


def _trace(model, input_size, types):
    """Run one image through ``model`` and list (name, module, input, output) for ``types``, in call order."""
    names = {m: n for n, m in model.named_modules()}
    calls = []
    hooks = [
        m.register_forward_hook(lambda mod, inp, out: calls.append((names[mod], mod, inp[0], out)))
        for m in model.modules()
        if isinstance(m, types)
    ]
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            device = next(model.parameters()).device
            model(torch.zeros(1, *input_size, device=device))
    finally:
        for h in hooks:
            h.remove()
        model.train(was_training)
    return calls


_SHORT_NAMES = {nn.Conv2d: "conv", nn.MaxPool2d: "pool", nn.AvgPool2d: "avgpool",
                nn.AdaptiveAvgPool2d: "gap", nn.AdaptiveMaxPool2d: "gmp"}


def receptive_field(model, input_size=(1, 28, 28)):
    """One row per spatial layer, in the order the forward pass calls them,
    named by kind and place (conv1, conv2, pool1, ..., gap for global pooling).

    r_out = r_in + (k - 1) * d * j_in and j_out = j_in * s, starting from
    r = 1, j = 1 at the input. A global pooling layer is a window the size of
    its input. Assumes the layers form a chain, as every lesson's network does.
    """
    rows = []
    rf, jump = 1, 1
    counts = {}
    for name, mod, inp, out in _trace(model, input_size, SPATIAL):
        short = next(v for k, v in _SHORT_NAMES.items() if isinstance(mod, k))
        counts[short] = counts.get(short, 0) + 1
        label = short if short in ("gap", "gmp") else f"{short}{counts[short]}"
        size_in = inp.shape[-1]
        if isinstance(mod, (nn.AdaptiveAvgPool2d, nn.AdaptiveMaxPool2d)):
            if out.shape[-1] != 1:
                raise ValueError(f"{name}: only global adaptive pooling (output 1x1) is supported")
            k, s, p, d = size_in, size_in, 0, 1
        else:
            k, s, p = _pair(mod.kernel_size)[0], _pair(mod.stride)[0], _pair(mod.padding)[0]
            d = _pair(getattr(mod, "dilation", 1))[0]
        rf += (k - 1) * d * jump
        jump *= s
        rows.append(
            dict(layer=label, module=name, type=type(mod).__name__, kernel=k, stride=s, padding=p, dilation=d,
                 size_in=size_in, size_out=out.shape[-1], channels_out=out.shape[1], jump=jump, rf=rf)
        )
    return rows


def format_receptive_field(rows):
    head = f"{'layer':<14}{'type':<18}{'k':>3}{'s':>3}{'p':>3}{'d':>3}{'in':>5}{'out':>5}{'ch':>6}{'jump':>6}{'RF':>5}"
    lines = [head, "-" * len(head)]
    for r in rows:
        lines.append(
            f"{r['layer']:<14}{r['type']:<18}{r['kernel']:>3}{r['stride']:>3}{r['padding']:>3}{r['dilation']:>3}"
            f"{r['size_in']:>5}{r['size_out']:>5}{r['channels_out']:>6}{r['jump']:>6}{r['rf']:>5}"
        )
    return "\n".join(lines)


def macs_per_image(model, input_size=(1, 28, 28)):
    """Multiply-accumulates of one forward pass (convolutions and linear layers)."""
    total = 0
    for _, mod, _, out in _trace(model, input_size, (nn.Conv2d, nn.Linear)):
        if isinstance(mod, nn.Conv2d):
            k = mod.kernel_size[0] * mod.kernel_size[1] * mod.in_channels // mod.groups
            total += out[0].numel() * k
        else:
            total += out[0].numel() * mod.in_features
    return total


def summary_table(model, device, input_size=(1, 28, 28)):
    """torchsummary's table as a string, run on ``device`` (a CPU copy for MPS,
    which torchsummary does not know). Eval mode, so BatchNorm statistics are
    left untouched. (torchsummary draws its input with torch.rand: a lesson's
    random stream includes that draw, the same in every run.)"""
    target = "cuda" if device.type == "cuda" else "cpu"
    net = model if device.type in ("cuda", "cpu") else copy.deepcopy(model).cpu()
    was_training = net.training
    net.eval()
    buffer = io.StringIO()
    try:
        with redirect_stdout(buffer):
            summary(net, input_size, device=target)
    finally:
        net.train(was_training)
    return buffer.getvalue().rstrip()
