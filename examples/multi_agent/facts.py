"""The researcher's one tool: look a topic up in a small built-in fact sheet (so it runs offline)."""

from __future__ import annotations

FACTS: dict[str, str] = {
    "sea otters": "Sea otters hold hands while they sleep so they do not drift apart, and keep a favourite "
    "stone in a skin pouch under the forearm to crack shellfish.",
    "octopuses": "Octopuses have three hearts and blue, copper-based blood.",
    "honeybees": "A honeybee colony keeps its brood nest at about 35 °C all year round.",
}


def look_up(topic: str) -> str:
    """Look up the facts known about a topic.

    Args:
        topic: What to look up, such as "sea otters".
    """
    found = FACTS.get(topic.strip().lower())
    return found if found is not None else f"Nothing is known about {topic!r}. Known topics: {', '.join(FACTS)}."
