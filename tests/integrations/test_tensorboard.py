"""Unit tests of the TensorBoard HParams writer: domains, values, file layout, merging, re-export, CLI.

The real TensorBoard server reads these files in test_tensorboard_server.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading

import pytest

pytest.importorskip("tensorboard")

from tensorboard.plugins.hparams import api_pb2, metadata  # noqa: E402

import hpint  # noqa: E402
from hpint.distributions import (  # noqa: E402
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)
from hpint.integrations.tensorboard import (  # noqa: E402
    TensorBoardCallback,
    _events,
    _layout,
    _protos,
    export_study,
    trial_session_dir,
)

hpint.logging.set_verbosity(hpint.logging.WARNING)


# ---- domains and values ----
def test_float_and_int_get_interval_domains():
    info = _protos.hparam_info("lr", FloatDistribution(1e-4, 1e-1, log=True))
    assert info.type == api_pb2.DATA_TYPE_FLOAT64
    assert (info.domain_interval.min_value, info.domain_interval.max_value) == (1e-4, 1e-1)
    assert "log=True" in info.description and info.differs
    info = _protos.hparam_info("units", IntDistribution(8, 64, step=8))
    assert info.type == api_pb2.DATA_TYPE_FLOAT64 and info.domain_interval.max_value == 64.0
    assert not info.HasField("domain_discrete")


@pytest.mark.parametrize(
    ("choices", "data_type", "domain"),
    [
        ([16, 32, 64], api_pb2.DATA_TYPE_FLOAT64, [16.0, 32.0, 64.0]),
        ([0.1, 2], api_pb2.DATA_TYPE_FLOAT64, [0.1, 2.0]),
        ([True, False], api_pb2.DATA_TYPE_BOOL, [True, False]),
        (["adam", "sgd"], api_pb2.DATA_TYPE_STRING, ["adam", "sgd"]),
        ([None, 16, 32], api_pb2.DATA_TYPE_FLOAT64, [16.0, 32.0]),  # None does not stringify numbers
        (["relu", 1, None], api_pb2.DATA_TYPE_STRING, ["relu", "1", "None"]),
        ([True, 1], api_pb2.DATA_TYPE_STRING, ["True", "1"]),  # bool and int are different choices
    ],
)
def test_categorical_domain_keeps_the_choices_type(choices, data_type, domain):
    info = _protos.hparam_info("c", CategoricalDistribution(choices))
    assert info.type == data_type
    values = [getattr(v, v.WhichOneof("kind")) for v in info.domain_discrete.values]
    assert values == domain
    assert not info.HasField("domain_interval")


def test_session_values_match_their_column_type():
    dists = {
        "units": CategoricalDistribution([None, 16, 32]),
        "act": CategoricalDistribution(["relu", 1, None]),
        "lr": FloatDistribution(0, 1),
        "n": IntDistribution(1, 5),
        "flag": CategoricalDistribution([True, False]),
    }
    params = {"units": None, "act": 1, "lr": 0.25, "n": 3, "flag": False}
    info = _protos.session_start_info(params, dists, 12.0)
    assert "units" not in info.hparams  # None among numbers: left unset, the column stays numeric
    assert info.hparams["act"].string_value == "1"
    assert info.hparams["lr"].number_value == 0.25
    assert info.hparams["n"].number_value == 3.0
    assert info.hparams["flag"].WhichOneof("kind") == "bool_value" and not info.hparams["flag"].bool_value
    assert info.start_time_secs == 12.0


def test_merge_hparam_infos():
    a = _protos.hparam_info("x", FloatDistribution(0, 1))
    b = _protos.hparam_info("x", FloatDistribution(-2, 0.5))
    m = _protos.merge_hparam_infos(a, b)
    assert (m.domain_interval.min_value, m.domain_interval.max_value) == (-2.0, 1.0)
    c = _protos.merge_hparam_infos(
        _protos.hparam_info("k", CategoricalDistribution([1, 2])),
        _protos.hparam_info("k", CategoricalDistribution([2, 3])),
    )
    assert [v.number_value for v in c.domain_discrete.values] == [1.0, 2.0, 3.0]
    mixed = _protos.merge_hparam_infos(
        _protos.hparam_info("k", CategoricalDistribution([1, 2])),
        _protos.hparam_info("k", CategoricalDistribution(["a"])),
    )
    assert mixed.type == api_pb2.DATA_TYPE_STRING
    assert [v.string_value for v in mixed.domain_discrete.values] == ["1", "2", "a"]


def test_objective_names():
    assert _protos.objective_names(None, None, 1) == ["value"]
    assert _protos.objective_names(None, ["acc", "ms"], 2) == ["acc", "ms"]
    assert _protos.objective_names("loss", ["ignored"], 1) == ["loss"]
    assert _protos.objective_names("loss", None, 2) == ["loss_0", "loss_1"]
    with pytest.raises(ValueError, match="2 objective"):
        _protos.objective_names(["a"], None, 2)
    assert _protos.metric_tags(["v"]) == ["v", "intermediate/v", "state"]
    assert _protos.metric_tags(["a", "b"]) == ["a", "b", "state"]


def test_session_status():
    assert _protos.session_status(hpint.TrialState.COMPLETE) == api_pb2.STATUS_SUCCESS
    assert _protos.session_status(hpint.TrialState.FAIL) == api_pb2.STATUS_FAILURE
    assert _protos.session_status(hpint.TrialState.PRUNED) == api_pb2.STATUS_UNKNOWN
    assert _protos.session_status(hpint.TrialState.RUNNING) == api_pb2.STATUS_RUNNING
    with pytest.raises(ValueError, match="WAITING"):
        _protos.session_status(hpint.TrialState.WAITING)


# ---- reading back what was written ----
def _session(logdir, number, running=False):
    """(start info, end info or None, {tag: [(step, value)]}) of a trial's (running) session files."""
    directory = trial_session_dir(logdir, number)
    if running:
        directory = os.path.join(directory, "running")
    start = end = None
    scalars: dict[str, list] = {}
    for name in sorted(os.listdir(directory)):
        if not os.path.isfile(os.path.join(directory, name)):
            continue
        for event in _events.read_events(os.path.join(directory, name)):
            for v in event.summary.value:
                content = v.metadata.plugin_data.content
                if v.tag == metadata.SESSION_START_INFO_TAG:
                    assert start is None, "two start records in one session"
                    start = metadata.parse_session_start_info_plugin_data(content)
                elif v.tag == metadata.SESSION_END_INFO_TAG:
                    end = metadata.parse_session_end_info_plugin_data(content)
                else:
                    scalars.setdefault(v.tag, []).append((event.step, v.tensor.float_val[0]))
    return start, end, scalars


def _experiment_runs(logdir):
    return sorted(n for n in os.listdir(logdir) if n.startswith(_layout.EXPERIMENT_RUN_PREFIX))


def _objective(trial):
    x = trial.suggest_float("x", -1, 1)
    if trial.number == 2:  # define-by-run: a parameter that only some trials have
        trial.suggest_categorical("units", [None, 16, 32])
    for step in range(3):
        trial.report(x + step, step)
    if trial.number == 1:
        raise hpint.TrialPruned()
    if trial.number == 3:
        raise ValueError("boom")
    return x**2


def test_callback_writes_one_session_per_trial(tmp_path):
    study = hpint.create_study()
    study.optimize(_objective, n_trials=4, callbacks=[TensorBoardCallback(tmp_path)], catch=(ValueError,))
    runs = _experiment_runs(tmp_path)
    assert len(runs) == 1  # rewritten when `units` appeared; the older record is gone
    exp = _layout.read_experiments(str(tmp_path))[str(tmp_path / runs[0])]
    assert [h.name for h in exp.hparam_infos] == ["units", "x"]
    assert [m.name.tag for m in exp.metric_infos] == ["value", "intermediate/value", "state"]
    statuses = {}
    for trial in study.trials:
        start, end, scalars = _session(tmp_path, trial.number)
        files = os.listdir(trial_session_dir(tmp_path, trial.number))
        assert files == [f"events.out.tfevents.{int(trial.datetime_start.timestamp())}.session.hpint"]
        assert start.hparams["x"].number_value == trial.params["x"]
        curve = scalars["intermediate/value"]  # float32, as TensorBoard's fast loader requires
        assert [s for s, _ in curve] == [0, 1, 2]
        assert [v for _, v in curve] == pytest.approx([trial.params["x"] + s for s in range(3)], rel=1e-6)
        assert scalars["state"] == [(2, float(trial.state))]
        statuses[trial.number] = end.status
        if trial.state == hpint.TrialState.FAIL:
            assert "value" not in scalars
        else:  # a pruned trial's value is its last reported one
            assert scalars["value"] == [(2, pytest.approx(trial.value, rel=1e-6))]
    assert statuses == {
        0: api_pb2.STATUS_SUCCESS,
        1: api_pb2.STATUS_UNKNOWN,
        2: api_pb2.STATUS_SUCCESS,
        3: api_pb2.STATUS_FAILURE,
    }


def test_session_is_written_while_the_trial_runs(tmp_path):
    seen = {}

    def objective(trial):
        trial.suggest_int("n", 1, 3)
        trial.report(0.5, 0)
        seen["during"] = _session(tmp_path, trial.number, running=True)
        seen["files"] = os.listdir(os.path.join(trial_session_dir(tmp_path, trial.number), "running"))
        trial.report(0.25, 1)
        return 1.0

    study = hpint.create_study()
    study.optimize(objective, n_trials=1, callbacks=[TensorBoardCallback(tmp_path)])
    start, end, scalars = seen["during"]
    assert start.hparams["n"].number_value == study.trials[0].params["n"]
    assert start.group_name == "trial-0"  # the running session shares the trial's row
    assert end.status == api_pb2.STATUS_RUNNING and end.end_time_secs == 0
    assert scalars == {"intermediate/value": [(0, 0.5)], "state": [(0, 0.0)]}
    assert len(seen["files"]) == 1 and f".{os.getpid()}." in seen["files"][0]  # unique per process
    start, end, scalars = _session(tmp_path, 0)
    assert end.status == api_pb2.STATUS_SUCCESS and start.group_name == ""
    assert scalars["intermediate/value"] == [(0, 0.5), (1, 0.25)]
    assert len(os.listdir(trial_session_dir(tmp_path, 0))) == 1  # the running run is gone


def test_parameters_suggested_after_the_first_report_are_kept(tmp_path):
    def objective(trial):
        trial.report(0.1, 0)
        return trial.suggest_float("late", 0, 1)

    study = hpint.create_study()
    study.optimize(objective, n_trials=1, callbacks=[TensorBoardCallback(tmp_path)])
    start, end, scalars = _session(tmp_path, 0)
    assert start.hparams["late"].number_value == study.trials[0].params["late"]
    assert scalars["intermediate/value"] == [(0, pytest.approx(0.1))] and end is not None


def test_multi_objective_metrics_use_metric_names(tmp_path):
    study = hpint.create_study(directions=["maximize", "minimize"])
    study.set_metric_names(["accuracy", "latency"])
    study.optimize(
        lambda t: (t.suggest_float("x", 0, 1), 2.0), n_trials=2, callbacks=[TensorBoardCallback(tmp_path)]
    )
    exp = next(iter(_layout.read_experiments(str(tmp_path)).values()))
    assert [m.name.tag for m in exp.metric_infos] == ["accuracy", "latency", "state"]
    _, _, scalars = _session(tmp_path, 1)
    assert scalars["accuracy"][0][1] == pytest.approx(study.trials[1].values[0], rel=1e-6)
    assert scalars["latency"] == [(0, 2.0)]


def test_workers_sharing_a_logdir_merge_the_experiment(tmp_path):
    """Two callbacks (as in two worker processes) that each saw other parameters: the union is kept."""
    study = hpint.create_study()
    first, second = TensorBoardCallback(tmp_path), TensorBoardCallback(tmp_path)
    study.optimize(lambda t: t.suggest_float("a", 0, 1), n_trials=1, callbacks=[first])
    study.optimize(lambda t: t.suggest_int("b", 0, 4), n_trials=1, callbacks=[second])
    runs = _experiment_runs(tmp_path)
    assert len(runs) == 1
    exp = _layout.read_experiments(str(tmp_path))[str(tmp_path / runs[0])]
    assert [h.name for h in exp.hparam_infos] == ["a", "b"]


def test_threads_write_distinct_files(tmp_path):
    def objective(trial):
        x = trial.suggest_float("x", 0, 1)
        for step in range(5):
            trial.report(x, step)
        return x

    study = hpint.create_study()
    study.optimize(objective, n_trials=12, n_jobs=4, callbacks=[TensorBoardCallback(tmp_path)])
    for trial in study.trials:
        _, end, scalars = _session(tmp_path, trial.number)
        assert [s for s, _ in scalars["intermediate/value"]] == list(range(5))
        assert end.status == api_pb2.STATUS_SUCCESS


def test_export_is_idempotent_and_replaces_callback_files(tmp_path):
    study = hpint.create_study()
    study.optimize(_objective, n_trials=4, callbacks=[TensorBoardCallback(tmp_path)], catch=(ValueError,))
    user_file = tmp_path / "trial-0" / "events.out.tfevents.1.keras.v2"  # another tool's curves
    user_file.write_bytes(b"")
    assert export_study(study, tmp_path) == 4
    listing = sorted((root, tuple(sorted(files))) for root, _, files in os.walk(tmp_path))
    contents = {p: p.read_bytes() for p in tmp_path.rglob("*.hpint")}
    export_study(study, tmp_path)
    assert sorted((root, tuple(sorted(files))) for root, _, files in os.walk(tmp_path)) == listing
    assert {p: p.read_bytes() for p in tmp_path.rglob("*.hpint")} == contents  # byte-identical
    assert user_file.exists()
    assert len(_experiment_runs(tmp_path)) == 1
    for trial in study.trials:
        assert len([f for f in os.listdir(trial_session_dir(tmp_path, trial.number)) if "hpint" in f]) == 1
        start, end, scalars = _session(tmp_path, trial.number)
        assert dict(start.hparams)["x"].number_value == trial.params["x"]
        assert end.status == _protos.session_status(trial.state)


def test_export_shows_running_trials_and_skips_waiting_ones(tmp_path):
    study = hpint.create_study()
    running = study.ask()
    running.suggest_float("x", 0, 1)
    running.report(0.3, 0)
    study.enqueue_trial({"x": 0.5})
    assert export_study(study, tmp_path) == 1
    start, end, scalars = _session(tmp_path, 0, running=True)
    assert end.status == api_pb2.STATUS_RUNNING and start.group_name == "trial-0"
    assert sorted(scalars) == ["intermediate/value", "state"]
    assert scalars["state"] == [(0, 0.0)]
    assert scalars["intermediate/value"][0] == (0, pytest.approx(0.3))
    assert not os.path.exists(trial_session_dir(tmp_path, 1))


def test_trial_session_dir(tmp_path):
    study = hpint.create_study()
    trial = study.ask()
    assert trial_session_dir(tmp_path, trial) == os.path.join(str(tmp_path), "trial-0")
    assert trial_session_dir("runs", 12) == os.path.join("runs", "trial-12")
    with pytest.raises(TypeError, match="trial"):
        trial_session_dir("runs", -1)


def test_metric_name_validation():
    with pytest.raises(ValueError, match="metric_name"):
        TensorBoardCallback("runs", metric_name="")
    with pytest.raises(ValueError, match="metric_name"):
        TensorBoardCallback("runs", metric_name=[])


def test_read_events_stops_at_a_partial_record(tmp_path):
    path = str(tmp_path / "events.out.tfevents.1.hpint")
    f = _events.EventFile(path)
    f.write(_events.scalar_event("t", 1.0, 3, 0.0))
    f.close()
    data = open(path, "rb").read()
    open(path, "wb").write(data[:-3])  # a writer that has not flushed its last record yet
    assert len(list(_events.read_events(path))) == 1  # only the file-version event


def test_no_tensorflow_import(tmp_path):
    """The whole path (Optuna's name, callback, export, CLI) runs without importing TensorFlow or Keras."""
    pytest.importorskip("sqlalchemy")
    code = f"""
import sys
import hpint
from hpint.cli import main
from hpint.integration import TensorBoardCallback
from hpint.integrations.tensorboard import export_study
def objective(trial):
    trial.report(trial.suggest_float("x", 0, 1), 0)
    return 1.0
url = "sqlite:///" + {str(tmp_path / "study.db")!r}
study = hpint.create_study(storage=url, study_name="s")
study.optimize(objective, n_trials=2, callbacks=[TensorBoardCallback({str(tmp_path / "live")!r}, "v")])
export_study(study, {str(tmp_path / "export")!r})
cli_logdir = {str(tmp_path / "cli")!r}
assert main(["tensorboard", "export", "--storage", url, "--study-name", "s", "--logdir", cli_logdir]) == 0
heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("tensorflow", "keras", "tf_keras"))
assert not heavy, heavy
print("ok")
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().endswith("ok")
    for logdir in ("live", "export", "cli"):  # each wrote the two sessions
        assert sorted(os.listdir(tmp_path / logdir))[-2:] == ["trial-0", "trial-1"]


def test_cli_export(storage_url, tmp_path, capsys):
    """``hpint tensorboard export`` on every database storage (PostgreSQL and MySQL when configured)."""
    if storage_url is None:
        pytest.skip("the CLI exports a stored study; in-memory studies use export_study")
    from hpint.cli import main

    study = hpint.create_study(storage=storage_url, study_name="tb")
    study.optimize(_objective, n_trials=4, catch=(ValueError,))
    logdir = tmp_path / "logs"
    argv = ["tensorboard", "export", "--storage", storage_url, "--study-name", "tb", "--logdir", str(logdir)]
    assert main(argv + ["--metric-name", "loss"]) == 0
    assert "4 sessions" in capsys.readouterr().out
    for trial in study.trials:
        start, end, scalars = _session(logdir, trial.number)
        assert start.hparams["x"].number_value == trial.params["x"]
        assert end.status == _protos.session_status(trial.state)
        assert [s for s, _ in scalars["intermediate/loss"]] == [0, 1, 2]
    assert _session(logdir, 0)[2]["loss"][0][1] == pytest.approx(study.trials[0].value, rel=1e-6)
    missing = ["tensorboard", "export", "--storage", storage_url, "--study-name", "nope", "--logdir", "x"]
    assert main(missing) == 1


def test_optuna_name_takes_dirname_and_metric_name_positionally(tmp_path):
    import hpint as optuna

    callback = optuna.integration.TensorBoardCallback(str(tmp_path), "accuracy")
    study = optuna.create_study(direction="maximize")
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2, callbacks=[callback])
    exp = next(iter(_layout.read_experiments(str(tmp_path)).values()))
    assert [m.name.tag for m in exp.metric_infos] == ["accuracy", "intermediate/accuracy", "state"]
    assert _session(tmp_path, 1)[2]["accuracy"][0][1] == pytest.approx(study.trials[1].value, rel=1e-6)


def test_callback_is_thread_safe_on_the_experiment(tmp_path):
    callback = TensorBoardCallback(tmp_path)
    study = hpint.create_study()
    trials = [study.ask() for _ in range(8)]
    for i, trial in enumerate(trials):
        trial.suggest_float(f"p{i}", 0, 1)

    threads = [threading.Thread(target=callback.on_report, args=(study, t, 0, 1.0)) for t in trials]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    exp = next(iter(_layout.read_experiments(str(tmp_path)).values()))
    assert sorted(h.name for h in exp.hparam_infos) == [f"p{i}" for i in range(8)]
    assert len(_experiment_runs(tmp_path)) == 1


_WORKER = """
import json, sys
import hpint
from hpint.integrations.tensorboard import TensorBoardCallback, _events

url, logdir, worker = sys.argv[1], sys.argv[2], int(sys.argv[3])
written = []  # every event file this process writes (directly or through a temporary name)
EventFile, write_file_atomically = _events.EventFile, _events.write_file_atomically

def event_file(path):
    written.append(path)
    return EventFile(path)

def atomic(path, *args):
    written.append(path)
    write_file_atomically(path, *args)

_events.EventFile, _events.write_file_atomically = event_file, atomic
hpint.logging.set_verbosity(hpint.logging.WARNING)

def objective(trial):
    x = trial.suggest_float("x", 0, 1)
    trial.suggest_int(f"only_in_worker_{worker}", 0, 9)  # each process adds its own column
    for step in range(3):
        trial.report(x + step, step)
    if x > 0.8:
        raise hpint.TrialPruned()
    return x

study = hpint.load_study(study_name="shared", storage=url)
study.optimize(objective, n_trials=4, callbacks=[TensorBoardCallback(logdir)])
print(json.dumps(written))
"""


def test_two_processes_write_one_logdir(tmp_path):
    """Two worker processes of one SQLite study: distinct files, one merged experiment, one session each."""
    pytest.importorskip("sqlalchemy")
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    study = hpint.create_study(storage=url, study_name="shared")
    logdir = tmp_path / "logs"
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", _WORKER, url, str(logdir), str(i)], stdout=subprocess.PIPE, text=True
        )
        for i in range(2)
    ]
    outputs = [w.communicate(timeout=120)[0] for w in workers]
    assert [w.returncode for w in workers] == [0, 0]
    written = [{p for p in json.loads(out) if _layout.EXPERIMENT_RUN_PREFIX not in p} for out in outputs]
    assert written[0] and written[1] and not written[0] & written[1]  # no session file shared
    trials = study.trials
    assert sorted(t.number for t in trials) == list(range(8))
    for trial in trials:
        directory = trial_session_dir(logdir, trial.number)
        assert len(os.listdir(directory)) == 1  # one session; the running one was removed
        start, end, scalars = _session(logdir, trial.number)
        assert {k: getattr(v, v.WhichOneof("kind")) for k, v in start.hparams.items()} == trial.params
        assert end.status == _protos.session_status(trial.state)
        assert [s for s, _ in scalars["intermediate/value"]] == [0, 1, 2]
    experiments = _layout.read_experiments(str(logdir))
    assert len(experiments) == 1 and len(_experiment_runs(logdir)) == 1
    (exp,) = experiments.values()
    assert [h.name for h in exp.hparam_infos] == ["only_in_worker_0", "only_in_worker_1", "x"]
