"""Lesson 8: MaxPool where the receptive field is 5.

Target:
    Move the transition block up by one convolution, so MaxPool acts where
    the receptive field is 5 pixels (about the size of a stroke's edges and
    corners) and the convolution it saves there works at the half size,
    where it sees more of the digit. Same parameters, same layers.

Results:
    7,804 parameters, receptive field 28; train: best 99.29%, last 99.25%
    Test: best 99.38% (epoch 11), last five 99.38, 99.36, 99.30, 99.24, 99.34
    End goal (<= 8,000 parameters, >= 99.40% test accuracy in each of epochs 11-15): met by none of 3 seeds
    13.9 s per epoch on CPU (2 threads), seed 1 (results/code08_maxpool/metrics.json)

Analysis:
    The same layers and parameters in a new order. Over three seeds, accuracy
    is where lesson 7 left it: both changes are inside the seed-to-seed
    noise, and not even the first epoch is better in every seed. So the move
    is no clear accuracy win on MNIST. It does cut the work: the convolution
    that moved now runs on the half-size map, so a forward pass needs fewer
    multiply-accumulates per image (the performance page compares them).
    Lessons 9 and 10 keep this network.
"""
import sys

import torch.nn as nn
import torch.nn.functional as F
from torch import optim
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
TRAIN_TRANSFORMS = transforms.Compose([
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

    with Record(__file__, args, model, optimizer, train_loader, test_loader) as record:
        for epoch in range(1, args.epochs + 1):
            trained = train(model, device, train_loader, optimizer, epoch)
            tested = test(model, device, test_loader)
            record.epoch(epoch, trained, tested)
    return record.status


if __name__ == "__main__":
    sys.exit(main())
