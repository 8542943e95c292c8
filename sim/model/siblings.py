"""Sibling groups: children who enter care together, and placing them together where the scenario says.

Entries arrive as groups, their sizes drawn from `demand.sibling_groups`, at entries_per_year divided by the
mean group size, so that children still enter at entries_per_year. A group's first child is drawn like any
entrant; its siblings come from the stream "siblings". Their ages are tied to the first child's by a Gaussian
copula with correlation 0.9 (siblings are mostly within two or three years of each other), so that each
sibling's age, like any entrant's, follows demand.age_mix. A sibling needs residential care at its own band's
share, and otherwise has the first child's need (family or kinship; if the first child needs residential
care, the sibling's need is drawn as an entrant's); each has its own time in care.

`matching.siblings`: together_first looks in county, down the group's list (the options every child's list
holds, in the youngest child's order), for one option with room for the whole group (an in-house household
taking sibling groups with enough free places suiting every child's age and a fit, or an option's capacity),
and splits the group only when nothing in county takes them together; together_only goes down the whole
list together (it splits only where the children's lists share no option); separate places each child alone.
Children who need residential care are placed on their own. Later moves are each child's own.
"""

import numpy as np
from scipy.special import ndtr, ndtri

from sim.model.ages import AGE_BANDS, BAND_LOWER_AGE, BAND_UPPER_AGE, DAYS_PER_YEAR, LEAVING_AGE
from sim.model.children import NEEDS, need_multipliers, needs_drawn
from sim.model.durations import duration_years
from sim.model.households import pick
from sim.model.streams import Buffered

AGE_CORRELATION = 0.9


class SiblingGroups:
    def __init__(self, model):
        demand = model.scenario.demand
        self.model, self.demand = model, demand
        self.sizes = demand.sibling_groups
        self.mean_size = sum(size * share for size, share in self.sizes.items())
        self.size_draws = Buffered(model.streams["sibling_groups"].random)
        self.rng = model.streams["siblings"]
        self.strategy = model.scenario.matching.siblings
        shares = np.array([demand.age_mix.get(band, 0.0) for band in AGE_BANDS])
        self.age_cdf = np.concatenate([[0.0], np.cumsum(shares / shares.sum())])

    @property
    def any(self) -> bool:
        return self.mean_size > 1.0

    def size(self) -> int:
        return int(pick(self.sizes, self.size_draws.next()))

    def siblings_of(self, age: float, need: str, count: int) -> list[tuple]:
        """(age, need, days in care) of `count` siblings of a first child of this age and need."""
        demand, care = self.demand, self.demand.duration_in_care
        u = self.rng.random((count, 3))
        ages, bands = self._ages_near(age, u[:, 0])
        need_index = needs_drawn(demand, bands, u[:, 1])
        if need != "residential":
            need_index = np.where(need_index == NEEDS.index("residential"), need_index, NEEDS.index(need))
        years = np.array([duration_years(care.distribution, care.mean_years[AGE_BANDS[b]], care.cv, u[i:i + 1, 2])[0]
                          for i, b in enumerate(bands.tolist())]) * need_multipliers(care)[need_index]
        days = np.minimum(years, LEAVING_AGE - ages) * DAYS_PER_YEAR
        return list(zip(ages.tolist(), [NEEDS[i] for i in need_index], days.tolist()))

    def place(self, children: list, day: float) -> bool:
        """Place a group's children; whether they are all placed together."""
        placements = self.model.placements
        residential = [child for child in children if child.need == "residential"]
        group = [child for child in children if child.need != "residential"]
        placed = len(group) > 1 and self.strategy != "separate" and self._together(group, day)
        for child in residential + ([] if placed else group):
            placements.match(child, day)
        first = children[0].option, children[0].household
        return all((child.option, child.household) == first for child in children)

    def _together(self, group: list, day: float) -> bool:
        placements = self.model.placements
        for name in _shared_list(group, placements.preferences, day):
            if self.strategy == "together_first" and not placements.options[name].in_county:
                return False
            if placements.try_place_group(group, name, day):
                return True
        return False


    def _ages_near(self, age: float, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Ages (and band indices) of siblings of a child of this age, each with the entrants' age distribution."""
        cdf, lower, upper = self.age_cdf, np.array(list(BAND_LOWER_AGE.values())), np.array(list(BAND_UPPER_AGE.values()))
        band = np.searchsorted(lower, age, side="right") - 1
        latent = ndtri(cdf[band] + (age - lower[band]) / (upper[band] - lower[band]) * (cdf[band + 1] - cdf[band]))
        p = ndtr(AGE_CORRELATION * latent + np.sqrt(1 - AGE_CORRELATION ** 2) * ndtri(u))
        bands = np.minimum(np.searchsorted(cdf, p, side="right") - 1, len(AGE_BANDS) - 1)
        within = (p - cdf[bands]) / (cdf[bands + 1] - cdf[bands])
        return lower[bands] + within * (upper[bands] - lower[bands]), bands


def _shared_list(group: list, preferences: dict, day: float) -> list:
    lists = [preferences[child.need][child.band_at(day)] for child in group]
    youngest = min(range(len(group)), key=lambda i: group[i].age_at(day))
    return [name for name in lists[youngest] if all(name in names for names in lists)]
