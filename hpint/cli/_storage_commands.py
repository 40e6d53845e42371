"""CLI commands on a storage itself: ``hpint storage upgrade`` migrates its schema; ``import-optuna``
copies the studies of an Optuna database into hpint's tables."""

from __future__ import annotations

import argparse
import os

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
    p = storage_sub.add_parser(
        "import-optuna",
        help="copy the studies of an Optuna database into an hpint storage",
        description="Copies every study (or those named by --study) with all its trials, keeping trial "
        "numbers. The Optuna database is only read. TO_URL may be FROM_URL itself: hpint's tables are "
        "then created beside Optuna's.",
    )
    p.add_argument("from_url", metavar="FROM_URL", help="the Optuna database, e.g. sqlite:///optuna.db")
    p.add_argument("to_url", metavar="TO_URL", help="the hpint database, e.g. sqlite:///hpint.db")
    p.add_argument("--study", action="append", dest="studies", metavar="NAME", help="copy this study only")
    p.set_defaults(handler=_import_optuna)
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


def _import_optuna(args: argparse.Namespace) -> int:
    from hpint.storages import import_optuna_studies

    names = import_optuna_studies(args.from_url, args.to_url, study_names=args.studies)
    print(f"Imported {len(names)} {'study' if len(names) == 1 else 'studies'}: {', '.join(names) or '-'}.")
    return 0
