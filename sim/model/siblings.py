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

import bisect
import math
from statistics import NormalDist

import numpy as np
from scipy.special import ndtri

from sim.model.ages import AGE_BANDS, BAND_LOWER_AGE, BAND_UPPER_AGE, DAYS_PER_YEAR, LEAVING_AGE
from sim.model.children import NEEDS, need_multipliers
from sim.model.durations import duration_years
from sim.model.households import pick
from sim.model.streams import Buffered

AGE_CORRELATION = 0.9
SPREAD = math.sqrt(1.0 - AGE_CORRELATION ** 2)
NORMAL = NormalDist()
TINY = 1e-12


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
        self.age_cdf = [0.0, *np.cumsum(shares / shares.sum()).tolist()]
        self.lower = [BAND_LOWER_AGE[band] for band in AGE_BANDS]
        self.uppers = [BAND_UPPER_AGE[band] for band in AGE_BANDS[:-1]]
        self.width = [BAND_UPPER_AGE[band] - BAND_LOWER_AGE[band] for band in AGE_BANDS]
        self.residential = [demand.residential_share[band] for band in AGE_BANDS]
        self.kinship_share = demand.kinship_share
        self.multipliers = dict(zip(NEEDS, need_multipliers(demand.duration_in_care).tolist()))
        self.draws = Buffered(self._block)

    @property
    def any(self) -> bool:
        return self.mean_size > 1.0

    def size(self) -> int:
        return int(pick(self.sizes, self.size_draws.next()))

    def siblings_of(self, age: float, need: str, count: int) -> list[tuple]:
        """(age, need, days in care) of `count` siblings of a first child of this age and need."""
        cdf, lower, width = self.age_cdf, self.lower, self.width
        band = bisect.bisect_right(self.uppers, age)
        latent = NORMAL.inv_cdf(min(max(cdf[band] + (age - lower[band]) / width[band] * (cdf[band + 1] - cdf[band]),
                                        TINY), 1.0 - TINY))
        found = []
        for _ in range(count):
            noise, u_need, years_by_band = self.draws.next()
            p = min(0.5 * math.erfc(-(AGE_CORRELATION * latent + SPREAD * noise) / math.sqrt(2.0)), 1.0 - TINY)
            band = min(bisect.bisect_right(cdf, p) - 1, len(AGE_BANDS) - 1)
            sibling_age = lower[band] + (p - cdf[band]) / (cdf[band + 1] - cdf[band]) * width[band]
            sibling_need = self._need(need, band, u_need)
            years = years_by_band[band] * self.multipliers[sibling_need]
            found.append((sibling_age, sibling_need, min(years, LEAVING_AGE - sibling_age) * DAYS_PER_YEAR))
        return found

    def _need(self, first: str, band: int, u: float) -> str:
        residential = self.residential[band]
        if u < residential:
            return "residential"
        if first != "residential":
            return first
        return "kinship" if u < residential + (1 - residential) * self.kinship_share else "family"

    def _block(self, size: int) -> list:
        """Rows (normal noise, uniform for the need, time in care in years if of each band) for `size` siblings."""
        care = self.demand.duration_in_care
        u = self.rng.random((size, 3))
        years = [duration_years(care.distribution, care.mean_years[band], care.cv, u[:, 2]).tolist()
                 for band in AGE_BANDS]
        return list(zip(ndtri(u[:, 0]).tolist(), u[:, 1].tolist(), zip(*years)))

    def place(self, children: list, day: float) -> bool:
        """Place a group's children; whether they are all placed together."""
        placements = self.model.placements
        group = [child for child in children if child.need != "residential"]
        if len(group) > 1 and self.strategy != "separate":
            self._together(group, day)
        for child in children:
            if child.option is None:
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


def _shared_list(group: list, preferences: dict, day: float) -> list:
    lists = [preferences[child.need][child.band_at(day)] for child in group]
    youngest = min(range(len(group)), key=lambda i: group[i].age_at(day))
    return [name for name in lists[youngest] if all(name in names for names in lists)]
