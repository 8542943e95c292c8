"""Periods of care, placements, changes and breakdowns, and the mapping to the model's placement options."""

import pandas as pd
import pytest
from tiny_returns import child, episode, write_per_year

from calibration.episodes import PLACEMENT_OPTIONS, age_band_at, placement_option
from calibration.history import load_care_history

ONE_CHILD = [
    episode("C1", "01/05/2017", PLACE="U4", DEC="01/07/2017", REC="X1", REASON_PLACE_CHANGE="CREQB"),
    episode("C1", "01/07/2017", RNE="P", PLACE="U5", PLACE_PROVIDER="PR4", DEC="01/09/2017", REC="X1"),
    episode("C1", "01/09/2017", RNE="L", PLACE="U5", PLACE_PROVIDER="PR4", DEC="01/11/2017", REC="X1", REASON_PLACE_CHANGE="CARPL"),
    episode("C1", "01/11/2017", RNE="T", PLACE="K2", PLACE_PROVIDER="PR4", DEC="01/12/2017", REC="E11", REASON_PLACE_CHANGE="CHILD"),
    episode("C1", "01/02/2018", PLACE="U1"),
    episode("C2", "01/06/2017", LS="V3", DEC="03/06/2017", REC="E11"),
]


@pytest.fixture
def history(tmp_path):
    write_per_year(tmp_path, {2017: ONE_CHILD}, [child("C1", "15/06/2010"), child("C2", "01/01/2008")])
    return load_care_history(tmp_path)


def test_x1_continues_a_period_and_any_other_rec_ends_it(history):
    periods = history.periods
    assert periods["start"].dt.strftime("%Y-%m-%d").tolist() == ["2017-05-01", "2018-02-01"]
    assert periods["end"].iloc[0] == pd.Timestamp("2017-12-01") and pd.isna(periods["end"].iloc[1])


def test_short_breaks_are_excluded(history):
    assert set(history.periods["child"]) == {"C1"}
    assert any("[c] short-break episodes" in note for note in history.quality.notes)  # 1, suppressed


def test_a_legal_status_change_does_not_start_a_placement(history):
    assert history.placements["option"].tolist() == ["in_house_fostering", "ifa", "private_childrens_home", "kinship"]
    assert history.placements["end"].iloc[1] == pd.Timestamp("2017-11-01")


def test_breakdowns_are_unplanned_changes_within_a_period(history):
    placements = history.placements
    assert placements["changed"].tolist() == [True, True, False, False]
    # CHILD ends the third placement, but the period ends there too: that is not a placement change.
    assert placements["breakdown"].tolist() == [True, False, False, False]


@pytest.mark.parametrize("rne, splits", [("P", True), ("B", True), ("T", True), ("U", True), ("L", False)])
def test_new_placement_codes(tmp_path, rne, splits):
    rows = [episode("C1", "01/05/2017", DEC="01/07/2017", REC="X1"), episode("C1", "01/07/2017", RNE=rne)]
    write_per_year(tmp_path, {2017: rows}, [child("C1", "15/06/2010")])
    assert len(load_care_history(tmp_path).placements) == (2 if splits else 1)


@pytest.mark.parametrize(
    "place, provider, location, option",
    [
        ("U4", "PR1", "unknown", "in_house_fostering"),
        ("U6", "PR5", "unknown", "ifa"),
        ("U5", "PR4", "in", "ifa_in_county"),
        ("U4", "PR4", "out", "ifa_out_of_county"),
        ("U4", "PR2", "unknown", "other"),
        ("U2", "PR1", "out", "kinship"),
        ("K2", "PR1", "unknown", "in_house_childrens_home"),
        ("R1", "PR1", "out", "childrens_home_out_of_county"),
        ("K2", "PR4", "in", "private_childrens_home_in_county"),
        ("K2", "PR5", "unknown", "private_childrens_home"),
        ("R1", "PR4", "out", "childrens_home_out_of_county"),
        ("H5", "PR4", "in", "supported_accommodation"),
        ("K3", "PR4", "unknown", "supported_accommodation"),
        ("P2", "PR0", "unknown", "supported_accommodation"),
        ("A4", "PR1", "unknown", "placed_for_adoption"),
        ("P1", "PR0", "unknown", "with_parents"),
        ("T1", "PR1", "unknown", "other"),
        ("Z1", None, "unknown", "other"),
    ],
)
def test_placement_options(place, provider, location, option):
    mapped = placement_option(pd.Series([place]), pd.Series([provider], dtype="str"), pd.Series([location]))
    assert mapped.tolist() == [option] and option in PLACEMENT_OPTIONS


@pytest.mark.parametrize(
    "date, band",
    [
        ("2015-06-14", "0-4"),
        ("2015-06-15", "5-10"),
        ("2021-06-15", "11-15"),
        ("2026-06-15", "16-17"),
        ("2028-06-15", "16-17"),
    ],
)
def test_age_band_changes_on_the_birthday(date, band):
    assert age_band_at(pd.Series(pd.to_datetime(["2010-06-15"])), pd.Timestamp(date)).tolist() == [band]
