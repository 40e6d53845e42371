"""Boto3ArtifactStore against moto's in-process S3 (no network); GCSArtifactStore against a stand-in client.

The GCS stand-in only mimics the calls the store makes (``bucket().blob().download_to_file``,
``upload_from_file``, ``bucket.delete_blob``, 404 errors with ``code``); google-cloud-storage itself is not
exercised here.
"""

from __future__ import annotations

import io
import sys

import pytest

from hpint.artifacts import Backoff, Boto3ArtifactStore, GCSArtifactStore, upload_artifact
from hpint.artifacts.exceptions import ArtifactNotFound


@pytest.fixture
def s3_client(monkeypatch):
    moto = pytest.importorskip("moto")
    boto3 = pytest.importorskip("boto3")
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    with moto.mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket="artifacts")
        yield client


@pytest.mark.parametrize("avoid_buf_copy", [False, True])
def test_boto3_store_round_trip_and_missing_keys(s3_client, avoid_buf_copy):
    store = Boto3ArtifactStore("artifacts", client=s3_client, avoid_buf_copy=avoid_buf_copy)
    store.write("a", io.BytesIO(b"s3 payload"))
    reader = store.open_reader("a")
    assert reader.read() == b"s3 payload"
    reader.close()
    store.remove("a")
    with pytest.raises(ArtifactNotFound):
        store.open_reader("a")
    with pytest.raises(ArtifactNotFound):
        store.remove("a")


def test_boto3_store_behind_backoff_with_upload_artifact(s3_client, tmp_path):
    import hpint

    path = tmp_path / "cfg.json"
    path.write_text("{}")
    store = Backoff(Boto3ArtifactStore("artifacts", client=s3_client))
    artifact_id = upload_artifact(
        artifact_store=store, file_path=str(path), study_or_trial=hpint.create_study()
    )
    assert s3_client.get_object(Bucket="artifacts", Key=artifact_id)["Body"].read() == b"{}"


class _NotFound(Exception):
    code = 404


class _FakeBlob:
    def __init__(self, blobs: dict[str, bytes], name: str) -> None:
        self._blobs, self._name = blobs, name

    def download_to_file(self, file_obj) -> None:
        if self._name not in self._blobs:
            raise _NotFound(self._name)
        file_obj.write(self._blobs[self._name])

    def upload_from_file(self, file_obj) -> None:
        self._blobs[self._name] = file_obj.read()


class _FakeBucket:
    def __init__(self) -> None:
        self.blobs: dict[str, bytes] = {}

    def blob(self, name: str) -> _FakeBlob:
        return _FakeBlob(self.blobs, name)

    def delete_blob(self, name: str) -> None:
        if self.blobs.pop(name, None) is None:
            raise _NotFound(name)


class _FakeGCSClient:
    def __init__(self) -> None:
        self.buckets: dict[str, _FakeBucket] = {}

    def bucket(self, name: str) -> _FakeBucket:
        return self.buckets.setdefault(name, _FakeBucket())


def test_gcs_store_round_trip_and_missing_blobs_with_a_stand_in_client():
    client = _FakeGCSClient()
    store = GCSArtifactStore("artifacts", client=client)
    store.write("a", io.BytesIO(b"gcs payload"))
    assert client.buckets["artifacts"].blobs == {"a": b"gcs payload"}
    with store.open_reader("a") as reader:
        assert reader.read() == b"gcs payload"
    store.remove("a")
    with pytest.raises(ArtifactNotFound):
        store.open_reader("a")
    with pytest.raises(ArtifactNotFound):
        store.remove("a")


@pytest.mark.parametrize(
    ("make", "module", "extra"),
    [
        (lambda: Boto3ArtifactStore("b"), "boto3", "hpint[s3]"),
        (lambda: GCSArtifactStore("b"), "google.cloud", "hpint[gcs]"),
    ],
)
def test_missing_sdk_gives_an_import_error_naming_the_install(monkeypatch, make, module, extra):
    monkeypatch.setitem(sys.modules, module, None)  # makes `import <module>` fail
    with pytest.raises(ImportError, match=extra.replace("[", r"\[").replace("]", r"\]")):
        make()
