"""Lesson 10 with AdamW and OneCycleLR, an average of the weights beside it (issue 29's fourth lever).

The network and data are lesson 10's. The optimizer is AdamW (decoupled
weight decay WEIGHT_DECAY) and the schedule OneCycleLR: the rate climbs from
LR / 25 to LR over the first 30% of the steps, then anneals to almost zero
by the last, stepped after every batch. As in code10_average.py, an
exponential moving average of the weights is updated after every step;
every epoch tests both, the averaged weights as the run's accuracy and the
raw weights in "raw_test_acc", so the raw rows compare with lesson 10's.
"""
import sys

import torch.nn as nn
import torch.nn.functional as F
from torch import optim
from torch.optim.lr_scheduler import OneCycleLR
from torch.optim.swa_utils import AveragedModel, get_ema_multi_avg_fn
from torchvision import transforms

from common import Record, mnist_loaders, parse_args, pick_device, seed_everything, show_model, test, train


DROPOUT = 0.05  # the fraction of activations zeroed at random while training


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.Sequential(
            # convolution block 1
            nn.Conv2d(1, 8, 3, bias=False),  # 28 -> 26, RF 3
            nn.BatchNorm2d(8),
            nn.ReLU(),
            nn.Dropout(DROPOUT),
            nn.Conv2d(8, 14, 3, bias=False),  # 26 -> 24, RF 5
            nn.BatchNorm2d(14),
            nn.ReLU(),
            nn.Dropout(DROPOUT),
            # transition block: halve the size, then squeeze the channels
            nn.MaxPool2d(2, 2),  # 24 -> 12, RF 6
            nn.Conv2d(14, 8, 1, bias=False),  # 12 -> 12, RF 6
            nn.BatchNorm2d(8),
            nn.ReLU(),
            # convolution block 2
            nn.Conv2d(8, 14, 3, bias=False),  # 12 -> 10, RF 10
            nn.BatchNorm2d(14),
            nn.ReLU(),
            nn.Dropout(DROPOUT),
            nn.Conv2d(14, 14, 3, bias=False),  # 10 -> 8, RF 14
            nn.BatchNorm2d(14),
            nn.ReLU(),
            nn.Dropout(DROPOUT),
            nn.Conv2d(14, 14, 3, bias=False),  # 8 -> 6, RF 18
            nn.BatchNorm2d(14),
            nn.ReLU(),
            nn.Dropout(DROPOUT),
            nn.Conv2d(14, 14, 3, bias=False),  # 6 -> 4, RF 22
            nn.BatchNorm2d(14),
            nn.ReLU(),
            nn.Dropout(DROPOUT),
            # output block: average each channel over the map, then 1x1 to the ten scores
            nn.AdaptiveAvgPool2d(1),  # 4 -> 1, RF 28
            nn.Conv2d(14, 10, 1, bias=False),  # 1 -> 1, RF 28
        )

    def forward(self, x):
        x = self.layers(x)
        return F.log_softmax(x.view(-1, 10), dim=1)


EPOCHS = 15
BATCH_SIZE = 128
LR = 0.01  # OneCycleLR's highest rate
WEIGHT_DECAY = 0.01
EMA_DECAY = 0.999  # per step: the average's horizon is about 1 / (1 - EMA_DECAY) steps
ROTATION = 7.0  # degrees: each training image turns by a random angle between -ROTATION and +ROTATION
TRAIN_TRANSFORMS = transforms.Compose([
    transforms.RandomAffine(ROTATION, fill=0),  # a new angle for every image, every epoch
    transforms.ToTensor(),
    transforms.Normalize((0.1307,), (0.3081,)),  # MNIST's mean and standard deviation
])
TEST_TRANSFORMS = transforms.Compose([
    transforms.ToTensor(),
    transforms.Normalize((0.1307,), (0.3081,)),
])


def main(argv=None):
    args = parse_args(__file__, argv, epochs=EPOCHS, batch_size=BATCH_SIZE, lr=LR)
    device = pick_device(args.device)
    generator = seed_everything(args.seed, device)
    train_loader, test_loader = mnist_loaders(args, TRAIN_TRANSFORMS, TEST_TRANSFORMS, device, generator)

    model = Net().to(device)
    show_model(model, device)
    optimizer = optim.AdamW(model.parameters(), lr=args.lr, weight_decay=WEIGHT_DECAY)
    scheduler = OneCycleLR(optimizer, max_lr=args.lr, epochs=args.epochs, steps_per_epoch=len(train_loader))
    averaged = AveragedModel(model, multi_avg_fn=get_ema_multi_avg_fn(EMA_DECAY), use_buffers=True)
    optimizer.register_step_post_hook(lambda *_: averaged.update_parameters(model))
    optimizer.register_step_post_hook(lambda *_: scheduler.step())  # OneCycleLR moves after every batch

    with Record(__file__, args, model, optimizer, train_loader, test_loader) as record:
        for epoch in range(1, args.epochs + 1):
            trained = train(model, device, train_loader, optimizer, epoch)
            raw = test(model, device, test_loader)
            tested = test(averaged, device, test_loader)
            record.epoch(epoch, trained, tested)
            record.metrics["epochs"][-1]["raw_test_acc"] = raw.accuracy  # written with the next epoch's
    return record.status


if __name__ == "__main__":
    sys.exit(main())
