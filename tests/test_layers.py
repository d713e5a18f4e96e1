"""The house stays one-way: each app imports only the layers below it, and no module grows two reasons to change."""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = {"digitsite": 0, "recognizer": 1, "facts": 1, "submissions": 2, "training": 3, "canvas": 3}
MAX_LINES = 250


def imported_apps(path: Path) -> set[str]:
    """The top-level packages of the project a module imports (absolute imports; relative ones stay inside)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names & set(LAYERS)


def app_modules():
    for app in LAYERS:
        for path in sorted((ROOT / app).rglob("*.py")):
            yield app, path


@pytest.mark.parametrize("app", sorted(LAYERS))
def test_an_app_imports_only_the_layers_below_it(app):
    wrong = []
    for owner, path in app_modules():
        if owner != app:
            continue
        for other in imported_apps(path):
            if other != app and LAYERS[other] >= LAYERS[app]:
                wrong.append(f"{path.relative_to(ROOT)} imports {other}")
    assert wrong == []


def test_no_module_outside_tests_and_migrations_is_over_250_lines():
    long = [f"{path.relative_to(ROOT)}: {n} lines"
            for path in sorted(ROOT.glob("*/**/*.py"))
            if not {"tests", "migrations", "var"} & set(path.relative_to(ROOT).parts)
            and not path.relative_to(ROOT).parts[0].startswith(".")     # .venv, .venv-bench
            and (n := len(path.read_text().splitlines())) > MAX_LINES]
    assert long == []


def test_the_layer_check_sees_a_wrong_import(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("from submissions.models import Submission\nimport canvas.services\nfrom . import x\n")
    assert imported_apps(module) == {"submissions", "canvas"}
