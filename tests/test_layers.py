"""The package's layers (DESIGN.md section 3): data flows down, so a lower layer never imports a higher one.

sim.scenario < sim.model < sim.run < calibration < sim.report < sim.web < sim.cli. Calibration runs
the model (it may import scenario, model and run); the reports of a calibration are presentation, so
they live in sim.report, which may import calibration. The report layer reads saved results and never
runs the model itself.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RANK = {"scenario": 0, "model": 1, "run": 2, "calibration": 2.5, "report": 3, "web": 4, "cli": 9}
RUNS_THE_MODEL = ("sim.model.county", "sim.run.runner", "sim.run.executors", "sim.run.outputs")


def layer(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] == "calibration":
        return "calibration"
    if parts[0] != "sim" or len(parts) < 2:
        return None
    return "cli" if parts[1] in ("cli", "__main__") else parts[1]


def imported_modules(source: str, module: str) -> list[tuple[int, str]]:
    """(line, module) of every import in `source`, relative imports resolved against `module`."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = module.split(".")[: -node.level]
                base = ".".join([*package, base] if base else package)
            found.extend((node.lineno, f"{base}.{alias.name}" if not node.module else base) for alias in node.names)
    return found


def violations(source: str, module: str) -> list[str]:
    mine = layer(module)
    problems = []
    for line, other in imported_modules(source, module):
        theirs = layer(other)
        if mine in RANK and theirs in RANK and RANK[theirs] > RANK[mine]:
            problems.append(f"{module}:{line} ({mine}) imports {other} ({theirs})")
        if mine == "report" and other.startswith(RUNS_THE_MODEL):
            problems.append(f"{module}:{line} (report) imports {other}, which runs the model")
    return problems


def package_modules():
    for path in sorted([*ROOT.glob("sim/**/*.py"), *ROOT.glob("calibration/**/*.py")]):
        parts = path.relative_to(ROOT).with_suffix("").parts
        yield path, ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_every_module_belongs_to_a_layer():
    unplaced = [module for _, module in package_modules() if layer(module) not in RANK and module != "sim"]
    assert unplaced == [], f"modules outside sim/scenario, model, run, report, web and cli: {unplaced}"


def test_no_import_crosses_a_layer_upward():
    found = [problem for path, module in package_modules() for problem in violations(path.read_text(), module)]
    assert found == []


@pytest.mark.parametrize(("module", "source"), [
    ("sim.model.county", "from sim.run.runner import replications\n"),
    ("sim.scenario.files", "import sim.report.charts\n"),
    ("sim.run.outputs", "from ..report import publish\n"),
    ("calibration.calibrate", "from sim.report.calibration import write_report\n"),
    ("sim.report.pack", "from sim.run.runner import replications\n"),
])
def test_the_check_finds_an_upward_import(module, source):
    assert len(violations(source, module)) == 1


def test_the_check_allows_downward_imports():
    assert violations("from sim.scenario.schema import Scenario\nimport numpy\n", "sim.report.pack") == []
    assert violations("from calibration.disclosure import shown\n", "sim.report.calibration") == []
