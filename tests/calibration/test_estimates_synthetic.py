"""The estimators recover the parameters a synthetic return was generated with (seed pinned in conftest).

Tolerances: entries per year within 5%; shares within 0.03; mean time in care
within 10% per age band and cv within 10%; breakdown hazards within three
Poisson standard errors; the census of children in care exactly.
"""

import math

import numpy as np
import pytest
import synthetic

from calibration import estimate
from calibration.history import load_care_history
from sim.model.ages import AGE_BANDS


def test_entries_per_year_and_a_flat_trend(synthetic_history, truth):
    entries = estimate.entry_rate(synthetic_history)
    assert entries.per_year == pytest.approx(truth.entries_per_year, rel=0.05)
    assert abs(entries.trend_per_year) < 0.05
    assert list(entries.counts_by_year) == ["2016-17", "2017-18", "2018-19", "2019-20", "2020-21"]
    assert entries.basis.n == sum(entries.counts_by_year.values())


def test_age_mix_at_entry(synthetic_history, truth):
    mix = estimate.age_mix(synthetic_history)
    assert list(mix.shares) == list(AGE_BANDS) and sum(mix.shares.values()) == pytest.approx(1.0)
    for band in AGE_BANDS:
        assert mix.shares[band] == pytest.approx(truth.age_mix[band], abs=0.03)


def test_time_in_care_despite_censoring_and_truncation(synthetic_history, truth):
    time_in_care = estimate.time_in_care(synthetic_history)
    assert time_in_care.family == "lognormal"
    for band in AGE_BANDS:
        assert time_in_care.mean_years[band] == pytest.approx(truth.mean_years[band], rel=0.10)
    assert time_in_care.cv == pytest.approx(truth.cv, rel=0.10)
    assert "right-censored" in time_in_care.basis.note and "left-truncated" in time_in_care.basis.note


def test_residential_and_kinship_shares(synthetic_history, truth):
    residential = estimate.residential_share(synthetic_history)
    for band in AGE_BANDS:
        assert residential.shares[band] == pytest.approx(truth.residential_share[band], abs=0.03)
    assert estimate.kinship_share(synthetic_history).value == pytest.approx(truth.kinship_share, abs=0.03)


def test_placement_mix_is_the_census_on_the_last_day(synthetic_history, synthetic_return):
    mix = estimate.placement_mix(synthetic_history)
    assert mix.counts == synthetic_return[1]
    assert mix.basis.n == sum(sum(by_band.values()) for by_band in mix.counts.values())


def test_breakdown_hazard_by_option(synthetic_history, truth):
    hazard = estimate.breakdown_hazard(synthetic_history)
    assert set(hazard.rates_per_year) == set(truth.breakdowns_per_year)
    for option, rate in truth.breakdowns_per_year.items():
        events = sum(hazard.breakdowns[option].values())
        estimated = events / sum(hazard.exposure_years[option].values())
        assert abs(estimated - rate) < 3 * rate / math.sqrt(events), option


@pytest.mark.slow
def test_durations_and_entries_are_unbiased_over_many_seeds(tmp_path_factory, truth):
    """Averaged over eight returns, the errors left are bias, not noise: within 3% (entries 2%)."""
    duration_errors, cv_errors, entry_errors = [], [], []
    for seed in range(8):
        directory = tmp_path_factory.mktemp(f"seed{seed}")
        synthetic.write_return(directory, truth, seed)
        history = load_care_history(directory)
        time_in_care = estimate.time_in_care(history)
        duration_errors.append([time_in_care.mean_years[band] / truth.mean_years[band] - 1 for band in AGE_BANDS])
        cv_errors.append(time_in_care.cv / truth.cv - 1)
        entry_errors.append(estimate.entry_rate(history).per_year / truth.entries_per_year - 1)
    assert np.all(np.abs(np.mean(duration_errors, axis=0)) < 0.03)
    assert abs(np.mean(cv_errors)) < 0.03
    assert abs(np.mean(entry_errors)) < 0.02
