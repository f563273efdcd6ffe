"""How much code an adapter is: ``python bench/adapter_lines.py [REV] [DIR...]``.

Counts the lines of each adapter's ``src/`` that hold code: blank lines, comments and docstrings
(module, class, function and attribute docstrings) are left out, so the figure is what a new
adapter has to write, not how well it is explained. With ``REV`` (a git revision), the adapters
under ``adapters/`` as they were at that revision; each further ``DIR`` is an adapter package outside
the repository (e.g. a third party's), counted as it is on disk.
"""

from __future__ import annotations

import ast
import io
import subprocess
import sys
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_NOT_CODE = {
    tokenize.COMMENT,
    tokenize.NL,
    tokenize.NEWLINE,
    tokenize.INDENT,
    tokenize.DEDENT,
    tokenize.ENCODING,
    tokenize.ENDMARKER,
}


def code_lines(source: str) -> int:
    """The number of lines of ``source`` that hold code (not blank, comment or docstring)."""
    docstrings: set[int] = set()
    for node in ast.walk(ast.parse(source)):
        body = getattr(node, "body", None)
        if not isinstance(body, list):
            continue
        for index, statement in enumerate(body):
            is_string = (
                isinstance(statement, ast.Expr)
                and isinstance(statement.value, ast.Constant)
                and isinstance(statement.value.value, str)
            )
            first = index == 0 and isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
            after_assignment = index > 0 and isinstance(body[index - 1], ast.Assign | ast.AnnAssign)
            if is_string and (first or after_assignment):
                docstrings.update(range(statement.lineno, (statement.end_lineno or statement.lineno) + 1))
    code: set[int] = set()
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type not in _NOT_CODE:
            code.update(range(token.start[0], token.end[0] + 1))
    return len(code - docstrings)


def at_revision(rev: str) -> dict[str, int]:
    """Lines per adapter under ``adapters/*/src`` at git revision ``rev``."""
    listing = subprocess.run(
        ["git", "ls-tree", "-r", "--name-only", rev, "adapters"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    counts: dict[str, int] = {}
    for path in listing:
        parts = path.split("/")
        if len(parts) > 3 and parts[2] == "src" and path.endswith(".py"):
            source = subprocess.run(["git", "show", f"{rev}:{path}"], cwd=ROOT, capture_output=True, text=True).stdout
            counts[parts[1]] = counts.get(parts[1], 0) + code_lines(source)
    return counts


def on_disk(package: Path) -> int:
    """Lines of an adapter package's ``src/`` as it is on disk."""
    return sum(code_lines(path.read_text(encoding="utf-8")) for path in sorted((package / "src").rglob("*.py")))


if __name__ == "__main__":
    revision = sys.argv[1] if len(sys.argv) > 1 else "HEAD"
    for name, count in sorted(at_revision(revision).items()):
        print(f"{name:12} {count:5d}  (at {revision})")
    for directory in sys.argv[2:]:
        print(f"{Path(directory).name:12} {on_disk(Path(directory)):5d}  ({directory})")
