"""FileSystemArtifactStore: round trip, missing ids, ids that could escape the directory, atomic writes."""

from __future__ import annotations

import io
import os

import pytest

from hpint.artifacts import FileSystemArtifactStore
from hpint.artifacts import _atomic as atomic_module
from hpint.artifacts.exceptions import ArtifactNotFound


def test_write_then_read_round_trips_bytes_and_creates_the_directory(tmp_path):
    store = FileSystemArtifactStore(tmp_path / "new" / "dir")
    payload = bytes(range(256)) * 1000
    store.write("abc", io.BytesIO(payload))
    with store.open_reader("abc") as reader:
        assert reader.read() == payload
    store.write("abc", io.BytesIO(b"second"))
    with store.open_reader("abc") as reader:
        assert reader.read() == b"second"
    assert os.listdir(tmp_path / "new" / "dir") == ["abc"]


def test_missing_artifact_raises_artifact_not_found(tmp_path):
    store = FileSystemArtifactStore(tmp_path)
    with pytest.raises(ArtifactNotFound, match="nope"):
        store.open_reader("nope")
    with pytest.raises(ArtifactNotFound):
        store.remove("nope")
    store.write("x", io.BytesIO(b"1"))
    store.remove("x")
    with pytest.raises(ArtifactNotFound):
        store.open_reader("x")


@pytest.mark.parametrize("bad", ["", ".", "..", "../escape", "a/b", "/etc/passwd", "a\\b", "a\0b"])
def test_ids_that_are_not_plain_file_names_are_rejected(tmp_path, bad):
    store = FileSystemArtifactStore(tmp_path / "store")
    for call in (
        lambda: store.write(bad, io.BytesIO(b"x")),
        lambda: store.open_reader(bad),
        lambda: store.remove(bad),
    ):
        with pytest.raises(ValueError, match="Invalid artifact id"):
            call()
    assert not (tmp_path / "escape").exists()
    assert not (tmp_path / "store").exists() or os.listdir(tmp_path / "store") == []


class _FailingBody(io.RawIOBase):
    """A stream that yields some bytes and then fails, like a disk or network error mid-copy."""

    def __init__(self) -> None:
        self.sent = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self.sent >= 3 * 65536:
            raise OSError("device went away")
        n = min(len(buffer), 65536)
        buffer[:n] = b"n" * n
        self.sent += n
        return n


def test_a_failed_write_leaves_the_old_content_and_no_partial_file(tmp_path):
    store = FileSystemArtifactStore(tmp_path)
    store.write("ckpt", io.BytesIO(b"old checkpoint"))
    body = _FailingBody()
    with pytest.raises(OSError, match="device went away"):
        store.write("ckpt", body)
    assert body.sent > 0  # the failure really came mid-copy
    assert os.listdir(tmp_path) == ["ckpt"]
    with store.open_reader("ckpt") as reader:
        assert reader.read() == b"old checkpoint"


def test_a_crash_before_the_rename_shows_no_new_artifact(tmp_path, monkeypatch):
    # As if the process died after copying but before os.replace: the id must not exist yet.
    store = FileSystemArtifactStore(tmp_path)

    def crash(src, dst):
        assert os.path.getsize(src) == 5  # the whole body is in the hidden temporary file
        assert not os.path.exists(dst)
        raise KeyboardInterrupt

    monkeypatch.setattr(atomic_module.os, "replace", crash)
    with pytest.raises(KeyboardInterrupt):
        store.write("new", io.BytesIO(b"hello"))
    with pytest.raises(ArtifactNotFound):
        store.open_reader("new")
    assert os.listdir(tmp_path) == []


def test_a_reader_keeps_the_version_it_opened(tmp_path):
    store = FileSystemArtifactStore(tmp_path)
    store.write("a", io.BytesIO(b"v1"))
    with store.open_reader("a") as reader:
        store.write("a", io.BytesIO(b"v2"))
        assert reader.read() == b"v1"
