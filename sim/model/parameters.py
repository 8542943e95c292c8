"""Each replication's own values of the figures a scenario gives as ranges.

A range {low, central, high} is drawn from a PERT distribution (a beta
distribution on [low, high] with its mode at central and shape 4, as in
project-risk practice): it stays within the range, is most likely near central,
and is less heavy at the ends than a triangular distribution. The uniform behind
each draw comes from a stream keyed by (root seed, replication, the range's key
path), so paired scenarios share their draws, and a range added to one figure
changes no other draw. See docs/uncertainty.md.
"""

from scipy.special import betaincinv

from sim.model.streams import generator
from sim.scenario.uncertainty import draw_key, ranges, with_values

PERT_SHAPE = 4.0


def pert_quantile(low: float, central: float, high: float, u: float) -> float:
    """The value at probability `u` of the PERT distribution with these low, mode and high."""
    if high == low:
        return low
    width = high - low
    alpha = 1.0 + PERT_SHAPE * (central - low) / width
    beta = 1.0 + PERT_SHAPE * (high - central) / width
    return low + width * float(betaincinv(alpha, beta, u))


def drawn(scenario, seed: int, replication: int):
    """The scenario with every range replaced by replication `replication`'s draw (itself if it has none)."""
    found = ranges(scenario)
    uniforms = {}
    values = {}
    for path, span in found.items():
        key = draw_key(path)
        if key not in uniforms:
            uniforms[key] = generator(seed, replication, f"parameter:{key}").random()
        values[path] = pert_quantile(span.low, span.central, span.high, uniforms[key])
    return with_values(scenario, values)
