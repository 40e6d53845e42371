"""An artifact store in an Amazon S3 (or S3-compatible) bucket, through boto3."""

from __future__ import annotations

import shutil
import tempfile
from typing import TYPE_CHECKING, Any, BinaryIO

from hpint.artifacts.exceptions import ArtifactNotFound

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

_NOT_FOUND_CODES = {"NoSuchKey", "404", "NotFound"}
_SPOOL_MAX_BYTES = 16 * 1024 * 1024


class Boto3ArtifactStore:
    """Keep each artifact as the object ``<artifact_id>`` in an S3 bucket.

    S3 makes an object visible only once its upload has completed, so readers never see a partial one.

    Args:
        bucket_name: The bucket (it must exist).
        client: A boto3 S3 client, e.g. ``boto3.client("s3", endpoint_url=...)`` for MinIO; by default
            ``boto3.client("s3")`` with the usual AWS configuration.
        avoid_buf_copy: Upload the caller's stream directly. By default it is first copied to a buffer
            (in memory up to 16 MiB, then a temporary file), because boto3's ``upload_fileobj`` may close
            the stream it is given.

    Raises:
        ImportError: ``client`` is None and boto3 is not installed (``pip install "hpint[s3]"``).
    """

    def __init__(
        self, bucket_name: str, client: S3Client | None = None, *, avoid_buf_copy: bool = False
    ) -> None:
        if client is None:
            try:
                import boto3
            except ImportError as error:
                raise ImportError(
                    'Boto3ArtifactStore needs boto3: pip install "hpint[s3]" (or pip install boto3).'
                ) from error
            client = boto3.client("s3")
        self.bucket = bucket_name
        self.client = client
        self._avoid_buf_copy = avoid_buf_copy

    def open_reader(self, artifact_id: str) -> BinaryIO:
        """A stream of the object's body; raises :class:`ArtifactNotFound` when it does not exist."""
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=artifact_id)
        except Exception as error:
            _raise_if_not_found(error, artifact_id, self.bucket)
            raise
        return response["Body"]

    def write(self, artifact_id: str, content_body: BinaryIO) -> None:
        """Upload ``content_body`` as the object, replacing any previous one."""
        if self._avoid_buf_copy:
            self.client.upload_fileobj(content_body, self.bucket, artifact_id)
            return
        with tempfile.SpooledTemporaryFile(max_size=_SPOOL_MAX_BYTES) as buffer:
            shutil.copyfileobj(content_body, buffer)
            buffer.seek(0)
            self.client.upload_fileobj(buffer, self.bucket, artifact_id)

    def remove(self, artifact_id: str) -> None:
        """Delete the object; raises :class:`ArtifactNotFound` when it does not exist.

        S3's delete succeeds for a missing key, so the object is looked up first (one more request).
        """
        try:
            self.client.head_object(Bucket=self.bucket, Key=artifact_id)
        except Exception as error:
            _raise_if_not_found(error, artifact_id, self.bucket)
            raise
        self.client.delete_object(Bucket=self.bucket, Key=artifact_id)


def _raise_if_not_found(error: Exception, artifact_id: str, bucket: str) -> None:
    """Turn botocore's "no such key" ``ClientError`` into :class:`ArtifactNotFound`."""
    response: Any = getattr(error, "response", None)
    code = response.get("Error", {}).get("Code") if isinstance(response, dict) else None
    if code in _NOT_FOUND_CODES:
        raise ArtifactNotFound(f"No artifact {artifact_id!r} in bucket {bucket!r}.") from error
