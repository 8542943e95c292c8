"""How the calibrated scenario writes its numbers: shares that still sum to one once rounded, and estimates
with a standard error as ranges {low, central, high} (docs/uncertainty.md).

An estimate with standard error SE becomes the range central +- sqrt(7) SE: the PERT distribution each
replication draws a range from (sim/model/parameters.py, shape 4) has, on a symmetric range, a standard
deviation of half the range's width / sqrt(7), so the draws spread as the estimate's own uncertainty does.
"""

import math

PERT_HALF_WIDTH_IN_SE = math.sqrt(7.0)


def summing_to_one(shares: dict, digits: int = 4) -> dict:
    """Rounded shares, the largest taking the rounding so that they still sum to one."""
    rounded = {key: round(share, digits) for key, share in shares.items()}
    largest = max(rounded, key=rounded.get)
    rounded[largest] = round(1.0 - sum(v for key, v in rounded.items() if key != largest), digits)
    return rounded


def estimate_range(central: float, se: float, low: float = 0.0, high: float = math.inf, digits: int = 4):
    """central +- sqrt(7) se, kept within [low, high]; the number itself when it has no spread."""
    half = PERT_HALF_WIDTH_IN_SE * se
    return _range(central, central - half, central + half, low, high, digits)


def relative_range(central: float, relative_se: float, digits: int = 4):
    """A positive estimate whose log has standard error `relative_se`: central x exp(+- sqrt(7) relative_se)."""
    factor = math.exp(PERT_HALF_WIDTH_IN_SE * relative_se)
    return _range(central, central / factor, central * factor, 0.0, math.inf, digits)


def spanning_range(central: float, estimates, relative_se: float, digits: int = 4):
    """A positive figure with several estimates (`central` one of them): from the least to the greatest, and
    each end's relative standard error beyond, on the log scale."""
    factor = math.exp(PERT_HALF_WIDTH_IN_SE * relative_se)
    return _range(central, min(estimates) / factor, max(estimates) * factor, 0.0, math.inf, digits)


def scaled(value, factor: float, digits: int = 4):
    """A number or a range times `factor`."""
    if isinstance(value, dict):
        return {end: round(number * factor, digits) for end, number in value.items()}
    return round(value * factor, digits)


def central(value) -> float:
    return value["central"] if isinstance(value, dict) else value


def _range(central, low_end, high_end, low, high, digits):
    central = min(max(central, low), high)
    ends = round(max(low_end, low), digits), round(central, digits), round(min(high_end, high), digits)
    if ends[0] == ends[2]:
        return ends[1]
    return dict(zip(("low", "central", "high"), ends))
