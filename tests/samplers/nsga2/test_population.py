"""The population in the storage: which generation a trial joins, and parents read back, not recomputed."""

from __future__ import annotations

import hpint
from hpint.distributions import FloatDistribution
from hpint.samplers import NSGAIISampler
from hpint.samplers._ga._population import GENERATION_KEY, current_generation
from hpint.trial import TrialState


def _trial(number: int, generation: int | None, state: TrialState = TrialState.COMPLETE) -> hpint.FrozenTrial:
    attrs = {} if generation is None else {GENERATION_KEY: generation}
    trial = hpint.create_trial(
        params={"x": 0.5},
        distributions={"x": FloatDistribution(0, 1)},
        value=1.0 if state == TrialState.COMPLETE else None,
        state=state,
        system_attrs=attrs,
    )
    trial.number = number
    return trial


def test_a_generation_is_full_with_population_size_complete_trials() -> None:
    assert current_generation([], 3) == 0
    gen0 = [_trial(0, 0), _trial(1, 0), _trial(2, 0, TrialState.RUNNING), _trial(3, 0, TrialState.FAIL)]
    assert current_generation(gen0, 3) == 0  # two COMPLETE of three: running and failed do not count
    assert current_generation([*gen0, _trial(4, 0)], 3) == 1
    assert current_generation([*gen0, _trial(4, 0), _trial(5, 1)], 3) == 1
    assert current_generation([_trial(0, None), _trial(1, None)], 3) == 0  # untagged (e.g. added) trials


def test_a_trial_tagged_out_of_order_by_a_slow_worker_still_counts() -> None:
    # Trial 6 got generation 1 (a worker read the study before trials 4 and 5 were tagged 2), trial 7
    # starts generation 2. Trials 4, 5, 7 are generation 2's: two COMPLETE, so not full at 3.
    trials = [_trial(i, 0) for i in range(2)] + [_trial(2, 1), _trial(3, 1)]
    trials += [_trial(4, 2), _trial(5, 2), _trial(6, 1), _trial(7, 2, TrialState.RUNNING)]
    assert current_generation(trials, 3) == 2
    trials[7] = _trial(7, 2)
    assert current_generation(trials, 3) == 3


def _objective(trial: hpint.Trial) -> tuple[float, float]:
    x = trial.suggest_float("x", 0, 1)
    return x, 1 - x


def _inherit_only_sampler() -> NSGAIISampler:
    return NSGAIISampler(population_size=4, seed=0, mutation_prob=0.0, crossover_prob=0.0)


def test_stored_parents_are_read_back_and_the_smallest_writer_wins() -> None:
    hpint.logging.set_verbosity(hpint.logging.WARNING)
    study = hpint.create_study(directions=["minimize", "minimize"], sampler=_inherit_only_sampler())
    study.optimize(_objective, n_trials=5)  # trial 4 starts generation 1: it computes and stores its parents
    assert len(study.system_attrs["nsga2:parents:1:4"]) == 4
    assert study.trials[4].system_attrs["nsga2:parents"] == 4
    # A worker that started trial 3 stored another list at the same instant: the smaller number wins, for
    # the sampler that wrote list 4 (it re-reads the storage at its next trial) and for a fresh sampler.
    study.set_system_attr("nsga2:parents:1:3", [0, 1])
    study.optimize(_objective, n_trials=1)
    study.sampler = _inherit_only_sampler()
    study.optimize(_objective, n_trials=1)
    first_two = (study.trials[0].params["x"], study.trials[1].params["x"])
    for t in study.trials[5:]:
        assert t.system_attrs[GENERATION_KEY] == 1 and t.system_attrs["nsga2:parents"] == 3
        assert t.params["x"] in first_two
