"""The pure arithmetic of successive halving and Hyperband (``hpint.pruners._rungs``), by hand."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import zlib

import pytest

from hpint.pruners._rungs import (
    auto_min_resource,
    bracket_budgets,
    bracket_of,
    is_promotable,
    is_promotable_by_rank,
    n_brackets,
    n_promoted,
    rung_step,
)


@pytest.mark.parametrize(
    "min_resource, eta, rate, rung, expected",
    [
        (1, 3, 0, 0, 1),  # 1 * 3**0
        (1, 3, 0, 1, 3),  # 1 * 3**1
        (1, 3, 0, 3, 27),  # 1 * 3**3
        (2, 2, 1, 0, 4),  # 2 * 2**(1 + 0)
        (2, 2, 1, 2, 16),  # 2 * 2**(1 + 2)
        (5, 4, 2, 0, 80),  # 5 * 4**2
    ],
)
def test_rung_step(min_resource, eta, rate, rung, expected):
    assert rung_step(min_resource, eta, rate, rung) == expected


@pytest.mark.parametrize(
    "n, eta, expected",
    [
        (1, 3, 1),  # 1 // 3 = 0, but the best so far always goes on
        (2, 3, 1),
        (3, 3, 1),  # 3 // 3
        (5, 3, 1),  # 5 // 3
        (6, 3, 2),  # 6 // 3
        (9, 4, 2),  # 9 // 4
        (8, 2, 4),  # 8 // 2
    ],
)
def test_n_promoted(n, eta, expected):
    assert n_promoted(n, eta) == expected


def test_is_promotable_minimize_and_maximize():
    # [5, 3, 4, 1], eta 2: keep 4 // 2 = 2.
    # minimize: ascending [1, 3, 4, 5], cutoff 3 -> 1 and 3 go on, 4 and 5 do not
    assert [is_promotable(v, [5, 3, 4, 1], 2, maximize=False) for v in (1, 3, 4, 5)] == [
        True,
        True,
        False,
        False,
    ]
    # maximize: descending [5, 4, 3, 1], cutoff 4 -> 5 and 4 go on
    assert [is_promotable(v, [5, 3, 4, 1], 2, maximize=True) for v in (1, 3, 4, 5)] == [
        False,
        False,
        True,
        True,
    ]


def test_is_promotable_ties_and_the_first_arrivals():
    # [2, 2, 2], eta 3: keep 1, cutoff 2: a value tied with the cutoff goes on
    assert is_promotable(2.0, [2.0, 2.0, 2.0], 3, maximize=False) is True
    # alone at a rung: promoted; second of two with eta 3 (keep max(1, 0) = 1): only if best
    assert is_promotable(7.0, [7.0], 3, maximize=False) is True
    assert is_promotable(7.0, [1.0, 7.0], 3, maximize=False) is False
    assert is_promotable(0.5, [1.0, 0.5], 3, maximize=False) is True


@pytest.mark.parametrize(
    "last_step, expected",
    [(0, 1), (99, 1), (199, 1), (200, 2), (1000, 10)],  # max(1, last_step // 100)
)
def test_auto_min_resource(last_step, expected):
    assert auto_min_resource(last_step) == expected


@pytest.mark.parametrize(
    "min_resource, max_resource, eta, expected",
    [
        (1, 27, 3, 4),  # log3(27) = 3 -> 3 + 1
        (1, 26, 3, 3),  # log3(26) = 2.97 -> 2 + 1
        (1, 243, 3, 6),  # log3(243) = 5 exactly (a float log gives 4.999999999999999)
        (1, 1000, 10, 4),  # log10(1000) = 3 exactly (a float log gives 2.9999999999999996)
        (2, 20, 3, 3),  # log3(10) = 2.09 -> 2 + 1
        (5, 5, 2, 1),  # log2(1) = 0 -> 0 + 1
        (1, 4, 2, 3),  # log2(4) = 2 -> 2 + 1
    ],
)
def test_n_brackets_in_exact_integers(min_resource, max_resource, eta, expected):
    assert n_brackets(min_resource, max_resource, eta) == expected


def test_bracket_budgets_follow_the_hyperband_paper():
    # n = ceil((s_max + 1) * eta**s / (s + 1)), s = s_max - bracket
    # 4 brackets, eta 3: s=3: ceil(4*27/4)=27, s=2: ceil(4*9/3)=12, s=1: ceil(4*3/2)=6, s=0: 4
    assert bracket_budgets(4, 3) == [27, 12, 6, 4]
    # 3 brackets, eta 2: s=2: ceil(3*4/3)=4, s=1: ceil(3*2/2)=3, s=0: 3
    assert bracket_budgets(3, 2) == [4, 3, 3]
    # 2 brackets, eta 4: s=1: ceil(2*4/2)=4, s=0: 2
    assert bracket_budgets(2, 4) == [4, 2]
    assert bracket_budgets(1, 3) == [1]


def test_bracket_of_is_the_crc32_point_in_the_cumulative_budgets():
    """The CRC32 of "<study>_<number>" modulo the total budget, placed in cumulative budget bounds."""
    budgets = [27, 12, 6, 4]  # bounds: [0, 27) -> 0, [27, 39) -> 1, [39, 45) -> 2, [45, 49) -> 3
    bounds = [27, 39, 45, 49]
    for number in range(200):
        point = zlib.crc32(f"study_{number}".encode()) % 49
        expected = next(b for b, upper in enumerate(bounds) if point < upper)
        assert bracket_of("study", number, budgets) == expected


def test_bracket_of_spreads_trials_in_proportion_to_the_budgets():
    budgets = [27, 12, 6, 4]
    n = 4900
    counts = [0, 0, 0, 0]
    for number in range(n):
        counts[bracket_of("spread", number, budgets)] += 1
    for count, budget in zip(counts, budgets):
        expected = n * budget / 49  # 2700, 1200, 600, 400
        # binomial standard deviation sqrt(n p (1 - p)) is at most 35 here: allow 5 of them
        assert abs(count - expected) < 5 * 35, (counts, budgets)


def test_bracket_of_is_the_same_in_another_process_with_another_hash_seed():
    """Python's ``hash`` of a string changes between processes; the bracket must not."""
    code = (
        "from hpint.pruners._rungs import bracket_of;"
        "print([bracket_of('workers', n, [27, 12, 6, 4]) for n in range(50)])"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == str([bracket_of("workers", n, [27, 12, 6, 4]) for n in range(50)])


def test_is_promotable_by_rank_is_the_same_rule_from_counts():
    """Counting strictly better competitors (what a bisection in sorted values gives) decides the same as
    sorting all competitors, ties included."""
    rng = random.Random(0)
    for _ in range(2000):
        competitors = [float(rng.randint(0, 6)) for _ in range(rng.randint(1, 12))]
        value = rng.choice(competitors)  # the trial is one of the competitors
        eta = rng.randint(2, 4)
        for maximize in (False, True):
            n_better = sum(c > value if maximize else c < value for c in competitors)
            expected = is_promotable(value, competitors, eta, maximize)
            assert is_promotable_by_rank(n_better, len(competitors), eta) is expected
