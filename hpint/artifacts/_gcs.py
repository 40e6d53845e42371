"""An artifact store in a Google Cloud Storage bucket, through google-cloud-storage."""

from __future__ import annotations

import tempfile
from typing import TYPE_CHECKING, Any, BinaryIO

from hpint.artifacts.exceptions import ArtifactNotFound

if TYPE_CHECKING:
    import google.cloud.storage

_SPOOL_MAX_BYTES = 16 * 1024 * 1024


class GCSArtifactStore:
    """Keep each artifact as the blob ``<artifact_id>`` in a GCS bucket.

    GCS makes a blob visible only once its upload has completed, so readers never see a partial one.
    Tested here only against a stand-in client (google-cloud-storage is not a test dependency).

    Args:
        bucket_name: The bucket (it must exist).
        client: A ``google.cloud.storage.Client``; by default one with the environment's credentials
            (e.g. after ``gcloud auth application-default login``).

    Raises:
        ImportError: ``client`` is None and google-cloud-storage is not installed
            (``pip install "hpint[gcs]"``).
    """

    def __init__(self, bucket_name: str, client: google.cloud.storage.Client | None = None) -> None:
        if client is None:
            try:
                from google.cloud import storage
            except ImportError as error:
                raise ImportError(
                    'GCSArtifactStore needs google-cloud-storage: pip install "hpint[gcs]" '
                    "(or pip install google-cloud-storage)."
                ) from error
            client = storage.Client()
        self.bucket_name = bucket_name
        self.client = client
        self._bucket: Any = client.bucket(bucket_name)

    def open_reader(self, artifact_id: str) -> BinaryIO:
        """The blob's content (buffered in memory up to 16 MiB, then in a temporary file)."""
        buffer = tempfile.SpooledTemporaryFile(max_size=_SPOOL_MAX_BYTES)
        try:
            self._bucket.blob(artifact_id).download_to_file(buffer)
        except Exception as error:
            buffer.close()
            _raise_if_not_found(error, artifact_id, self.bucket_name)
            raise
        buffer.seek(0)
        return buffer  # type: ignore[return-value]

    def write(self, artifact_id: str, content_body: BinaryIO) -> None:
        """Upload ``content_body`` as the blob, replacing any previous one."""
        self._bucket.blob(artifact_id).upload_from_file(content_body)

    def remove(self, artifact_id: str) -> None:
        """Delete the blob; raises :class:`ArtifactNotFound` when it does not exist."""
        try:
            self._bucket.delete_blob(artifact_id)
        except Exception as error:
            _raise_if_not_found(error, artifact_id, self.bucket_name)
            raise


def _raise_if_not_found(error: Exception, artifact_id: str, bucket: str) -> None:
    """Turn google-api-core's ``NotFound`` (HTTP 404) into :class:`ArtifactNotFound`."""
    if getattr(error, "code", None) == 404:
        raise ArtifactNotFound(f"No artifact {artifact_id!r} in bucket {bucket!r}.") from error
