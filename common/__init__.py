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
"""
from .cli import parse_args
from .console import show_model
from .engine import test, train
from .loader import mnist_loaders
from .record import Record
from .runtime import pick_device, seed_everything

__all__ = ["parse_args", "pick_device", "seed_everything", "mnist_loaders", "show_model", "train", "test", "Record"]
