"""A guard that keeps a process's network traffic on loopback.

Installed as a Python audit hook, it refuses (and records) every connection and name lookup aimed
outside 127.0.0.0/8 and ::1. Tests use it to prove that nothing leaves the machine: no real provider
is reached by accident, and no framework telemetry phones home. Audit hooks cannot be removed, so
the guard is installed once per process and reset between checks.
"""

from __future__ import annotations

import ipaddress
import socket
import sys
import threading
from typing import Any

__all__ = ["NetworkBlocked", "NetworkGuard", "network_guard"]

_LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", ""})


class NetworkBlocked(OSError):
    """Raised inside the code that tried to reach a non-loopback address."""


def _is_local(host: Any) -> bool:
    if host is None:
        return True
    text = (host.decode(errors="replace") if isinstance(host, bytes) else str(host)).strip("[]").lower()
    if text in _LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(text.split("%")[0]).is_loopback
    except ValueError:
        return False


class NetworkGuard:
    """Records and refuses non-loopback network access; `attempts` lists what was tried."""

    def __init__(self) -> None:
        self._attempts: list[str] = []
        self._lock = threading.Lock()
        self._installed = False

    def install(self) -> None:
        """Start guarding this process (idempotent)."""
        with self._lock:
            if not self._installed:
                sys.addaudithook(self._audit)
                self._installed = True

    @property
    def attempts(self) -> list[str]:
        """What was tried since the last `reset`, e.g. ``"socket.connect '203.0.113.5'"`` (a live list)."""
        return self._attempts

    def reset(self) -> list[str]:
        """Forget the attempts so far and return them."""
        with self._lock:
            seen = list(self._attempts)
            self._attempts.clear()
            return seen

    def _audit(self, event: str, args: tuple[Any, ...]) -> None:
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
        with self._lock:
            self._attempts.append(f"{event} {host!r}")
        raise NetworkBlocked(f"tried to reach {host!r}; only loopback (127.0.0.1, ::1) is allowed here")


network_guard = NetworkGuard()
"""The process-wide guard (there can be only one audit hook of ours per process)."""
