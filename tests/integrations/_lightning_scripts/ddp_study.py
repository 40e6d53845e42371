"""A study of up to 3 trials whose trials train on 2 CPU processes (gloo) with the pruning callback.

Run:  python ddp_study.py STRATEGY STORAGE_URL OUT_DIR N_TRIALS     (STRATEGY: ddp, ddp_spawn, ddp_fork)

Trial 0 (lr 0.01) learns and completes; trial 1 (lr 1e-6) keeps a validation loss above 2.0, so the
ThresholdPruner stops it after epoch 1; trial 2 is drawn by a seeded sampler. The process that owns the
study writes ``OUT_DIR/rank0.json``; under ``ddp`` the relaunched rank 1 runs its own in-memory study and
writes ``OUT_DIR/rank1.json``. Every rank appends ``"<rank> <epoch>"`` to ``OUT_DIR/trial<N>.log`` after
each training epoch.
"""

from __future__ import annotations

import json
import os
import sys
import warnings

import digits_model

import hpint
from hpint.integrations.lightning import PruningCallback

MAX_EPOCHS = 4


def main() -> None:
    strategy, storage_url, out_dir, n_trials = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    warnings.filterwarnings("ignore")
    hpint.logging.set_verbosity(hpint.logging.WARNING)
    import lightning.pytorch as pl
    import torch

    torch.set_num_threads(1)  # 2 ranks on 2 cores: more threads only spin

    rank = int(os.environ.get("LOCAL_RANK", "0"))  # set for the processes `ddp` relaunches
    study = hpint.create_study(
        storage=storage_url if rank == 0 else None,  # ranks > 0 of `ddp` must not write the storage
        study_name="ddp",
        sampler=hpint.samplers.RandomSampler(seed=0),
        pruner=hpint.pruners.ThresholdPruner(upper=2.0, n_warmup_steps=1),
    )
    study.enqueue_trial({"lr": 0.01})
    study.enqueue_trial({"lr": 1e-6})

    def objective(trial: hpint.Trial) -> float:
        lr = trial.suggest_float("lr", 1e-6, 1e-1, log=True)
        trainer = pl.Trainer(
            max_epochs=MAX_EPOCHS,
            devices=2,
            strategy=strategy,
            callbacks=[PruningCallback(trial, monitor="val_loss")],
            **digits_model.trainer_kwargs(),
        )
        log = os.path.join(out_dir, f"trial{trial.number}.log")
        trainer.fit(digits_model.DigitsLightning(lr, epoch_log=log), *digits_model.loaders())
        return trainer.callback_metrics["val_loss"].item()

    study.optimize(objective, n_trials=n_trials)
    summary = [
        {
            "number": t.number,
            "state": t.state.name,
            "lr": t.params["lr"],
            "steps": sorted(t.intermediate_values),
        }
        for t in study.trials
    ]
    with open(os.path.join(out_dir, f"rank{rank}.json"), "w") as f:
        json.dump(summary, f)


if __name__ == "__main__":
    main()
