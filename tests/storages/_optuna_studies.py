"""Studies written by real Optuna into a database, and what Optuna loads back, for the import/export tests.

``python tests/storages/_optuna_studies.py`` (with Optuna 5.0.0 installed) rewrites the committed fixture:
``data/optuna-5.0.0.db`` and ``data/optuna-5.0.0.json``, the latter being what ``optuna.load_study`` read
from the former, so the import is checked against Optuna's own reading even where Optuna is not installed.
"""

from __future__ import annotations

import json
import math
import sqlite3
import sys
import warnings
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data"
FIXTURE_DB = DATA / "optuna-5.0.0.db"
FIXTURE_JSON = DATA / "optuna-5.0.0.json"


def build_optuna_studies(url: str) -> list[str]:
    """Write two studies with Optuna into ``url``: every trial state, parameter kind and odd float."""
    import optuna

    return build_studies(optuna, url)


def build_studies(optuna: Any, url: str | Any) -> list[str]:
    """The same two studies written by ``optuna`` (the module, or ``hpint``) into a storage or URL."""
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    with warnings.catch_warnings():  # experimental metric names, deprecated constraints_func: both wanted
        warnings.simplefilter("ignore")
        _write_studies(optuna, url)
    return ["single", "multi"]


def _write_studies(optuna: Any, url: str | Any) -> None:
    def objective(trial: Any) -> float:
        x = trial.suggest_float("x", -2.0, 2.0)
        lr = trial.suggest_float("lr", 1e-5, 1e-1, log=True)
        trial.suggest_float("dropout", 0.0, 0.5, step=0.1)
        trial.suggest_int("layers", 1, 8)
        trial.suggest_int("units", 8, 512, log=True)
        trial.suggest_int("batch", 16, 128, step=16)
        trial.suggest_categorical("opt", ["adam", None, 3, 0.5, True])
        trial.set_user_attr("note", {"lr": lr, "list": [1, "a", None]})
        trial.set_constraint("memory", x - 1.0)
        for step, value in enumerate([x, math.inf, math.nan, -math.inf]):
            trial.report(value, step)
        if trial.number == 3:
            raise optuna.TrialPruned()
        if trial.number == 4:
            raise ValueError("a failed trial")
        return x**2

    sampler = optuna.samplers.TPESampler(seed=1, constraints_func=lambda t: [t.params["x"] - 1.0])
    single = optuna.create_study(storage=url, study_name="single", sampler=sampler)
    single.set_user_attr("dataset", "mnist")
    single.set_metric_names(["loss"])
    single.optimize(objective, n_trials=6, catch=(ValueError,))
    running = single.ask()
    running.suggest_float("x", -2.0, 2.0)
    running.report(0.5, 0)
    single.enqueue_trial({"x": 0.25, "opt": "adam"}, user_attrs={"enqueued": True})  # stays WAITING

    multi = optuna.create_study(
        storage=url,
        study_name="multi",
        directions=["minimize", "maximize"],
        sampler=optuna.samplers.RandomSampler(0),
    )
    multi.set_metric_names(["error", "accuracy"])
    for i in range(4):
        trial = multi.ask()
        a = trial.suggest_float("a", 0.0, 1.0)
        multi.tell(trial, [a, math.inf if i == 1 else -a])
    trial = multi.ask()
    multi.tell(trial, state=optuna.trial.TrialState.FAIL)


def optuna_view(url: str) -> dict[str, Any]:
    """What ``optuna.load_study`` reads from ``url``, as JSON-able data (see :func:`as_data`)."""
    import optuna

    studies = {}
    for summary in optuna.get_all_study_summaries(url):
        study = optuna.load_study(study_name=summary.study_name, storage=url)
        studies[summary.study_name] = {
            "directions": [d.name for d in study.directions],
            "user_attrs": study.user_attrs,
            "system_attrs": study._storage.get_study_system_attrs(study._study_id),  # no public getter
            "trials": [trial_data(t, optuna.distributions.distribution_to_json) for t in study.trials],
        }
    return as_data(studies)


def trial_data(trial: Any, to_json: Any) -> dict[str, Any]:
    """One trial's fields (Optuna's or hpint's FrozenTrial), comparable across the two."""
    return {
        "number": trial.number,
        "state": trial.state.name,
        "values": trial.values,
        "datetime_start": None if trial.datetime_start is None else trial.datetime_start.isoformat(),
        "datetime_complete": None if trial.datetime_complete is None else trial.datetime_complete.isoformat(),
        "params": trial.params,
        "distributions": {n: json.loads(to_json(d)) for n, d in trial.distributions.items()},
        "user_attrs": trial.user_attrs,
        "system_attrs": trial.system_attrs,
        "intermediate_values": {str(k): v for k, v in trial.intermediate_values.items()},
    }


def hpint_view(storage: Any) -> dict[str, Any]:
    """The same data as :func:`optuna_view`, read from an hpint storage."""
    from hpint.distributions import distribution_to_json

    studies = {}
    for study in storage.get_all_studies():
        trials = storage.get_all_trials(study.study_id)
        studies[study.study_name] = {
            "directions": [d.name for d in study.directions],
            "user_attrs": study.user_attrs,
            "system_attrs": study.system_attrs,
            "trials": [trial_data(t, distribution_to_json) for t in trials],
        }
    return as_data(studies)


def as_data(value: Any) -> Any:
    """``value`` with non-finite floats spelled as strings, so that NaN compares equal to NaN."""
    if isinstance(value, float) and not math.isfinite(value):
        return repr(value)
    if isinstance(value, dict):
        return {str(k): as_data(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [as_data(v) for v in value]
    return value


def main() -> None:
    import optuna

    if optuna.__version__ != "5.0.0":
        sys.exit(f"The fixture must be written by Optuna 5.0.0, not {optuna.__version__}.")
    FIXTURE_DB.unlink(missing_ok=True)
    with sqlite3.connect(FIXTURE_DB) as conn:  # small pages: the file is committed
        conn.execute("PRAGMA page_size=512")
        conn.execute("VACUUM")
    url = f"sqlite:///{FIXTURE_DB}"
    build_optuna_studies(url)
    FIXTURE_JSON.write_text(json.dumps(optuna_view(url), indent=1, sort_keys=True) + "\n")
    print(f"wrote {FIXTURE_DB} ({FIXTURE_DB.stat().st_size} bytes) and {FIXTURE_JSON}")


if __name__ == "__main__":
    main()
