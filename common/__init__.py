"""What every lesson shares, so that a lesson script holds only its network,
its settings and its main():

    args = parse_args(__file__, argv, epochs=..., batch_size=..., lr=...)   # the command line
    device = pick_device(args.device)                                     # CUDA, then MPS, then the CPU
    generator = seed_everything(args.seed, device)                        # one seed for every random draw
    train_loader, test_loader = mnist_loaders(args, ...)                  # MNIST, batched
    show_model(model, device)                                             # summary and receptive field
    train(model, device, train_loader, optimizer, epoch)                  # one epoch of SGD steps
    test(model, device, test_loader)                                      # loss and accuracy
    with Record(...) as record: record.epoch(...)                         # metrics.json, weights, figures

Each name is imported from its module when a script first asks for it, so a
tool that needs only common.source (tools.diff) runs without torch.
"""
import importlib

_MODULE_OF = {"parse_args": "cli", "show_model": "console", "train": "engine", "test": "engine",
              "mnist_loaders": "loader", "Record": "record", "pick_device": "runtime", "seed_everything": "runtime"}
__all__ = list(_MODULE_OF)


def __getattr__(name):
    if name not in _MODULE_OF:
        raise AttributeError(f"module 'common' has no attribute {name!r}")
    return getattr(importlib.import_module(f".{_MODULE_OF[name]}", __name__), name)
