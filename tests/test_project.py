"""The project's own rules: CI runs the README's test command, the optimiser never imports the service."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).parent.parent


def _readme_command(word: str) -> str:
    commands = [line.strip() for line in (ROOT / "README.md").read_text().splitlines()
                if line.startswith("python3 -m venv .venv") and word in line]
    assert len(commands) == 1, f"the README should show exactly one {word} command"
    return commands[0]


def test_ci_runs_exactly_the_readme_test_command() -> None:
    assert _readme_command("pytest") in (ROOT / ".ci" / "run").read_text().splitlines()


def test_the_readme_run_command_serves_the_demo() -> None:
    assert _readme_command("serve").endswith("market serve --demo")


def _modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def test_matching_never_imports_market() -> None:
    for path in _modules("matching"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            assert not any(re.match(r"market(\.|$)", name) for name in names), f"{path} imports market"


def test_every_module_says_what_it_holds_in_its_first_line() -> None:
    for path in _modules("market") + _modules("matching"):
        docstring = ast.get_docstring(ast.parse(path.read_text()))
        assert docstring and docstring.splitlines()[0].strip(), f"{path} has no one-line docstring"
