"""Issue 16's cases: no name, --out or calibrate --out ever replaces a user's files or escapes its place;
results of ours are replaced only with --force; a name becomes one safe path component."""

import json

import pytest

from sim.cli import main
from sim.run.destination import safe_component
from tests.calibration.ssda903_samples import D2I_SAMPLE
from tests.conftest import SCENARIOS

BASELINE = SCENARIOS / "baseline.yaml"
QUICK = ["--replications", "1", "--set", "horizon_years=1", "--jobs", "1"]


def refused(capsys, argv) -> str:
    assert main([str(part) for part in argv]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    return err


def listing(directory) -> dict:
    return {str(path.relative_to(directory)): path.read_bytes() if path.is_file() else None
            for path in sorted(directory.rglob("*"))}


@pytest.fixture
def documents(tmp_path):
    folder = tmp_path / "documents"
    folder.mkdir()
    (folder / "cabinet paper.docx").write_bytes(b"irreplaceable")
    (tmp_path / "results.csv").write_text("kept\n")
    return tmp_path


@pytest.mark.parametrize("name", [".", "..", "a/b", "x" * 300, ".hidden"])
def test_a_name_that_is_not_one_safe_path_component_is_refused(capsys, documents, monkeypatch, name):
    monkeypatch.chdir(documents)
    before = listing(documents)
    assert "name: expected a name of at most 80 letters" in refused(capsys, ["run", BASELINE, *QUICK,
                                                                              "--set", f"name={name}"])
    assert listing(documents) == before


@pytest.mark.parametrize("out", [".", "..", "documents", "results.csv"])
@pytest.mark.parametrize("command", ["run", "compare", "sweep"])
def test_an_out_that_is_not_our_results_is_never_replaced_even_with_force(capsys, documents, monkeypatch, out,
                                                                          command):
    monkeypatch.chdir(documents)
    (documents / "grid.yaml").write_text(f"base: {BASELINE}\nreplications: 1\nseed: 1\n"
                                         "grid: {horizon_years: [1]}\n")
    before = listing(documents.parent if out == ".." else documents)
    argv = {"run": ["run", BASELINE, *QUICK], "compare": ["compare", BASELINE, SCENARIOS / "extra_panel.yaml", "--replications", "1"],
            "sweep": ["sweep", "grid.yaml", "--jobs", "1"]}[command]
    err = refused(capsys, [*argv, "--out", out, "--force"])
    assert f"error: {out}: exists and" in err and "nothing was replaced: choose another --out" in err
    assert listing(documents.parent if out == ".." else documents) == before


def test_an_empty_directory_is_used_and_our_results_need_force(capsys, tmp_path):
    out = tmp_path / "empty"
    out.mkdir()
    assert main(["run", str(BASELINE), *QUICK, "--out", str(out)]) == 0
    manifest = (out / "manifest.json").read_bytes()
    assert "already holds results; add --force" in refused(capsys, ["run", BASELINE, *QUICK, "--out", out])
    assert (out / "manifest.json").read_bytes() == manifest
    assert main(["run", str(BASELINE), *QUICK, "--seed", "3", "--out", str(out), "--force"]) == 0
    assert json.loads((out / "manifest.json").read_text())["seed"] == 3


def test_a_default_directory_comes_from_a_safe_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["run", str(BASELINE), *QUICK, "--set", "name=a.b-c_d"]) == 0
    assert sorted(p.name for p in (tmp_path / "outputs").iterdir()) == ["a.b-c_d"]


@pytest.mark.parametrize("name, component", [
    ("..", "unnamed"), (".", "unnamed"), ("Bromley & Bexley", "Bromley_Bexley"), ("../../etc", "etc"),
    ("x" * 300, "x" * 80), ("", "unnamed"), ("ok.name-1", "ok.name-1"),
])
def test_safe_component(name, component):
    assert safe_component(name) == component


def test_calibrate_never_overwrites_a_file_without_force(capsys, tmp_path):
    scenario = tmp_path / "baseline.yaml"
    scenario.write_text("# a hand-written scenario\n")
    argv = ["calibrate", "--ssda903", D2I_SAMPLE, "--out", scenario, "--fit-replications", "1", "--replications",
            "2", "--jobs", "1"]
    assert "baseline.yaml: exists; add --force to replace it" in refused(capsys, argv)
    assert scenario.read_text() == "# a hand-written scenario\n" and sorted(tmp_path.iterdir()) == [scenario]
    (tmp_path / "baseline_calibration").mkdir()
    (tmp_path / "baseline_calibration" / "notes.txt").write_text("mine")
    assert "baseline_calibration: exists and holds other files" in refused(capsys, [*argv, "--force"])
    assert scenario.read_text() == "# a hand-written scenario\n"
    assert "is a directory; choose a file name" in refused(capsys, [*argv[:4], tmp_path, *argv[5:]])


def test_backtest_never_replaces_a_folder_of_documents(capsys, documents):
    before = listing(documents)
    argv = ["backtest", "--ssda903", D2I_SAMPLE, "--as-of", "2020-04-01", "--out", documents / "documents",
            "--force", "--fit-replications", "1", "--replications", "2", "--jobs", "1"]
    assert "documents: exists and holds other files" in refused(capsys, argv)
    assert listing(documents) == before
