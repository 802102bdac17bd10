"""Lesson 2: the skeleton.

Target:
    Fix the shape that every later lesson keeps: two convolution blocks of
    3x3 convolutions, a transition block between them (MaxPool to halve the
    image, then a 1x1 convolution to squeeze the channels), and an output
    block, with far fewer channels than lesson 1.
    The convolutions have no bias from here on: lesson 4 puts BatchNorm after
    each of them, and BatchNorm's own shift does a bias's job.

Results:
    43,984 parameters, receptive field 28; train: best 99.45%, last 99.45%
    Test: best 98.85% (epoch 12), last five 98.76, 98.85, 98.72, 98.67, 98.74
    End goal (<= 8,000 parameters, >= 99.40% test accuracy in each of epochs 11-15): met by none of 3 seeds
    35.7 s per epoch on CPU (2 threads), seed 1 (results/code02_skeleton/metrics.json)

Analysis:
    The skeleton learns on every seed at this rate, and slowly at first:
    over the first epoch its train accuracy is far below lesson 1's, and it
    takes another epoch to catch up. The three seeds end close together
    (the table over seeds). When this lesson trained at 0.05, seed 2
    never learned. Its first epoch's steps were too large and the
    weights grew until every ReLU after the 1x1 squeeze output zero. With no
    biases, every later value was then zero, the ten scores were equal (a
    loss of ln 10 = 2.303), and no gradient flowed back: the network stayed
    at chance for all 15 epochs. Hence the smaller rate. Lesson 2 differs
    from lesson 1 in several ways at once: far fewer channels (16 and 32
    instead of 32 up to 1,024), no biases, no padding, one MaxPool and a 1x1
    squeeze instead of two pools, and one 7x7 kernel as the output.
    These runs do not say which of them makes the start slow; BatchNorm, in
    lesson 4, is the change aimed at it. Over the last epochs train accuracy
    still rises while test accuracy levels off, and the gap between them
    opens: the first sign of overfitting. Most parameters sit in the
    32-channel 3x3 layers and the 7x7 output kernel, which is where lesson 3
    cuts.
"""
import sys

import torch.nn as nn
import torch.nn.functional as F
from torch import optim
from torchvision import transforms

from common import Record, mnist_loaders, parse_args, pick_device, seed_everything, show_model, test, train


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.Sequential(
            # convolution block 1
            nn.Conv2d(1, 16, 3, bias=False),  # 28 -> 26, RF 3
            nn.ReLU(),
            nn.Conv2d(16, 32, 3, bias=False),  # 26 -> 24, RF 5
            nn.ReLU(),
            nn.Conv2d(32, 32, 3, bias=False),  # 24 -> 22, RF 7
            nn.ReLU(),
            # transition block: halve the size, then squeeze the channels
            nn.MaxPool2d(2, 2),  # 22 -> 11, RF 8
            nn.Conv2d(32, 16, 1, bias=False),  # 11 -> 11, RF 8
            nn.ReLU(),
            # convolution block 2
            nn.Conv2d(16, 32, 3, bias=False),  # 11 -> 9, RF 12
            nn.ReLU(),
            nn.Conv2d(32, 32, 3, bias=False),  # 9 -> 7, RF 16
            nn.ReLU(),
            # output block: one big kernel over the whole 7x7 map, no ReLU on the scores
            nn.Conv2d(32, 10, 7, bias=False),  # 7 -> 1, RF 28
        )

    def forward(self, x):
        x = self.layers(x)
        return F.log_softmax(x.view(-1, 10), dim=1)


EPOCHS = 15
BATCH_SIZE = 128
LR = 0.01
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
