"""The gRPC storage proxy: many workers reach one storage through one server (`hpint[grpc]`)."""

from hpint.storages._grpc.client import GrpcStorageProxy
from hpint.storages._grpc.server import run_grpc_proxy_server

__all__ = ["GrpcStorageProxy", "run_grpc_proxy_server"]
