"""Backoff: how many attempts, how long the pauses (with a fake sleep), and what is not retried."""

from __future__ import annotations

import io

import pytest

from hpint.artifacts import Backoff
from hpint.artifacts.exceptions import ArtifactNotFound


class FlakyStore:
    """Fails the first ``failures`` calls of each operation, then works like a dict."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.calls = {"open": 0, "write": 0, "remove": 0}
        self.data: dict[str, bytes] = {}

    def _maybe_fail(self, what: str) -> None:
        self.calls[what] += 1
        if self.calls[what] <= self.failures:
            raise ConnectionError(f"{what} failed")

    def open_reader(self, artifact_id):
        self._maybe_fail("open")
        if artifact_id not in self.data:
            raise ArtifactNotFound(artifact_id)
        return io.BytesIO(self.data[artifact_id])

    def write(self, artifact_id, content_body):
        first = content_body.read(2)  # a partial read, then failure: the retry must start over
        self._maybe_fail("write")
        self.data[artifact_id] = first + content_body.read()

    def remove(self, artifact_id):
        self._maybe_fail("remove")
        if self.data.pop(artifact_id, None) is None:
            raise ArtifactNotFound(artifact_id)


def _backoff(store, **kwargs):
    backoff = Backoff(store, **kwargs)
    sleeps: list[float] = []
    backoff._sleep = sleeps.append
    return backoff, sleeps


def test_retries_until_success_with_growing_capped_pauses():
    store = FlakyStore(failures=4)
    backoff, sleeps = _backoff(store, max_retries=10, multiplier=2, min_delay=0.1, max_delay=0.5)
    backoff.write("a", io.BytesIO(b"payload"))
    assert store.calls["write"] == 5
    assert sleeps == pytest.approx([0.1, 0.2, 0.4, 0.5])
    assert store.data["a"] == b"payload"  # rewound before each attempt
    with backoff.open_reader("a") as reader:
        assert reader.read() == b"payload"
    assert store.calls["open"] == 5


def test_gives_up_after_max_retries_attempts_and_raises_the_last_error():
    store = FlakyStore(failures=100)
    backoff, sleeps = _backoff(store, max_retries=3)
    with pytest.raises(ConnectionError, match="remove failed"):
        backoff.remove("a")
    assert store.calls["remove"] == 3
    assert len(sleeps) == 2


def test_artifact_not_found_is_not_retried():
    store = FlakyStore(failures=0)
    backoff, sleeps = _backoff(store)
    with pytest.raises(ArtifactNotFound):
        backoff.open_reader("missing")
    assert store.calls["open"] == 1 and sleeps == []


def test_a_body_that_cannot_seek_is_buffered_so_retries_send_it_whole():
    class OneWayStream(io.RawIOBase):
        def __init__(self, data):
            self._inner = io.BytesIO(data)

        def readable(self):
            return True

        def readinto(self, buffer):
            return self._inner.readinto(buffer)

    store = FlakyStore(failures=2)
    backoff, _ = _backoff(store)
    backoff.write("a", OneWayStream(b"streamed body"))
    assert store.data["a"] == b"streamed body"


def test_defaults_match_optuna_and_bad_arguments_are_refused():
    backoff = Backoff(FlakyStore(0))
    assert (backoff._max_retries, backoff._multiplier, backoff._min_delay, backoff._max_delay) == (
        10,
        2,
        0.1,
        30,
    )
    with pytest.raises(ValueError, match="max_retries"):
        Backoff(FlakyStore(0), max_retries=0)
    with pytest.raises(ValueError, match="min_delay"):
        Backoff(FlakyStore(0), min_delay=5, max_delay=1)
