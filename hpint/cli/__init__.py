"""The ``hpint`` command line: manage studies in a storage, run objectives, export to TensorBoard.

Each group of commands lives in its own module with a ``register(subparsers)`` function; this module only
assembles them, so adding a command means adding a module to ``_COMMAND_MODULES``.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from hpint.exceptions import HpintError

__all__ = ["main", "build_parser"]

_COMMAND_MODULES = (
    "hpint.cli._study_commands",
    "hpint.cli._storage_commands",
    "hpint.cli._tensorboard_command",
)


def build_parser() -> argparse.ArgumentParser:
    from hpint.version import __version__

    parser = argparse.ArgumentParser(prog="hpint", description="hpint: hyperparameter optimisation.")
    parser.add_argument("--version", action="version", version=f"hpint {__version__}")
    parser.add_argument("-q", "--quiet", action="store_true", help="show warnings and errors only")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in _COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as e:
            if e.name == name:  # a command group not present in this build
                continue
            raise
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``hpint`` script; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "handler", None) is None:
        parser.print_help()
        return 2
    if args.quiet:
        from hpint import logging as _logging

        _logging.set_verbosity(_logging.WARNING)
    try:
        return int(args.handler(args) or 0)
    except (HpintError, ValueError, KeyError, ImportError) as e:
        print(f"hpint: error: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
