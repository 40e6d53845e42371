"""Artifacts: files (checkpoints, plots, configs) saved per trial or per study, Optuna's API.

The content goes to an artifact store (a directory, an S3 or GCS bucket); what was uploaded where is
recorded in the trial's or study's system attributes, so every process sharing the study's storage can
list and download it.

Example::

    store = hpint.artifacts.FileSystemArtifactStore("./artifacts")

    def objective(trial):
        ...  # train, then save model.pt
        hpint.artifacts.upload_artifact(artifact_store=store, file_path="model.pt", study_or_trial=trial)
        return loss

    study.optimize(objective, n_trials=20)
    meta = hpint.artifacts.get_all_artifact_meta(study.best_trial, storage=study._storage)[0]
    hpint.artifacts.download_artifact(artifact_store=store, file_path="best.pt", artifact_id=meta.artifact_id)
"""

from hpint.artifacts import exceptions
from hpint.artifacts._backoff import Backoff
from hpint.artifacts._boto3 import Boto3ArtifactStore
from hpint.artifacts._filesystem import FileSystemArtifactStore
from hpint.artifacts._gcs import GCSArtifactStore
from hpint.artifacts._meta import ArtifactMeta, get_all_artifact_meta
from hpint.artifacts._protocol import ArtifactStore
from hpint.artifacts._transfer import download_artifact, upload_artifact

__all__ = [
    "ArtifactMeta",
    "ArtifactStore",
    "Backoff",
    "Boto3ArtifactStore",
    "FileSystemArtifactStore",
    "GCSArtifactStore",
    "download_artifact",
    "exceptions",
    "get_all_artifact_meta",
    "upload_artifact",
]
