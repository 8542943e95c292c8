"""Nothing that leaves calibration (quality report, estimates, their reprs, and every file the calibrate and
backtest commands write or print) carries a child's identifier, date of birth or postcode from the input.

The data window's first and last days are printed in every basis; a child
born on one of them would look like a leak, so those two dates are not checked.
"""

import re

import pandas as pd
import pytest
from command_runs import RUN_NAMES
from ssda903_samples import D2I_SAMPLE, SF_SAMPLE

from calibration import estimate
from calibration.history import load_care_history
from calibration.quality import parse_dates

IDENTIFYING_COLUMNS = ("CHILD", "UPN", "DOB", "MC_DOB", "HOME_POST", "PL_POST")
ESTIMATORS = (
    estimate.entry_rate,
    estimate.age_mix,
    estimate.time_in_care,
    estimate.residential_share,
    estimate.kinship_share,
    estimate.placement_mix,
    estimate.breakdown_hazard,
)


def _identifying_values(directory, history):
    values = set()
    for path in directory.glob("*.csv"):
        frame = pd.read_csv(path, dtype=str)
        for column in IDENTIFYING_COLUMNS:
            if column in frame:
                values |= set(frame[column].dropna())
    window = _spellings(pd.Series([history.window_start, history.window_end]).dt.strftime("%d/%m/%Y"))
    return (values | _spellings(values)) - window


def _spellings(values):
    dates = parse_dates(pd.Series(sorted(values), dtype="str")).dropna()
    as_text = set(dates.dt.strftime("%d/%m/%Y")) | set(dates.dt.strftime("%Y-%m-%d"))
    return as_text | {f"date({d.year}, {d.month}, {d.day})" for d in dates}


def _published_text(history):
    outputs = [history, *history.quality.lines(), *(estimator(history) for estimator in ESTIMATORS)]
    return "\n".join(map(repr, outputs))


@pytest.fixture(params=["d2i", "sf-Southwark", "synthetic"])
def loaded(request, synthetic_return, synthetic_history):
    if request.param == "synthetic":
        return synthetic_return[0], synthetic_history
    directory, la = (D2I_SAMPLE, None) if request.param == "d2i" else (SF_SAMPLE, "Southwark")
    return directory, load_care_history(directory, la=la)


def test_no_identifier_birth_date_or_postcode_leaves_calibration(loaded):
    directory, history = loaded
    text = _published_text(history)
    tokens = set(re.findall(r"[A-Za-z0-9/-]+", text))
    # Postcodes hold a space, so they are searched as text; identifiers and dates as whole tokens.
    leaked = {v for v in _identifying_values(directory, history) if v in tokens or (" " in v and v in text)}
    assert not leaked


# Every output names month ends and the first days of months (series dates, census, start and as-of dates):
# a child born on one of those days would look like a leak, so those dates are not checked. Nor are purely
# numeric identifiers under five digits, which cannot be told from counts; the synthetic return's are all longer.
OUTPUT_TOKEN = re.compile(r"[A-Za-z0-9/-]+(?:\.[0-9]+)*")  # a decimal is one token: 307.584392 holds no "584392"


def _checked_identifiers(directory, history):
    window = pd.date_range(history.window_start - pd.Timedelta(days=1), history.window_end + pd.Timedelta(days=1))
    stated = window[window.is_month_end | window.is_month_start].strftime("%d/%m/%Y")
    values = _identifying_values(directory, history) - _spellings(set(stated))
    return {value for value in values if not (value.isdigit() and len(value) < 5)}


def _leaks(identifiers, text):
    """Identifiers found as whole tokens; a postcode as its two parts, then as text."""
    tokens = set(OUTPUT_TOKEN.findall(text))
    return sorted(v for v in identifiers if v in tokens or (set(v.split()) <= tokens and v in text))


def _written(directory):
    return {path: path.read_bytes().decode("latin-1") for path in sorted(directory.rglob("*")) if path.is_file()}


@pytest.mark.parametrize("name", RUN_NAMES)
def test_no_identifier_birth_date_or_postcode_in_any_output_or_message(command_runs, name):
    run = command_runs(name)
    identifiers = _checked_identifiers(run.data, load_care_history(run.data, la=run.la))
    texts = {"printed": run.printed, **_written(run.out)}
    assert len(texts) > 20
    assert {str(where): leaks for where, text in texts.items() if (leaks := _leaks(identifiers, text))} == {}


def test_no_identifier_in_the_calibrated_synthetic_scenario_or_report(synthetic_calibration, synthetic_return,
                                                                      synthetic_history):
    identifiers = _checked_identifiers(synthetic_return[0], synthetic_history)
    assert all(len(value) >= 9 for value in identifiers if value.isdigit())
    texts = _written(synthetic_calibration[1].parent)
    assert {str(where): leaks for where, text in texts.items() if (leaks := _leaks(identifiers, text))} == {}
