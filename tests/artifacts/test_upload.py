"""upload_artifact / download_artifact / get_all_artifact_meta on trials and studies, across storages."""

from __future__ import annotations

import json
import os

import pytest

import hpint
from hpint.artifacts import (
    ArtifactMeta,
    FileSystemArtifactStore,
    download_artifact,
    get_all_artifact_meta,
    upload_artifact,
)
from hpint.artifacts.exceptions import ArtifactNotFound
from hpint.exceptions import UpdateFinishedTrialError
from hpint.storages import JournalStorage
from hpint.storages.journal import JournalFileBackend


@pytest.fixture
def store(tmp_path):
    return FileSystemArtifactStore(tmp_path / "artifacts")


@pytest.fixture
def source(tmp_path):
    path = tmp_path / "model.hpw"  # an extension with no registered MIME type
    path.write_bytes(b"\x00weights\xff" * 100)
    return str(path)


def _reopen(kind: str, tmp_path, storage):
    """A second storage object on the same data, as another process would open it."""
    if kind == "sqlite":
        return hpint.storages.get_storage(f"sqlite:///{tmp_path / 'study.db'}")
    if kind == "journal":
        return JournalStorage(JournalFileBackend(str(tmp_path / "journal.log")))
    return storage  # in memory: the only object there is; the study is still loaded anew


@pytest.mark.parametrize("kind", ["inmemory", "sqlite", "journal"])
def test_metadata_is_in_the_storage_and_seen_by_a_new_storage_object(kind, tmp_path, store, source):
    storage = {
        "inmemory": lambda: hpint.storages.InMemoryStorage(),
        "sqlite": lambda: f"sqlite:///{tmp_path / 'study.db'}",
        "journal": lambda: JournalStorage(JournalFileBackend(str(tmp_path / "journal.log"))),
    }[kind]()
    study = hpint.create_study(study_name="s", storage=storage)
    trial = study.ask()
    trial_artifact = upload_artifact(artifact_store=store, file_path=source, study_or_trial=trial)
    study_artifact = upload_artifact(
        artifact_store=store, file_path=source, study_or_trial=study, mimetype="application/x-torch"
    )
    expected = [ArtifactMeta(trial_artifact, "model.hpw", "application/octet-stream", None)]

    other = _reopen(kind, tmp_path, study._storage)
    loaded = hpint.load_study(study_name="s", storage=other)
    # Seen while the trial still runs (system attributes are written at once, not buffered)...
    assert get_all_artifact_meta(loaded.trials[0], storage=other) == expected
    study.tell(trial, 1.0)
    # ... and after it finished.
    assert get_all_artifact_meta(loaded.trials[0], storage=other) == expected
    assert loaded.trials[0].state == hpint.TrialState.COMPLETE
    assert get_all_artifact_meta(loaded) == [
        ArtifactMeta(study_artifact, "model.hpw", "application/x-torch", None)
    ]

    target = tmp_path / "downloaded.pt"
    download_artifact(artifact_store=store, file_path=str(target), artifact_id=trial_artifact)
    assert target.read_bytes() == open(source, "rb").read()


def test_live_trial_lists_its_own_uploads_and_guesses_mimetype_and_encoding(tmp_path, store):
    study = hpint.create_study()
    trial = study.ask()
    for name, content in [("plot.png", b"png"), ("log.txt.gz", b"gz")]:
        (tmp_path / name).write_bytes(content)
        upload_artifact(artifact_store=store, file_path=str(tmp_path / name), study_or_trial=trial)
    metas = get_all_artifact_meta(trial)
    assert [(m.filename, m.mimetype, m.encoding) for m in metas] == [
        ("plot.png", "image/png", None),
        ("log.txt.gz", "text/plain", "gzip"),
    ]
    assert all(key.startswith("artifacts:") for key in trial.system_attrs)


def test_frozen_trial_without_storage_is_an_error_naming_storage(store, source):
    study = hpint.create_study()
    study.optimize(lambda t: 0.0, n_trials=1)
    frozen = study.trials[0]
    with pytest.raises(ValueError, match="storage"):
        upload_artifact(artifact_store=store, file_path=source, study_or_trial=frozen)
    with pytest.raises(ValueError, match="storage"):
        get_all_artifact_meta(frozen)
    assert not os.path.exists(store._base_path)  # refused before anything was written


def test_fixed_trial_is_refused(store, source):
    with pytest.raises(TypeError, match="FixedTrial"):
        upload_artifact(artifact_store=store, file_path=source, study_or_trial=hpint.FixedTrial({}))


def test_upload_to_a_finished_trial_fails_and_leaves_no_orphan(store, source):
    study = hpint.create_study()
    study.optimize(lambda t: 0.0, n_trials=1)
    with pytest.raises(UpdateFinishedTrialError):
        upload_artifact(
            artifact_store=store,
            file_path=source,
            study_or_trial=study.trials[0],
            storage=study._storage,
        )
    assert os.listdir(store._base_path) == []


def test_download_refuses_to_overwrite_and_reports_missing_artifacts(tmp_path, store, source):
    study = hpint.create_study()
    artifact_id = upload_artifact(artifact_store=store, file_path=source, study_or_trial=study)
    with pytest.raises(FileExistsError):
        download_artifact(artifact_store=store, file_path=source, artifact_id=artifact_id)
    with pytest.raises(ArtifactNotFound):
        download_artifact(artifact_store=store, file_path=str(tmp_path / "x"), artifact_id="missing")
    assert not (tmp_path / "x").exists()


def test_optimize_uploads_a_file_per_trial_then_downloads_the_best(tmp_path, store):
    storage = f"sqlite:///{tmp_path / 'e2e.db'}"
    study = hpint.create_study(study_name="e2e", storage=storage)

    def objective(trial):
        x = trial.suggest_float("x", -5, 5)
        checkpoint = tmp_path / f"ckpt-{trial.number}.bin"
        checkpoint.write_bytes(f"weights for x={x!r}".encode())
        upload_artifact(artifact_store=store, file_path=str(checkpoint), study_or_trial=trial)
        return (x - 1) ** 2

    study.optimize(objective, n_trials=6)
    assert len(os.listdir(store._base_path)) == 6

    reader = hpint.load_study(study_name="e2e", storage=storage)
    best = reader.best_trial
    (meta,) = get_all_artifact_meta(best, storage=reader._storage)
    assert meta.filename == f"ckpt-{best.number}.bin"
    target = tmp_path / "best.bin"
    download_artifact(artifact_store=store, file_path=str(target), artifact_id=meta.artifact_id)
    assert target.read_bytes() == f"weights for x={best.params['x']!r}".encode()


def test_metadata_layout_is_optunas_and_foreign_attrs_are_skipped(store, source):
    # Optuna keeps each artifact as system attr "artifacts:<id>" = JSON string; same here, so databases
    # written by either library list the same artifacts.
    study = hpint.create_study()
    artifact_id = upload_artifact(artifact_store=store, file_path=source, study_or_trial=study)
    stored = study.system_attrs[f"artifacts:{artifact_id}"]
    assert json.loads(stored) == {
        "artifact_id": artifact_id,
        "filename": "model.hpw",
        "mimetype": "application/octet-stream",
        "encoding": None,
    }
    study.set_system_attr("artifacts:broken", "not json")
    study.set_system_attr("other", 1)
    assert [m.artifact_id for m in get_all_artifact_meta(study)] == [artifact_id]
