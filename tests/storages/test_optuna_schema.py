"""Optuna databases: importing their studies into hpint, the clear error on opening one directly, and
exporting hpint studies into Optuna's schema.

The committed fixture (``data/optuna-5.0.0.db``, written by Optuna 5.0.0 with ``_optuna_studies.py``) keeps
the import tested without Optuna; with Optuna installed, databases are also written by it in the test, on
SQLite, PostgreSQL and MySQL, and the import is compared field by field with what Optuna loads.
"""

from __future__ import annotations

import datetime
import importlib.util
import json
import os
import shutil
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("sqlalchemy")

import sqlalchemy as sa  # noqa: E402

import hpint  # noqa: E402
from hpint.exceptions import DuplicatedStudyError, StorageSchemaError, StudyNotFoundError  # noqa: E402
from hpint.storages import (  # noqa: E402
    InMemoryStorage,
    RDBStorage,
    export_optuna_studies,
    import_optuna_studies,
)
from tests.storages._optuna_studies import (  # noqa: E402
    FIXTURE_DB,
    FIXTURE_JSON,
    build_optuna_studies,
    build_studies,
    hpint_view,
    optuna_view,
)

_NO_OPTUNA = "optuna is not installed (pip install optuna==5.0.0); the committed fixture tests still run"


def _optuna() -> object:
    return pytest.importorskip("optuna", reason=_NO_OPTUNA)


@pytest.fixture
def fixture_url(tmp_path: Path) -> str:
    """A copy of the committed Optuna 5.0.0 database (tests may change it)."""
    path = tmp_path / "optuna.db"
    shutil.copy(FIXTURE_DB, path)
    return f"sqlite:///{path}"


def _expected() -> dict:
    return json.loads(FIXTURE_JSON.read_text())


def _table_names(url: str) -> set[str]:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        return set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()


# ---- import ----
def test_fixture_imports_into_every_storage_as_optuna_loaded_it(fixture_url: str, storage_url: str | None):
    storage = hpint.storages.get_storage(storage_url)
    assert import_optuna_studies(fixture_url, storage) == ["single", "multi"]
    assert hpint_view(storage) == _expected()
    storage.close()


def test_fixture_json_is_what_optuna_loads_from_the_fixture(fixture_url: str):
    """The expectations committed beside the fixture are Optuna's own reading of it, not hand-written."""
    _optuna()
    assert optuna_view(fixture_url) == _expected()


def test_imported_study_is_usable_by_hpint(fixture_url: str, tmp_path: Path):
    target = f"sqlite:///{tmp_path / 'hpint.db'}"
    import_optuna_studies(fixture_url, target, study_names=["single"])
    study = hpint.load_study(study_name="single", storage=target)
    assert study.metric_names == ["loss"]
    assert study.best_trial.number == 0  # trial 0 is the only feasible one
    waiting = study.ask()  # the WAITING trial Optuna enqueued is claimed first, with its fixed parameters
    assert waiting.number == 7 and waiting.suggest_float("x", -2.0, 2.0) == 0.25
    study.tell(waiting, 0.0625)
    study.optimize(lambda t: t.suggest_float("x", -2.0, 2.0) ** 2, n_trials=2)
    assert [t.number for t in study.trials] == list(range(10))


def test_study_names_picks_studies_and_unknown_names_fail(fixture_url: str):
    storage = InMemoryStorage()
    assert import_optuna_studies(fixture_url, storage, study_names=["multi"]) == ["multi"]
    assert [s.study_name for s in storage.get_all_studies()] == ["multi"]
    with pytest.raises(StudyNotFoundError, match=r"No study named \['nope'\].*'multi', 'single'"):
        import_optuna_studies(fixture_url, InMemoryStorage(), study_names=["single", "nope"])
    with pytest.raises(TypeError, match="`study_names` must be a list"):
        import_optuna_studies(fixture_url, InMemoryStorage(), study_names="single")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="`to_storage` must be a database URL or an hpint storage"):
        import_optuna_studies(fixture_url, 42)  # type: ignore[arg-type]


def test_an_existing_study_name_stops_the_import_before_any_write(fixture_url: str):
    storage = InMemoryStorage()
    hpint.create_study(storage=storage, study_name="multi")
    with pytest.raises(DuplicatedStudyError, match=r"already has studies named \['multi'\]"):
        import_optuna_studies(fixture_url, storage)
    assert [s.study_name for s in storage.get_all_studies()] == ["multi"]  # "single" was not copied either


def test_a_study_that_fails_to_copy_is_not_left_half_copied(fixture_url: str):
    engine = sa.create_engine(fixture_url)
    with engine.begin() as conn:  # trial 5 of "single" gets a distribution hpint cannot read
        conn.execute(
            sa.text(
                'UPDATE trial_params SET distribution_json = \'{"name": "NoSuchDistribution"}\' WHERE '
                "trial_id = (SELECT trial_id FROM trials t JOIN studies s USING (study_id) "
                "WHERE s.study_name = 'single' AND t.number = 5) AND param_name = 'x'"
            )
        )
    engine.dispose()
    storage = InMemoryStorage()
    with pytest.raises(StorageSchemaError, match="Parameter 'x'.*'single'.*NoSuchDistribution"):
        import_optuna_studies(fixture_url, storage)
    assert storage.get_all_studies() == []


def test_a_failed_write_removes_the_study_again(fixture_url: str):
    class FailingStorage(InMemoryStorage):
        def create_new_trial(self, study_id, template_trial=None):
            if template_trial is not None and template_trial.number == 3:
                raise RuntimeError("disk full")
            return super().create_new_trial(study_id, template_trial)

    storage = FailingStorage()
    with pytest.raises(RuntimeError, match="disk full"):
        import_optuna_studies(fixture_url, storage)
    assert storage.get_all_studies() == []


@pytest.mark.parametrize(
    ("revision", "message"),
    [
        ("v2.6.0.a", r"older than Optuna 3.0's 'v3.0.0.d'.*optuna storage upgrade"),
        ("v9.0.0.a", r"'v9.0.0.a'.*unknown to hpint.*newer Optuna"),
    ],
)
def test_unsupported_optuna_revisions_are_refused(fixture_url: str, revision: str, message: str):
    engine = sa.create_engine(fixture_url)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = :v"), {"v": revision})
    engine.dispose()
    with pytest.raises(StorageSchemaError, match=message):
        import_optuna_studies(fixture_url, InMemoryStorage())


def test_optuna_3_0_revision_is_read(fixture_url: str):
    """Revision v3.0.0.d (Optuna 3.0, 3.1) differs from 5.0's v3.2.0.a by an index only."""
    engine = sa.create_engine(fixture_url)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = 'v3.0.0.d'"))
    engine.dispose()
    storage = InMemoryStorage()
    import_optuna_studies(fixture_url, storage)
    assert hpint_view(storage) == _expected()


def test_a_database_without_optuna_tables_is_refused(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'hpint.db'}"
    hpint.create_study(storage=url, study_name="s")
    with pytest.raises(StorageSchemaError, match="is not an Optuna database"):
        import_optuna_studies(url, InMemoryStorage())


def test_cli_imports_into_the_optuna_database_itself(fixture_url: str, capsys):
    from hpint.cli import main

    assert main(["storage", "import-optuna", fixture_url, fixture_url, "--study", "single"]) == 0
    assert "Imported 1 study: single." in capsys.readouterr().out
    study = hpint.load_study(study_name="single", storage=fixture_url)
    assert len(study.trials) == 8
    assert main(["storage", "import-optuna", fixture_url, fixture_url, "--study", "single"]) == 1
    assert "already has studies named ['single']" in capsys.readouterr().err
    assert "studies" in _table_names(fixture_url)  # Optuna's tables are still there, untouched
    if importlib.util.find_spec("optuna") is not None:  # and Optuna still reads its own tables
        import optuna

        assert len(optuna.load_study(study_name="single", storage=fixture_url).trials) == 8


# ---- the clear error ----
@pytest.mark.parametrize(
    "open_it",
    [
        lambda url: RDBStorage(url),
        lambda url: RDBStorage(url, skip_table_creation=True),
        lambda url: hpint.load_study(study_name="single", storage=url),
        lambda url: hpint.create_study(study_name="new", storage=url),
        lambda url: hpint.storages.upgrade_storage(url),
    ],
    ids=["RDBStorage", "skip_table_creation", "load_study", "create_study", "upgrade_storage"],
)
def test_opening_an_optuna_database_names_the_import(fixture_url: str, open_it):
    before = _table_names(fixture_url)
    with pytest.raises(StorageSchemaError, match=r"is an Optuna database.*hpint storage import-optuna"):
        open_it(fixture_url)
    assert _table_names(fixture_url) == before  # no empty hpint schema beside Optuna's


def test_after_the_import_the_optuna_database_opens(fixture_url: str):
    import_optuna_studies(fixture_url, fixture_url)
    assert hpint.load_study(study_name="multi", storage=fixture_url).metric_names == ["error", "accuracy"]


# ---- databases written by Optuna in the test ----
def test_optuna_written_sqlite_database_imports_field_by_field(tmp_path: Path):
    _optuna()
    url = f"sqlite:///{tmp_path / 'optuna.db'}"
    build_optuna_studies(url)
    storage = InMemoryStorage()
    import_optuna_studies(url, storage)
    assert hpint_view(storage) == optuna_view(url)


@pytest.fixture(params=["postgresql", "mysql"])
def optuna_server_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A database of its own on the PostgreSQL / MySQL test server (a schema / a database), dropped after.

    Not the one hpint's storage tests share: Optuna's tables there would make every hpint storage refuse it.
    """
    env = {"postgresql": "HPINT_TEST_POSTGRES_URL", "mysql": "HPINT_TEST_MYSQL_URL"}[request.param]
    base = os.environ.get(env)
    if not base:
        pytest.skip(f"{request.param} tests need {env}")
    _optuna()
    name = f"optuna_import_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(base, poolclass=sa.pool.NullPool, isolation_level="AUTOCOMMIT")
    kind = "SCHEMA" if request.param == "postgresql" else "DATABASE"
    with admin.connect() as conn:
        conn.execute(sa.text(f"CREATE {kind} {name}"))
    if request.param == "postgresql":
        url = sa.make_url(base).update_query_dict({"options": f"-csearch_path={name}"})
    else:
        url = sa.make_url(base).set(database=name)
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f"DROP {kind} {name}" + (" CASCADE" if kind == "SCHEMA" else "")))
        admin.dispose()


def test_optuna_written_server_database_imports_field_by_field(optuna_server_url: str):
    import optuna

    build_optuna_studies(optuna_server_url)
    with pytest.raises(StorageSchemaError, match="is an Optuna database"):
        RDBStorage(optuna_server_url)
    import_optuna_studies(optuna_server_url, optuna_server_url)  # hpint's tables beside Optuna's
    storage = RDBStorage(optuna_server_url)
    expected = optuna_view(optuna_server_url)
    if optuna_server_url.startswith("mysql"):  # Optuna's DATETIME columns on MySQL keep whole seconds
        assert all(
            t["datetime_start"] is None or "." not in t["datetime_start"]
            for s in expected.values()
            for t in s["trials"]
        )
    assert hpint_view(storage) == expected
    storage.close()
    assert len(optuna.load_study(study_name="single", storage=optuna_server_url).trials) == 8


# ---- export ----
def _hpint_studies() -> InMemoryStorage:
    """The builder's two studies, written by hpint itself (``import hpint as optuna``)."""
    storage = InMemoryStorage()
    build_studies(hpint, storage)
    return storage


def _pop_times(view: dict) -> list[datetime.datetime | None]:
    """Remove the trials' start and end times from ``view`` and return them, in order."""
    times = []
    for study in sorted(view):
        for trial in view[study]["trials"]:
            for key in ("datetime_start", "datetime_complete"):
                value = trial.pop(key)
                times.append(None if value is None else datetime.datetime.fromisoformat(value))
    return times


def test_export_then_import_gives_back_the_studies(tmp_path: Path, storage_url: str | None):
    source = hpint.storages.get_storage(storage_url)
    build_studies(hpint, source)
    optuna_url = f"sqlite:///{tmp_path / 'optuna.db'}"
    assert export_optuna_studies(source, optuna_url) == ["single", "multi"]
    back = InMemoryStorage()
    import_optuna_studies(optuna_url, back)
    assert hpint_view(back) == hpint_view(source)
    source.close()


def test_optuna_loads_exported_studies_field_by_field(tmp_path: Path):
    optuna = _optuna()
    source = _hpint_studies()
    url = f"sqlite:///{tmp_path / 'optuna.db'}"
    export_optuna_studies(source, url)
    assert optuna_view(url) == hpint_view(source)
    study = optuna.load_study(study_name="single", storage=url)  # Optuna goes on with the exported study
    study.optimize(lambda t: t.suggest_float("x", -2.0, 2.0) ** 2, n_trials=2)
    assert [t.number for t in study.trials] == list(range(9))
    assert study.trials[7].params["x"] == 0.25  # the enqueued trial ran first


def test_export_writes_the_tables_optuna_creates(tmp_path: Path):
    """Same tables, columns, types, keys and indexes as a database Optuna 5.0.0 made (the fixture)."""
    url = f"sqlite:///{tmp_path / 'optuna.db'}"
    export_optuna_studies(_hpint_studies(), url)

    def schema(url: str) -> list[str]:
        with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
            return sorted(conn.execute("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL").fetchall())

    assert schema(url) == schema(f"sqlite:///{FIXTURE_DB}")
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).all() == [("v3.2.0.a",)]
        assert conn.execute(sa.text("SELECT * FROM version_info")).all() == [(1, 12, "5.0.0")]
    engine.dispose()


def test_export_into_an_optuna_database_adds_studies_and_refuses_taken_names(fixture_url: str):
    source = InMemoryStorage()
    hpint.create_study(storage=source, study_name="third").optimize(
        lambda t: t.suggest_int("n", 0, 3), n_trials=2
    )
    assert export_optuna_studies(source, fixture_url) == ["third"]
    back = InMemoryStorage()
    import_optuna_studies(fixture_url, back)
    assert [s.study_name for s in back.get_all_studies()] == ["single", "multi", "third"]
    with pytest.raises(DuplicatedStudyError, match=r"already has studies named \['third'\]"):
        export_optuna_studies(source, fixture_url)
    with pytest.raises(StudyNotFoundError, match=r"No study named \['nope'\]"):
        export_optuna_studies(source, fixture_url, study_names=["nope"])


def test_a_nan_value_is_refused_and_its_study_not_exported(tmp_path: Path):
    source = _hpint_studies()
    study_id = source.get_study_id_from_name("multi")
    template = source.get_all_trials(study_id)[0]
    template.values = [float("nan"), 1.0]
    source.create_new_trial(study_id, template_trial=template)
    url = f"sqlite:///{tmp_path / 'optuna.db'}"
    with pytest.raises(ValueError, match="Trial 5 of study 'multi' has the value NaN"):
        export_optuna_studies(source, url)
    back = InMemoryStorage()
    import_optuna_studies(url, back)
    assert [s.study_name for s in back.get_all_studies()] == ["single"]  # "multi" was rolled back


def test_cli_exports_an_hpint_database(tmp_path: Path, capsys):
    from hpint.cli import main

    hpint_url = f"sqlite:///{tmp_path / 'hpint.db'}"
    build_studies(hpint, hpint_url)
    optuna_url = f"sqlite:///{tmp_path / 'optuna.db'}"
    assert main(["storage", "export-optuna", hpint_url, optuna_url, "--study", "multi"]) == 0
    assert "Exported 1 study: multi." in capsys.readouterr().out
    back = InMemoryStorage()
    import_optuna_studies(optuna_url, back)
    assert hpint_view(back)["multi"] == hpint_view(RDBStorage(hpint_url))["multi"]


def test_optuna_loads_studies_exported_to_a_server(optuna_server_url: str):
    import optuna

    source = _hpint_studies()
    export_optuna_studies(source, optuna_server_url)
    expected, loaded = hpint_view(source), optuna_view(optuna_server_url)
    if optuna_server_url.startswith("mysql"):  # Optuna's DATETIME columns there keep whole seconds
        pairs = list(zip(_pop_times(expected), _pop_times(loaded), strict=True))
        assert all((a is None) == (b is None) for a, b in pairs)
        assert all(abs(a - b) < datetime.timedelta(seconds=1) for a, b in pairs if a is not None)
    assert loaded == expected
    study = optuna.load_study(study_name="single", storage=optuna_server_url)
    study.optimize(lambda t: t.suggest_float("x", -2.0, 2.0) ** 2, n_trials=2)
    assert [t.number for t in study.trials] == list(range(9))
    assert study.trials[7].params["x"] == 0.25  # the enqueued trial ran first


def test_optuna_dashboard_reads_exported_studies(tmp_path: Path):
    """optuna-dashboard's own JSON API (its WSGI app, called in-process) lists and reads the studies."""
    dashboard = pytest.importorskip("optuna_dashboard", reason="optuna-dashboard is not installed")
    url = f"sqlite:///{tmp_path / 'optuna.db'}"
    export_optuna_studies(_hpint_studies(), url)
    app = dashboard.wsgi(url)

    def get(path: str) -> dict:
        from wsgiref.util import setup_testing_defaults

        environ: dict = {"PATH_INFO": path}
        setup_testing_defaults(environ)
        status = []
        body = b"".join(app(environ, lambda s, headers, exc_info=None: status.append(s)))
        assert status == ["200 OK"], body
        return json.loads(body)

    summaries = get("/api/studies")["study_summaries"]
    assert [(s["study_name"], s["directions"]) for s in summaries] == [
        ("single", ["minimize"]),
        ("multi", ["minimize", "maximize"]),
    ]
    single = get(f"/api/studies/{summaries[0]['study_id']}")
    states = ["Complete", "Complete", "Complete", "Pruned", "Fail", "Complete", "Running", "Waiting"]
    assert [t["state"] for t in single["trials"]] == states
    assert {p["name"] for p in single["trials"][0]["params"]} == {
        "x",
        "lr",
        "dropout",
        "layers",
        "units",
        "batch",
        "opt",
    }
