"""Time in care: inverse distribution functions, so each child's time comes from one uniform number.

Drawing by inversion keeps common random numbers exact: the k-th child of a
replication gets the same uniform in every scenario, whatever its parameters.
`residual_years` draws the remaining time of a child already in care at a
census, from the stationary residual-life distribution (see docs/initial_state.md).
"""

import numpy as np
from scipy.special import gammaincc, gammaincinv, ndtr, ndtri


def duration_years(distribution: str, mean: float, cv: float, u: np.ndarray) -> np.ndarray:
    """Times in care (years) with the given mean and coefficient of variation."""
    if distribution == "lognormal":
        sigma = np.sqrt(np.log1p(cv * cv))
        return np.exp(np.log(mean) - sigma * sigma / 2 + sigma * ndtri(u))
    shape = 1.0 if distribution == "exponential" else 1.0 / (cv * cv)
    return gammaincinv(shape, u) * mean / shape


def survival(distribution: str, mean: float, cv: float, years: np.ndarray) -> np.ndarray:
    """P(time in care > years) for the distribution `duration_years` draws from."""
    years = np.maximum(np.asarray(years, dtype=float), 1e-12)
    if distribution == "lognormal":
        sigma = np.sqrt(np.log1p(cv * cv))
        return 1.0 - ndtr((np.log(years) - np.log(mean) + sigma * sigma / 2) / sigma)
    shape = 1.0 if distribution == "exponential" else 1.0 / (cv * cv)
    return gammaincc(shape, years * shape / mean)


def residual_years(distribution: str, mean: float, cv: float, u_length: np.ndarray, u_split: np.ndarray) -> np.ndarray:
    """Remaining times in care of children found in care at a random moment of a steady state.

    The total time of such a child is length-biased (density x f(x) / mean); the
    moment falls uniformly within it.
    """
    if distribution == "lognormal":
        sigma = np.sqrt(np.log1p(cv * cv))
        length = np.exp(np.log(mean) + sigma * sigma / 2 + sigma * ndtri(u_length))
    else:
        shape = 1.0 if distribution == "exponential" else 1.0 / (cv * cv)
        length = gammaincinv(shape + 1.0, u_length) * mean / shape
    return u_split * length
