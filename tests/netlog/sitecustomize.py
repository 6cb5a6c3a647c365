"""Loaded by a test's child process (PYTHONPATH): logs every name lookup and every outgoing
connection to the file in LITLAB_NETLOG, so a test can tell what would have left the machine."""
import os
import socket

_LOG = os.environ.get("LITLAB_NETLOG")
_getaddrinfo, _connect = socket.getaddrinfo, socket.socket.connect


def _note(kind, target):
    if _LOG:
        with open(_LOG, "a", encoding="utf-8") as handle:
            handle.write(f"{kind}\t{target}\n")


def getaddrinfo(host, *args, **kwargs):
    _note("lookup", host)
    return _getaddrinfo(host, *args, **kwargs)


def connect(self, address):
    _note("connect", address[0] if isinstance(address, tuple) else address)
    return _connect(self, address)


socket.getaddrinfo = getaddrinfo
socket.socket.connect = connect
