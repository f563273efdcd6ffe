"""The tools the conformance scenarios give their agents."""

from __future__ import annotations

import asyncio
import time

from pydantic import BaseModel

_WEATHER = {"Paris": "sunny, 21°C", "Berlin": "cloudy, 15°C", "Tokyo": "rainy, 18°C"}


def get_weather(city: str) -> str:
    """Get the current weather in a city.

    Args:
        city: The city's English name, e.g. "Paris".
    """
    return f"{city}: {_WEATHER.get(city, 'clear, 20°C')}"


def get_local_time(city: str, twenty_four_hour: bool = True) -> str:
    """Get the local time in a city.

    Args:
        city: The city's English name.
        twenty_four_hour: Whether to answer in 24-hour format.
    """
    return f"{city}: 14:00" if twenty_four_hour else f"{city}: 2:00 PM"


async def convert_currency(amount: float, from_currency: str, to_currency: str) -> float:
    """Convert an amount of money between currencies.

    Args:
        amount: How much money.
        from_currency: ISO code of the currency to convert from.
        to_currency: ISO code of the currency to convert to.
    """
    await asyncio.sleep(0.01)
    return round(amount * (1.1 if (from_currency, to_currency) == ("EUR", "USD") else 1.0), 2)


def book_flight(city: str) -> str:
    """Book a flight to a city.

    Args:
        city: Where to fly.
    """
    raise RuntimeError(f"no flights to {city} today")


class WeatherReport(BaseModel):
    """A structured weather report."""

    city: str
    temperature_c: float
    summary: str


LOOKUP_WINDOWS: list[tuple[str, float, float]] = []
"""(key, start, end) of every `slow_lookup` call, to show that calls of one turn overlap."""


async def slow_lookup(key: str) -> str:
    """Look a key up in a slow remote store.

    Args:
        key: The key to look up.
    """
    started = time.monotonic()
    await asyncio.sleep(0.3)
    LOOKUP_WINDOWS.append((key, started, time.monotonic()))
    return f"{key}: found"
