"""The layout stays as docs/architecture.md draws it: import rules, stdlib-only text package,
test modules that import no other test module, modules of a readable size."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("trolyao", "vntext", "api", "bot", "edge", "actions", "bench", "rasa_ext")
MAX_LINES = 400


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def test_no_layer_imports_a_higher_one() -> None:
    done = subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-4000:]
    assert "0 broken" in done.stdout


def test_the_text_package_needs_only_the_standard_library() -> None:
    for path in (ROOT / "vntext").rglob("*.py"):
        for name in _imports(path):
            top = name.split(".")[0]
            assert top in sys.stdlib_module_names or top == "vntext", f"{path.name}: {name}"


def test_no_test_module_imports_another() -> None:
    for path in (ROOT / "tests").rglob("*.py"):
        for name in _imports(path):
            parts = name.split(".")
            if parts[0] != "tests":
                continue
            assert parts[1:2] == ["support"], f"{path.relative_to(ROOT)} imports {name}"


def test_modules_stay_readable_or_say_why_not() -> None:
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            lines = path.read_text("utf-8").count("\n")
            if lines <= MAX_LINES:
                continue
            docstring = ast.get_docstring(ast.parse(path.read_text("utf-8"))) or ""
            assert "cohesive" in docstring, f"{path.relative_to(ROOT)}: {lines} lines"
