"""The UASC stream and kinship's time in care, estimated from returns whose answer is known."""

import pandas as pd
import pytest
import yaml
from tiny_returns import child, episode, write_per_year

from calibration import estimate
from calibration.history import load_care_history
from calibration.uasc import read_uasc_table
from ssda903_samples import D2I_SAMPLE


def tiny_return(directory):
    """Three collection years (April 2018 to March 2021). Two kinship periods of two years and two others of
    one year, all begun at age 2; two UASC children entering at 16 and staying to 18; a third UASC child
    listed whose status ceased before it entered care; a child entering in the last year so that the return
    covers it."""
    rows = [
        episode("1", "01/05/2018", PLACE="U1", DEC="01/05/2020", REC="E11"),
        episode("2", "01/06/2018", PLACE="U2", DEC="01/06/2020", REC="E11"),
        episode("3", "01/05/2018", DEC="01/05/2019", REC="E11"),
        episode("4", "01/06/2018", DEC="01/06/2019", REC="E11"),
        episode("5", "01/06/2019", PLACE="U4", PLACE_PROVIDER="PR4"),
        episode("6", "01/07/2019", PLACE="H5", PLACE_PROVIDER="PR4"),
        episode("7", "01/08/2019"),
        episode("8", "01/05/2020", DEC="01/07/2020", REC="E11"),
    ]
    children = [child("1", "01/05/2016"), child("2", "01/06/2016"), child("3", "01/05/2016"),
                child("4", "01/06/2016"), child("5", "01/06/2003"), child("6", "01/07/2003"),
                child("7", "01/08/2003"), child("8", "01/05/2010")]
    write_per_year(directory, {2018: rows[:4], 2019: rows[:7], 2020: rows}, children)
    uasc = pd.DataFrame({"CHILD": ["5", "6", "7"], "SEX": ["1", "1", "2"],
                         "DOB": ["01/06/2003", "01/07/2003", "01/08/2003"],
                         "DUC": ["01/06/2021", "01/07/2021", "01/01/2019"]})
    for year in (2019, 2020):
        uasc.to_csv(directory / f"{year}-uasc.csv", index=False)
    return load_care_history(directory)


def test_uasc_entries_are_their_own_stream_and_leave_the_others_estimates(tmp_path):
    history = tiny_return(tmp_path)
    uasc = estimate.uasc_entries(history)
    assert uasc.per_year == pytest.approx(2 / 3) and uasc.basis.n == 2
    assert uasc.age_mix["16-17"] == pytest.approx(1.0)
    assert uasc.mean_years == 2.0  # no exit before 18: the band's span
    entries = estimate.entry_rate(history)
    assert entries.basis.n == 6 and entries.per_year == pytest.approx(6 / 3)  # child 7 is not UASC at entry


def test_kinship_time_in_care_relative_to_others_of_its_band(tmp_path):
    kinship = estimate.kinship_duration(tiny_return(tmp_path))
    # others: 2 exits in 2 years of care; kinship: 4 years observed, so 4 exits expected, 2 seen
    assert kinship.value == pytest.approx(2.0, rel=0.01)


def test_kinship_lasts_as_long_as_others_where_the_return_was_made_so(synthetic_history):
    assert estimate.kinship_duration(synthetic_history).value == pytest.approx(1.0, abs=0.12)


def test_a_return_without_a_uasc_table_has_no_uasc_stream(synthetic_history):
    assert estimate.uasc_entries(synthetic_history) is None


def test_calibrate_writes_the_uasc_stream_of_the_public_sample(command_runs):
    assert len(read_uasc_table(D2I_SAMPLE)) > 0
    run = command_runs("d2i")
    scenario = yaml.safe_load((run.out / "baseline.yaml").read_text())
    uasc = scenario["demand"]["uasc"]
    assert uasc["entries_per_year"] > 0 and set(uasc["matching"]) == {"0-4", "5-10", "11-15", "16-17"}
    assert scenario["initial_state"]["in_house_vacancies"] >= 0
