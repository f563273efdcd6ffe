"""The adapter template (examples/adapter_template) stays what docs/adapters.md says it is.

The template cannot run (its framework is a placeholder), so what can drift is checked here: the
files the docs list, the entry point and the test class agreeing on one name, and every any-agent
name the template imports still existing.
"""

from __future__ import annotations

import ast
import importlib
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "examples" / "adapter_template"
DOCS = ROOT / "docs" / "adapters.md"


def _template_files() -> set[str]:
    return {
        path.relative_to(TEMPLATE).as_posix()
        for path in TEMPLATE.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.name != "py.typed"
    }


def test_the_docs_list_exactly_the_template_files() -> None:
    tree = re.search(r"## Start from the template.*?```text\n(?P<tree>.*?)```", DOCS.read_text(), re.DOTALL)
    assert tree is not None
    listed: set[str] = set()
    folders: list[str] = []
    for line in tree.group("tree").splitlines()[1:]:
        name = re.sub(r"^[│├└─\s]*", "", line).split()[0]
        depth = (len(line) - len(line.lstrip("│├└─ "))) // 4
        folders = folders[: depth - 1]
        if name.endswith("/"):
            folders.append(name)
        else:
            listed.add("".join(folders) + name)
    assert listed == _template_files()


def test_entry_point_package_and_test_class_agree() -> None:
    project = tomllib.loads((TEMPLATE / "pyproject.toml").read_text())
    [(name, target)] = project["project"]["entry-points"]["any_agent.adapters"].items()
    module, _, cls = target.partition(":")
    assert project["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"] == [f"src/{module}"]
    exported = ast.parse((TEMPLATE / "src" / module / "__init__.py").read_text())
    assert any(isinstance(node, ast.ImportFrom) and cls in [a.name for a in node.names] for node in exported.body)
    adapter = ast.parse((TEMPLATE / "src" / module / "adapter.py").read_text())
    [klass] = [node for node in adapter.body if isinstance(node, ast.ClassDef) and node.name == cls]
    declared = [
        node.value.value
        for node in klass.body
        if isinstance(node, ast.AnnAssign)
        and ast.unparse(node.target) == "framework"
        and isinstance(node.value, ast.Constant)
    ]
    assert declared == [name]
    suite = (TEMPLATE / "tests" / "test_conformance.py").read_text()
    assert "(ConformanceSuite):" in suite and f'framework = "{name}"' in suite
    # Not a member of this repository's uv workspace (which is adapters/*): it is copied, not built here.
    assert not TEMPLATE.is_relative_to(ROOT / "adapters")


def test_every_any_agent_name_the_template_imports_exists() -> None:
    imported = 0
    for path in sorted(TEMPLATE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "any_agent":
                module = importlib.import_module(node.module or "")
                for alias in node.names:
                    assert hasattr(module, alias.name), f"{path.name}: {node.module} has no {alias.name}"
                    imported += 1
    assert imported >= 10


def test_the_template_covers_the_checklist() -> None:
    """Each checklist item that is code has its TODO in the template."""
    code = "\n".join(path.read_text() for path in TEMPLATE.rglob("*.py"))
    for tag in ("agent_args", "model bridge", "tool bridge", "max_turns", "telemetry", "run", "errors", "differences"):
        assert f"TODO({tag})" in code, tag
    for call in (
        "check_agent_args(",
        "self.toolset.bridged",
        "self.toolset.dispatch(",
        "self.toolset.handover(",
        "framework_turn_limit(",
    ):
        assert call in code, call
