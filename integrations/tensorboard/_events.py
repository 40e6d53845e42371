"""Event files in TensorBoard's format, written with the ``tensorboard`` package only.

``tensorboard.summary.writer.EventFileWriter`` is not used: it creates its directory through
``tensorboard.compat.tf``, which imports TensorFlow whenever TensorFlow is installed (seconds of start-up and
gigabytes of memory for a few protocol buffers). The record framing is TensorBoard's own ``RecordWriter``.
"""

from __future__ import annotations

import os
import socket
import struct
import threading
import time
from collections.abc import Iterable, Iterator

from tensorboard.compat.proto import event_pb2, summary_pb2, tensor_pb2, tensor_shape_pb2, types_pb2
from tensorboard.plugins.hparams import api_pb2, metadata, plugin_data_pb2
from tensorboard.summary.writer.record_writer import RecordWriter

_SCALAR_METADATA = summary_pb2.SummaryMetadata(
    plugin_data=summary_pb2.SummaryMetadata.PluginData(plugin_name="scalars"),
    data_class=summary_pb2.DATA_CLASS_SCALAR,
)
_sequence = iter(range(1 << 62))
_sequence_lock = threading.Lock()


def unique_file_name(suffix: str = "hpint") -> str:
    """An event file name no other process or thread can pick: time, host, pid and a counter."""
    with _sequence_lock:
        n = next(_sequence)
    host = socket.gethostname().replace(os.sep, "_")
    return f"events.out.tfevents.{int(time.time()):010d}.{host}.{os.getpid()}.{n}.{suffix}"


# ---- events ----
def _file_version_event(wall_time: float) -> event_pb2.Event:
    return event_pb2.Event(wall_time=wall_time, file_version="brain.Event:2")


def scalar_event(tag: str, value: float, step: int, wall_time: float) -> event_pb2.Event:
    """A scalar that the Scalars dashboard and the HParams metric columns read.

    float32, not float64: TensorBoard's fast loader (its Rust data server, the default) silently drops
    float64 scalar tensors.
    """
    tensor = tensor_pb2.TensorProto(
        dtype=types_pb2.DT_FLOAT, float_val=[value], tensor_shape=tensor_shape_pb2.TensorShapeProto()
    )
    summary = summary_pb2.Summary(
        value=[summary_pb2.Summary.Value(tag=tag, tensor=tensor, metadata=_SCALAR_METADATA)]
    )
    return event_pb2.Event(wall_time=wall_time, step=step, summary=summary)


def _hparams_event(tag: str, data: plugin_data_pb2.HParamsPluginData, wall_time: float) -> event_pb2.Event:
    value = summary_pb2.Summary.Value(
        tag=tag, metadata=metadata.create_summary_metadata(data), tensor=metadata.NULL_TENSOR
    )
    return event_pb2.Event(wall_time=wall_time, summary=summary_pb2.Summary(value=[value]))


def experiment_event(experiment: api_pb2.Experiment, wall_time: float) -> event_pb2.Event:
    data = plugin_data_pb2.HParamsPluginData(experiment=experiment)
    return _hparams_event(metadata.EXPERIMENT_TAG, data, wall_time)


def session_start_event(info: plugin_data_pb2.SessionStartInfo, wall_time: float) -> event_pb2.Event:
    data = plugin_data_pb2.HParamsPluginData(session_start_info=info)
    return _hparams_event(metadata.SESSION_START_INFO_TAG, data, wall_time)


def session_end_event(info: plugin_data_pb2.SessionEndInfo, wall_time: float) -> event_pb2.Event:
    data = plugin_data_pb2.HParamsPluginData(session_end_info=info)
    return _hparams_event(metadata.SESSION_END_INFO_TAG, data, wall_time)


# ---- files ----
class EventFile:
    """An event file written while a trial runs; every event is flushed so TensorBoard sees it at once."""

    def __init__(self, path: str) -> None:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        self.path = path
        self._records = RecordWriter(open(path, "wb"))  # noqa: SIM115 - closed by close()
        self._lock = threading.Lock()
        self.write(_file_version_event(time.time()))

    def write(self, event: event_pb2.Event) -> None:
        with self._lock:
            self._records.write(event.SerializeToString())
            self._records.flush()

    def close(self) -> None:
        with self._lock:
            if not self._records.closed:
                self._records.close()


def write_file_atomically(path: str, events: Iterable[event_pb2.Event], wall_time: float) -> None:
    """Write a complete event file under a temporary name, then rename it into place.

    TensorBoard never sees a half-written file, and rewriting the same path replaces it instead of
    adding a second copy of the session.
    """
    directory = os.path.dirname(path)
    os.makedirs(directory, exist_ok=True)
    # The temporary name lacks "tfevents", so TensorBoard ignores it.
    temporary = os.path.join(
        directory, f".hpint-tmp.{socket.gethostname()}.{os.getpid()}.{threading.get_ident()}"
    )
    with open(temporary, "wb") as f:
        records = RecordWriter(f)
        records.write(_file_version_event(wall_time).SerializeToString())
        for event in events:
            records.write(event.SerializeToString())
    os.replace(temporary, path)


def read_events(path: str) -> Iterator[event_pb2.Event]:
    """The events of a file in order; stops quietly at a truncated last record (a writer mid-flush)."""
    with open(path, "rb") as f:
        data = f.read()
    offset = 0
    while offset + 12 <= len(data):
        (length,) = struct.unpack_from("<Q", data, offset)
        start = offset + 12
        if start + length + 4 > len(data):
            return
        yield event_pb2.Event.FromString(data[start : start + length])
        offset = start + length + 4


def read_experiment(path: str) -> api_pb2.Experiment | None:
    """The experiment record stored in an event file, if any."""
    for event in read_events(path):
        for value in event.summary.value:
            if value.tag == metadata.EXPERIMENT_TAG:
                return metadata.parse_experiment_plugin_data(value.metadata.plugin_data.content)
    return None
