"""Reading both public layouts: detection, authority choice, repeated episodes, date formats."""

import pandas as pd
import pytest
from ssda903_samples import D2I_SAMPLE, SF_AUTHORITIES, SF_SAMPLE
from tiny_returns import child, episode, write_per_year

from calibration import estimate
from calibration.errors import DataError
from calibration.history import load_care_history
from calibration.ssda903 import read_return


def test_layouts_are_detected_from_the_directory():
    assert read_return(D2I_SAMPLE).layout == "per-year"
    assert read_return(SF_SAMPLE, la="Bromley").layout == "combined"


def test_the_window_runs_over_whole_collection_years():
    raw = read_return(D2I_SAMPLE)
    assert (raw.window_start, raw.window_end) == (pd.Timestamp("2017-04-01"), pd.Timestamp("2022-03-31"))


def test_several_authorities_and_none_chosen_is_an_error_listing_them():
    with pytest.raises(DataError) as error:
        read_return(SF_SAMPLE)
    assert all(name in str(error.value) for name in SF_AUTHORITIES)
    assert str(error.value).endswith("LA: several authorities (Bromley, Hillingdon, Southwark): choose one with --la")


def test_an_unknown_authority_is_an_error_listing_the_known_ones():
    with pytest.raises(DataError, match="Bromley, Hillingdon, Southwark"):
        read_return(SF_SAMPLE, la="Surrey")


def test_choosing_an_authority_keeps_only_its_rows():
    raw = read_return(SF_SAMPLE, la="Hillingdon")
    assert set(raw.episodes["LA"]) == {"Hillingdon"} and set(raw.header["LA"]) == {"Hillingdon"}


def test_an_episode_repeated_across_years_keeps_the_latest_returns_row(tmp_path):
    open_in_2017 = episode("C1", "01/03/2018")
    closed_in_2018 = episode("C1", "2018-03-01", DEC="01/06/2018", REC="E11")
    write_per_year(tmp_path, {2017: [open_in_2017]}, [child("C1", "01/01/2010")])
    write_per_year(tmp_path, {2018: [closed_in_2018]}, [child("C1", "01/01/2010")])
    raw = read_return(tmp_path)
    assert len(raw.episodes) == 1 and raw.repeats_merged == 1
    assert raw.episodes.loc[0, "DEC"] == "01/06/2018"


def test_an_open_episode_is_observed_until_the_end_of_its_latest_return(tmp_path):
    write_per_year(tmp_path, {2017: [episode("C1", "01/03/2018")]}, [child("C1", "01/01/2010")])
    write_per_year(tmp_path, {2018: [episode("C2", "01/05/2018")]}, [child("C2", "01/01/2010")])
    history = load_care_history(tmp_path)
    observed = dict(zip(history.periods["child"], history.periods["observed_until"]))
    assert observed == {"C1": pd.Timestamp("2018-03-31"), "C2": pd.Timestamp("2019-03-31")}


def test_the_two_layouts_give_the_same_estimates(tmp_path, synthetic_return, synthetic_history):
    _write_combined(synthetic_return[0], tmp_path)
    combined = load_care_history(tmp_path, la="Testshire")
    assert estimate.entry_rate(combined) == estimate.entry_rate(synthetic_history)
    assert estimate.placement_mix(combined) == estimate.placement_mix(synthetic_history)
    assert estimate.breakdown_hazard(combined) == estimate.breakdown_hazard(synthetic_history)


def _write_combined(per_year_directory, directory):
    """The per-year return as a combined extract: ISO dates, LA and YEAR columns, and a second authority."""
    for table in ("episodes", "header"):
        frames = []
        for path in sorted(per_year_directory.glob(f"*-{table}.csv")):
            frame = pd.read_csv(path, dtype=str, keep_default_na=False)
            for column in ("DECOM", "DEC", "DOB"):
                if column in frame:
                    dates = pd.to_datetime(frame[column], format="%d/%m/%Y", errors="coerce")
                    frame[column] = dates.dt.strftime("%Y-%m-%d").fillna("")
            year = path.name[:4]
            frames += [frame.assign(LA="Testshire", YEAR=year), frame.head(3).assign(LA="Otherton", YEAR=year)]
        pd.concat(frames).to_csv(directory / f"{table}.csv", index=False)


def _nothing(directory):
    pass


def _both_layouts(directory):
    write_per_year(directory, {2017: [episode("C1", "01/05/2017")]}, [child("C1", "01/01/2010")])
    (directory / "episodes.csv").write_text("CHILD\n")


def _header_missing(directory):
    write_per_year(directory, {2017: [episode("C1", "01/05/2017")]}, [child("C1", "01/01/2010")])
    (directory / "2017-header.csv").unlink()


def _not_csv(directory):
    (directory / "2017-episodes.csv").write_bytes(b"\xff\xfe\x00not text")


@pytest.mark.parametrize(
    "make, expected",
    [
        (_nothing, "no SSDA903 episodes"),
        (_both_layouts, "both layouts"),
        (_header_missing, "2017-header.csv: file not found"),
        (_not_csv, "2017-episodes.csv: looks like UTF-16 text but is not valid UTF-16"),
    ],
)
def test_unusable_directories_raise_a_one_line_data_error(tmp_path, make, expected):
    make(tmp_path)
    with pytest.raises(DataError, match=expected) as error:
        read_return(tmp_path)
    assert "\n" not in str(error.value)


def test_a_missing_directory_is_a_data_error(tmp_path):
    with pytest.raises(DataError, match="directory not found"):
        read_return(tmp_path / "nowhere")


def test_a_combined_file_needs_a_readable_year(tmp_path):
    pd.DataFrame([episode("C1", "2017-05-01", LA="A", YEAR="2017/18")]).to_csv(tmp_path / "episodes.csv", index=False)
    pd.DataFrame([child("C1", "2010-01-01", LA="A", YEAR="2017")]).to_csv(tmp_path / "header.csv", index=False)
    with pytest.raises(DataError, match="episodes.csv: YEAR: expected a four-digit collection year"):
        read_return(tmp_path)
