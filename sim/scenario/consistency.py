"""Checks that span several sections of a scenario, each failing with the key path to fix."""

import difflib

from sim.scenario.errors import InputError
from sim.scenario.problems import listed
from sim.scenario.schema import MAX_ENQUIRIES_PER_MONTH, MAX_ENTRIES_PER_YEAR
from sim.scenario.uncertainty import highest

IN_HOUSE = "in_house_fostering"
UASC = "uasc"
YOUNGER_BANDS = ("0-4", "5-10", "11-15")  # children this young are placed with families or in homes, never "supported"


def check_consistency(scenario, source: str) -> None:
    """Every check run, and the first problem each finds listed on one line (sim.scenario.problems): so each
    check stands alone, passing over what another check reports."""
    _listed_checks(scenario, source, (*SETTING_CHECKS, _census_fits, _in_house_census_fits, _uasc_census_fits,
                                      _dates_from_start))


def check_settings(scenario, source: str) -> None:
    """The checks a scenario must pass as it stands after each of its changes (the census and the
    dates of campaigns, launches and changes belong to the start)."""
    _listed_checks(scenario, source, SETTING_CHECKS)


def _listed_checks(scenario, source: str, checks) -> None:
    problems = []
    for check in checks:
        try:
            check(scenario, source)
        except InputError as error:
            problems.extend(error.problems)
    if problems:
        raise listed(source, problems)


def preference_lists(scenario) -> dict[str, dict[str, tuple[str, ...]]]:
    """need -> band -> the usual list, UASC's included."""
    lists = scenario.matching.lists()
    if scenario.demand.uasc is not None:
        lists[UASC] = scenario.demand.uasc.matching
    return lists


def emergency_lists(scenario) -> dict[str, dict[str, tuple[str, ...]]]:
    """need -> band -> where a child goes the same day its placement ends unplanned (default: the usual list)."""
    return {**preference_lists(scenario), **scenario.matching.emergency_lists()}


def need_for_option(matching, option: str, band: str) -> str | None:
    """The need (family, residential, kinship) whose preference list for `band` holds `option`."""
    for need, by_band in matching.lists().items():
        if option in by_band[band]:
            return need
    return None


def _capacities_given(scenario, source):
    """Left out, a capacity would mean unlimited places: a difference too large to be a default."""
    missing = [name for name, option in scenario.placements.items()
               if name != IN_HOUSE and "capacity" not in option.model_fields_set]
    if missing:
        raise listed(source, [(f"placements.{name}.capacity", "required: a number of places, or unlimited")
                              for name in missing])


def option_kinds(scenario) -> dict[str, str]:
    """Each option's kind: as given, else residential if a residential list holds it, else family if a list
    for children under 16 holds it (foster and kinship carers), else supported (16-17 only)."""
    listed = [(need, band, options) for lists in (preference_lists(scenario), scenario.matching.emergency_lists())
              for need, by_band in lists.items() for band, options in by_band.items()]
    residential = {name for need, _, options in listed if need == "residential" for name in options}
    younger = {name for need, band, options in listed if need != "residential" and band in YOUNGER_BANDS
               for name in options}
    return {name: spec.kind or ("residential" if name in residential else "family" if name in younger else "supported")
            for name, spec in scenario.placements.items()}


def census_gaps(scenario) -> list[tuple[str, int, int]]:
    """(option, capacity, children there at the start) for each capped in-county option the census leaves
    places free in: free places at day 0 that the census did not record (the scenario's statement)."""
    census = scenario.initial_state.counts()
    uasc = scenario.initial_state.uasc_in_care
    gaps = []
    for name, spec in scenario.placements.items():
        if name == IN_HOUSE or spec.capacity is None or spec.location != "in_county":
            continue
        placed = sum(census.get(name, {}).values()) + sum(uasc.get(name, {}).values())
        if placed < spec.capacity:
            gaps.append((name, spec.capacity, placed))
    return gaps


def in_house_start(scenario) -> tuple[int, int | None]:
    """(in-house children in the census, in-house places at the start): the census children and the stated
    vacancies (none if not stated), and one free place in each household beyond those these places fill.
    Places are None for an empty start without stated vacancies: each household's are drawn."""
    state = scenario.initial_state
    children = sum(state.counts().get(IN_HOUSE, {}).values()) + sum(state.uasc_in_care.get(IN_HOUSE, {}).values())
    if state.children_in_care == 0 and not state.uasc_in_care and state.in_house_vacancies is None:
        return children, None
    return children, max(children + (state.in_house_vacancies or 0), scenario.carers.initial_households)


def _all_lists(scenario):
    """(key path, options) of every preference list: usual, UASC's and emergency."""
    for need, by_band in scenario.matching.lists().items():
        for band, options in by_band.items():
            yield f"matching.{need}.{band}", options
    if scenario.demand.uasc is not None:
        for band, options in scenario.demand.uasc.matching.items():
            yield f"demand.uasc.matching.{band}", options
    for need, by_band in scenario.matching.emergency_lists().items():
        for band, options in by_band.items():
            yield f"matching.emergency.{need}.{band}", options


def _matching_names_options(scenario, source):
    for key, options in _all_lists(scenario):
        for option in options:
            if option not in scenario.placements:
                raise InputError(source, key, _unknown_option(option, scenario.placements))


def _matching_lists_end_unlimited(scenario, source):
    for key, options in _all_lists(scenario):
        last = options[-1]
        if last not in scenario.placements:
            continue  # _matching_names_options reports it
        if last == IN_HOUSE or scenario.placements[last].capacity is not None:
            raise InputError(source, key,
                             f"the last option ('{last}') must have unlimited capacity so every child can be placed")


def _in_house_capacity_from_carers(scenario, source):
    option = scenario.placements.get(IN_HOUSE)
    if option is not None and option.capacity is not None:
        raise InputError(source, f"placements.{IN_HOUSE}.capacity",
                         "in-house capacity comes from carers (initial_households, places_per_household); remove it")


def _needs_have_matching_lists(scenario, source):
    demand, matching = scenario.demand, scenario.matching
    if matching.residential is None and any(highest(share) > 0 for share in demand.residential_share.values()):
        raise InputError(source, "matching.residential", "required when demand.residential_share is above 0")
    if matching.kinship is None and highest(demand.kinship_share) > 0:
        raise InputError(source, "matching.kinship", "required when demand.kinship_share is above 0")
    stepping_up = any(highest(p) > 0 for p in scenario.breakdowns.step_up_probability.values())
    if matching.residential is None and stepping_up:
        raise InputError(source, "matching.residential", "required when breakdowns.step_up_probability is above 0")
    for need in matching.emergency_lists():
        if need not in preference_lists(scenario):
            raise InputError(source, f"matching.emergency.{need}", f"the scenario has no {need} children to place")


def _census_fits(scenario, source):
    households = scenario.carers.initial_households
    for option, by_band in scenario.initial_state.counts().items():
        key = f"initial_state.children_in_care.{option}"
        if option not in scenario.placements:
            raise InputError(source, key, _unknown_option(option, scenario.placements))
        for band, count in by_band.items():
            if count and need_for_option(scenario.matching, option, band) is None:
                raise InputError(source, f"{key}.{band}", f"'{option}' is in no matching list for age band {band}")
        total = sum(by_band.values()) + sum(scenario.initial_state.uasc_in_care.get(option, {}).values())
        capacity = 3 * households if option == IN_HOUSE else scenario.placements[option].capacity
        if capacity is not None and total > capacity:
            raise InputError(source, key, f"{total} children exceed the capacity of {capacity}")


def _in_house_census_fits(scenario, source):
    children, places = in_house_start(scenario)
    households = scenario.carers.initial_households
    if places is None or children > 3 * households:
        return  # an empty start draws its households' places; too many children is reported with the census
    if places > 3 * households:
        raise InputError(source, "initial_state.in_house_vacancies", (
            f"{children} in-house children and {places - children} vacancies make {places} places, which "
            f"{households} households (carers.initial_households) of 1 to 3 places cannot hold: give at most "
            f"{3 * households - children} vacancies, or more households"))


def _uasc_census_fits(scenario, source):
    uasc, census = scenario.demand.uasc, scenario.initial_state.uasc_in_care
    if census and uasc is None:
        raise InputError(source, "initial_state.uasc_in_care", "demand.uasc is needed for UASC in the census")
    for option, by_band in census.items():
        key = f"initial_state.uasc_in_care.{option}"
        if option not in scenario.placements:
            raise InputError(source, key, _unknown_option(option, scenario.placements))
        for band, count in by_band.items():
            if count and option not in uasc.matching[band]:
                raise InputError(source, f"{key}.{band}", f"'{option}' is not in demand.uasc.matching for {band}")
        if option != IN_HOUSE and option not in scenario.initial_state.counts():
            capacity, total = scenario.placements[option].capacity, sum(by_band.values())
            if capacity is not None and total > capacity:
                raise InputError(source, key, f"{total} children exceed the capacity of {capacity}")


def _breakdown_options_exist(scenario, source):
    for option in scenario.breakdowns.rate_per_year:
        if option not in scenario.placements:
            raise InputError(source, f"breakdowns.rate_per_year.{option}", _unknown_option(option, scenario.placements))


def _dates_from_start(scenario, source):
    recruitment = scenario.carers.recruitment
    dated = [
        *((f"carers.recruitment.campaigns.{i}.start_date", c.start_date) for i, c in enumerate(recruitment.campaigns)),
        *((f"carers.recruitment.panel.extra_sittings.{i}.start_date", e.start_date)
          for i, e in enumerate(recruitment.panel.extra_sittings)),
        *((f"mockingbird.constellations.{i}.start_date", c.start_date)
          for i, c in enumerate(scenario.mockingbird.constellations)),
        *((f"changes.{i}.date", change.date) for i, change in enumerate(scenario.changes)),
    ]
    stepping_down = scenario.step_down.residential_to_family
    if stepping_down is not None and stepping_down.start_date is not None:
        dated.append(("step_down.residential_to_family.start_date", stepping_down.start_date))
    for key, date in dated:
        if date < scenario.start_date:
            raise InputError(source, key, f"{date} is before the scenario's start_date {scenario.start_date}")


def _assessors_when_recruiting(scenario, source):
    recruitment = scenario.carers.recruitment
    assessment = recruitment.assessment
    recruiting = highest(recruitment.enquiries_per_month) > 0 and highest(recruitment.enquiry_to_application) > 0
    if recruiting and assessment.assessors * assessment.caseload_per_assessor == 0:
        raise InputError(source, "carers.recruitment.assessment",
                         "assessors and caseload_per_assessor must both be at least 1 when applications arrive")


def _entries_stay_bounded(scenario, source):
    """The trend compounds and the season adds: the highest rate the run can reach stays within the bound."""
    demand = scenario.demand
    growth = max(1.0, (1.0 + highest(demand.trend_per_year)) ** scenario.horizon_years)
    peak = highest(demand.entries_per_year) * growth * (1.0 + demand.seasonality.amplitude)
    if peak > MAX_ENTRIES_PER_YEAR:
        raise InputError(source, "demand.trend_per_year", (
            f"entries would reach {peak:,.0f} a year within the horizon (with the trend and the season); "
            f"expected at most {MAX_ENTRIES_PER_YEAR:,}"))


def _enquiries_stay_bounded(scenario, source):
    """Campaigns running together multiply: the busiest month stays within the bound on enquiries."""
    recruitment = scenario.carers.recruitment
    start = scenario.start_date
    by_month = {}
    for campaign in recruitment.campaigns:
        first = (campaign.start_date.year - start.year) * 12 + campaign.start_date.month - start.month
        for month in range(first, first + campaign.months):
            by_month[month] = by_month.get(month, 1.0) * highest(campaign.enquiry_multiplier)
    peak = highest(recruitment.enquiries_per_month) * max([1.0, *by_month.values()])
    if peak > MAX_ENQUIRIES_PER_MONTH:
        raise InputError(source, "carers.recruitment.campaigns", (
            f"enquiries would reach {peak:,.0f} in a month with the campaigns running together; expected at most "
            f"{MAX_ENQUIRIES_PER_MONTH:,}"))


def _carer_ages_when_needed(scenario, source):
    carers = scenario.carers
    if carers.leaving.by_carer_age and carers.ages is None:
        raise InputError(source, "carers.ages", "required when carers.leaving.by_carer_age is given")


SETTING_CHECKS = (_capacities_given, _matching_names_options, _matching_lists_end_unlimited,
                  _in_house_capacity_from_carers, _needs_have_matching_lists, _breakdown_options_exist,
                  _assessors_when_recruiting, _entries_stay_bounded, _enquiries_stay_bounded, _carer_ages_when_needed)


def _unknown_option(option, placements) -> str:
    near = difflib.get_close_matches(option, list(placements), n=1, cutoff=0.5)
    hint = f"; did you mean '{near[0]}'?" if near else f"; options are {', '.join(placements)}"
    return f"unknown placement option '{option}'{hint}"
