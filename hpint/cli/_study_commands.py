"""CLI commands on studies: create, delete, list, show trials, optimize a function from a file, ask/tell."""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
from collections.abc import Sequence
from typing import Any

from hpint.exceptions import CLIUsageError
from hpint.storages._base import BaseStorage

STORAGE_ENV = "HPINT_STORAGE"
#: ``--storage-class`` values, Optuna's names: a database, or a journal file (old and new name).
STORAGE_CLASSES = ("RDBStorage", "JournalFileBackend", "JournalFileStorage")


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("create-study", help="create a study and print its name")
    _storage_arg(p)
    p.add_argument("--study-name", default=None)
    p.add_argument("--direction", default=None, choices=["minimize", "maximize"])
    p.add_argument("--directions", nargs="+", default=None, choices=["minimize", "maximize"])
    p.add_argument("--skip-if-exists", action="store_true", help="reuse an existing study of that name")
    p.set_defaults(handler=_create_study)

    p = subparsers.add_parser("delete-study", help="delete a study and its trials")
    _storage_arg(p)
    p.add_argument("--study-name", required=True)
    p.set_defaults(handler=_delete_study)

    p = subparsers.add_parser("studies", help="list the studies in a storage")
    _storage_arg(p)
    _format_arg(p)
    p.set_defaults(handler=_studies)

    for name, handler, help_text in (
        ("trials", _trials, "list a study's trials"),
        ("best-trial", _best_trial, "show the best trial"),
        ("best-trials", _best_trials, "show the Pareto-optimal trials"),
    ):
        p = subparsers.add_parser(name, help=help_text)
        _storage_arg(p)
        p.add_argument("--study-name", required=True)
        _format_arg(p)
        p.set_defaults(handler=handler)

    study = subparsers.add_parser("study", help="commands on one study")
    study_sub = study.add_subparsers(dest="study_command", metavar="COMMAND")
    p = study_sub.add_parser("optimize", help="run FUNCTION from FILE as the objective")
    p.add_argument("file", help="a Python file defining the objective")
    p.add_argument("method", help="the objective's name in FILE")
    _storage_arg(p)
    p.add_argument("--study-name", required=True)
    p.add_argument("--n-trials", type=int, default=None)
    p.add_argument("--timeout", type=float, default=None)
    p.add_argument("--n-jobs", type=int, default=1)
    p.set_defaults(handler=_optimize)
    p = study_sub.add_parser("set-user-attr", help="set a study user attribute")
    _storage_arg(p)
    p.add_argument("--study-name", required=True)
    p.add_argument("--key", "-k", required=True)
    p.add_argument("--value", "-v", required=True)
    p.set_defaults(handler=_set_user_attr)

    p = subparsers.add_parser("ask", help="start a trial and print its number and parameters as JSON")
    _storage_arg(p)
    p.add_argument("--study-name", required=True)
    p.add_argument(
        "--search-space",
        default=None,
        help='JSON object of name -> distribution JSON, e.g. {"x": {"name": "FloatDistribution", '
        '"attributes": {"low": 0, "high": 1}}}',
    )
    p.set_defaults(handler=_ask)

    p = subparsers.add_parser("tell", help="finish a trial started with `ask`")
    _storage_arg(p)
    p.add_argument("--study-name", required=True)
    p.add_argument("--trial-number", type=int, required=True)
    p.add_argument("--values", type=float, nargs="+", default=None)
    p.add_argument("--state", default=None, choices=["complete", "pruned", "fail"])
    p.add_argument("--skip-if-finished", action="store_true")
    p.set_defaults(handler=_tell)


def _storage_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--storage",
        default=os.environ.get(STORAGE_ENV),
        help=f"database URL (sqlite:///study.db) or journal file path (default: ${STORAGE_ENV})",
    )
    p.add_argument(
        "--storage-class",
        default=None,
        choices=STORAGE_CLASSES,
        help="what --storage names (Optuna's hint); by default a URL is a database, else a journal file",
    )


def _format_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("-f", "--format", default="table", choices=["table", "json"])


def _storage(args: argparse.Namespace) -> str | BaseStorage:
    """The storage ``--storage`` and ``--storage-class`` name: a database URL, or a journal file's storage."""
    if not args.storage:
        raise CLIUsageError(
            f"--storage is required (or set ${STORAGE_ENV}), e.g. --storage sqlite:///study.db"
        )
    storage_class = getattr(args, "storage_class", None)
    if storage_class == "RDBStorage" or (storage_class is None and "://" in args.storage):
        return str(args.storage)
    from hpint.storages import JournalStorage
    from hpint.storages.journal import JournalFileBackend

    return JournalStorage(JournalFileBackend(str(args.storage)))


def _create_study(args: argparse.Namespace) -> int:
    import hpint

    study = hpint.create_study(
        storage=_storage(args),
        study_name=args.study_name,
        direction=args.direction,
        directions=args.directions,
        load_if_exists=args.skip_if_exists,
    )
    print(study.study_name)
    return 0


def _delete_study(args: argparse.Namespace) -> int:
    import hpint

    hpint.delete_study(study_name=args.study_name, storage=_storage(args))
    return 0


def _studies(args: argparse.Namespace) -> int:
    import hpint

    rows = []
    for s in hpint.get_all_study_summaries(_storage(args), include_best_trial=False):
        rows.append(
            {
                "name": s.study_name,
                "direction": [d.name for d in s.directions],
                "n_trials": s.n_trials,
                "datetime_start": str(s.datetime_start) if s.datetime_start else None,
            }
        )
    _print(rows, args.format)
    return 0


def _trial_row(t: Any) -> dict[str, Any]:
    return {
        "number": t.number,
        "values": t.values,
        "datetime_start": str(t.datetime_start) if t.datetime_start else None,
        "datetime_complete": str(t.datetime_complete) if t.datetime_complete else None,
        "duration": str(t.duration) if t.duration else None,
        "params": t.params,
        "user_attrs": t.user_attrs,
        "state": t.state.name,
    }


def _load(args: argparse.Namespace) -> Any:
    import hpint

    return hpint.load_study(study_name=args.study_name, storage=_storage(args))


def _trials(args: argparse.Namespace) -> int:
    _print([_trial_row(t) for t in _load(args).get_trials(deepcopy=False)], args.format)
    return 0


def _best_trial(args: argparse.Namespace) -> int:
    _print([_trial_row(_load(args).best_trial)], args.format)
    return 0


def _best_trials(args: argparse.Namespace) -> int:
    _print([_trial_row(t) for t in _load(args).best_trials], args.format)
    return 0


def _set_user_attr(args: argparse.Namespace) -> int:
    _load(args).set_user_attr(args.key, args.value)
    return 0


def _optimize(args: argparse.Namespace) -> int:
    spec = importlib.util.spec_from_file_location("hpint_user_objective", args.file)
    if spec is None or spec.loader is None:
        raise CLIUsageError(f"Cannot load a Python module from {args.file!r}.")
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, os.path.dirname(os.path.abspath(args.file)))
    spec.loader.exec_module(module)
    objective = getattr(module, args.method, None)
    if not callable(objective):
        raise CLIUsageError(f"{args.file!r} defines no function {args.method!r}.")
    _load(args).optimize(objective, n_trials=args.n_trials, timeout=args.timeout, n_jobs=args.n_jobs)
    return 0


def _ask(args: argparse.Namespace) -> int:
    from hpint.distributions import json_to_distribution

    space = {}
    if args.search_space:
        raw = json.loads(args.search_space)
        if not isinstance(raw, dict):
            raise CLIUsageError(f"--search-space must be a JSON object, not {args.search_space!r}.")
        space = {name: json_to_distribution(json.dumps(d)) for name, d in raw.items()}
    trial = _load(args).ask(fixed_distributions=space)
    print(json.dumps({"number": trial.number, "params": trial.params}))
    return 0


def _tell(args: argparse.Namespace) -> int:
    from hpint.trial import TrialState

    state = None if args.state is None else TrialState[args.state.upper()]
    values: Sequence[float] | None = args.values
    frozen = _load(args).tell(args.trial_number, values, state=state, skip_if_finished=args.skip_if_finished)
    print(json.dumps({"number": frozen.number, "state": frozen.state.name, "values": frozen.values}))
    return 0


def _print(rows: list[dict[str, Any]], fmt: str) -> None:
    if fmt == "json":
        print(json.dumps(rows, default=str, indent=2))
        return
    if not rows:
        print("(none)")
        return
    columns = list(rows[0])
    cells = [[_cell(r.get(c)) for c in columns] for r in rows]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(columns)]
    line = "+" + "+".join("-" * (w + 2) for w in widths) + "+"
    print(line)
    print("| " + " | ".join(c.ljust(w) for c, w in zip(columns, widths)) + " |")
    print(line)
    for row in cells:
        print("| " + " | ".join(v.ljust(w) for v, w in zip(row, widths)) + " |")
    print(line)


def _cell(value: Any) -> str:
    return "" if value is None else str(value)
