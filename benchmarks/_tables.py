"""Table pieces the sampler benchmarks share: a result per checkpoint, summarised over seeds."""

from __future__ import annotations

import math
import statistics


def print_checkpoint_header(title: str, checkpoints: list[int]) -> None:
    """``## title``, then the header of a table with one column per checkpoint and the time per run."""
    print(f"\n## {title}, mean +- standard error / median\n")
    header = "| problem | sampler | " + " | ".join(f"{c} trials" for c in checkpoints) + " | s/run |"
    print(header)
    print("|" + "---|" * (header.count("|") - 1))


def summary(values: list[float]) -> str:
    """``mean +- standard error / median`` of one checkpoint over seeds; ``-`` if a run stopped earlier."""
    if any(math.isnan(v) for v in values):
        return "-"
    se = statistics.stdev(values) / math.sqrt(len(values)) if len(values) > 1 else math.nan
    return f"{statistics.mean(values):.4g} +- {se:.2g} / {statistics.median(values):.4g}"
