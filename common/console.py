"""What a run prints: the network before training, one line per epoch, the verdict."""
from .goal import goal_text, verdict
from .model_info import count_parameters, format_receptive_field, receptive_field, summary_table
from .runtime import describe


def show_model(model, device):
    """torchsummary's table, the parameter count and the receptive field of every layer."""
    print(f"device: {device.type} ({describe(device)})")
    print(summary_table(model, device))
    print(f"Trainable parameters: {count_parameters(model):,}")
    print("Receptive field, layer by layer (k kernel, s stride, p padding, d dilation, j jump):")
    print(format_receptive_field(receptive_field(model)))


def epoch_line(e, evaluated_on):
    return (f"epoch {e['epoch']:2d} | train loss {e['train_loss']:.4f} acc {e['train_acc']:6.2f}% | "
            f"{evaluated_on} loss {e['test_loss']:.4f} acc {e['test_acc']:6.2f}% | lr {e['lr']:.4g} | "
            f"{e['seconds']:5.1f} s")


def done_line(metrics, out):
    if metrics["settings"]["validation"]:
        judged = "end goal not judged (it is judged on the test set; this run never saw it)"
    else:
        judged = f"end goal ({goal_text()}): {verdict(metrics['goal'])}"
    return f"done in {metrics['total_seconds']:.1f} s; {judged}; results in {out}/"
