"""`sufficiency fit`: recovering known parameters from points the model itself made, reproducibly; bad input."""

import numpy as np
import pytest

from sim.cli import main
from sim.run.observed import values_of
from sim.run.runner import RunShape, replications
from sim.scenario.files import load_scenario
from tests.conftest import SCENARIOS

ERLANG = SCENARIOS / "validation" / "erlang_loss.yaml"
TRUE = {"demand.entries_per_year": 40.0, "carers.initial_households": 30}
POINTS = [("2021-12-31", "children_in_care"), ("2022-12-31", "children_in_care"),
          ("2021-12-31", "placed_out_of_county"), ("2022-12-31", "placed_out_of_county")]


def observed_by_the_model(tmp_path, seed=999, count=200):
    """The median of `count` runs at the true values, with a seed the fit never uses."""
    truth = load_scenario(ERLANG, [f"{key}={value}" for key, value in TRUE.items()]
                          + ["horizon_years=3", f"replications={count}", f"seed={seed}"])
    shape = RunShape.of(truth)
    runs = np.array([values for _, values in replications(truth, count)])
    rows = ["date,metric,value,source"]
    for date, metric in POINTS:
        month = [end.isoformat() for end in shape.dates].index(date)
        rows.append(f"{date},{metric},{np.median(values_of(metric, runs, shape.metrics)[:, month]):g},model seed {seed}")
    path = tmp_path / "observed.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def fit_args(tmp_path, observed, out="fitted.yaml", households="--free=carers.initial_households=10..60"):
    return ["fit", str(ERLANG), "--observed", str(observed), "--free", "demand.entries_per_year=20..80",
            households, "--replications", "40", "--seed", "5", "--jobs", "1", "--set", "horizon_years=3",
            "--out", str(tmp_path / out)]


@pytest.mark.slow
def test_parameters_that_made_the_points_are_recovered(tmp_path):
    observed = observed_by_the_model(tmp_path)
    assert main(fit_args(tmp_path, observed)) == 0
    fitted = load_scenario(tmp_path / "fitted.yaml")
    assert fitted.demand.entries_per_year == pytest.approx(40, rel=0.06)
    assert abs(fitted.carers.initial_households - 30) <= 3
    text = (tmp_path / "fitted.yaml").read_text()
    assert "entries_per_year:" in text and "# fitted within 20 to 80 (was 20)" in text
    assert (tmp_path / "fitted_fit" / "report.md").is_file()
    assert list((tmp_path / "fitted_fit" / "charts").glob("fit_children_in_care.png"))


@pytest.mark.slow
def test_the_fit_is_reproducible(tmp_path):
    observed = observed_by_the_model(tmp_path, count=40)
    one_parameter = "--set=carers.initial_households=30"
    assert main(fit_args(tmp_path, observed, "one.yaml", one_parameter)) == 0
    assert main(fit_args(tmp_path, observed, "two.yaml", one_parameter)) == 0
    one, two = (tmp_path / "one.yaml").read_text(), (tmp_path / "two.yaml").read_text()
    assert one.replace("one", "two") == two


def bad_observed(tmp_path, body):
    path = tmp_path / "bad.csv"
    path.write_text("date,metric,value,source\n" + body, encoding="utf-8")
    return path


@pytest.mark.parametrize("body, message", [
    ("2022-12-31,children_in_cares,40,x\n", "line 2: unknown metric 'children_in_cares'"),
    ("2022-12-31,children_in_care,40,x\n2031-03-31,children_in_care,40,x\n", "line 3: date 2031-03-31 is outside"),
    ("31/12/2022,children_in_care,40,x\n", "line 2: date: expected YYYY-MM-DD or YYYY-MM"),
    ("2022-12-31,children_in_care,-4,x\n", "line 2: value: expected a number of at least 0"),
    ("2022-12-31,children_in_care,lots,x\n", "line 2: value: expected a number of at least 0, got 'lots'"),
    ("2022-12-31,share_in_county,54,x\n", "line 2: value: a share is between 0 and 1"),
    ("2022-12-31,placed:ifa+elsewhere,4,x\n", "line 2: unknown metric"),
])
def test_a_bad_observed_file_names_the_file_and_line(tmp_path, capsys, body, message):
    assert main(fit_args(tmp_path, bad_observed(tmp_path, body))) == 2
    error = capsys.readouterr().err
    assert "bad.csv" in error and message in error and len(error.splitlines()) == 1
    assert not (tmp_path / "fitted.yaml").exists() and not (tmp_path / "fitted_fit").exists()


@pytest.mark.parametrize("free, message", [
    ("demand.entries_per_year=80..20", "expected LOW < HIGH"),
    ("demand.age_mix=0..1", "is not a number in the scenario"),
    ("demand.entries_per_year=20..lots", "bounds must be numbers"),
    ("demand.entries_per_year", "expected KEY.PATH=LOW..HIGH"),
    ("carers.initial_households=-10..60", "carers.initial_households"),
])
def test_a_bad_free_parameter_is_refused(tmp_path, capsys, free, message):
    observed = bad_observed(tmp_path, "2022-12-31,children_in_care,40,x\n")
    args = ["fit", str(ERLANG), "--observed", str(observed), "--free", free, "--out", str(tmp_path / "f.yaml"),
            "--set", "horizon_years=3"]
    assert main(args) == 2
    error = capsys.readouterr().err
    assert message in error and len(error.splitlines()) == 1 and not (tmp_path / "f.yaml").exists()


def test_an_existing_output_is_kept_without_force(tmp_path, capsys):
    observed = bad_observed(tmp_path, "2022-12-31,children_in_care,40,x\n")
    (tmp_path / "fitted.yaml").write_text("mine\n")
    assert main(fit_args(tmp_path, observed)) == 2
    assert (tmp_path / "fitted.yaml").read_text() == "mine\n" and "--force" in capsys.readouterr().err
