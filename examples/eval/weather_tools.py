"""Tools of the trip helper: a forecast and activity ideas from a small built-in dataset.

Offline and deterministic on purpose: the forecast is derived from each city's monthly climate
normals and a stable hash of the city and date, so the same question always gets the same answer.
"""

from __future__ import annotations

import hashlib
from datetime import date as Date
from typing import Literal

# city: month (1-12) -> (average high °C, average low °C, rainy days in the month)
# fmt: off
CLIMATE: dict[str, dict[int, tuple[int, int, int]]] = {
    "lisbon": {1: (15, 8, 10), 2: (16, 9, 9), 3: (19, 11, 7), 4: (20, 12, 8), 5: (23, 14, 5), 6: (27, 17, 2),
               7: (29, 18, 1), 8: (29, 19, 1), 9: (27, 17, 4), 10: (23, 15, 8), 11: (18, 11, 10), 12: (16, 9, 11)},
    "paris": {1: (7, 3, 10), 2: (9, 3, 9), 3: (13, 6, 10), 4: (16, 8, 9), 5: (20, 11, 10), 6: (23, 14, 8),
              7: (25, 16, 7), 8: (25, 16, 7), 9: (21, 13, 8), 10: (16, 10, 10), 11: (11, 6, 10), 12: (8, 4, 11)},
    "oslo": {1: (-1, -7, 9), 2: (0, -7, 7), 3: (4, -4, 8), 4: (10, 1, 8), 5: (16, 6, 9), 6: (20, 10, 10),
             7: (22, 13, 11), 8: (20, 12, 12), 9: (15, 8, 11), 10: (9, 3, 12), 11: (3, -1, 11), 12: (0, -5, 10)},
    "tokyo": {1: (10, 1, 5), 2: (11, 2, 6), 3: (14, 5, 10), 4: (19, 10, 10), 5: (23, 15, 11), 6: (26, 19, 13),
              7: (30, 23, 12), 8: (31, 24, 9), 9: (27, 21, 12), 10: (22, 15, 10), 11: (17, 9, 7), 12: (12, 4, 5)},
}
# fmt: on

ACTIVITIES: dict[str, dict[str, list[str]]] = {
    "lisbon": {
        "outdoor": [
            "Walk the Alfama and ride tram 28",
            "Sunset at Miradouro da Senhora do Monte",
            "Day trip to Cascais beaches",
        ],
        "indoor": ["Azulejo museum", "Time Out Market food hall", "Oceanário de Lisboa"],
    },
    "paris": {
        "outdoor": ["Picnic on the Champ de Mars", "Walk the Canal Saint-Martin", "Bike along the Seine"],
        "indoor": ["Musée d'Orsay", "Covered passages of the 2nd arrondissement", "Sainte-Chapelle"],
    },
    "oslo": {
        "outdoor": ["Walk on the Opera House roof", "Ferry to the Oslofjord islands", "Vigeland sculpture park"],
        "indoor": ["Munch museum", "Fram polar ship museum", "Deichman Bjørvika library"],
    },
    "tokyo": {
        "outdoor": ["Yanaka old town walk", "Shinjuku Gyoen garden", "Sumida river cruise"],
        "indoor": ["teamLab Planets", "Tokyo National Museum", "Depachika food halls in Ginza"],
    },
}


def _city(name: str) -> str:
    key = name.strip().lower()
    if key not in CLIMATE:
        raise ValueError(f"no data for {name!r}; known cities: {', '.join(sorted(c.title() for c in CLIMATE))}")
    return key


def get_forecast(city: str, date: str) -> dict[str, object]:
    """Get the weather forecast for a city on a given day.

    Args:
        city: The city, e.g. "Lisbon".
        date: The day, as YYYY-MM-DD.
    """
    key = _city(city)
    day = Date.fromisoformat(date)
    high, low, rainy_days = CLIMATE[key][day.month]
    roll = int(hashlib.sha256(f"{key}:{day.isoformat()}".encode()).hexdigest(), 16) % 100
    rain_chance = round(100 * rainy_days / 30)
    conditions = "rainy" if roll < rain_chance else "cloudy" if roll < rain_chance + 25 else "sunny"
    swing = roll % 5 - 2  # a few degrees either side of the normal, stable for the same day
    return {
        "city": key.title(),
        "date": day.isoformat(),
        "conditions": conditions,
        "high_c": high + swing,
        "low_c": low + swing,
        "rain_chance_percent": rain_chance,
    }


def suggest_activities(city: str, conditions: Literal["sunny", "cloudy", "rainy"]) -> list[str]:
    """Suggest things to do in a city that suit the weather.

    Args:
        city: The city, e.g. "Lisbon".
        conditions: The expected weather: sunny, cloudy or rainy.
    """
    key = _city(city)
    options = ACTIVITIES[key]
    if conditions == "rainy":
        return options["indoor"]
    if conditions == "cloudy":
        return options["outdoor"][:2] + options["indoor"][:1]
    return options["outdoor"]
