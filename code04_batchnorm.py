"""Lesson 4: BatchNorm.

Target:
    Add BatchNorm after every convolution but the last. It normalises each
    channel over the batch, then scales and shifts it by two learned numbers.
    Why that helps is still argued about: steadier inputs for each layer (the
    original "internal covariate shift" account), a smoother loss surface, and
    outputs that no longer depend on the scale of the weights before it. With
    it the same network can take larger steps, the BatchNorm paper's own
    claim: the learning rate goes up from the 0.01 of lessons 1 to 3 to 0.05.

Results:
    12,732 parameters, receptive field 28; train: best 99.76%, last 99.73%
    Test: best 99.17% (epoch 11), last five 99.17, 99.06, 99.03, 99.06, 99.15
    End goal (<= 8,000 parameters, >= 99.40% test accuracy in each of epochs 11-15): met by none of 3 seeds
    10.5 s per epoch on CPU (2 threads), seed 1 (results/code04_batchnorm/metrics.json)

Analysis:
    The same network with BatchNorm, at five times the rate, learns much
    faster: after one epoch its test accuracy is close to where lesson 3's
    was after four, and it ends clearly higher, beyond the noise over seeds.
    Its three seeds end within a few hundredths of a point of each other.
    The probes on this page split the two changes: without BatchNorm the
    larger rate buys nothing and can leave a seed at chance; with it, every
    seed learns at both rates, and 0.05 is ahead after three epochs, though
    not after fifteen. The
    price shows in the other column. Train accuracy races ahead of test
    accuracy, and test accuracy wobbles from epoch to epoch instead of
    climbing steadily. The test loss is lowest before the end (at epoch 8 in
    this run) and then rises while the train loss keeps falling, in every
    seed: the network now fits its training images better than it
    generalises. That is what lesson 5's Dropout is for. BatchNorm added two
    parameters per channel, a scale and a shift.
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
            nn.Conv2d(1, 8, 3, bias=False),  # 28 -> 26, RF 3
            nn.BatchNorm2d(8),
            nn.ReLU(),
            nn.Conv2d(8, 14, 3, bias=False),  # 26 -> 24, RF 5
            nn.BatchNorm2d(14),
            nn.ReLU(),
            nn.Conv2d(14, 14, 3, bias=False),  # 24 -> 22, RF 7
            nn.BatchNorm2d(14),
            nn.ReLU(),
            # transition block: halve the size, then squeeze the channels
            nn.MaxPool2d(2, 2),  # 22 -> 11, RF 8
            nn.Conv2d(14, 8, 1, bias=False),  # 11 -> 11, RF 8
            nn.BatchNorm2d(8),
            nn.ReLU(),
            # convolution block 2
            nn.Conv2d(8, 14, 3, bias=False),  # 11 -> 9, RF 12
            nn.BatchNorm2d(14),
            nn.ReLU(),
            nn.Conv2d(14, 14, 3, bias=False),  # 9 -> 7, RF 16
            nn.BatchNorm2d(14),
            nn.ReLU(),
            # output block: one big kernel over the whole 7x7 map, no ReLU on the scores
            nn.Conv2d(14, 10, 7, bias=False),  # 7 -> 1, RF 28
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
