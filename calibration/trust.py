"""When a return cannot be trusted to calibrate a projection: warnings that `sufficiency calibrate` prints
and its report puts first, and the bound on a fitted trend.

- A closed cohort: a sample of children followed from one year, not every child in care, shows entries
  falling towards zero (its last collection year has under a quarter of its first year's entries).
- A fitted trend beyond +-20% a year: five years of a county's entries rarely move that fast, and the
  projection would compound it; the scenario uses the bound instead.
- A census of under 30 children: too few for the shares and rates the scenario takes from it.
"""

from calibration.disclosure import shown

TREND_BOUND = 0.20
CLOSED_COHORT_SHARE = 0.25
SMALL_CENSUS = 30


def bounded_trend(trend: float) -> float:
    return min(max(trend, -TREND_BOUND), TREND_BOUND)


def warnings(estimates, census) -> tuple[str, ...]:
    """Plain-English warnings about the return behind `estimates` and the census, most serious first."""
    entries = estimates.entries
    counts = list(entries.counts_by_year.values())
    years = list(entries.counts_by_year)
    found = []
    if len(counts) >= 2 and counts[-1] < CLOSED_COHORT_SHARE * counts[0]:
        found.append(
            f"The return looks like a closed cohort, not a council's whole care population: entries fell from "
            f"{shown(counts[0])} in {years[0]} to {shown(counts[-1])} in {years[-1]}. A projection needs every "
            "child entering care; check that the return holds every year's new entries."
        )
    if entries.trend_per_year != bounded_trend(entries.trend_per_year):
        direction = "rose" if entries.trend_per_year > 0 else "fell"
        found.append(
            f"Entries {direction} by {abs(entries.trend_per_year):.0%} a year in the data, beyond the "
            f"{TREND_BOUND:.0%} a year a projection can carry forward: the scenario uses "
            f"{bounded_trend(entries.trend_per_year):+.0%} a year. Replace it with the council's own expectation."
        )
    in_care = census.basis.n
    if in_care < SMALL_CENSUS:
        found.append(
            f"The census on {census.census_date} holds {shown(in_care)} children in care, under {SMALL_CENSUS}: "
            "too few for the shares and rates taken from it to mean much. Use a larger return or the council's "
            "own figures."
        )
    return tuple(found)
