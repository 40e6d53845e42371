"""Read trials and studies from rows: one query per table, however many trials are read."""

from __future__ import annotations

import datetime
import functools
import json
from typing import Any

import sqlalchemy as sa

from hpint._direction import StudyDirection
from hpint.distributions import BaseDistribution, json_to_distribution
from hpint.storages._base import FrozenStudy
from hpint.storages._rdb.models import (
    decode_float,
    studies,
    study_attrs,
    trial_attrs,
    trial_intermediate_values,
    trial_params,
    trials,
)
from hpint.trial._frozen import FrozenTrial
from hpint.trial._state import TrialState

# Past this many trials, children are selected through a subquery rather than a list of ids, which
# would hit SQLite's limit on bound parameters.
_MAX_IDS_IN_LIST = 500


@functools.lru_cache(maxsize=4096)
def parse_distribution(text: str) -> BaseDistribution:
    """Distributions repeat across trials: parse each distinct JSON text once."""
    return json_to_distribution(text)


def trials_query(where: sa.ColumnElement[bool]) -> sa.Select:
    """The query :func:`load_trials` runs first; build it once for a hot ``where`` with bound parameters."""
    return sa.select(trials).where(where).order_by(trials.c.number)


def changes_probe(changed: sa.ColumnElement[bool]) -> sa.Select:
    """``(trial_id, number, state)`` of a study's trials matching ``changed`` (bound: ``sid``).

    The study's row outer-joined to those trials, so one statement both tells what changed and whether the
    study exists: a row of NULL trial columns when nothing changed, no row when the study is gone.
    """
    return (
        sa.select(trials.c.trial_id, trials.c.number, trials.c.state)
        .select_from(studies.outerjoin(trials, (trials.c.study_id == studies.c.study_id) & changed))
        .where(studies.c.study_id == sa.bindparam("sid"))
        .order_by(trials.c.number)
    )


def load_trials(
    conn: sa.Connection,
    where: sa.ColumnElement[bool],
    params: dict[str, Any] | None = None,
    query: sa.Select | None = None,
) -> list[FrozenTrial]:
    """The trials matching ``where``, ordered by number, with their params, attributes and values.

    ``params`` bind the parameters of ``where``; ``query`` is ``trials_query(where)`` when the caller
    built it once (building statements is a measurable share of a read that finds nothing new).
    """
    params = params or {}
    rows = conn.execute(trials_query(where) if query is None else query, params).all()
    if not rows:
        return []
    ids = [r.trial_id for r in rows]
    if len(ids) <= _MAX_IDS_IN_LIST:

        def owned_by(table: sa.Table) -> sa.ColumnElement[bool]:
            return table.c.trial_id.in_(ids)
    else:
        subquery = sa.select(trials.c.trial_id).where(where).scalar_subquery()

        def owned_by(table: sa.Table) -> sa.ColumnElement[bool]:
            return table.c.trial_id.in_(subquery)

    by_id: dict[int, FrozenTrial] = {}
    for r in rows:
        by_id[r.trial_id] = FrozenTrial(
            number=r.number,
            state=TrialState(r.state),
            value=None,
            values=None if r.values_json is None else json.loads(r.values_json),
            datetime_start=r.datetime_start,
            datetime_complete=r.datetime_complete,
            params={},
            distributions={},
            user_attrs={},
            system_attrs={},
            intermediate_values={},
            trial_id=r.trial_id,
        )
    for trial_id, name, value, kind, dist_json in conn.execute(
        sa.select(
            trial_params.c.trial_id,
            trial_params.c.name,
            trial_params.c.value,
            trial_params.c.value_kind,
            trial_params.c.distribution_json,
        ).where(owned_by(trial_params)),
        params,
    ):
        t = by_id.get(trial_id)
        if t is None:
            continue
        dist = parse_distribution(dist_json)
        t._distributions[name] = dist
        t._params[name] = dist.to_external_repr(decode_float(value, kind))
    for trial_id, is_system, key, value_json in conn.execute(
        sa.select(
            trial_attrs.c.trial_id, trial_attrs.c.is_system, trial_attrs.c.key, trial_attrs.c.value_json
        ).where(owned_by(trial_attrs)),
        params,
    ):
        t = by_id.get(trial_id)
        if t is not None:
            (t._system_attrs if is_system else t._user_attrs)[key] = json.loads(value_json)
    iv = trial_intermediate_values
    for trial_id, step, value, kind in conn.execute(
        sa.select(iv.c.trial_id, iv.c.step, iv.c.value, iv.c.value_kind)
        .where(owned_by(iv))
        .order_by(iv.c.step),
        params,
    ):
        t = by_id.get(trial_id)
        if t is not None:
            t.intermediate_values[step] = decode_float(value, kind)
    return list(by_id.values())


def load_studies(conn: sa.Connection, where: sa.ColumnElement[bool] | None = None) -> list[FrozenStudy]:
    """Study records (with attributes) matching ``where``, ordered by id."""
    query = sa.select(studies.c.study_id, studies.c.study_name, studies.c.directions)
    if where is not None:
        query = query.where(where)
    result: dict[int, FrozenStudy] = {}
    for study_id, name, directions in conn.execute(query.order_by(studies.c.study_id)):
        result[study_id] = FrozenStudy(study_id, name, [StudyDirection[d] for d in json.loads(directions)])
    if not result:
        return []
    attrs_query = sa.select(study_attrs)
    if len(result) <= _MAX_IDS_IN_LIST:
        attrs_query = attrs_query.where(study_attrs.c.study_id.in_(list(result)))
    for study_id, is_system, key, value_json in conn.execute(attrs_query):
        study = result.get(study_id)
        if study is not None:
            (study.system_attrs if is_system else study.user_attrs)[key] = json.loads(value_json)
    return list(result.values())


def attr_rows(owner: dict[str, Any], attrs: dict[str, str], is_system: bool) -> list[dict[str, Any]]:
    """Rows for an attribute table: ``owner`` holds the id column, ``attrs`` maps key -> JSON text."""
    return [{**owner, "is_system": is_system, "key": k, "value_json": v} for k, v in attrs.items()]


def now() -> datetime.datetime:
    return datetime.datetime.now()
