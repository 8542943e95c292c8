"""The shipped scenarios: each validates, runs, has a title and opens with a plain-English paragraph; option
scenarios do what they say, at the cost they say."""

import datetime as dt
import itertools

import numpy as np
import pytest

from sim.model.county import CountyModel
from sim.model.metrics import metric_names
from sim.scenario.files import load_scenario
from sim.scenario.uncertainty import central
from tests.conftest import SCENARIOS

SHIPPED = sorted([*SCENARIOS.glob("*.yaml"), *SCENARIOS.glob("validation/*.yaml")])
DAYS_PER_YEAR = 365.25


@pytest.mark.parametrize("path", SHIPPED, ids=lambda path: path.stem)
def test_each_shipped_scenario_validates_runs_and_says_what_it_is(path):
    scenario = load_scenario(path, ["horizon_years=1"])
    assert scenario.title
    lines = path.read_text(encoding="utf-8").splitlines()
    opening = list(itertools.takewhile(lambda line: line.startswith("#"), lines))
    assert len(opening) >= 3, path.name
    assert CountyModel(scenario, 0).run().shape[0] == 12


def test_extra_panel_costs_four_more_assessors_for_three_years_and_its_extra_sittings():
    without_constellations = ["mockingbird.constellations=[]"]
    base = central(load_scenario(SCENARIOS / "baseline.yaml", without_constellations))
    option = central(load_scenario(SCENARIOS / "extra_panel.yaml", without_constellations))
    per_assessor = base.carers.recruitment.assessment.cost_per_assessor_per_year
    horizon = (dt.date(2030, 4, 1) - dt.date(2020, 4, 1)).days
    three_years = (dt.date(2024, 4, 1) - dt.date(2021, 4, 1)).days
    expected_base = 8 * per_assessor * horizon / DAYS_PER_YEAR
    expected_option = expected_base + 4 * per_assessor * three_years / DAYS_PER_YEAR + 36 * 1500
    column = metric_names(base.placements).index("programme_cost")
    for replication in range(2):
        assert CountyModel(base, replication).run()[:, column].sum() == pytest.approx(expected_base, rel=1e-12)
        assert CountyModel(option, replication).run()[:, column].sum() == pytest.approx(expected_option, rel=1e-12)


def test_surrey_plan_opens_its_homes_in_phases_and_charges_their_capital():
    scenario = central(load_scenario(SCENARIOS / "surrey_sufficiency_plan_2022.yaml"))
    capacities = [change.set.get("placements.in_house_childrens_home.capacity") for change in scenario.changes]
    assert capacities == [None, 36, 44, 53]
    assert sum(change.cost for change in scenario.changes) == pytest.approx(37e6)
    assert scenario.targets.in_county_share == 0.80
    base = central(load_scenario(SCENARIOS / "baseline.yaml"))
    column = metric_names(base.placements).index("placed:in_house_childrens_home")
    plan, current = CountyModel(scenario, 0).run()[:, column], CountyModel(base, 0).run()[:, column]
    assert np.array_equal(plan[:22], current[:22])  # nothing changes for those homes before February 2022's step-down
    assert current.max() <= 28 and plan[-12:].mean() > 45
