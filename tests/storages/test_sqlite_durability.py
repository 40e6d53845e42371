"""SQLite: a finished trial is committed and synced to disk when ``tell`` returns."""

from __future__ import annotations

import sqlite3

import pytest

import hpint

pytest.importorskip("sqlalchemy")


def test_told_trial_is_committed_and_synced(tmp_path):
    path = tmp_path / "durable.db"
    study = hpint.create_study(storage=f"sqlite:///{path}", study_name="d")
    trial = study.ask()
    trial.suggest_float("x", 0, 1)
    study.tell(trial, 0.5)
    engine = study._storage.backend.engine
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL: every commit is synced
    # Another connection (as another process would) sees the finished trial and its parameter at once.
    with sqlite3.connect(path) as other:
        state, values = other.execute("SELECT state, values_json FROM hpint_trials").fetchone()
        params = other.execute("SELECT name FROM hpint_trial_params").fetchall()
    assert (state, values, params) == (int(hpint.TrialState.COMPLETE), "[0.5]", [("x",)])
