"""A tiny Lightning MLP on scikit-learn's digits, shared by the Lightning callback tests and their scripts.

``DigitsLightning`` derives from ``lightning.pytorch`` and ``DigitsPytorchLightning`` from
``pytorch_lightning``; each is built on first access, so importing this module imports neither package.
They are module attributes (not local classes) so that ``ddp_spawn`` can pickle them by name.
"""

from __future__ import annotations

import atexit
import importlib
from typing import Any

import torch

_PACKAGES = {"DigitsLightning": "lightning.pytorch", "DigitsPytorchLightning": "pytorch_lightning"}


def loaders(batch_size: int = 128) -> tuple[Any, Any]:
    """Train (1,400 images, shuffled) and validation (397 images) loaders over the digits data."""
    from sklearn.datasets import load_digits

    x, y = load_digits(return_X_y=True)
    x = torch.tensor(x / 16.0, dtype=torch.float32)
    y = torch.tensor(y)
    order = torch.randperm(len(y), generator=torch.Generator().manual_seed(0))
    train, val = order[:1400], order[1400:]
    data = torch.utils.data.TensorDataset
    return (
        torch.utils.data.DataLoader(data(x[train], y[train]), batch_size=batch_size, shuffle=True),
        torch.utils.data.DataLoader(data(x[val], y[val]), batch_size=512),
    )


_TEARDOWN_REGISTERED = False


def destroy_process_group_at_exit() -> None:
    """Under DDP, destroy the process group before the interpreter exits, as a careful script does.

    Left to the interpreter's own teardown, a ``ddp_spawn`` rank with torch 2.13's gloo group sometimes
    aborts as it exits ("terminate called without an active exception", SIGABRT): 2 of 11 runs of
    test_lightning_ddp.py here, after its training had finished. Nothing hpint does is involved.
    """
    global _TEARDOWN_REGISTERED
    if _TEARDOWN_REGISTERED or not (torch.distributed.is_available() and torch.distributed.is_initialized()):
        return
    _TEARDOWN_REGISTERED = True
    atexit.register(_destroy_process_group)


def _destroy_process_group() -> None:
    if torch.distributed.is_initialized():
        torch.distributed.destroy_process_group()


def _build(package: str) -> type:
    pl = importlib.import_module(package)

    class Digits(pl.LightningModule):
        """A 64-32-10 MLP trained with Adam; logs ``val_loss`` and ``val_acc`` (synced across ranks).

        ``epoch_log``: a file to which every rank appends ``"<rank> <epoch>"`` after each training epoch,
        so a test can see how many epochs each process really ran.
        """

        def __init__(self, lr: float, epoch_log: str | None = None) -> None:
            super().__init__()
            self.lr = lr
            self.epoch_log = epoch_log
            self.net = torch.nn.Sequential(torch.nn.Linear(64, 32), torch.nn.ReLU(), torch.nn.Linear(32, 10))

        def setup(self, stage: str) -> None:
            destroy_process_group_at_exit()

        def training_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
            x, y = batch
            return torch.nn.functional.cross_entropy(self.net(x), y)

        def validation_step(self, batch: Any, batch_idx: int) -> None:
            x, y = batch
            out = self.net(x)
            self.log("val_loss", torch.nn.functional.cross_entropy(out, y), sync_dist=True)
            self.log("val_acc", (out.argmax(1) == y).float().mean(), sync_dist=True)

        def on_train_epoch_end(self) -> None:
            if self.epoch_log:
                with open(self.epoch_log, "a") as f:
                    f.write(f"{self.global_rank} {self.current_epoch}\n")

        def configure_optimizers(self) -> Any:
            return torch.optim.Adam(self.parameters(), lr=self.lr)

    return Digits


def __getattr__(name: str) -> type:
    if name not in _PACKAGES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    cls = _build(_PACKAGES[name])
    cls.__name__ = cls.__qualname__ = name
    cls.__module__ = __name__
    globals()[name] = cls
    return cls


def trainer_kwargs(**extra: Any) -> dict[str, Any]:
    """Quiet, fast Trainer settings: CPU, no progress bar, logger, checkpoints or model summary."""
    return {
        "accelerator": "cpu",
        "enable_progress_bar": False,
        "logger": False,
        "enable_checkpointing": False,
        "enable_model_summary": False,
        **extra,
    }
