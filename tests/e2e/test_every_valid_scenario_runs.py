"""Every scenario the validator accepts runs to a complete results directory and pack, and `charts` rebuilds
them: degenerate ones too (nothing costs anything, one option, no entries, no carers, one month, one run,
capacity 0, every mechanism off, changes on dates). Exit 1 with a traceback would be a defect."""

from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.cli import main
from sim.model.ages import AGE_BANDS
from sim.scenario.files import validate_raw
from tests.conftest import SCENARIOS

OUTPUTS = ("manifest.json", "timeseries.parquet", "summary.csv", "pack.html", "pack.xlsx",
           "charts/out_of_county.png", "charts/out_of_county.csv")
RESULTS = ("scenario.yaml", *OUTPUTS)
COMPARISON = (*OUTPUTS, "scenarios/erlang_loss.yaml", "scenarios/more_carers.yaml", "differences.csv", "headline.csv",
              "charts/out_of_county_reduction.png")
FEW = settings(max_examples=5, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
MANY = settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))


@st.composite
def tiny_scenarios(draw):
    """A small scenario with each mechanism on or off, and costs, options and horizons at their edges."""
    cost = draw(st.sampled_from([0, 0, 650]))
    single = draw(st.booleans())
    households = draw(st.sampled_from([0, 0, 3]))
    options = {"anywhere": {"location": draw(st.sampled_from(["in_county", "out_of_county"])), "capacity": "unlimited",
                           "weekly_cost": cost}}
    family = ["anywhere"]
    if not single:
        options |= {"in_house_fostering": {"location": "in_county", "weekly_cost": cost},
                    "closed": {"location": "in_county", "capacity": draw(st.sampled_from([0, 2])),
                               "weekly_cost": 2 * cost}}
        family = ["in_house_fostering", "closed", "anywhere"]
    recruiting = households > 0 and not single and draw(st.booleans())
    raw = {
        "name": "tiny",
        "start_date": "2022-04-01",
        "horizon_years": draw(st.sampled_from([1 / 12, 0.5, 1, 2])),
        "replications": draw(st.sampled_from([1, 2])),
        "seed": draw(st.integers(0, 1000)),
        "weekly_cost_inflation_per_year": draw(st.sampled_from([0.0, 0.05])),
        "demand": {"entries_per_year": draw(st.sampled_from([0, 0, 20])), "age_mix": {band: 0.25 for band in AGE_BANDS},
                   "duration_in_care": {"mean_years": draw(st.sampled_from([0.2, 2.0]))}},
        "initial_state": {"children_in_care": {"anywhere": {"11-15": draw(st.sampled_from([0, 4]))}}},
        "placements": options,
        "matching": {"family": family},
        "carers": {
            "initial_households": 0 if single else households,
            "places_per_household": {1: 1.0},
            "deregistration_rate_per_year": draw(st.sampled_from([0.0, 0.5])),
            "recruitment": {"enquiries_per_month": 10 if recruiting else 0, "enquiry_to_application": 0.3,
                            "assessment": {"mean_months": 2, "cost_per_assessor_per_year": draw(st.sampled_from([0, 1e4]))}},
        },
        "breakdowns": {"rate_per_year": {"anywhere": draw(st.sampled_from([0.0, 1.0]))}},
        "step_down": {"enabled": draw(st.booleans()), "max_moves_per_month": 1},
    }
    if not single and draw(st.booleans()):
        raw["mockingbird"] = {"constellations": [{"start_date": "2022-05-01", "count": 1}], "satellites_per_hub": 1}
    if draw(st.booleans()):
        raw["changes"] = [{"date": draw(st.sampled_from(["2022-04-01", "2022-06-01", "2030-01-01"])),
                           "set": {"placements.anywhere.weekly_cost": draw(st.sampled_from([0, 900])),
                                   "demand.entries_per_year": draw(st.sampled_from([0, 30]))},
                           "cost": draw(st.sampled_from([0, 5000]))}]
    validate_raw(raw, "tiny")
    return raw


def run_to_pack(raw: dict, directory: Path) -> Path:
    path = directory / "tiny.yaml"
    path.write_text(yaml.safe_dump(raw))
    out = directory / "out"
    assert main(["run", str(path), "--jobs", "1", "--out", str(out)]) == 0
    assert main(["charts", str(out)]) == 0
    for name in RESULTS:
        assert (out / name).is_file(), name
    return out


@FEW
@given(raw=tiny_scenarios())
def test_every_valid_scenario_runs_to_its_pack(raw, tmp_path_factory):
    run_to_pack(raw, tmp_path_factory.mktemp("tiny"))


@pytest.mark.slow
@MANY
@given(raw=tiny_scenarios())
def test_many_valid_scenarios_run_to_their_packs(raw, tmp_path_factory):
    run_to_pack(raw, tmp_path_factory.mktemp("tiny"))


def test_the_erlang_loss_check_in_the_readme_runs_to_its_pack(tmp_path):
    """All its weekly costs are zero: no annual cost chart, no crash."""
    out = tmp_path / "erlang"
    assert main(["run", str(SCENARIOS / "validation" / "erlang_loss.yaml"), "--replications", "2", "--jobs", "1",
                 "--set", "horizon_years=2", "--out", str(out)]) == 0
    assert all((out / name).is_file() for name in RESULTS)
    assert not (out / "charts" / "annual_cost.png").exists()


def test_two_scenarios_that_cost_nothing_compare(tmp_path):
    erlang = f"extends: {SCENARIOS / 'validation' / 'erlang_loss.yaml'}\nhorizon_years: 2\n"
    (tmp_path / "base.yaml").write_text(erlang + "name: erlang_loss\n")
    (tmp_path / "other.yaml").write_text(erlang + "name: more_carers\ncarers: {initial_households: 25}\n")
    out = tmp_path / "compare"
    assert main(["compare", str(tmp_path / "base.yaml"), str(tmp_path / "other.yaml"), "--replications", "2",
                 "--jobs", "1", "--out", str(out)]) == 0
    assert main(["charts", str(out)]) == 0
    assert all((out / name).is_file() for name in COMPARISON)
