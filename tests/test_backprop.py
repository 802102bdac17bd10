"""docs/backprop.md: the hand-computed example agrees with autograd and torch.optim.SGD, and the page is current."""
import pytest
import torch
import torch.nn.functional as F

from common import paths
from common.cli import EXIT_FAILED, EXIT_OK
from course.lessons import load_module
from docgen import backprop
from docgen.markers import block

TOL = 1e-6


def autograd_gradients(x, w1, v, target):
    """Loss and gradients of the tiny network, by autograd (written independently of the page's snippet)."""
    w1 = torch.tensor(w1, dtype=torch.float64, requires_grad=True)
    v = torch.tensor(list(v), dtype=torch.float64, requires_grad=True)
    a = torch.relu(w1 * x)
    loss = F.nll_loss(F.log_softmax((a * v).unsqueeze(0), dim=1), torch.tensor([target]))
    loss.backward()
    return loss.item(), [w1.grad.item(), *v.grad.tolist()]


@pytest.mark.parametrize("x, w1, v, target", [
    (backprop.X, backprop.W1, backprop.V, backprop.TARGET),  # the page's example
    (backprop.X, backprop.W1, backprop.V, 0),  # the other target
    (0.7, -1.3, (0.2, 0.9), 1),  # z < 0: ReLU blocks the gradient of w1
    (-2.0, -0.4, (-0.5, 1.1), 0),  # negative input, positive z
])
def test_hand_gradients_match_autograd(x, w1, v, target):
    hand = backprop.forward_backward(x, w1, v, target)
    loss, grads = autograd_gradients(x, w1, v, target)
    assert hand["loss"] == pytest.approx(loss, abs=TOL)
    assert [hand["d_w1"], *hand["d_v"]] == pytest.approx(grads, abs=TOL)
    if w1 * x < 0:
        assert hand["d_w1"] == 0.0


def test_hand_momentum_sgd_matches_torch_optim_sgd():
    w1 = torch.tensor(backprop.W1, dtype=torch.float64, requires_grad=True)
    v = torch.tensor(list(backprop.V), dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.SGD([w1, v], lr=backprop.LR, momentum=backprop.MOMENTUM)
    history = backprop.hand_run(steps=4)
    for entry in history:
        optimizer.zero_grad()
        loss = F.nll_loss(F.log_softmax((torch.relu(w1 * backprop.X) * v).unsqueeze(0), dim=1),
                          torch.tensor([backprop.TARGET]))
        loss.backward()
        assert entry["passes"]["loss"] == pytest.approx(loss.item(), abs=TOL)
        assert entry["grads"] == pytest.approx([w1.grad.item(), *v.grad.tolist()], abs=TOL)
        optimizer.step()
        assert entry["new_params"] == pytest.approx([w1.item(), *v.tolist()], abs=TOL)
        buffers = [optimizer.state[p]["momentum_buffer"] for p in (w1, v)]
        assert entry["buffers"] == pytest.approx([buffers[0].item(), *buffers[1].tolist()], abs=TOL)


def test_the_page_snippet_agrees_with_the_hand_computation():
    for entry, run in zip(backprop.hand_run(), backprop.autograd_run(), strict=True):
        assert entry["passes"]["loss"] == pytest.approx(run["loss"], abs=TOL)
        assert entry["grads"] == pytest.approx(run["grads"], abs=TOL)
        assert entry["new_params"] == pytest.approx(run["params"], abs=TOL)


def test_the_example_trains_as_the_lessons_do():
    lesson = load_module(paths.ROOT / "code10_lr_schedule.py")
    assert (backprop.LR, backprop.MOMENTUM) == (lesson.LR, lesson.MOMENTUM)


def test_the_page_shows_what_the_tool_renders():
    page = backprop.PAGE.read_text()
    assert block(page, backprop.BLOCK) == backprop.render(), "run `python -m docgen.backprop`"
    assert backprop.main(["--check"]) == EXIT_OK


def test_check_fails_on_a_stale_page_and_a_rewrite_fixes_it(tmp_path, monkeypatch, capsys):
    stale = tmp_path / "backprop.md"
    stale.write_text("# Page\n\n<!-- generated:backprop -->\nold numbers\n<!-- /generated:backprop -->\n")
    monkeypatch.setattr(backprop, "PAGE", stale)
    monkeypatch.setattr(paths, "ROOT", tmp_path)
    assert backprop.main(["--check"]) == EXIT_FAILED
    assert backprop.main([]) == EXIT_OK
    assert backprop.main(["--check"]) == EXIT_OK
    assert block(stale.read_text(), backprop.BLOCK) == backprop.render()
