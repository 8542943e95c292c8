"""The back-test of issue 10: a return in which children placed out of county grow because entries rise
while the county's own places stay fixed (capacity_synthetic.py, written by a process of its own, not the
model's), calibrated three years before its end. The 10-90% band must cover at least 70% of the observed
months for children in care and for children placed out of county, and the median's mean absolute
percentage error must be at most 8%."""

import datetime as dt

import pandas as pd
import pytest
from capacity_synthetic import CapacityTruth, write_capacity_return
from synthetic import IN_COUNTY_DISTRICTS, OUT_OF_COUNTY_DISTRICTS

from calibration.backtest import backtest
from calibration.calibrate import Settings
from calibration.figures import load_figures
from calibration.fit import FitSettings
from calibration.history import load_care_history

RETURN_SEED = 20240917  # the return's own seed; the calibration and projection use the scenario seed
AS_OF = dt.date(2018, 4, 1)  # three years before the return's last day, 31 March 2021
SETTINGS = Settings(area="Fullshire", replications=50, fit=FitSettings(replications=5, jobs=2))
QUICK = Settings(area="Fullshire", replications=20, fit=FitSettings(replications=2, jobs=2))  # what is scored, not how well
COVERAGE, MAPE = 0.70, 0.08


@pytest.fixture(scope="module")
def capacity_truth():
    return CapacityTruth()


@pytest.mark.slow
def test_out_of_county_growth_from_fixed_capacity_is_projected_within_the_band(tmp_path, capacity_truth):
    write_capacity_return(tmp_path, capacity_truth, RETURN_SEED)
    result = backtest(load_care_history(tmp_path), AS_OF, load_figures(), SETTINGS)
    scores = result.scores.set_index("metric")
    assert list(scores.index) == ["children_in_care", "placed_out_of_county"] and (scores["months"] == 36).all()
    observed = result.comparison.pivot(index="date", columns="metric", values="observed")
    assert observed["placed_out_of_county"].iloc[-1] > 1.15 * observed["placed_out_of_county"].iloc[0]  # it grows
    assert (scores["coverage"] >= COVERAGE).all() and (scores["mape"] <= MAPE).all()


@pytest.mark.slow
def test_with_the_councils_own_figures_the_back_test_also_scores_its_households(tmp_path, capacity_truth):
    """Locations from a postcode lookup instead of PL_LOCATION, and the council's households, approvals and
    deregistrations by year in the figures file: households are scored at each 31 March after the date."""
    data = tmp_path / "return"
    data.mkdir()
    supply = write_capacity_return(data, capacity_truth, RETURN_SEED, with_location=False)
    lookup = tmp_path / "lookup.csv"
    pd.DataFrame([(d, "Fullshire") for d in IN_COUNTY_DISTRICTS] + [(d, "Elsewhere") for d in OUT_OF_COUNTY_DISTRICTS],
                 columns=["postcode_district", "authority"]).to_csv(lookup, index=False)
    own = tmp_path / "figures.csv"
    rows = [(name, value, year.period) for year in supply for name, value in (
        ("mainstream_households", year.households_31_march), ("mainstream_households_approved", year.approved),
        ("mainstream_households_deregistered", year.deregistered))]
    pd.DataFrame([("Fullshire", name, value, "households", period, "synthetic", "strong") for name, value, period in rows],
                 columns=["area", "parameter", "value", "unit", "period", "source", "strength"]).to_csv(own, index=False)
    history = load_care_history(data, postcode_lookup=lookup, authority="Fullshire")
    result = backtest(history, AS_OF, load_figures(own), QUICK)
    scores = result.scores.set_index("metric")
    assert list(scores.index) == ["children_in_care", "placed_out_of_county", "in_house_households"]
    assert scores.loc["in_house_households", "months"] == 3  # 31 March 2019, 2020 and 2021
    # The pool starts at the council's 150 households of 31 March 2018, leaves at the rate its figures give (five
    # years' deregistrations over 5 x 150 household-years) and its approvals, as many, keep it there.
    balance = result.calibration.balance
    assert balance.households == supply[4].households_31_march == capacity_truth.households
    assert balance.leaving_rate == pytest.approx(sum(y.deregistered for y in supply[:5]) / (150 * 5), rel=0.01)
    assert balance.equilibrium == pytest.approx(150, rel=0.01)
    assert scores.loc["in_house_households", "coverage"] == 1.0 and scores.loc["in_house_households", "mape"] < 0.05
