"""Every Python example in the README and docs runs, so the docs cannot drift from the code.

A block that cannot run offline (it needs a real provider key) is preceded by a line
``<!-- not run: why -->``; everything else is executed as written.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_BLOCK = re.compile(r"(?P<before>[^\n]*)\n```python\n(?P<code>.*?)\n```", re.DOTALL)


def _examples() -> list[tuple[str, str]]:
    found = []
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]:
        text = "\n" + path.read_text(encoding="utf-8")
        for index, match in enumerate(_BLOCK.finditer(text)):
            if match.group("before").strip().startswith("<!-- not run"):
                continue
            found.append((f"{path.relative_to(ROOT)}#{index}", match.group("code")))
    return found


EXAMPLES = _examples()


def test_the_docs_have_examples() -> None:
    assert len(EXAMPLES) >= 8


@pytest.fixture(autouse=True)
def _restore_environment() -> Iterator[None]:
    """Examples show users setting environment variables (CrewAI's opt-back-in, for one); the
    process running the rest of the suite must not inherit them."""
    saved = dict(os.environ)
    yield
    os.environ.clear()
    os.environ.update(saved)


@pytest.mark.parametrize(("where", "code"), EXAMPLES, ids=[where for where, _ in EXAMPLES])
def test_example_runs(where: str, code: str) -> None:
    namespace: dict[str, object] = {"__name__": f"docs_example_{where}"}
    exec(compile(code, where, "exec"), namespace)
