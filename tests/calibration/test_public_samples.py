"""Both public samples ingest without error and give plausible figures."""

import pandas as pd
import pytest
from ssda903_samples import D2I_SAMPLE, SF_AUTHORITIES, SF_SAMPLE

from calibration import estimate
from calibration.history import load_care_history
from sim.model.ages import AGE_BANDS

SAMPLES = [(D2I_SAMPLE, None)] + [(SF_SAMPLE, authority) for authority in SF_AUTHORITIES]


@pytest.fixture(scope="module", params=SAMPLES, ids=["d2i"] + [f"sf-{a}" for a in SF_AUTHORITIES])
def history(request):
    directory, authority = request.param
    return load_care_history(directory, la=authority)


def _is_share(value):
    return 0.0 <= value <= 1.0


def test_the_window_covers_the_five_collection_years(history):
    assert (history.window_start, history.window_end) == (pd.Timestamp("2017-04-01"), pd.Timestamp("2022-03-31"))


def test_entries_per_year_are_positive(history):
    entries = estimate.entry_rate(history)
    assert entries.per_year > 0 and all(count >= 0 for count in entries.counts_by_year.values())


def test_shares_are_shares(history):
    mix = estimate.age_mix(history).shares
    assert all(map(_is_share, mix.values())) and sum(mix.values()) == pytest.approx(1.0)
    assert all(map(_is_share, estimate.residential_share(history).shares.values()))
    assert _is_share(estimate.kinship_share(history).value)


def test_times_in_care_are_positive(history):
    time_in_care = estimate.time_in_care(history)
    assert time_in_care.mean_years and all(mean > 0 for mean in time_in_care.mean_years.values())
    assert time_in_care.cv > 0 and set(time_in_care.mean_years) <= set(AGE_BANDS)


def test_census_and_breakdowns_are_counts_and_rates(history):
    mix = estimate.placement_mix(history)
    assert mix.basis.n > 0 and all(n >= 0 for by_band in mix.counts.values() for n in by_band.values())
    hazard = estimate.breakdown_hazard(history)
    assert hazard.basis.n > 0 and all(rate >= 0 for by_band in hazard.rates_per_year.values() for rate in by_band.values())
