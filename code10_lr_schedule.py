"""Lesson 10: learning-rate schedule.

Target:
    Hold the accuracy at its peak: divide the learning rate by 10 every 5
    epochs (PyTorch's StepLR), so the last epochs take small, careful steps
    instead of bouncing around the minimum. The same network and data as
    lesson 9; at most 8,000 parameters and at least 99.4% in every one of
    epochs 11 to 15.

Results:
    7,804 parameters, receptive field 28; train: best 99.24%, last 99.17%
    Test: best 99.47% (epoch 12), last five 99.46, 99.47, 99.41, 99.41, 99.43
    End goal (<= 8,000 parameters, >= 99.40% test accuracy in each of epochs 11-15): met
    21.5 s per epoch on CPU (2 threads), seed 1 (results/code10_lr_schedule/metrics.json)

Analysis:
    The schedule is the last piece: the same network and data as lesson 9, but
    the last five epochs run at a hundredth of the starting learning rate, so
    test accuracy stops jumping from epoch to epoch. The recorded run (seed 1)
    meets the end goal. The five-seed summary
    (results/code10_lr_schedule/seeds.md) is the honest verdict: not every
    seed does. One seed dips below the goal in the first epoch after the last
    step and then climbs back, and another only just reaches it. A network of
    this size sits right at 99.4%, and the schedule buys steadiness, not a
    higher peak; the margin has to come from the network and the data (the
    place to look next is lessons 7 to 9). Train accuracy stays below test
    accuracy because it is counted with Dropout and rotation on.
"""
import sys

import torch.nn as nn
import torch.nn.functional as F
from torchvision import transforms

from common import run_lesson


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
LR_SCHEDULE = dict(step_size=5, gamma=0.1)  # StepLR: lr x 0.1 after epochs 5 and 10
TRAIN_TRANSFORMS = transforms.Compose([
    transforms.RandomRotation((-7.0, 7.0), fill=0),  # a new angle for every image, every epoch
    transforms.ToTensor(),
    transforms.Normalize((0.1307,), (0.3081,)),  # MNIST's mean and standard deviation
])
TEST_TRANSFORMS = transforms.Compose([
    transforms.ToTensor(),
    transforms.Normalize((0.1307,), (0.3081,)),
])


def main(argv=None):
    return run_lesson(
        Net, __file__, epochs=EPOCHS, batch_size=BATCH_SIZE, lr=LR, momentum=MOMENTUM, lr_schedule=LR_SCHEDULE,
        train_transforms=TRAIN_TRANSFORMS, test_transforms=TEST_TRANSFORMS, description=__doc__.splitlines()[0],
        argv=argv,
    )


if __name__ == "__main__":
    sys.exit(main())
