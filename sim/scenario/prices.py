"""Cost inflation: each placement option's yearly price rise, and what a results pack says of prices.

Weekly costs, including those a change sets, are at start-date prices; on each anniversary of the start
date every option's price index rises by its inflation rate then in force, so costs are in cash terms.
Programme costs (campaigns, panels, assessors, constellations, one-off costs of changes) are as written.
"""

from sim.scenario.schema import Range

KEY = "weekly_cost_inflation_per_year"


def inflation(scenario, option: str):
    """The option's yearly price rise: its own, else the scenario's (a number, or a range not yet drawn)."""
    own = scenario.placements[option].weekly_cost_inflation_per_year
    return scenario.weekly_cost_inflation_per_year if own is None else own


def prices_manifest(scenario) -> dict:
    """What manifest.json records of prices: the basis, each option's inflation, changes of it, a sentence."""
    return {
        "terms": "cash" if _inflates(scenario) else "start-date prices",
        "price_date": scenario.start_date.isoformat(),
        "inflation_per_year": {option: _figure(inflation(scenario, option)) for option in scenario.placements},
        "inflation_changes": [{"date": change.date.isoformat(), "key": key, "value": _figure(value)}
                              for change in scenario.changes for key, value in change.set.items()
                              if key.endswith(KEY)],
        "statement": prices_statement(scenario),
    }


def prices_statement(scenario) -> str:
    """One sentence for a results pack: in what terms costs are, and at what inflation."""
    when = f"{scenario.start_date:%B %Y}"
    if not _inflates(scenario):
        return f"Costs are at {when} prices: no inflation is applied."
    rates = {option: inflation(scenario, option) for option in scenario.placements}
    usual = _described(scenario.weekly_cost_inflation_per_year)
    own = [f"{option} {_described(rate)}" for option, rate in rates.items() if _described(rate) != usual]
    exceptions = f" ({', '.join(own)})" if own else ""
    later = [f"from {change.date:%B %Y} {key.removesuffix('.' + KEY).removeprefix('placements.') or 'all'} "
             f"{_described(_range_or_number(value))}"
             for change in scenario.changes for key, value in change.set.items() if key.endswith(KEY)]
    changed = f"; {'; '.join(later)}" if later else ""
    return (f"Costs are in cash terms: weekly placement costs start at {when} prices and rise on each "
            f"anniversary of the start by {usual} a year{exceptions}{changed}. Programme costs are as written.")


def _inflates(scenario) -> bool:
    return any(_figure(inflation(scenario, option)) != 0 for option in scenario.placements) or any(
        key.endswith(KEY) for change in scenario.changes for key in change.set)


def _figure(value):
    """A number, or a range as [low, central, high]."""
    return [value.low, value.central, value.high] if isinstance(value, Range) else value


def _range_or_number(value):
    return Range(**value) if isinstance(value, dict) else value


def _described(rate) -> str:
    if isinstance(rate, Range):
        return f"{rate.central:.1%} (between {rate.low:.1%} and {rate.high:.1%})"
    return f"{rate:.1%}"
