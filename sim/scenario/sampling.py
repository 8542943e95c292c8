"""The points a sensitivity sweep runs: SALib's designs (Saltelli's scheme via a scrambled Sobol sequence,
Morris trajectories, a Latin hypercube), and one-at-a-time ends for the tornado charts. The indices are
estimated from the outcomes in sim.run.sensitivity."""

import numpy as np


def sample_points(method: str, n: int, ranges: dict, seed: int) -> np.ndarray:
    """The sample's points (one row per point, one column per parameter in `ranges` order)."""
    from SALib.sample import latin, morris, sobol

    problem = salib_problem(ranges)
    if method == "sobol":
        return sobol.sample(problem, n, calc_second_order=False, seed=seed)
    if method == "morris":
        return morris.sample(problem, n, seed=seed)
    return latin.sample(problem, n, seed=seed)


def one_at_a_time(ranges: dict) -> list[tuple[str, dict]]:
    """(design, overrides): the base, then each parameter alone at its low and its high end."""
    moved = [(end, {key: bounds[side]}) for key, bounds in ranges.items() for side, end in enumerate(("low", "high"))]
    return [("base", {}), *moved]


def salib_problem(ranges: dict) -> dict:
    return {"num_vars": len(ranges), "names": list(ranges), "bounds": [list(bounds) for bounds in ranges.values()]}
