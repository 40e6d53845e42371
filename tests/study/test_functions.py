import pytest

import hpint
from hpint.exceptions import DuplicatedStudyError, StudyNotFoundError
from hpint.trial import TrialState


def quadratic(trial):
    x = trial.suggest_float("x", -10, 10)
    return (x - 2) ** 2


def test_create_study_defaults(storage_url):
    study = hpint.create_study(storage=storage_url)
    assert study.direction == hpint.StudyDirection.MINIMIZE
    assert study.study_name.startswith("no-name-")
    assert isinstance(study.pruner, hpint.pruners.MedianPruner)


@pytest.mark.parametrize("direction", ["MAXIMIZE", "Maximize", hpint.StudyDirection.MAXIMIZE])
def test_direction_forms(direction):
    assert hpint.create_study(direction=direction).direction == hpint.StudyDirection.MAXIMIZE


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"direction": "up"}, r"`direction` must be 'minimize' or 'maximize', not 'up'"),
        ({"directions": ["minimize", "sideways"]}, r"`directions` must be .* not 'sideways'"),
        ({"direction": "minimize", "directions": ["minimize"]}, "only one of"),
        ({"directions": []}, "at least one"),
    ],
)
def test_bad_directions_raise(kwargs, match):
    with pytest.raises(ValueError, match=match):
        hpint.create_study(**kwargs)


def test_duplicate_name_raises_unless_load_if_exists(storage_url):
    if storage_url is None:
        storage_url = hpint.storages.InMemoryStorage()
    study = hpint.create_study(storage=storage_url, study_name="s")
    study.optimize(quadratic, n_trials=3)
    with pytest.raises(DuplicatedStudyError, match="'s' already exists"):
        hpint.create_study(storage=storage_url, study_name="s")
    resumed = hpint.create_study(storage=storage_url, study_name="s", load_if_exists=True)
    assert len(resumed.trials) == 3
    resumed.optimize(quadratic, n_trials=2)
    assert [t.number for t in resumed.trials] == [0, 1, 2, 3, 4]
    with pytest.raises(ValueError, match="exists with directions"):
        hpint.create_study(storage=storage_url, study_name="s", direction="maximize", load_if_exists=True)


def test_load_delete_names_summaries(storage_url):
    storage = storage_url if storage_url is not None else hpint.storages.InMemoryStorage()
    a = hpint.create_study(storage=storage, study_name="a")
    a.optimize(quadratic, n_trials=4)
    hpint.create_study(storage=storage, study_name="b", directions=["minimize", "maximize"])
    assert sorted(hpint.get_all_study_names(storage)) == ["a", "b"]
    summaries = {s.study_name: s for s in hpint.get_all_study_summaries(storage)}
    assert summaries["a"].n_trials == 4
    assert summaries["a"].best_trial.value == a.best_value
    assert summaries["b"].best_trial is None and len(summaries["b"].directions) == 2
    loaded = hpint.load_study(study_name="a", storage=storage)
    assert loaded.best_params == a.best_params
    hpint.delete_study(study_name="a", storage=storage)
    assert hpint.get_all_study_names(storage) == ["b"]
    with pytest.raises(StudyNotFoundError, match="No study with name 'a'"):
        hpint.load_study(study_name="a", storage=storage)
    with pytest.raises(KeyError):  # Optuna scripts catch KeyError
        hpint.delete_study(study_name="a", storage=storage)


def test_copy_study_keeps_finished_trials_and_attrs(storage_url):
    source_storage = storage_url if storage_url is not None else hpint.storages.InMemoryStorage()
    source = hpint.create_study(storage=source_storage, study_name="src")
    source.set_user_attr("owner", "me")
    source.optimize(quadratic, n_trials=3)
    source.ask()  # RUNNING trial: not copied
    target_storage = hpint.storages.InMemoryStorage()
    hpint.copy_study(from_study_name="src", from_storage=source_storage, to_storage=target_storage)
    copied = hpint.load_study(study_name="src", storage=target_storage)
    assert [t.params for t in copied.trials] == [t.params for t in source.trials[:3]]
    assert copied.user_attrs == {"owner": "me"}
    assert all(t.state == TrialState.COMPLETE for t in copied.trials)


def test_copy_study_from_memory_into_sqlite_and_back(tmp_path):
    pytest.importorskip("sqlalchemy")
    memory = hpint.storages.InMemoryStorage()
    source = hpint.create_study(storage=memory, study_name="m", directions=["minimize", "maximize"])
    source.optimize(lambda t: (t.suggest_float("x", 0, 1), t.suggest_int("n", 0, 3)), n_trials=4)
    url = f"sqlite:///{tmp_path / 'copy.db'}"
    hpint.copy_study(from_study_name="m", from_storage=memory, to_storage=url, to_study_name="disk")
    on_disk = hpint.load_study(study_name="disk", storage=url)
    assert on_disk.directions == source.directions
    assert [(t.params, t.values) for t in on_disk.trials] == [(t.params, t.values) for t in source.trials]
    back = hpint.storages.InMemoryStorage()
    hpint.copy_study(from_study_name="disk", from_storage=url, to_storage=back)
    assert [t.values for t in hpint.load_study(study_name="disk", storage=back).trials] == [
        t.values for t in source.trials
    ]


def test_multi_objective_compat_entry_point():
    with pytest.warns(FutureWarning, match="use hpint.create_study"):
        study = hpint.multi_objective.create_study(["minimize", "minimize"])
    study.optimize(lambda t: (t.suggest_float("x", 0, 5), t.suggest_float("y", 0, 3)), n_trials=3)
    assert len(study.directions) == 2 and len(study.trials) == 3
