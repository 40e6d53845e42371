"""CLI commands on a storage itself: ``hpint storage upgrade`` migrates its schema; ``import-optuna``
and ``export-optuna`` copy studies between an Optuna database and hpint."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable

from hpint.exceptions import CLIUsageError

STORAGE_ENV = "HPINT_STORAGE"


def register(subparsers: argparse._SubParsersAction) -> None:
    storage = subparsers.add_parser("storage", help="manage a storage (database schema)")
    storage_sub = storage.add_subparsers(dest="storage_command", metavar="COMMAND")
    p = storage_sub.add_parser(
        "upgrade",
        help="migrate a database created by an older hpint to the current schema",
        description="Stop every worker using the storage and back the database up before upgrading.",
    )
    p.add_argument(
        "--storage",
        default=os.environ.get(STORAGE_ENV),
        help=f"database URL, e.g. sqlite:///study.db (default: ${STORAGE_ENV})",
    )
    p.set_defaults(handler=_upgrade)
    _add_optuna_copy(
        storage_sub,
        "import",
        "copy the studies of an Optuna database into an hpint storage",
        "The Optuna database is only read. TO_URL may be FROM_URL itself: hpint's tables are then created "
        "beside Optuna's.",
        ("the Optuna database, e.g. sqlite:///optuna.db", "the hpint database, e.g. sqlite:///hpint.db"),
    )
    _add_optuna_copy(
        storage_sub,
        "export",
        "copy hpint studies into an Optuna database (for Optuna and optuna-dashboard)",
        "Creates Optuna 5.0.0's tables in TO_URL if it has none.",
        ("the hpint database, e.g. sqlite:///hpint.db", "the Optuna database, e.g. sqlite:///optuna.db"),
    )
    storage.set_defaults(handler=lambda args: _missing_subcommand(storage))


def _missing_subcommand(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def _upgrade(args: argparse.Namespace) -> int:
    if not args.storage:
        raise CLIUsageError(f"Pass --storage URL (or set ${STORAGE_ENV}).")
    from hpint.storages import upgrade_storage

    before, after = upgrade_storage(args.storage)
    if before == after:
        print(f"The storage is up to date (schema revision {after}).")
    else:
        print(f"Upgraded the storage schema from revision {before or '(empty)'} to {after}.")
    return 0


def _add_optuna_copy(
    subparsers: argparse._SubParsersAction, direction: str, help: str, note: str, url_help: tuple[str, str]
) -> None:
    p = subparsers.add_parser(
        f"{direction}-optuna",
        help=help,
        description=f"Copies every study (or those named by --study) with all its trials, keeping trial "
        f"numbers. {note}",
    )
    p.add_argument("from_url", metavar="FROM_URL", help=url_help[0])
    p.add_argument("to_url", metavar="TO_URL", help=url_help[1])
    p.add_argument("--study", action="append", dest="studies", metavar="NAME", help="copy this study only")
    p.set_defaults(handler=_copy_optuna(direction))


def _copy_optuna(direction: str) -> Callable[[argparse.Namespace], int]:
    """The handler of ``import-optuna`` or ``export-optuna``."""

    def handler(args: argparse.Namespace) -> int:
        import hpint.storages

        copy = getattr(hpint.storages, f"{direction}_optuna_studies")
        names = copy(args.from_url, args.to_url, study_names=args.studies)
        what = "study" if len(names) == 1 else "studies"
        print(f"{direction.capitalize()}ed {len(names)} {what}: {', '.join(names) or '-'}.")
        return 0

    return handler
