"""Lesson 1: the setup.

Target:
    Get the whole pipeline working: data, transforms, loaders, the train and
    test loops, results and plots. The network is deliberately a big, plain
    stack of 3x3 convolutions (no BatchNorm, no Dropout), so that every later
    lesson has something to improve on. It trains at a learning rate of
    0.01, as lessons 2 and 3 do: at 0.05 some seeds of these networks
    without BatchNorm never learn, and lesson 4 shows what BatchNorm changes.

Results:
    6,379,786 parameters, receptive field 40; train: best 99.97%, last 99.97%
    Test: best 99.26% (epoch 12), last five 99.13, 99.26, 99.15, 99.22, 99.17
    End goal (<= 8,000 parameters, >= 99.40% test accuracy in each of epochs 11-15): not met (one seed)
    575.4 s per epoch on CPU (2 threads), seed 1 (results/code01_setup/metrics.json)

Analysis:
    It works, and it learns fast: test accuracy is already high after the
    first epoch. Then it overfits. Train accuracy climbs towards every last
    training image, while test accuracy improves little after the first few
    epochs and wobbles short of the goal. The test loss shows it most
    clearly: after the first few epochs it stops falling and wobbles, while
    the train loss keeps falling. Almost all of the parameters sit in conv5 and
    conv6, on maps of 5x5 and 3x3 pixels, which also makes every epoch the
    slowest of the course. The output's receptive field is 40 pixels, more than
    the 28-pixel image: the window is centred on the digit and its outer rows
    fall on the zeros that padding adds around the image, so every output sees
    the whole digit. The rest of the course keeps this accuracy with a tiny
    fraction of the parameters.
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
        self.conv1 = nn.Conv2d(1, 32, 3, padding=1)  # 28 -> 28, RF 3
        self.conv2 = nn.Conv2d(32, 64, 3, padding=1)  # 28 -> 28, RF 5
        self.pool1 = nn.MaxPool2d(2, 2)  # 28 -> 14, RF 6
        self.conv3 = nn.Conv2d(64, 128, 3, padding=1)  # 14 -> 14, RF 10
        self.conv4 = nn.Conv2d(128, 256, 3, padding=1)  # 14 -> 14, RF 14
        self.pool2 = nn.MaxPool2d(2, 2)  # 14 -> 7, RF 16
        self.conv5 = nn.Conv2d(256, 512, 3)  # 7 -> 5, RF 24
        self.conv6 = nn.Conv2d(512, 1024, 3)  # 5 -> 3, RF 32
        self.conv7 = nn.Conv2d(1024, 10, 3)  # 3 -> 1, RF 40

    def forward(self, x):
        x = self.pool1(F.relu(self.conv2(F.relu(self.conv1(x)))))
        x = self.pool2(F.relu(self.conv4(F.relu(self.conv3(x)))))
        x = F.relu(self.conv6(F.relu(self.conv5(x))))
        x = self.conv7(x)
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
