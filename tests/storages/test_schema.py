"""The SQL schema is versioned with Alembic: an older schema is refused with a clear error, and
``hpint storage upgrade`` (or :func:`hpint.storages.upgrade_storage`) migrates it, keeping the data."""

from __future__ import annotations

import datetime
import json
import subprocess
import sys

import pytest

import hpint
from hpint.cli import main
from hpint.exceptions import StorageSchemaError
from hpint.trial import TrialState

sa = pytest.importorskip("sqlalchemy")

from hpint.storages import RDBStorage, upgrade_storage  # noqa: E402
from hpint.storages._rdb import models  # noqa: E402
from hpint.storages._rdb.schema import REVISIONS  # noqa: E402

FIRST = REVISIONS[0]


@pytest.fixture
def sql_url(storage_url: str | None) -> str:
    if storage_url is None:
        pytest.skip("in-memory storage has no schema")
    return storage_url


def _old_database_with_one_study(url: str) -> None:
    """The schema of the first migration, holding a study with one COMPLETE trial (rows written with
    plain SQL, as the hpint of that time would have)."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        # Server databases come from the fixture with hpint's current (empty) tables: start from nothing.
        existing = sa.MetaData()
        existing.reflect(engine, only=lambda name, _: name.startswith("hpint_"))
        existing.drop_all(engine)
        assert upgrade_storage(url, revision=FIRST) == (None, FIRST)
        with engine.begin() as conn:
            study_id = conn.execute(
                sa.insert(models.studies).values(
                    study_name="old", directions=json.dumps(["MINIMIZE"]), next_trial_number=1
                )
            ).inserted_primary_key[0]
            now = datetime.datetime(2025, 1, 2, 3, 4, 5)
            trial_id = conn.execute(
                sa.insert(models.trials).values(
                    study_id=study_id,
                    number=0,
                    state=int(TrialState.COMPLETE),
                    values_json=json.dumps([0.25]),
                    datetime_start=now,
                    datetime_complete=now,
                )
            ).inserted_primary_key[0]
            dist = hpint.distributions.FloatDistribution(0, 1)
            conn.execute(
                sa.insert(models.trial_params).values(
                    trial_id=trial_id,
                    name="x",
                    value=0.5,
                    value_kind=models.FINITE,
                    distribution_json=hpint.distributions.distribution_to_json(dist),
                )
            )
    finally:
        engine.dispose()


def _check_old_study_kept(url: str) -> None:
    study = hpint.load_study(study_name="old", storage=url)
    (trial,) = study.trials
    assert (trial.number, trial.state, trial.value, trial.params) == (
        0,
        TrialState.COMPLETE,
        0.25,
        {"x": 0.5},
    )
    assert trial.datetime_start == datetime.datetime(2025, 1, 2, 3, 4, 5)
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)  # numbering goes on after the old trial
    assert [t.number for t in study.trials] == [0, 1, 2]


def test_old_schema_is_refused_with_the_upgrade_command_in_the_message(sql_url):
    _old_database_with_one_study(sql_url)
    expected = rf"schema revision {FIRST}, older .* run `hpint storage upgrade --storage URL`"
    with pytest.raises(StorageSchemaError, match=expected):
        RDBStorage(sql_url)
    with pytest.raises(StorageSchemaError, match=expected):
        hpint.load_study(study_name="old", storage=sql_url)
    with pytest.raises(StorageSchemaError, match=expected):
        hpint.create_study(storage=sql_url, study_name="new")
    # Refusing did not touch the database: it is still at the old revision, with its data.
    assert upgrade_storage(sql_url, revision=FIRST) == (FIRST, FIRST)


def test_cli_upgrade_migrates_and_keeps_the_data(sql_url, capsys):
    _old_database_with_one_study(sql_url)
    assert main(["storage", "upgrade", "--storage", sql_url]) == 0
    head = models.HEAD_REVISION
    assert capsys.readouterr().out.strip() == f"Upgraded the storage schema from revision {FIRST} to {head}."
    _check_old_study_kept(sql_url)
    assert main(["storage", "upgrade", "--storage", sql_url]) == 0
    assert capsys.readouterr().out.strip() == f"The storage is up to date (schema revision {head})."


def test_upgrade_function_migrates_and_keeps_the_data(sql_url):
    _old_database_with_one_study(sql_url)
    assert upgrade_storage(sql_url) == (FIRST, models.HEAD_REVISION)
    _check_old_study_kept(sql_url)


def test_hpint_script_upgrades_a_sqlite_file(tmp_path):
    """The installed command itself (``python -m hpint`` runs the same entry point as ``hpint``)."""
    url = f"sqlite:///{tmp_path / 'old.db'}"
    _old_database_with_one_study(url)
    done = subprocess.run(
        [sys.executable, "-m", "hpint", "storage", "upgrade", "--storage", url],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert f"from revision {FIRST} to {models.HEAD_REVISION}" in done.stdout
    _check_old_study_kept(url)


def test_newer_schema_is_refused(tmp_path):
    url = f"sqlite:///{tmp_path / 'new.db'}"
    RDBStorage(url).close()
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text(f"UPDATE {models.VERSION_TABLE} SET version_num = '9999'"))
    engine.dispose()
    with pytest.raises(StorageSchemaError, match="unknown to this hpint .* Upgrade hpint"):
        RDBStorage(url)
    with pytest.raises(StorageSchemaError, match="unknown to this hpint"):
        upgrade_storage(url)
    # Optuna's flag (third positional, as in Optuna 5) opens it anyway, at the user's risk.
    storage = RDBStorage(url, None, True)
    assert storage.get_all_studies() == []
    storage.close()


def test_models_match_the_migrations(tmp_path):
    """``models.py`` (what the code queries) and the migrations (what databases get) describe one schema."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    url = f"sqlite:///{tmp_path / 'head.db'}"
    upgrade_storage(url)
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"version_table": models.VERSION_TABLE})
        diff = compare_metadata(context, models.metadata)
    engine.dispose()
    assert diff == []


def test_missing_driver_and_unknown_scheme_name_what_to_do(monkeypatch):
    import importlib.util

    real_find_spec = importlib.util.find_spec

    def without_psycopg(name, *args, **kwargs):
        return None if name == "psycopg" else real_find_spec(name, *args, **kwargs)

    monkeypatch.setattr(importlib.util, "find_spec", without_psycopg)
    with pytest.raises(
        ImportError, match=r'needs the Python package \'psycopg\'.*pip install "hpint\[postgres\]"'
    ):
        hpint.create_study(storage="postgresql://u@localhost/db")
    with pytest.raises(ValueError, match=r"Unsupported storage URL scheme 'oracle' in 'oracle://u@h/db'"):
        hpint.create_study(storage="oracle://u@h/db")
    with pytest.raises(ValueError, match=r"Cannot parse storage URL 'not a url'"):
        hpint.create_study(storage="not a url")
