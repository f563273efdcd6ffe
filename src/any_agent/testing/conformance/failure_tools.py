"""Adversarial tools for the failure checks (`any_agent.testing.conformance.failures`): each fails as real tools do."""

from __future__ import annotations

import threading
import time
from typing import Any


class _Unprintable:
    def __str__(self) -> str:
        raise RuntimeError("no text for you")

    __repr__ = __str__


def parse_cli(city: str) -> str:
    """Look a city up with an argparse-based helper (which exits on bad arguments).

    Args:
        city: The city.
    """
    raise SystemExit(2)


class _Custom(BaseException):
    """A BaseException that is neither an Exception nor a cancellation."""


def custom_base_exception(city: str) -> str:
    """Raise a custom BaseException.

    Args:
        city: The city.
    """
    raise _Custom(f"custom failure for {city}")


def self_containing(city: str) -> list[Any]:
    """Return a list that contains itself.

    Args:
        city: The city.
    """
    result: list[Any] = [city]
    result.append(result)
    return result


def unprintable(city: str) -> Any:
    """Return an object whose ``__str__`` raises.

    Args:
        city: The city.
    """
    return _Unprintable()


SLOW_LOOKUP_STARTED = threading.Event()
"""Set when `slow_lookup` starts (clear it before a run)."""


def slow_lookup(city: str) -> str:
    """Look a city up, slowly (a synchronous tool that blocks for a minute).

    Args:
        city: The city.
    """
    SLOW_LOOKUP_STARTED.set()
    time.sleep(60)
    return f"{city}: found"


def variadic(city: str, *more: str) -> str:
    """Take extra cities a model could never send.

    Args:
        city: The city.
        more: More cities.
    """
    return city


def keywords(city: str, **options: str) -> str:
    """Take options a model could never send.

    Args:
        city: The city.
        options: Options.
    """
    return city


def weather_now(city: str) -> str:
    """Get the weather now (named by a decorator, as some are, with a name providers refuse).

    Args:
        city: The city.
    """
    return f"{city}: sunny"


weather_now.__name__ = "weather now!"
