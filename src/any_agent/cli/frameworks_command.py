"""``any-agent frameworks``: the installed adapters, whether each loads, and which versions are installed.

Loading an adapter imports its framework (seconds for some), so a spinner names the one loading.
Versions come from package metadata: the adapter's distribution, and the framework it requires
(every requirement of the adapter other than any-agent itself), so a third-party adapter shows its
framework's version too without any-agent knowing its name.
"""

from __future__ import annotations

import re
from importlib.metadata import EntryPoint, PackageNotFoundError, entry_points, version

from rich.console import Console
from rich.table import Table
from rich.text import Text

from any_agent.cli import exit_codes
from any_agent.environments import OWN_ENVIRONMENT, environment_python, sync_command
from any_agent.errors import AdapterNotFoundError
from any_agent.registry import ENTRY_POINT_GROUP, load_adapter

__all__ = ["frameworks_command", "versions_of"]

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*")


def versions_of(entry: EntryPoint) -> tuple[str, str]:
    """The adapter's distribution and version, and its framework's (``"built in"`` for tiny)."""
    dist = entry.dist
    if dist is None:
        return "?", ""
    adapter = f"{dist.name} {dist.version}"
    frameworks = []
    for requirement in dist.requires or []:
        if "extra ==" in requirement:
            continue
        match = _NAME.match(requirement)
        if match is None or match.group().lower().replace("_", "-") == "any-agent":
            continue
        try:
            frameworks.append(f"{match.group()} {version(match.group())}")
        except PackageNotFoundError:
            frameworks.append(f"{match.group()} (not installed)")
    if dist.name.lower().replace("_", "-") == "any-agent":
        return adapter, "built in"
    return adapter, ", ".join(frameworks)


def frameworks_command(*, out: Console, err: Console) -> int:
    """Print the table; the exit code is 0 (a framework that fails to load is shown, not an error)."""
    entries = sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda entry: entry.name)
    table = Table("Framework", "Status", "Adapter", "Framework version")
    with err.status("loading the adapters…") as status:
        for entry in entries:
            status.update(f"loading {entry.name}…")
            adapter, framework = versions_of(entry)
            try:
                load_adapter(entry.name)
                state = Text("available", style="green")
            except AdapterNotFoundError as error:
                state = Text(str(error), style="red")
            table.add_row(entry.name, state, adapter, framework)
    here = {entry.name for entry in entries}
    for name in sorted(set(OWN_ENVIRONMENT) - here):  # installed, if at all, in an environment of its own
        python = environment_python(name)
        where = f"in its own environment ({python.parent.parent})" if python else f"not installed: {sync_command(name)}"
        table.add_row(name, Text(where, style="green" if python else "yellow"), "", "")
    out.print(table)
    return exit_codes.OK
