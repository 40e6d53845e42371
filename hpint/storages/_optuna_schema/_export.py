"""Write hpint studies into Optuna's tables, so that Optuna and optuna-dashboard read them."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from hpint.distributions import distribution_to_json
from hpint.exceptions import DuplicatedStudyError, StudyNotFoundError
from hpint.storages._base import BaseStorage, FrozenStudy
from hpint.storages._optuna_schema import _layout as t
from hpint.trial._frozen import FrozenTrial


def export_optuna_studies(
    from_storage: str | BaseStorage, to_url: str, study_names: Sequence[str] | None = None
) -> list[str]:
    """Copy hpint studies into an Optuna database (created if empty); return their names.

    Writes Optuna's schema as Optuna 5.0.0 creates it, so ``optuna.load_study`` and optuna-dashboard read
    the studies: directions, attributes, every trial with its number, state, values, parameters and
    distributions, intermediate values, attributes and times. Each study is written in one transaction.
    Heartbeats are not copied. On MySQL, Optuna's DATETIME columns keep whole seconds only.

    Args:
        from_storage: an hpint storage, or the URL of an hpint database.
        to_url: SQLAlchemy URL of the Optuna database: empty (Optuna's tables are created), or one Optuna
            3.0 to 5.0 created. It may be the hpint database itself (the tables do not overlap).
        study_names: the studies to copy (default: all of them).

    Raises:
        StorageSchemaError: ``to_url`` has tables of an Optuna schema hpint does not write.
        StudyNotFoundError: a name in ``study_names`` is not in ``from_storage``.
        DuplicatedStudyError: the Optuna database already has a study of that name (nothing is copied).
        ValueError: a trial value is NaN, which Optuna's schema cannot hold.
    """
    from hpint.storages import get_storage
    from hpint.storages._optuna_schema._import import check_study_names
    from hpint.storages._rdb.url import normalize_url

    wanted = check_study_names(study_names)
    url = normalize_url(to_url)
    source = get_storage(from_storage) if isinstance(from_storage, str) else from_storage
    if not isinstance(source, BaseStorage):
        raise TypeError(
            f"`from_storage` must be a database URL or an hpint storage, not {type(from_storage).__name__} "
            f"({from_storage!r})."
        )
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        studies = _studies_to_copy(source, wanted)
        with engine.begin() as conn:
            _create_or_check_schema(conn, url)
            taken = conn.execute(
                sa.select(t.studies.c.study_name).where(
                    t.studies.c.study_name.in_([s.study_name for s in studies])
                )
            ).scalars()
            if taken := sorted(taken):
                raise DuplicatedStudyError(
                    f"The Optuna database {t.safe_url(url)} already has studies named {taken}; nothing was "
                    "exported. Delete them there or export the others with `study_names`."
                )
        for study in studies:
            trials = source.get_all_trials(study.study_id)
            with engine.begin() as conn:
                _write_study(conn, study, trials)
    finally:
        engine.dispose()
        if isinstance(from_storage, str):
            source.close()
    return [s.study_name for s in studies]


def _studies_to_copy(source: BaseStorage, wanted: list[str] | None) -> list[FrozenStudy]:
    studies = source.get_all_studies()
    if wanted is None:
        return studies
    by_name = {s.study_name: s for s in studies}
    missing = [n for n in wanted if n not in by_name]
    if missing:
        raise StudyNotFoundError(f"No study named {missing} in the hpint storage; it has {sorted(by_name)}.")
    return [by_name[n] for n in wanted]


def _create_or_check_schema(conn: sa.Connection, url: str) -> None:
    """Create Optuna's tables and version rows in a database without them; else check their revision."""
    if "studies" in sa.inspect(conn).get_table_names():
        t.check_revision(conn, url)
        return
    t.metadata.create_all(conn)
    conn.execute(sa.insert(t.alembic_version).values(version_num=t.SUPPORTED_REVISIONS[-1]))
    conn.execute(
        sa.insert(t.version_info).values(
            version_info_id=1, schema_version=t.SCHEMA_VERSION, library_version=t.EXPORTED_LIBRARY_VERSION
        )
    )


def _write_study(conn: sa.Connection, study: FrozenStudy, trials: list[FrozenTrial]) -> None:
    study_id = conn.execute(sa.insert(t.studies).values(study_name=study.study_name)).inserted_primary_key[0]
    conn.execute(
        sa.insert(t.study_directions),
        [{"study_id": study_id, "objective": i, "direction": d.name} for i, d in enumerate(study.directions)],
    )
    _insert(conn, t.study_user_attrs, _attr_rows({"study_id": study_id}, study.user_attrs))
    _insert(conn, t.study_system_attrs, _attr_rows({"study_id": study_id}, study.system_attrs))
    child_tables = (t.trial_params, t.trial_values, t.trial_intermediate_values, t.trial_user_attrs)
    children: dict[sa.Table, list[dict[str, Any]]] = {
        table: [] for table in (*child_tables, t.trial_system_attrs)
    }
    for trial in trials:
        trial_id = conn.execute(
            sa.insert(t.trials).values(
                number=trial.number,
                study_id=study_id,
                state=trial.state.name,
                datetime_start=trial.datetime_start,
                datetime_complete=trial.datetime_complete,
            )
        ).inserted_primary_key[0]
        key = {"trial_id": trial_id}
        for name, dist in trial.distributions.items():
            internal = dist.to_internal_repr(trial.params[name])
            row = {
                "param_name": name,
                "param_value": internal,
                "distribution_json": distribution_to_json(dist),
            }
            children[t.trial_params].append({**key, **row})
        for i, value in enumerate(trial.values or ()):
            if math.isnan(value):
                raise ValueError(
                    f"Trial {trial.number} of study {study.study_name!r} has the value NaN, which Optuna's "
                    "schema cannot hold; nothing of this study was exported."
                )
            children[t.trial_values].append({**key, "objective": i, **_float_row("value", value)})
        children[t.trial_intermediate_values] += [
            {**key, "step": step, **_float_row("intermediate_value", v)}
            for step, v in trial.intermediate_values.items()
        ]
        children[t.trial_user_attrs] += _attr_rows(key, trial.user_attrs)
        children[t.trial_system_attrs] += _attr_rows(key, trial.system_attrs)
    for table, rows in children.items():
        _insert(conn, table, rows)


def _float_row(column: str, value: float) -> dict[str, Any]:
    """Optuna's (value, kind) pair for a float: the value itself if finite, else only its kind."""
    if math.isfinite(value):
        return {column: value, f"{column}_type": "FINITE"}
    kind = "NAN" if math.isnan(value) else ("INF_POS" if value > 0 else "INF_NEG")
    return {column: None, f"{column}_type": kind}


def _attr_rows(key: dict[str, Any], attrs: dict[str, Any]) -> list[dict[str, Any]]:
    return [{**key, "key": k, "value_json": json.dumps(v)} for k, v in attrs.items()]


def _insert(conn: sa.Connection, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    if rows:
        conn.execute(sa.insert(table), rows)
