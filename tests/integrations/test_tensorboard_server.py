"""The real TensorBoard server reads what hpint writes: queried through the HParams plugin's HTTP API.

Each test starts ``tensorboard --logdir DIR --port P --host 127.0.0.1`` from the installed package (its
default loader, the Rust data server; ``HPINT_TEST_TENSORBOARD_LOAD_FAST=false`` selects the Python one),
polls until the logs are loaded, and always kills it. The live test runs the ``tensorboard`` command
itself; the others start the same package in its TensorFlow-free mode to save TensorFlow's start-up
(``HPINT_TEST_TENSORBOARD_CLI=1``: the command for all).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from typing import Any

import pytest

pytest.importorskip("tensorboard")

import hpint  # noqa: E402
from hpint.integrations.tensorboard import TensorBoardCallback  # noqa: E402

pytestmark = [
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore::UserWarning:lightning.*"),
    pytest.mark.filterwarnings("ignore::DeprecationWarning:lightning.*"),
]
hpint.logging.set_verbosity(hpint.logging.WARNING)

ALL_STATUSES = ["STATUS_UNKNOWN", "STATUS_SUCCESS", "STATUS_FAILURE", "STATUS_RUNNING"]
START_TIMEOUT = 90.0


class Server:
    def __init__(self, port: int) -> None:
        self.port = port

    def post(self, route: str, body: dict[str, Any]) -> Any:
        """POST a JSON request to the HParams plugin, as its frontend does."""
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/data/plugin/hparams/{route}",
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json", "X-XSRF-Protected": "1"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    def experiment(self) -> dict[str, Any]:
        return self.post("experiment", {"experimentName": ""})

    def groups(self, statuses: list[str] = ALL_STATUSES) -> dict[str, dict[str, Any]]:
        body = {"experimentName": "", "allowedStatuses": statuses, "startIndex": 0, "sliceSize": 100}
        return {g["name"]: g for g in self.post("session_groups", body)["sessionGroups"]}

    def evals(self, session: str, tag: str) -> list[list[float]]:
        body = {"experimentName": "", "sessionName": session, "metricName": {"group": "", "tag": tag}}
        return self.post("metric_evals", body)

    def wait_for(self, condition: Callable[[], bool], what: str, timeout: float = START_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with contextlib.suppress(urllib.error.URLError, ConnectionError, TimeoutError, KeyError):
                if condition():
                    return
            time.sleep(0.3)
        raise AssertionError(f"TensorBoard did not show {what} within {timeout} s")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# TensorBoard's own TensorFlow-free mode (what `tensorboard` runs where TensorFlow is not installed): the
# same server, plugins and loaders, without importing TensorFlow, which takes 10-30 s of start-up here.
_WITHOUT_TENSORFLOW = (
    "import sys, types; sys.modules['tensorboard.compat.notf'] = types.ModuleType('notf'); "
    "from tensorboard.main import run_main; sys.argv[0] = 'tensorboard'; sys.exit(run_main())"
)


@contextlib.contextmanager
def tensorboard(logdir: os.PathLike[str], cli: bool = False) -> Iterator[Server]:
    """A TensorBoard server on ``logdir``: the ``tensorboard`` command itself when ``cli`` (or when
    HPINT_TEST_TENSORBOARD_CLI=1), else the installed TensorBoard started in its TensorFlow-free mode."""
    if cli or os.environ.get("HPINT_TEST_TENSORBOARD_CLI") == "1":
        script = shutil.which("tensorboard", path=os.path.dirname(sys.executable))
        command = [script] if script else [sys.executable, "-m", "tensorboard.main"]
    else:
        command = [sys.executable, "-c", _WITHOUT_TENSORFLOW]
    port = _free_port()
    command += ["--logdir", str(logdir), "--port", str(port), "--host", "127.0.0.1", "--reload_interval", "1"]
    # HPINT_TEST_TENSORBOARD_LOAD_FAST=false checks TensorBoard's Python loader instead of its Rust one.
    command += ["--load_fast", os.environ.get("HPINT_TEST_TENSORBOARD_LOAD_FAST", "auto")]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield Server(port)
    finally:
        process.kill()
        process.wait(timeout=30)


def _metrics(group: dict[str, Any]) -> dict[str, float]:
    return {m["name"]["tag"]: m["value"] for m in group["metricValues"]}


def test_live_study_in_the_hparams_dashboard(tmp_path):
    gate = threading.Event()

    def objective(trial):
        x = trial.suggest_float("x", -1.0, 1.0)
        trial.suggest_categorical("units", [None, 16, 32])
        trial.suggest_categorical("optimizer", ["adam", "sgd"])
        if trial.number == 5:
            trial.suggest_float("dropout", 0.0, 0.5)  # define-by-run: a column that appears late
        for epoch in range(3):
            trial.report(x + epoch, epoch)
            if trial.number == 4 and epoch == 1:
                assert gate.wait(timeout=120)  # trains until the test has seen it RUNNING
        if trial.number == 1:
            raise hpint.TrialPruned()
        if trial.number == 2:
            raise ValueError("diverged")
        return x**2

    study = hpint.create_study(sampler=hpint.samplers.RandomSampler(seed=0))
    worker = threading.Thread(
        target=study.optimize,
        args=(objective,),
        kwargs={"n_trials": 6, "callbacks": [TensorBoardCallback(tmp_path)], "catch": (ValueError,)},
    )
    worker.start()
    try:
        with tensorboard(tmp_path, cli=True) as server:  # the `tensorboard` command, TensorFlow and all
            server.wait_for(lambda: len(server.groups()) == 5, "five sessions")
            _check_experiment(server.experiment(), with_dropout=False)
            groups = server.groups()
            assert {g: groups[g]["sessions"][0]["status"] for g in groups} == {
                "trial-0": "STATUS_SUCCESS",
                "trial-1": "STATUS_UNKNOWN",
                "trial-2": "STATUS_FAILURE",
                "trial-3": "STATUS_SUCCESS",
                "trial-4": "STATUS_RUNNING",
            }
            assert [s["name"] for s in groups["trial-4"]["sessions"]] == ["trial-4/running"]
            assert _metrics(groups["trial-4"])["state"] == 0.0  # RUNNING
            assert sorted(server.groups(["STATUS_SUCCESS"])) == ["trial-0", "trial-3"]
            assert sorted(server.groups(["STATUS_RUNNING"])) == ["trial-4"]
            assert sorted(server.groups(["STATUS_UNKNOWN"])) == ["trial-1"]  # pruned
            _check_finished_sessions(server, study, groups)
            assert [e[1:] for e in server.evals("trial-4/running", "intermediate/value")] == [
                [0, pytest.approx(study.trials[4].params["x"], rel=1e-6)],
                [1, pytest.approx(study.trials[4].params["x"] + 1, rel=1e-6)],
            ]
            gate.set()
            worker.join(timeout=60)
            server.wait_for(
                lambda: (
                    [(s["name"], s["status"]) for s in server.groups()["trial-4"]["sessions"]]
                    == [("trial-4", "STATUS_SUCCESS")]
                    and _metrics(server.groups()["trial-4"])["state"] == 1.0
                    and len(server.groups()) == 6
                    and len(server.experiment()["hparamInfos"]) == 4
                ),
                "trial 4 finished (its running session gone), trial 5 and the new `dropout` column",
                timeout=30,
            )
            _check_experiment(server.experiment(), with_dropout=True)
            assert len(server.evals("trial-4", "intermediate/value")) == 3
            assert all(len(g["sessions"]) == 1 for g in server.groups().values())
            assert server.groups()["trial-5"]["hparams"]["dropout"] == study.trials[5].params["dropout"]
    finally:
        gate.set()
        worker.join(timeout=60)


def _check_experiment(exp: dict[str, Any], with_dropout: bool) -> None:
    infos = {h["name"]: h for h in exp["hparamInfos"]}
    assert infos["x"]["type"] == "DATA_TYPE_FLOAT64"
    assert infos["x"]["domainInterval"] == {"minValue": -1.0, "maxValue": 1.0}
    assert infos["units"]["type"] == "DATA_TYPE_FLOAT64"  # None among the choices keeps it numeric
    assert infos["units"]["domainDiscrete"] == [16.0, 32.0]
    assert infos["optimizer"]["type"] == "DATA_TYPE_STRING"
    assert infos["optimizer"]["domainDiscrete"] == ["adam", "sgd"]
    assert ("dropout" in infos) == with_dropout
    if with_dropout:
        assert infos["dropout"]["domainInterval"] == {"minValue": 0.0, "maxValue": 0.5}
    tags = [m["name"]["tag"] for m in exp["metricInfos"]]
    assert tags == ["value", "intermediate/value", "state"]


def _check_finished_sessions(server: Server, study: hpint.Study, groups: dict[str, Any]) -> None:
    for trial in study.trials[:4]:
        group = groups[f"trial-{trial.number}"]
        assert group["hparams"]["x"] == trial.params["x"]
        assert group["hparams"]["optimizer"] == trial.params["optimizer"]
        if trial.params["units"] is None:
            assert "units" not in group["hparams"]
        else:
            assert group["hparams"]["units"] == trial.params["units"]
        metrics = _metrics(group)
        assert metrics["state"] == float(trial.state)  # 1 complete, 2 pruned, 3 fail
        assert metrics["intermediate/value"] == pytest.approx(trial.intermediate_values[2], rel=1e-6)
        if trial.state == hpint.TrialState.FAIL:
            assert "value" not in metrics
        else:  # a pruned trial's value is its last reported one: the parallel coordinates need it
            assert metrics["value"] == pytest.approx(trial.value, rel=1e-6)
        evals = server.evals(group["name"], "intermediate/value")
        assert [e[1] for e in evals] == [0, 1, 2]  # step = epoch, so all curves overlay


def test_exported_multi_objective_study(tmp_path):
    pytest.importorskip("sqlalchemy")
    from hpint.cli import main

    url = f"sqlite:///{tmp_path / 'tb.db'}"
    study = hpint.create_study(storage=url, study_name="mo", directions=["maximize", "minimize"])
    study.set_metric_names(["accuracy", "latency_ms"])
    study.optimize(
        lambda t: (t.suggest_float("lr", 1e-4, 1e-1, log=True), t.suggest_int("layers", 1, 4) * 3.0),
        n_trials=5,
    )
    logdir = tmp_path / "logs"
    argv = ["tensorboard", "export", "--storage", url, "--study-name", "mo", "--logdir", str(logdir)]
    assert main(argv) == 0
    assert main(argv) == 0  # exporting again must not duplicate sessions
    with tensorboard(logdir) as server:
        server.wait_for(lambda: len(server.groups()) == 5, "five sessions")
        exp = server.experiment()
        assert [m["name"]["tag"] for m in exp["metricInfos"]] == ["accuracy", "latency_ms", "state"]
        infos = {h["name"]: h for h in exp["hparamInfos"]}
        assert infos["layers"]["domainInterval"] == {"minValue": 1.0, "maxValue": 4.0}
        groups = server.groups()
        assert len(groups) == 5 and all(len(g["sessions"]) == 1 for g in groups.values())
        for trial in study.trials:
            metrics = _metrics(groups[f"trial-{trial.number}"])
            assert metrics["accuracy"] == pytest.approx(trial.values[0], rel=1e-6)
            assert metrics["latency_ms"] == trial.values[1]


def test_lightning_epochs_appear_while_the_trial_trains(tmp_path):
    """Lightning's pruning callback reports each epoch; TensorBoard shows the curve before fit ends."""
    pytest.importorskip("lightning")
    pytest.importorskip("sklearn")
    with tensorboard(tmp_path) as server:  # starts while Lightning is imported
        study, seen = _lightning_study(tmp_path, server)
        running = seen["running"]
        assert [(s["name"], s["status"]) for s in running["sessions"]] == [
            ("trial-0/running", "STATUS_RUNNING")
        ]
        assert running["hparams"] == {"lr": 0.01}
        assert [e[1] for e in seen["evals"]] == [0, 1]
        assert [e[2] for e in seen["evals"]] == pytest.approx([seen["reported"][0], seen["reported"][1]])
        assert [t.state for t in study.trials] == [hpint.TrialState.COMPLETE, hpint.TrialState.PRUNED]
        server.wait_for(
            lambda: (
                {g: [(s["name"], s["status"]) for s in v["sessions"]] for g, v in server.groups().items()}
                == {"trial-0": [("trial-0", "STATUS_SUCCESS")], "trial-1": [("trial-1", "STATUS_UNKNOWN")]}
            ),
            "both trials finished",
            timeout=30,
        )
        groups = server.groups()
        assert _metrics(groups["trial-0"])["val_loss"] == pytest.approx(study.trials[0].value, rel=1e-6)
        assert _metrics(groups["trial-1"])["state"] == 2.0  # pruned
        assert _metrics(groups["trial-1"])["val_loss"] == pytest.approx(study.trials[1].value, rel=1e-6)
        assert [e[1] for e in server.evals("trial-0", "intermediate/val_loss")] == [0, 1, 2]
        assert [e[1] for e in server.evals("trial-1", "intermediate/val_loss")] == [0, 1]  # stopped at 1


def _lightning_study(logdir: os.PathLike[str], server: Server) -> tuple[hpint.Study, dict[str, Any]]:
    """Two Lightning trials on the digits MLP; TensorBoard is queried from inside trial 0's second epoch."""
    import importlib.util
    from pathlib import Path

    import lightning.pytorch as pl

    from hpint.integrations.lightning import PruningCallback

    spec = importlib.util.spec_from_file_location(
        "digits_model", Path(__file__).parent / "_lightning_scripts" / "digits_model.py"
    )
    digits = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(digits)
    seen: dict[str, Any] = {}

    class Probe(pl.Callback):
        """Runs after the pruning callback reported epoch 1 of trial 0, while that trial still trains."""

        def on_validation_end(self, trainer: Any, module: Any) -> None:
            if trainer.sanity_checking or trainer.current_epoch != 1 or "running" in seen:
                return
            tag = "intermediate/val_loss"
            server.wait_for(lambda: len(server.evals("trial-0/running", tag)) == 2, "two epochs")
            seen["running"] = server.groups()["trial-0"]
            seen["evals"] = server.evals("trial-0/running", tag)
            seen["reported"] = dict(study.trials[0].intermediate_values)

    def objective(trial: hpint.Trial) -> float:
        lr = trial.suggest_float("lr", 1e-6, 0.1, log=True)
        callbacks = [PruningCallback(trial, monitor="val_loss"), Probe()]
        trainer = pl.Trainer(max_epochs=3, callbacks=callbacks, **digits.trainer_kwargs())
        trainer.fit(digits.DigitsLightning(lr), *digits.loaders())
        return trainer.callback_metrics["val_loss"].item()

    # lr 0.01 brings val_loss below 2.0 in the first epoch; 1e-6 leaves it near ln(10) ~ 2.30: pruned.
    study = hpint.create_study(pruner=hpint.pruners.ThresholdPruner(upper=2.0, n_warmup_steps=1))
    study.set_metric_names(["val_loss"])
    study.enqueue_trial({"lr": 0.01})
    study.enqueue_trial({"lr": 1e-6})
    study.optimize(objective, n_trials=2, callbacks=[TensorBoardCallback(logdir)])
    return study, seen
