"""Read studies from an Optuna database and copy them into an hpint storage, trial numbers kept."""

from __future__ import annotations

import dataclasses
import json
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa

from hpint._direction import StudyDirection
from hpint.distributions import BaseDistribution, json_to_distribution
from hpint.exceptions import DuplicatedStudyError, StorageSchemaError, StudyNotFoundError
from hpint.storages._base import BaseStorage
from hpint.storages._optuna_schema import _layout as t
from hpint.trial._frozen import FrozenTrial
from hpint.trial._state import TrialState

#: Optuna's name of a stored float's kind -> the float, for the non-finite kinds.
_NON_FINITE = {"INF_POS": math.inf, "INF_NEG": -math.inf, "NAN": math.nan}


@dataclasses.dataclass
class OptunaStudy:
    """One study as read from Optuna's tables."""

    name: str
    directions: list[StudyDirection]
    user_attrs: dict[str, Any]
    system_attrs: dict[str, Any]
    trials: list[FrozenTrial]


def import_optuna_studies(
    from_url: str, to_storage: str | BaseStorage, study_names: Sequence[str] | None = None
) -> list[str]:
    """Copy studies from an Optuna database into an hpint storage; return their names.

    hpint keeps its studies in its own tables, so an Optuna database is not read in place: this copies
    every study (or those in ``study_names``) with its directions, attributes (metric names among the
    system attributes) and every trial (state, values, parameters with their distributions, intermediate
    values, attributes, start and end times), keeping the trial numbers. The Optuna database is only read.
    Each study is read in one transaction; a study that fails to copy is removed from ``to_storage`` again.

    Args:
        from_url: SQLAlchemy URL of the Optuna database (SQLite, PostgreSQL or MySQL; Optuna 3.0 to 5.0).
        to_storage: an hpint storage, or a database URL; the URL may be ``from_url`` itself, which puts
            hpint's tables beside Optuna's so that ``hpint.load_study(storage=from_url)`` then works.
        study_names: the studies to copy (default: all of them, in the order Optuna created them).

    Returns:
        The names of the copied studies.

    Raises:
        StorageSchemaError: ``from_url`` is not an Optuna database, or has a schema hpint does not read.
        StudyNotFoundError: a name in ``study_names`` is not in the Optuna database.
        DuplicatedStudyError: ``to_storage`` already has a study of that name (nothing is copied).

    Example::

        hpint.storages.import_optuna_studies("sqlite:///optuna.db", "sqlite:///optuna.db")
        study = hpint.load_study(study_name="demo", storage="sqlite:///optuna.db")
    """
    from hpint.storages._rdb.url import normalize_url

    wanted = check_study_names(study_names)
    url = normalize_url(from_url)
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            t.check_revision(conn, url)
            ids = _study_ids(conn, wanted, url)
        target, owned = _open_target(to_storage)
        try:
            _refuse_existing(target, ids)
            for name, study_id in ids.items():
                with engine.connect() as conn, conn.begin():
                    study = read_study(conn, study_id, name)
                write_study(target, study)
        finally:
            if owned:
                target.close()
    finally:
        engine.dispose()
    return list(ids)


def check_study_names(study_names: Sequence[str] | None) -> list[str] | None:
    if study_names is None:
        return None
    if isinstance(study_names, str) or not all(isinstance(n, str) for n in study_names):
        raise TypeError(f"`study_names` must be a list of study names or None, not {study_names!r}.")
    return list(dict.fromkeys(study_names))


def _study_ids(conn: sa.Connection, wanted: list[str] | None, url: str) -> dict[str, int]:
    """Name -> Optuna's study id of the studies to copy, in the order Optuna created them."""
    rows = conn.execute(
        sa.select(t.studies.c.study_name, t.studies.c.study_id).order_by(t.studies.c.study_id)
    )
    found = {name: int(study_id) for name, study_id in rows}
    if wanted is None:
        return found
    missing = [n for n in wanted if n not in found]
    if missing:
        raise StudyNotFoundError(
            f"No study named {missing} in the Optuna database {t.safe_url(url)}; it has {sorted(found)}."
        )
    return {name: found[name] for name in wanted}


def _open_target(to_storage: str | BaseStorage) -> tuple[BaseStorage, bool]:
    """The storage to write to, and whether this import opened it (and must close it)."""
    if isinstance(to_storage, BaseStorage):
        return to_storage, False
    if not isinstance(to_storage, str):
        raise TypeError(
            f"`to_storage` must be a database URL or an hpint storage, not {type(to_storage).__name__} "
            f"({to_storage!r})."
        )
    from hpint.storages import get_storage
    from hpint.storages._rdb.schema import create_schema_beside_optuna

    create_schema_beside_optuna(to_storage)  # the target may be the Optuna database itself
    return get_storage(to_storage), True


def _refuse_existing(target: BaseStorage, ids: dict[str, int]) -> None:
    taken = sorted(set(ids) & {s.study_name for s in target.get_all_studies()})
    if taken:
        raise DuplicatedStudyError(
            f"The target storage already has studies named {taken}; nothing was imported. Delete them "
            "(`hpint delete-study`) or import the others with `study_names`."
        )


def read_study(conn: sa.Connection, study_id: int, name: str) -> OptunaStudy:
    """One study with all its trials, from Optuna's tables (run it in one transaction)."""
    directions = conn.execute(
        sa.select(t.study_directions.c.direction)
        .where(t.study_directions.c.study_id == study_id)
        .order_by(t.study_directions.c.objective)
    ).scalars()
    user = _attrs(conn, t.study_user_attrs, t.study_user_attrs.c.study_id == study_id)
    system = _attrs(conn, t.study_system_attrs, t.study_system_attrs.c.study_id == study_id)
    return OptunaStudy(
        name=name,
        directions=[StudyDirection[d] for d in directions],
        user_attrs=user.get(study_id, {}),
        system_attrs=system.get(study_id, {}),
        trials=_read_trials(conn, study_id, name),
    )


def _read_trials(conn: sa.Connection, study_id: int, study_name: str) -> list[FrozenTrial]:
    rows = conn.execute(
        sa.select(t.trials).where(t.trials.c.study_id == study_id).order_by(t.trials.c.number)
    ).all()
    numbers = [row.number for row in rows]
    if numbers != list(range(len(rows))):
        raise StorageSchemaError(
            f"The trials of Optuna study {study_name!r} are not numbered 0 to {len(rows) - 1}; hpint numbers "
            "trials without gaps, so it cannot keep these numbers."
        )
    ids = sa.select(t.trials.c.trial_id).where(t.trials.c.study_id == study_id).scalar_subquery()
    values = _floats(conn, t.trial_values, "objective", "value", "value_type", ids)
    intermediate = _floats(
        conn, t.trial_intermediate_values, "step", "intermediate_value", "intermediate_value_type", ids
    )
    params = _params(conn, ids, study_name)
    user = _attrs(conn, t.trial_user_attrs, t.trial_user_attrs.c.trial_id.in_(ids))
    system = _attrs(conn, t.trial_system_attrs, t.trial_system_attrs.c.trial_id.in_(ids))
    trials = []
    for row in rows:
        trial_values = values.get(row.trial_id)
        distributions, internal = params.get(row.trial_id, ({}, {}))
        trials.append(
            FrozenTrial(
                number=row.number,
                state=TrialState[row.state],
                value=None,
                values=None if trial_values is None else [trial_values[k] for k in sorted(trial_values)],
                datetime_start=row.datetime_start,
                datetime_complete=row.datetime_complete,
                params={n: d.to_external_repr(internal[n]) for n, d in distributions.items()},
                distributions=distributions,
                user_attrs=user.get(row.trial_id, {}),
                system_attrs=system.get(row.trial_id, {}),
                intermediate_values=intermediate.get(row.trial_id, {}),
                trial_id=-1,
            )
        )
    return trials


def _floats(
    conn: sa.Connection, table: sa.Table, key: str, value: str, kind: str, ids: sa.ScalarSelect
) -> dict[int, dict[int, float]]:
    """trial id -> {objective or step: value} from a table of Optuna's (value, kind of float) pairs."""
    found: dict[int, dict[int, float]] = defaultdict(dict)
    columns = (table.c.trial_id, table.c[key], table.c[value], table.c[kind])
    for trial_id, k, v, v_kind in conn.execute(sa.select(*columns).where(table.c.trial_id.in_(ids))):
        found[trial_id][int(k)] = float(v) if v_kind == "FINITE" else _NON_FINITE[v_kind]
    return found


def _params(
    conn: sa.Connection, ids: sa.ScalarSelect, study_name: str
) -> dict[int, tuple[dict[str, BaseDistribution], dict[str, float]]]:
    """trial id -> ({name: distribution}, {name: internal value})."""
    p = t.trial_params.c
    found: dict[int, tuple[dict[str, BaseDistribution], dict[str, float]]] = defaultdict(lambda: ({}, {}))
    parsed: dict[str, BaseDistribution] = {}  # most trials repeat the same few distributions
    query = sa.select(p.trial_id, p.param_name, p.param_value, p.distribution_json).where(p.trial_id.in_(ids))
    for trial_id, name, value, text in conn.execute(query.order_by(p.param_id)):
        if text not in parsed:
            try:
                parsed[text] = json_to_distribution(text)
            except (ValueError, TypeError, KeyError) as e:
                raise StorageSchemaError(
                    f"Parameter {name!r} of a trial of Optuna study {study_name!r} has a distribution hpint "
                    f"does not read: {text!r} ({e})."
                ) from None
        distributions, internal = found[trial_id]
        distributions[name] = parsed[text]
        internal[name] = float(value)
    return found


def _attrs(conn: sa.Connection, table: sa.Table, where: sa.ColumnElement[bool]) -> dict[int, dict[str, Any]]:
    """owner id (study or trial) -> {key: decoded JSON value}."""
    owner = table.c.study_id if "study_id" in table.c else table.c.trial_id
    found: dict[int, dict[str, Any]] = defaultdict(dict)
    query = sa.select(owner, table.c.key, table.c.value_json).where(where)
    for owner_id, key, text in conn.execute(query):
        found[owner_id][key] = json.loads(text)
    return found


def write_study(target: BaseStorage, study: OptunaStudy) -> None:
    """Create ``study`` in ``target`` with its trials, numbered as in Optuna; undo it if a write fails."""
    study_id = target.create_new_study(study.directions, study.name)
    try:
        target.set_study_attrs(study_id, user_attrs=study.user_attrs, system_attrs=study.system_attrs)
        _add_trials(target, study_id, study.trials)
    except BaseException:
        target.delete_study(study_id)
        raise


def _add_trials(target: BaseStorage, study_id: int, trials: Iterable[FrozenTrial]) -> None:
    for trial in trials:
        created = target.create_new_trial(study_id, template_trial=trial)
        if created.number != trial.number:  # a worker adding trials to the new study meanwhile
            raise StorageSchemaError(
                f"Trial {trial.number} was stored as number {created.number}; another process is adding "
                "trials to the imported study. Import it again while nothing else writes to it."
            )
