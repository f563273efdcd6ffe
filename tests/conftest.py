"""Test-wide guards: nothing may leave the machine, and each test sees only its own spans.

The socket audit hook is installed once for the session (audit hooks cannot be removed); it records
every connection or name lookup aimed outside loopback, and refuses it, so a test can never reach a
real provider or a framework's telemetry endpoint, and a test during which anything tried fails.
"""

from __future__ import annotations

import ipaddress
import socket
import sys
import threading
from collections.abc import Iterator
from typing import Any

import pytest

_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", ""}
_attempts: list[str] = []
_attempts_lock = threading.Lock()
_installed = False


class NetworkBlocked(OSError):
    """Raised inside the code that tried to reach a non-loopback address."""


def _is_local(host: Any) -> bool:
    if host is None:
        return True
    if isinstance(host, bytes):
        host = host.decode(errors="replace")
    host = str(host).strip("[]").lower()
    if host in _LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if event == "socket.connect":
        sock, address = args[0], args[1]
        if getattr(sock, "family", None) == socket.AF_UNIX or not isinstance(address, tuple):
            return
        host = address[0]
    elif event == "socket.getaddrinfo":
        host = args[0]
    else:
        return
    if _is_local(host):
        return
    with _attempts_lock:
        _attempts.append(f"{event} {host!r}")
    raise NetworkBlocked(f"test tried to reach {host!r}; tests may only connect to 127.0.0.1")


def _install() -> None:
    global _installed
    if not _installed:
        sys.addaudithook(_audit)
        _installed = True


_install()


@pytest.fixture(autouse=True)
def socket_audit() -> Iterator[list[str]]:
    """Fail the test if anything tried to connect outside loopback while it ran."""
    with _attempts_lock:
        _attempts.clear()
    yield _attempts
    with _attempts_lock:
        seen = list(_attempts)
        _attempts.clear()
    assert not seen, f"non-loopback network access during the test: {seen}"
