"""The duration fits recover known parameters from censored, left-truncated observations."""

import numpy as np
import pytest
from scipy import stats

from calibration.survival import Durations, fit_all_families, fit_family

GROUPS = ("young", "old")
MEANS = (3.0, 1.0)
WINDOW_YEARS = 5.0


def _truth(family, mean, cv):
    if family == "exponential":
        return stats.expon(scale=mean)
    if family == "lognormal":
        sigma2 = np.log1p(cv**2)
        return stats.lognorm(s=np.sqrt(sigma2), scale=mean * np.exp(-sigma2 / 2))
    return stats.gamma(a=cv**-2, scale=mean * cv**2)


def _observed(family, cv, seed, n_per_group=6000):
    """Starts spread over 20 years before a 5-year window; seen only if still in care when it opens."""
    rng = np.random.default_rng(seed)
    group = np.repeat(np.arange(len(GROUPS)), n_per_group)
    durations = np.concatenate([_truth(family, mean, cv).rvs(n_per_group, random_state=rng) for mean in MEANS])
    start = rng.uniform(-20.0, WINDOW_YEARS, group.size)
    seen = start + durations > 0
    follow_up = WINDOW_YEARS - start[seen]
    return Durations(
        years=np.minimum(durations[seen], follow_up),
        exited=durations[seen] <= follow_up,
        entry_years=np.maximum(-start[seen], 0.0),
        group=group[seen],
    )


@pytest.mark.parametrize("family, cv", [("exponential", 1.0), ("lognormal", 1.2), ("gamma", 0.5)])
def test_each_family_is_recovered_and_chosen_by_aic(family, cv):
    fits = fit_all_families(_observed(family, cv, seed=7), GROUPS)
    fit = fits[family]
    for group, mean in zip(GROUPS, MEANS):
        assert fit.mean_years[group] == pytest.approx(mean, rel=0.05)
    assert fit.cv == pytest.approx(cv, rel=0.10)
    assert min(fits.values(), key=lambda f: f.aic).family == family


def test_ignoring_left_truncation_would_bias_durations_up():
    observed = _observed("lognormal", 1.2, seed=8)
    naive = Durations(observed.years, observed.exited, np.zeros_like(observed.entry_years), observed.group)
    assert fit_family("lognormal", naive, GROUPS).mean_years["young"] > 1.15 * MEANS[0]
    assert fit_family("lognormal", observed, GROUPS).mean_years["young"] == pytest.approx(MEANS[0], rel=0.05)


def test_the_standard_error_of_a_log_mean_is_one_over_the_root_of_the_exits_for_the_exponential():
    """For an exponential, censored or left-truncated or not, the information about the log mean is the number
    of exits: its standard error is 1 / sqrt(exits)."""
    observed = _observed("exponential", 1.0, seed=9)
    fit = fit_family("exponential", observed, GROUPS)
    for index, group in enumerate(GROUPS):
        exits = int(observed.exited[observed.group == index].sum())
        assert fit.log_mean_se[group] == pytest.approx(1 / np.sqrt(exits), rel=0.02)


@pytest.mark.slow
def test_the_standard_error_of_a_log_mean_matches_its_spread_over_samples():
    """Lognormal means fitted to 60 independent samples spread as their standard error says: within 25%,
    about 2.7 times the precision (9%) of a standard deviation estimated from 60 values."""
    fits = [fit_family("lognormal", _observed("lognormal", 1.2, seed, n_per_group=1500), GROUPS) for seed in range(60)]
    for group in GROUPS:
        spread = np.std([np.log(fit.mean_years[group]) for fit in fits], ddof=1)
        assert np.mean([fit.log_mean_se[group] for fit in fits]) == pytest.approx(spread, rel=0.25)
