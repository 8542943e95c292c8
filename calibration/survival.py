"""Maximum-likelihood fits of time-to-event distributions with right-censoring and left-truncation.

Each group (an age band) has its own scale and all groups share one shape,
so the fit gives a mean per group and a single coefficient of variation, as
the scenario's duration_in_care takes them. A left-truncated observation (one
already under way when observation began) contributes f(t)/S(a), or S(t)/S(a)
if censored, where a is its time already elapsed when observation began.
"""

from dataclasses import dataclass

import numpy as np
from scipy import optimize, stats

FAMILIES = ("exponential", "lognormal", "gamma")
HESSIAN_STEP = 1e-4


@dataclass(frozen=True)
class Durations:
    years: np.ndarray  # from start to exit or censoring
    exited: np.ndarray  # False where censored
    entry_years: np.ndarray  # time already elapsed when observation began (0 if it began inside the window)
    group: np.ndarray  # index into the group names


@dataclass(frozen=True)
class DurationFit:
    family: str
    mean_years: dict[str, float]
    cv: float
    log_likelihood: float
    aic: float
    log_mean_se: dict[str, float]  # standard error of each group's log mean, from the observed information


def fit_all_families(durations: Durations, groups: tuple[str, ...]) -> dict[str, DurationFit]:
    return {family: fit_family(family, durations, groups) for family in FAMILIES}


def fit_family(family: str, durations: Durations, groups: tuple[str, ...]) -> DurationFit:
    start = _starting_values(family, durations, len(groups))
    # The optimiser may try extreme parameters: their non-finite likelihood counts as infinitely bad, silently.
    with np.errstate(all="ignore"):
        result = optimize.minimize(_negative_log_likelihood, start, args=(family, durations), method="L-BFGS-B")
    fitted = _distribution(family, result.x[: len(groups)], result.x[len(groups) :])
    means = fitted.mean()
    return DurationFit(
        family=family,
        mean_years={group: float(mean) for group, mean in zip(groups, means)},
        cv=float(fitted.std()[0] / means[0]),
        log_likelihood=float(-result.fun),
        aic=float(2 * len(start) + 2 * result.fun),
        log_mean_se=dict(zip(groups, _log_mean_se(family, result.x, durations, len(groups)))),
    )


def _log_mean_se(family, params, durations, n_groups) -> list[float]:
    """Delta-method standard errors of each group's log mean, from the inverse of the negative log-likelihood's
    Hessian (central differences); zero where the Hessian cannot be inverted."""
    def log_means(x):
        return np.log(_distribution(family, x[:n_groups], x[n_groups:]).mean())

    with np.errstate(all="ignore"):
        hessian = _numeric_hessian(lambda x: _negative_log_likelihood(x, family, durations), params)
        gradient = np.array([(log_means(params + step) - log_means(params - step)) / (2 * HESSIAN_STEP)
                             for step in np.eye(len(params)) * HESSIAN_STEP]).T
    if not np.all(np.isfinite(hessian)) or np.linalg.cond(hessian) > 1e12:
        return [0.0] * n_groups
    variances = np.einsum("gi,ij,gj->g", gradient, np.linalg.inv(hessian), gradient)
    return [float(np.sqrt(v)) if v > 0 else 0.0 for v in variances]


def _numeric_hessian(function, x) -> np.ndarray:
    steps = np.eye(len(x)) * HESSIAN_STEP
    hessian = np.empty((len(x), len(x)))
    for i, a in enumerate(steps):
        for j, b in enumerate(steps[: i + 1]):
            value = (function(x + a + b) - function(x + a - b) - function(x - a + b) + function(x - a - b))
            hessian[i, j] = hessian[j, i] = value / (4 * HESSIAN_STEP**2)
    return hessian


def _distribution(family, log_scale, log_shape):
    scale = np.exp(log_scale)
    if family == "exponential":
        return stats.expon(scale=scale)
    if family == "lognormal":
        return stats.lognorm(s=np.exp(log_shape), scale=scale)
    return stats.gamma(a=np.exp(log_shape), scale=scale)


def _starting_values(family, durations, n_groups):
    """Log of each group's mean observed time, and a shape of 1."""
    mean_time = np.bincount(durations.group, durations.years, n_groups) / np.bincount(durations.group, None, n_groups)
    shape = [] if family == "exponential" else [0.0]
    return np.concatenate([np.log(mean_time), shape])


def _negative_log_likelihood(params, family, durations):
    n_shape = 0 if family == "exponential" else 1
    log_scale = params[: len(params) - n_shape][durations.group]
    distribution = _distribution(family, log_scale, params[len(params) - n_shape :])
    observed = np.where(durations.exited, distribution.logpdf(durations.years), distribution.logsf(durations.years))
    total = observed.sum() - distribution.logsf(durations.entry_years).sum()
    return -total if np.isfinite(total) else np.inf


def distribution(family: str, mean: float, cv: float):
    """The scipy distribution of `family` with this mean and coefficient of variation."""
    if family == "lognormal":
        sigma = np.sqrt(np.log1p(cv**2))
        return _distribution(family, np.log(mean) - sigma**2 / 2, np.log([sigma]))
    if family == "gamma":
        return _distribution(family, np.log(mean * cv**2), np.log([cv**-2]))
    return _distribution(family, np.log(mean), [])


def product_limit(durations: Durations, group: int, times: np.ndarray, min_at_risk: int) -> np.ndarray:
    """Kaplan-Meier share of a group still in care at each of `times`. A left-truncated period is at risk
    only once its observation has begun; the curve stops (NaN) once fewer than `min_at_risk` are at risk."""
    mine = durations.group == group
    years, exited, entry = durations.years[mine], durations.exited[mine], durations.entry_years[mine]
    exits = np.unique(years[exited])
    at_exits = _at_risk(years, entry, exits)
    survival = np.cumprod(1.0 - (years[exited][None, :] == exits[:, None]).sum(axis=1) / at_exits)
    before = np.searchsorted(exits, times, side="right") - 1
    shares = np.where(before >= 0, survival[np.maximum(before, 0)], 1.0)
    enough = np.logical_and.accumulate(_at_risk(years, entry, times) >= min_at_risk)
    return np.where(enough, shares, np.nan)


def _at_risk(years, entry, times):
    return ((entry[None, :] <= times[:, None]) & (years[None, :] >= times[:, None])).sum(axis=1)
