"""Receptive field, operations and parameters, measured from the model itself."""
import re

import pytest
import torch.nn as nn

from common.model_info import count_parameters, macs_per_image, receptive_field, summary_table
from common.paths import ROOT
from conftest import LESSONS
from course.lessons import load_module


def rf_column(model):
    return [(r["size_out"], r["jump"], r["rf"]) for r in receptive_field(model)]


def test_stacked_convolutions_grow_by_two():
    net = nn.Sequential(nn.Conv2d(1, 4, 3), nn.ReLU(), nn.Conv2d(4, 4, 3), nn.Conv2d(4, 4, 3, padding=1))
    assert rf_column(net) == [(26, 1, 3), (24, 1, 5), (24, 1, 7)]


def test_pooling_doubles_the_jump():
    net = nn.Sequential(nn.Conv2d(1, 4, 3), nn.MaxPool2d(2), nn.Conv2d(4, 4, 3), nn.Conv2d(4, 4, 1))
    assert rf_column(net) == [(26, 1, 3), (13, 2, 4), (11, 2, 8), (11, 2, 8)]


def test_stride_and_dilation():
    net = nn.Sequential(nn.Conv2d(1, 4, 3, stride=2), nn.Conv2d(4, 4, 3, dilation=2))
    assert rf_column(net) == [(13, 2, 3), (9, 2, 11)]


def test_global_average_pooling_sees_its_whole_input():
    net = nn.Sequential(nn.Conv2d(1, 4, 3), nn.MaxPool2d(2), nn.AdaptiveAvgPool2d(1))
    rows = receptive_field(net)
    assert (rows[-1]["kernel"], rows[-1]["rf"]) == (13, 4 + 12 * 2)


def test_macs_of_a_known_network():
    net = nn.Sequential(nn.Conv2d(1, 2, 3), nn.Flatten(), nn.Linear(2 * 26 * 26, 10))
    assert macs_per_image(net) == 26 * 26 * 2 * 9 + 2 * 26 * 26 * 10


# ------------------------------------------------------------------ lessons

# Pinned so that a change to any network is a deliberate one.
PARAMETERS = {
    "code01_setup.py": 6_379_786,
    "code02_skeleton.py": 43_984,
    "code03_lighter.py": 12_588,
    "code04_batchnorm.py": 12_732,  # + 2 x 72 BatchNorm weights and biases
    "code05_dropout.py": 12_732,  # Dropout has no parameters
    "code06_gap.py": 6_012,  # the 7x7x14x10 output kernel becomes 1x1x14x10
    "code07_capacity.py": 7_804,
    "code08_maxpool.py": 7_804,  # the same layers, in a new order
    "code09_augment.py": 7_804,
    "code10_lr_schedule.py": 7_804,
}


def lesson_net(script):
    return load_module(script).Net()


@pytest.mark.parametrize("script", LESSONS)
def test_parameter_count_is_pinned_and_agrees_with_torchsummary(script):
    import torch
    model = lesson_net(script)
    table = summary_table(model, torch.device("cpu"))
    counted = int(re.search(r"Trainable params: ([\d,]+)", table).group(1).replace(",", ""))
    assert count_parameters(model) == counted == PARAMETERS[script]


@pytest.mark.parametrize("script", LESSONS)
def test_size_and_rf_comments_in_the_source_are_true(script):
    """Each `# 28 -> 26, RF 3` comment in a script must match the computed table."""
    claims = [tuple(map(int, m)) for m in re.findall(r"# (\d+) -> (\d+), RF (\d+)", (ROOT / script).read_text())]
    rows = receptive_field(lesson_net(script))
    assert claims == [(r["size_in"], r["size_out"], r["rf"]) for r in rows]
