"""The short snippets of the seed article ``000_*.txt`` not covered by ``digits_study.py``, verbatim
except for the import (``import hpint as optuna``) and the trial counts. Each runs in a fresh directory,
since the article writes ``sqlite:///example.db`` relative to the working directory."""

from __future__ import annotations

import pytest

import hpint as optuna
from hpint.exceptions import DuplicatedStudyError

pytest.importorskip("sqlalchemy")


@pytest.fixture(autouse=True)
def _in_tmp_dir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


def objective(trial):  # the article's foo.py
    x = trial.suggest_uniform("x", -10, 10)
    return (x - 2) ** 2


def test_resume_a_named_study_from_sqlite():
    with pytest.warns(FutureWarning, match="suggest_uniform"):
        # Block "RDB": create, then resume in another session with load_if_exists.
        study_name = "example-study"
        study = optuna.create_study(study_name=study_name, storage="sqlite:///example.db")
        study.optimize(objective, n_trials=2)

        study = optuna.create_study(
            study_name="example-study", storage="sqlite:///example.db", load_if_exists=True
        )
        study.optimize(objective, n_trials=3)
    assert [t.number for t in study.trials] == [0, 1, 2, 3, 4]
    # Creating it again without load_if_exists is refused, as in Optuna.
    with pytest.raises(DuplicatedStudyError, match="'example-study' already exists"):
        optuna.create_study(study_name="example-study", storage="sqlite:///example.db")


def test_starter_study_created_without_load_if_exists():
    study = optuna.create_study(
        direction="maximize", study_name="starter-experiment", storage="sqlite:///starter.db"
    )
    study.optimize(
        lambda trial: trial.suggest_categorical("model_type", ["svm", "decision-tree"]) == "svm", n_trials=2
    )
    assert study.direction == optuna.study.StudyDirection.MAXIMIZE
    assert optuna.load_study(study_name="starter-experiment", storage="sqlite:///starter.db").best_value in (
        0,
        1,
    )


def test_multi_objective_block():
    def objective(trial):
        x = trial.suggest_float("x", 0, 5)
        y = trial.suggest_float("y", 0, 3)

        v0 = 4 * x**2 + 4 * y**2
        v1 = (x - 5) ** 2 + (y - 5) ** 2
        return v0, v1

    with pytest.warns(FutureWarning):
        study = optuna.multi_objective.create_study(["minimize", "minimize"])
    study.optimize(objective, n_trials=3)
    assert len(study.trials) == 3 and all(len(t.values) == 2 for t in study.trials)
    assert 1 <= len(study.best_trials) <= 3
