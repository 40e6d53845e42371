"""``Study.trials_dataframe``: trials as a pandas DataFrame (pandas is an optional extra)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from hpint.study._study import Study

_NESTED = ("params", "user_attrs", "system_attrs", "intermediate_values")


def _import_pandas() -> Any:
    try:
        import pandas
    except ImportError as e:
        raise ImportError('Study.trials_dataframe needs pandas: pip install "hpint[pandas]"') from e
    return pandas


def trials_dataframe(study: Study, attrs: tuple[str, ...], multi_index: bool) -> pd.DataFrame:
    """One row per trial; nested attributes become ``params_<name>`` columns (or a MultiIndex)."""
    pd = _import_pandas()
    trials = study.get_trials(deepcopy=False)
    value_names = _value_columns(study)
    rows: list[dict[tuple[str, str], Any]] = []
    for t in trials:
        row: dict[tuple[str, str], Any] = {}
        for attr in attrs:
            if attr in ("value", "values"):
                values = t.values if t.values is not None else [None] * len(value_names)
                if len(value_names) == 1 and value_names[0] == "value":
                    row[("value", "")] = values[0]
                else:
                    for name, v in zip(value_names, values):
                        row[("values", name)] = v
            elif attr in _NESTED:
                for key, v in getattr(t, attr).items():
                    row[(attr, str(key))] = v
            elif attr == "state":
                row[("state", "")] = t.state.name
            else:
                row[(attr, "")] = getattr(t, attr)
        rows.append(row)
    seen: dict[tuple[str, str], None] = {}
    for row in rows:
        seen.update(dict.fromkeys(row))
    # Group by attribute in the order asked for; within one, objectives keep their order, names sort.
    columns = sorted(seen, key=_column_order(attrs))
    frame = pd.DataFrame(
        [[row.get(c) for c in columns] for row in rows],
        columns=pd.MultiIndex.from_tuples(columns) if columns else None,
    )
    if not multi_index and columns:
        frame.columns = ["_".join(part for part in c if part) for c in columns]
    return frame


def _value_columns(study: Study) -> list[str]:
    names = study.metric_names
    if names:
        return list(names)
    if len(study.directions) == 1:
        return ["value"]
    return [str(i) for i in range(len(study.directions))]


def _column_order(attrs: tuple[str, ...]) -> Any:
    order = {a: i for i, a in enumerate(attrs)}
    order.setdefault("values", order.get("value", 0))

    def key(column: tuple[str, str]) -> tuple[int, str]:
        return (order.get(column[0], len(order)), "" if column[0] == "values" else column[1])

    return key
