"""The calibrated carer supply: the pool, its leaving rate and the funnel from the council's own yearly
figures, or national rates scaled to keep the pool the census implies in balance; checked against hand
computations, the closed form of the pool's path, and a simulation of the calibrated scenario."""

import datetime as dt
import math
import re
from types import SimpleNamespace

import numpy as np
import pytest

from calibration.errors import DataError
from calibration.figures import load_figures
from calibration.scenario_writer import Free
from calibration.supply import Balance, carers
from calibration.written import PERT_HALF_WIDTH_IN_SE
from sim.run.steady_state import carer_supply
from sim.scenario.files import load_scenario
from sim.scenario.schema import Carers
from sim.scenario.uncertainty import central
from tests.conftest import run_values

HEADER = "area,parameter,value,unit,period,source,strength\n"
CENSUS_DATE = dt.date(2021, 3, 31)
CHILDREN = {"0-4": 20, "5-10": 40, "11-15": 30, "16-17": 10}  # in in-house foster care at the census
BREAKDOWNS = dict.fromkeys(CHILDREN, 0.15)
OCCUPANCY = Free(0.9, "assumed")
OWN_ROWS = """\
Testshire,mainstream_households,100,households,2019-20,own,strong
Testshire,mainstream_households,104,households,2020-21,own,strong
Testshire,mainstream_households,90,households,2021-22,own,strong
Testshire,mainstream_households_approved,15,households,2019-20,own,strong
Testshire,mainstream_households_approved,18,households,2020-21,own,strong
Testshire,mainstream_households_deregistered,12,households,2019-20,own,strong
Testshire,mainstream_households_deregistered,14,households,2020-21,own,strong
Testshire,mainstream_initial_enquiries,200,enquiries,2019-20,own,strong
Testshire,mainstream_initial_enquiries,240,enquiries,2020-21,own,strong
Testshire,mainstream_applications,30,applications,2019-20,own,strong
Testshire,mainstream_applications,36,applications,2020-21,own,strong
"""


def _values(tree):
    """Comments dropped, ranges kept as dicts."""
    value = getattr(tree, "value", tree)
    return {key: _values(item) for key, item in value.items()} if isinstance(value, dict) else value


def _central(value):
    return value["central"] if isinstance(value, dict) and "central" in value else value


def _calibrated(figures, children=CHILDREN):
    """The carers written, without comments and each range at its central value, and the pool's balance
    with approvals a year as `sufficiency check` counts them."""
    tree, rate, basis = carers(children, CENSUS_DATE, figures, OCCUPANCY, BREAKDOWNS)
    written = _values(tree)
    approvals = carer_supply(SimpleNamespace(carers=Carers.model_validate(_central_tree(written)))).approvals
    return written, Balance(written["initial_households"], approvals, rate, basis)


def _own_figures(tmp_path, rows=OWN_ROWS):
    path = tmp_path / "figures.csv"
    path.write_text(HEADER + rows)
    return load_figures(path)


def test_without_own_figures_the_pool_the_census_implies_is_in_balance():
    written, balance = _calibrated(load_figures())
    households = math.ceil(100 / (1.55 * 0.9))
    assert written["initial_households"] == balance.households == households == 72
    # England's 12.8% a year, divided by the raise after breakdowns: x2 for the six months after one, and
    # 100 children breaking down at 0.15 a year in 72 households leave 1 - exp(-0.2083 x 0.5) of them unsettled.
    unsettled = 1 - math.exp(-100 / 72 * 0.15 * 0.5)
    assert written["deregistration_rate_per_year"]["central"] == pytest.approx(0.128 / (1 + unsettled), abs=1e-4)
    assert balance.leaving_rate == 0.128
    assert balance.approvals_per_year == pytest.approx(72 * 0.128, rel=0.005)  # enquiries are rounded to 0.01
    assert balance.equilibrium / balance.households == pytest.approx(1.0, abs=0.005)
    assert balance.time_constant_years == pytest.approx(1 / 0.128)


def test_the_councils_own_figures_set_the_pool_its_leaving_rate_and_the_funnel(tmp_path):
    written, balance = _calibrated(_own_figures(tmp_path).up_to(CENSUS_DATE))
    assert written["initial_households"] == balance.households == 104  # at 31 March 2021; 2021-22's is later
    # 26 left over 100 + (100 + 104) / 2 household-years; range: sqrt(7) Poisson standard errors either side.
    rate = 26 / 202
    assert balance.leaving_rate == pytest.approx(rate, abs=1e-4)
    leaving = written["deregistration_rate_per_year"]
    half_width = PERT_HALF_WIDTH_IN_SE * rate / math.sqrt(26)
    assert leaving["high"] - leaving["low"] == pytest.approx(2 * half_width * leaving["central"] / rate, abs=1e-3)
    recruitment = written["recruitment"]
    assert _central(recruitment["enquiries_per_month"]) == pytest.approx(220 / 12, abs=0.005)
    assert recruitment["enquiry_to_application"] == pytest.approx(66 / 440)
    # 33 applications a year become 16.5 approvals at England's approval probability.
    probability = recruitment["panel"]["approval_probability"]
    withdrawal = recruitment["assessment"]["withdrawal_probability"]
    assert withdrawal == pytest.approx(1 - 16.5 / (33 * probability), abs=1e-3)
    assert balance.approvals_per_year == pytest.approx(16.5, rel=0.005)
    assert balance.equilibrium == pytest.approx(16.5 / rate, rel=0.005)
    assert "figures: Testshire, mainstream_households_approved, 2019-20 to 2020-21" in balance.basis


def test_the_households_places_hold_the_in_house_children_at_the_occupancy(tmp_path):
    places = _calibrated(_own_figures(tmp_path).up_to(CENSUS_DATE))[0]["places_per_household"]
    assert sum(places.values()) == pytest.approx(1.0)
    assert sum(size * share for size, share in places.items()) == pytest.approx(100 / (104 * 0.9), abs=0.005)
    # Nearest the assumed mix: more households of one place than of two, and of two than of three.
    assert places[1] > places[2] > places[3] > 0


def test_the_pools_path_is_the_closed_form_towards_its_equilibrium(tmp_path):
    balance = _calibrated(_own_figures(tmp_path).up_to(CENSUS_DATE))[1]
    equilibrium, tau = balance.equilibrium, balance.time_constant_years
    assert balance.households_at(0.0) == pytest.approx(104)
    assert balance.households_at(tau) == pytest.approx(equilibrium + (104 - equilibrium) / math.e)
    assert balance.households_at(50 * tau) == pytest.approx(equilibrium)


def test_assessors_and_panel_are_raised_when_the_assumed_numbers_would_hold_approvals_back():
    many = {band: 10 * n for band, n in CHILDREN.items()}  # 1,000 in-house children: 717 households
    written, balance = _calibrated(load_figures(), many)
    assessment, panel = written["recruitment"]["assessment"], written["recruitment"]["panel"]
    assert assessment["assessors"] > 8 and panel["cases_per_sitting"] > 6
    supply = carer_supply(SimpleNamespace(carers=Carers.model_validate(_central_tree(written))))
    assert supply.limited_by == "the enquiries" and min(supply.assessment, supply.panel) >= 1.4 * supply.funnel
    assert balance.equilibrium / balance.households == pytest.approx(1.0, abs=0.005)


def _central_tree(tree):
    if isinstance(tree, dict) and set(tree) == {"low", "central", "high"}:
        return tree["central"]
    return {key: _central_tree(value) for key, value in tree.items()} if isinstance(tree, dict) else tree


def test_a_calibrated_pool_without_own_figures_stays_level_when_simulated(synthetic_calibration):
    """In balance, the expected pool stays at its start: the mean over 24 replications (each pool's spread
    about sqrt(households)) within 4% after five years, allowing for the raise after breakdowns being
    taken at its census rate."""
    scenario = central(load_scenario(synthetic_calibration[1], ["horizon_years=5", "replications=24"]))
    households = run_values(scenario, jobs=2)["in_house_households"]
    start = scenario.carers.initial_households
    assert np.mean(households[:, -1]) == pytest.approx(start, rel=0.04)


@pytest.mark.parametrize(
    "rows, expected",
    [
        ("a,mainstream_households,100,,2021,,\n", "line 2: PERIOD: mainstream_households: expected a collection "
                                                  "year such as 2021-22"),
        ("a,mainstream_households,100,,2021-23,,\n", "line 2: PERIOD: mainstream_households: expected a collection"),
        ("a,mainstream_households_approved,12.5,,2021-22,,\n", "line 2: VALUE: mainstream_households_approved: "
                                                               "expected a whole number (households approved in"),
        ("a,mainstream_households,100,,2021-22,,\na,mainstream_households,101,,2021-22,,\n",
         "line 3: PERIOD: mainstream_households for 2021-22 is given twice"),
        ("a,mainstream_approved_places,100,,2021-22,,\na,mainstream_filled_places,120,,2021-22,,\n",
         "line 3: VALUE: mainstream_filled_places for 2021-22 (120) is more than that year's"),
        ("a,mainstream_househlds,100,,2021-22,,\n", "line 2: PARAMETER: unknown figure 'mainstream_househlds'; "
                                                    "did you mean 'mainstream_households'?"),
    ],
)
def test_a_bad_yearly_figure_is_a_one_line_error_naming_the_file_and_line(tmp_path, rows, expected):
    with pytest.raises(DataError, match=re.escape(expected)) as error:
        _own_figures(tmp_path, rows)
    assert str(error.value).startswith(f"{tmp_path / 'figures.csv'}: line ") and "\n" not in str(error.value)


def test_yearly_figures_are_known_only_from_the_end_of_their_year(tmp_path):
    figures = _own_figures(tmp_path)
    assert list(figures.series("mainstream_households")) == [dt.date(2020, 3, 31), dt.date(2021, 3, 31),
                                                             dt.date(2022, 3, 31)]
    assert list(figures.up_to(dt.date(2021, 3, 30)).series("mainstream_households")) == [dt.date(2020, 3, 31)]
    assert figures.up_to(dt.date(2019, 1, 1)).yearly == {} and figures["mainstream_deregistration_rate"].value == 0.128
