"""The observed monthly series, the history as it stood before a date, the fit's reproducibility, and the
back-test's scores."""

import datetime as dt

import pandas as pd
import pytest
from ssda903_samples import SF_SAMPLE
from tiny_returns import child, episode, write_per_year

from calibration.backtest import _scores
from calibration.errors import DataError
from calibration.estimate import estimate_all
from calibration.figures import load_figures
from calibration.fit import FitSettings, fit_free_parameters
from calibration.history import history_before, load_care_history
from calibration.observed import month_ends, observed_series

IFA_OUT = {"PLACE": "U4", "PLACE_PROVIDER": "PR4", "PL_LOCATION": "OUT"}
EPISODES = [
    episode("C1", "15/05/2017", PL_LOCATION="IN", DEC="10/07/2017", REC="X1", REASON_PLACE_CHANGE="CREQB"),
    episode("C1", "10/07/2017", RNE="P", DEC="20/04/2018", REC="E11", **IFA_OUT),
    episode("C2", "01/06/2017", PL_LOCATION="IN", DEC="31/07/2017", REC="E11"),
    episode("C3", "02/05/2018", PL_LOCATION="IN"),
]
CHILDREN = [child("C1", "01/01/2008"), child("C2", "01/01/2010"), child("C3", "01/01/2012")]


@pytest.fixture
def history(tmp_path):
    write_per_year(tmp_path, {2017: EPISODES[:3], 2018: [EPISODES[1], EPISODES[3]]}, CHILDREN)
    return load_care_history(tmp_path)


def test_month_ends_run_from_the_first_months_end_to_the_last_on_or_before_the_end():
    assert month_ends(dt.date(2017, 4, 1), dt.date(2017, 6, 29)) == [dt.date(2017, 4, 30), dt.date(2017, 5, 31)]


def test_children_in_care_and_out_of_county_at_each_month_end(history):
    dates = month_ends(dt.date(2017, 4, 1), dt.date(2018, 5, 31))
    observed = observed_series(history, dates)
    by_month = {date.strftime("%Y-%m"): tuple(row) for date, row in observed.iterrows()}
    assert by_month["2017-04"] == (0, 0)
    assert by_month["2017-06"] == (2, 0)
    assert by_month["2017-07"] == (1, 1)  # C2 left on 31 July: not in care at the end of that day
    assert by_month["2018-03"] == (1, 1)
    assert by_month["2018-05"] == (1, 0)


def test_out_of_county_is_missing_where_locations_are_unknown(tmp_path):
    write_per_year(tmp_path, {2017: [episode("C1", "15/05/2017", **{"PLACE_PROVIDER": "PR4"})]}, CHILDREN[:1])
    observed = observed_series(load_care_history(tmp_path), [dt.date(2017, 6, 30)])
    assert observed["children_in_care"].tolist() == [1] and observed["placed_out_of_county"].isna().all()


def test_the_history_before_a_date_forgets_what_came_later(history):
    before = history_before(history, dt.date(2018, 4, 1))
    assert before.window_end == pd.Timestamp("2018-03-31")
    assert set(before.periods["child"]) == {"C1", "C2"}
    still_open = before.placements[before.placements["child"] == "C1"].iloc[-1]
    assert pd.isna(still_open["end"]) and still_open["observed_until"] == pd.Timestamp("2018-03-31")
    assert before.placements["breakdown"].tolist() == [True, False, False]
    assert "Cut at 2018-04-01 for the back-test" in before.quality.lines()[-1]


@pytest.mark.parametrize("as_of", [dt.date(2018, 5, 1), dt.date(2017, 4, 1), dt.date(2019, 4, 1)])
def test_the_back_test_date_is_a_1_april_inside_the_window(history, as_of):
    with pytest.raises(DataError, match="--as-of: expected a 1 April after 2017-04-01 and by 2019-03-31"):
        history_before(history, as_of)


def test_the_fit_is_reproducible_for_a_seed():
    history = load_care_history(SF_SAMPLE, la="Southwark")
    estimates, figures = estimate_all(history), load_figures()
    settings = FitSettings(replications=1, seed=7, jobs=1)
    first = fit_free_parameters(history, estimates, figures, settings)
    assert fit_free_parameters(history, estimates, figures, settings) == first
    assert 0.5 <= first.duration_scale.value <= 2.0 and "fitted to children in care" in first.duration_scale.note
    # The in-house children fit the occupancy, whether or not the return says where other placements are.
    assert 0.5 <= first.occupancy.value <= 1.0 and "fitted to children in in-house foster care" in first.occupancy.note


def test_coverage_counts_months_inside_the_band_and_mape_skips_months_observing_none():
    rows = pd.DataFrame({"observed": [10.0, 20.0, 0.0, 5.0], "p10": [8, 21, 0, 4], "p50": [9, 22, 1, 5],
                         "p90": [12, 25, 2, 6]})
    scores = _scores("children_in_care", rows)
    assert scores["coverage"] == 0.75 and scores["months"] == 4
    assert scores["mape"] == pytest.approx((0.1 + 0.1 + 0.0) / 3)
