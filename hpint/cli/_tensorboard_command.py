"""``hpint tensorboard export``: rebuild TensorBoard's HParams view of a stored study."""

from __future__ import annotations

import argparse
import os

from hpint.cli._study_commands import STORAGE_ENV, _storage


def register(subparsers: argparse._SubParsersAction) -> None:
    tensorboard = subparsers.add_parser("tensorboard", help="TensorBoard HParams views of studies")
    sub = tensorboard.add_subparsers(dest="tensorboard_command", metavar="COMMAND")
    p = sub.add_parser(
        "export",
        help="write every trial of a stored study as an HParams session under LOGDIR",
        description="Write every trial of a stored study as a session of TensorBoard's HParams dashboard "
        "(no TensorFlow needed); then run `tensorboard --logdir LOGDIR`. Running it again rewrites the "
        "same files.",
    )
    p.add_argument(
        "--storage",
        default=os.environ.get(STORAGE_ENV),
        help=f"database URL, e.g. sqlite:///study.db (default: ${STORAGE_ENV})",
    )
    p.add_argument("--study-name", required=True)
    p.add_argument("--logdir", required=True, help="the directory to give to `tensorboard --logdir`")
    p.add_argument(
        "--metric-name",
        nargs="+",
        default=None,
        help="name(s) of the objective metric(s) (default: the study's metric names, else `value`)",
    )
    p.set_defaults(handler=_export)


def _export(args: argparse.Namespace) -> int:
    import hpint
    from hpint.integrations.tensorboard import export_study

    study = hpint.load_study(study_name=args.study_name, storage=_storage(args))
    names = args.metric_name
    metric_name = names[0] if names is not None and len(names) == 1 else names
    count = export_study(study, args.logdir, metric_name=metric_name)
    print(
        f"Wrote {count} sessions of study {study.study_name!r} to {args.logdir}; "
        f"view them with: tensorboard --logdir {args.logdir}"
    )
    return 0
