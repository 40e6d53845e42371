"""The arithmetic of successive halving and Hyperband, as pure functions tested on their own.

A *rung* is a checkpoint in a trial's life: rung ``k`` of a bracket with early-stopping rate ``s`` is
reached at step ``min_resource * reduction_factor ** (s + k)``. A trial reaching a rung competes with every
trial that reached it before; it goes on only if it is among the best ``1 / reduction_factor`` of them.
"""

from __future__ import annotations

import zlib


def rung_step(min_resource: int, reduction_factor: int, min_early_stopping_rate: int, rung: int) -> int:
    """The step at which a trial completes ``rung`` (and is judged for promotion to the next one)."""
    return min_resource * reduction_factor ** (min_early_stopping_rate + rung)


def n_promoted(n_competitors: int, reduction_factor: int) -> int:
    """How many of ``n_competitors`` in a rung go on: the top ``1 / reduction_factor``, at least one.

    At least one, because an asynchronous pruner cannot pause the first trials of a rung until enough
    others arrive: the best trial so far always goes on.
    """
    return max(1, n_competitors // reduction_factor)


def is_promotable(value: float, competitors: list[float], reduction_factor: int, maximize: bool) -> bool:
    """Whether ``value`` ranks within the top ``n_promoted`` of ``competitors`` (which include it).

    Ties with the last promoted value are promoted.
    """
    k = n_promoted(len(competitors), reduction_factor)
    ordered = sorted(competitors, reverse=maximize)
    cutoff = ordered[k - 1]
    return value >= cutoff if maximize else value <= cutoff


def is_promotable_by_rank(n_better: int, n_competitors: int, reduction_factor: int) -> bool:
    """:func:`is_promotable` from counts: a value goes on iff fewer than ``n_promoted(n_competitors)`` of
    the competitors (which include it) are strictly better than it, so ties with the cutoff go on.

    Lets a caller count with a bisection in sorted values instead of sorting every competitor again.
    """
    return n_better < n_promoted(n_competitors, reduction_factor)


def auto_min_resource(last_step: int) -> int:
    """The "auto" minimum resource from the largest step a completed trial reported: ``last_step // 100``,
    at least 1 (Optuna's rule: a 0-based 200-step trial, last step 199, gives 1)."""
    return max(1, last_step // 100)


def n_brackets(min_resource: int, max_resource: int, reduction_factor: int) -> int:
    """Hyperband's bracket count: ``floor(log_reduction_factor(max_resource / min_resource)) + 1``.

    Computed with integers, so e.g. 27 / 1 with factor 3 gives exactly 4 (floating logs give 3.0000001).
    """
    count = 1
    while min_resource * reduction_factor**count <= max_resource:
        count += 1
    return count


def bracket_budgets(n_brackets_: int, reduction_factor: int) -> list[int]:
    """How many trials each bracket gets per Hyperband round (bracket ``b`` has early-stopping rate ``b``).

    The Hyperband paper's ``n = ceil((s_max + 1) / (s + 1) * eta ** s)`` with ``s = s_max - b``: bracket 0
    starts the most trials on the least resource, the last bracket runs a few trials without pruning.
    """
    s_max = n_brackets_ - 1
    budgets = []
    for b in range(n_brackets_):
        s = s_max - b
        # (s_max + 1) * eta**s / (s + 1), rounded up, in integers.
        budgets.append(-(-(s_max + 1) * reduction_factor**s // (s + 1)))
    return budgets


def bracket_of(study_name: str, trial_number: int, budgets: list[int]) -> int:
    """The bracket of a trial: a hash of study name and trial number, spread in proportion to ``budgets``.

    A CRC32 rather than Python's ``hash``, which is salted per process: every worker sharing the storage
    must put a trial in the same bracket.
    """
    point = zlib.crc32(f"{study_name}_{trial_number}".encode()) % sum(budgets)
    for bracket, budget in enumerate(budgets):
        if point < budget:
            return bracket
        point -= budget
    raise AssertionError("unreachable: point < sum(budgets)")
