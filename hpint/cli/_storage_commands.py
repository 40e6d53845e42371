"""CLI commands on a storage itself: ``hpint storage upgrade`` migrates its schema."""

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
