"""Lesson 10 with OneCycleLR over the first 11 epochs in place of StepLR (issue 29's second lever).

The network, data and optimizer are lesson 10's. The rate rises from LR / 25
to LR over the first 30% of ANNEAL_EPOCHS epochs, then falls to almost zero
by the end of epoch ANNEAL_EPOCHS, stepped after every batch; in the epochs
after it, the scheduler is no longer stepped and the rate stays where it
ended. So every epoch that the end goal checks trains at the smallest rate.
"""
import sys

import torch.nn as nn
import torch.nn.functional as F
from torch import optim
from torch.optim.lr_scheduler import OneCycleLR
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
LR = 0.05
MOMENTUM = 0.9
ANNEAL_EPOCHS = 11  # OneCycleLR: up to LR and down to almost zero over these epochs; the rest stay there
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
    optimizer = optim.SGD(model.parameters(), lr=args.lr, momentum=MOMENTUM)
    scheduler = OneCycleLR(optimizer, max_lr=args.lr, epochs=ANNEAL_EPOCHS, steps_per_epoch=len(train_loader))

    with Record(__file__, args, model, optimizer, train_loader, test_loader) as record:
        for epoch in range(1, args.epochs + 1):
            annealing = scheduler if epoch <= ANNEAL_EPOCHS else None  # stepped after every batch, until it ends
            trained = train(model, device, train_loader, optimizer, epoch, annealing)
            tested = test(model, device, test_loader)
            record.epoch(epoch, trained, tested)
    return record.status


if __name__ == "__main__":
    sys.exit(main())
