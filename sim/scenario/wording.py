"""Plain English for what scenario files call things in snake_case: names, numbers, dates, and levers as sentences.

`levers(scenario)` says what a scenario does ("Three-month recruitment campaigns
tripling enquiries, each costing £40,000, starting September 2020, March 2021
and September 2021."); `changes(scenario, base)` says only what it does
differently from `base`. Settings without a sentence of their own are worded
from their key path and value.
"""

import datetime as dt

ACRONYMS = {"ifa": "IFA", "ifas": "IFAs", "childrens": "children's", "uasc": "UASC"}
SECTIONS = {
    "demand": "Demand", "initial_state": "Children in care at the start", "placements": "Placements",
    "matching": "Matching", "carers": "In-house foster carers", "breakdowns": "Placement breakdowns",
    "mockingbird": "Mockingbird", "step_down": "Step-down", "targets": "Targets",
}
NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
                "twelve")
MULTIPLIER_WORDS = {2: "doubling", 3: "tripling", 4: "quadrupling"}
NOT_LEVERS = {"name", "title", "description", "area", "seed", "replications", "disclosure"}


def plain(name: str, capital: bool = True) -> str:
    """'ifa_out_of_county' -> 'IFA out of county'; 'in_house_fostering' -> 'In-house fostering'."""
    text = " ".join(ACRONYMS.get(word, word) for word in str(name).split("_")).replace("in house", "in-house")
    return capitalised(text) if capital else text


def plain_path(key_path: str) -> str:
    """'carers.recruitment.enquiries_per_month' -> 'In-house foster carers: recruitment: enquiries per month'."""
    first, *rest = key_path.split(".")
    return ": ".join([SECTIONS.get(first, plain(first)), *(plain(part, capital=False) for part in rest)])


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def scenario_title(scenario) -> str:
    """What people call the scenario: its title, or its name in plain English."""
    return scenario.title or plain(scenario.name)


def option_label(scenario, option: str) -> str:
    """What people call a placement option: its label, or its name in plain English."""
    placement = scenario.placements.get(option)
    return (placement.label if placement is not None else None) or plain(option)


def month(date) -> str:
    """'March 2030'."""
    return f"{_as_date(date):%B %Y}"


def count(value: float) -> str:
    """A whole number with thousands separators; never '-0'."""
    return f"{round(value) + 0:,}"


def money(value: float) -> str:
    """'£40,000', '£650k', '£52.3m': pounds as a reader says them."""
    size = abs(value)
    sign = "\u2212" if value < 0 and size >= 0.5 else ""
    if size >= 1e6:
        return f"{sign}£{size / 1e6:,.1f}m"
    if size >= 1e5:
        return f"{sign}£{size / 1e3:,.0f}k"
    return f"{sign}£{size:,.0f}"


def share(value: float) -> str:
    return f"{value:.0%}"


def joined(items: list) -> str:
    """'a', 'a and b', 'a, b and c'."""
    items = list(items)
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def in_words(number: int) -> str:
    return NUMBER_WORDS[number] if 0 <= number < len(NUMBER_WORDS) else f"{number:,}"


# ---- levers -----------------------------------------------------------------------------------------

def levers(scenario) -> list[str]:
    """The scenario's main settings and every lever it pulls, as sentences."""
    settings = _flatten(scenario.model_dump(mode="json"))
    keys = [key for key in MAIN_SETTINGS if key in settings]
    keys += [key for key in PULLED if settings.get(key) not in (None, [], False)]
    return _sentences(scenario, keys, settings, None)


def setting(scenario, key_path: str) -> str:
    """The setting at `key_path` (or every setting under it) as a phrase: 'in-house children's home: 40 places'."""
    settings = _flatten(scenario.model_dump(mode="json"))
    keys = [key for key in settings if key == key_path or key.startswith(key_path + ".")] or [key_path]
    text = "; ".join(sentence.rstrip(".") for sentence in _sentences(scenario, keys, settings, None))
    return text[:1].lower() + text[1:] if not text[:2].isupper() else text


def changes(scenario, base) -> list[str]:
    """What `scenario` sets differently from `base`, as sentences (each saying the base's value where useful)."""
    settings = _flatten(scenario.model_dump(mode="json"))
    before = _flatten(base.model_dump(mode="json"))
    order = {key: index for index, key in enumerate([*settings, *before])}
    keys = sorted((key for key in settings.keys() | before.keys()
                   if settings.get(key) != before.get(key) and key.split(".")[0] not in NOT_LEVERS),
                  key=order.get)
    return _sentences(scenario, keys, settings, before)


def _sentences(scenario, keys: list, settings: dict, before: dict | None) -> list[str]:
    sentences, seen = [], set()
    for key in keys:
        section = next((prefix for prefix in SECTION_SENTENCES if key.startswith(prefix + ".")), None)
        if section is not None:
            if section not in seen:
                seen.add(section)
                sentences.append(SECTION_SENTENCES[section](_section(settings, section)))
            continue
        value = settings.get(key)
        sentences.append(_sentence(scenario, key, value, value if before is None else before.get(key)))
    return [capitalised(text.rstrip(".")) + "." for text in sentences]


def _sentence(scenario, key: str, value, was) -> str:
    """One setting as a sentence; `was` (the base's value), when it differs, in brackets."""
    if key == "changes":
        return _dated_changes(scenario, value or [])
    if key in LISTS:
        return LISTS[key](value or [])
    figure, template = FIGURES.get(key) or _placement_figure(scenario, key) or (_value, f"{plain_path(key)}: {{}}")
    if value is None:
        return f"{plain_path(key)}: not set"
    text = template.format(figure(value))
    return text if was == value else f"{text} ({'not set' if was is None else figure(was)} in the base)"


def _dated_changes(scenario, changes: list) -> str:
    """'From April 2021, 12 assessors; from April 2024, 8 assessors (the three years end)'."""
    if not changes:
        return "No changes on a date"
    said = []
    for change in changes:
        settings = [_sentence(scenario, key, value, value).rstrip(".") for key, value in change["set"].items()]
        cost = f" at a one-off cost of {_money_or_range(change['cost'])}" if change.get("cost") else ""
        note = f" ({change['note']})" if change.get("note") else ""
        what = ", ".join(text[:1].lower() + text[1:] if not text[:2].isupper() else text for text in settings)
        said.append(f"from {month(_as_date(change['date']))}, {what or 'a one-off cost'}{cost}{note}")
    return "; ".join(said)


def _section(settings: dict, section: str) -> dict:
    return {key.removeprefix(section + "."): value for key, value in settings.items()
            if key.startswith(section + ".")}


def _flatten(value, prefix: str = "") -> dict:
    if isinstance(value, dict) and value and not _is_range(value):
        return {key: leaf for name, inner in value.items()
                for key, leaf in _flatten(inner, f"{prefix}{name}.").items()}
    return {prefix.removesuffix("."): value}


def _is_range(value) -> bool:
    return isinstance(value, dict) and set(value) == {"low", "central", "high"}


def _value(value) -> str:
    """A setting's value in words: numbers with separators, ranges as 'between ... and ...', lists joined."""
    if value is None:
        return "not set"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if _is_range(value):
        return f"{_value(value['low'])} to {_value(value['high'])}, most likely {_value(value['central'])}"
    if isinstance(value, (int, float)):
        return f"{value:,g}" if isinstance(value, float) else f"{value:,}"
    if isinstance(value, list):
        return "none" if not value else "; ".join(_value(item) for item in value)
    if isinstance(value, dict):
        return ", ".join(f"{plain(key, capital=False)} {_value(inner)}" for key, inner in value.items())
    if isinstance(value, str) and _looks_like_date(value):
        return month(value)
    return plain(value, capital=False) if isinstance(value, str) and "_" in value else str(value)


def _looks_like_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _as_date(date) -> dt.date:
    if isinstance(date, str):
        return dt.date.fromisoformat(date[:10])
    return date.date() if hasattr(date, "date") and callable(date.date) else date


def _number(value, unit: str = "", percent: bool = False) -> str:
    """A figure or a range, as a percentage if `percent`, followed by `unit`."""
    if _is_range(value):
        return f"between {_number(value['low'], '', percent)} and {_number(value['high'], unit, percent)}"
    text = f"{value:.1%}".replace(".0%", "%") if percent else _value(value)
    return f"{text} {unit}".strip()


def _campaigns(campaigns: list) -> str:
    groups = {}
    for campaign in campaigns:
        groups.setdefault((campaign["months"], _value(campaign["enquiry_multiplier"]), campaign["cost"]),
                          []).append(campaign)
    parts = []
    for (months, multiplier, cost), members in groups.items():
        length = f"{capitalised(in_words(months))}-month recruitment campaign{'s' * (len(members) > 1)}"
        effect = MULTIPLIER_WORDS.get(members[0]["enquiry_multiplier"], f"multiplying by {multiplier}")
        costing = f", {'each ' * (len(members) > 1)}costing {money(cost)}" if cost else ""
        starts = joined([month(campaign["start_date"]) for campaign in members])
        parts.append(f"{length} {effect} enquiries{costing}, starting {starts}")
    return "; ".join(parts)


def _extra_sittings(sittings: list) -> str:
    return "; ".join(
        f"{capitalised(in_words(s['sittings_per_month']))} extra fostering panel sitting"
        f"{'s' * (s['sittings_per_month'] > 1)} a month for {s['months']} months from {month(s['start_date'])}"
        for s in sittings)


def _constellations(launches: list) -> str:
    total = sum(launch["count"] for launch in launches)
    dates = joined([f"{in_words(launch['count'])} in {month(launch['start_date'])}" for launch in launches])
    return f"{capitalised(in_words(total))} Mockingbird constellation{'s' * (total > 1)} launched: {dates}"


def _step_down(section: dict) -> str:
    if not section.get("enabled"):
        return "No planned returns to county"
    moves = section.get("max_moves_per_month", 0)
    return (f"Children placed out of county return to county when a place frees, once settled for "
            f"{_value(section.get('min_months_in_placement'))} months, up to {in_words(moves)} a month")


def _placement_figure(scenario, key: str) -> tuple | None:
    if not key.startswith("placements.") or key.count(".") < 2:
        return None
    _, option, *rest = key.split(".")
    label = option_label(scenario, option)
    figures = {
        "capacity": (lambda v: "no limit on" if v == "unlimited" else _value(v), f"{label}: {{}} places"),
        "weekly_cost": (_money_or_range, f"{label}: {{}} a week"),
    }
    return figures.get(".".join(rest))


def _money_or_range(value) -> str:
    if _is_range(value):
        return f"between {money(value['low'])} and {money(value['high'])}"
    return money(value)


def _percent(value) -> str:
    return _number(value, percent=True)


FIGURES = {  # key path -> (how its value is worded, the sentence around it)
    "demand.entries_per_year": (_number, "{} children entering care a year"),
    "demand.trend_per_year": (_percent, "{} a year change in entries to care"),
    "demand.entries_yearly_variation": (_percent, "entries to care vary {} from year to year about their trend"),
    "carers.initial_households": (_number, "{} in-house foster households at the start"),
    "carers.deregistration_rate_per_year": (_percent, "{} of in-house households leaving each year"),
    "carers.recruitment.enquiries_per_month": (_number, "{} fostering enquiries a month"),
    "carers.recruitment.enquiry_to_application": (_percent, "{} of enquiries becoming applications"),
    "carers.recruitment.assessment.assessors": (_number, "{} assessors"),
    "carers.recruitment.panel.sittings_per_month": (_number, "{} fostering panel sittings a month"),
    "carers.recruitment.panel.cases_per_sitting": (_number, "{} cases per panel sitting"),
    "mockingbird.annual_cost_per_constellation": (_money_or_range, "{} a year for each Mockingbird constellation"),
    "targets.in_county_share": (_percent, "a target of {} of children placed in county"),
    "weekly_cost_inflation_per_year": (_percent, "weekly costs rising {} a year"),
}
LISTS = {
    "carers.recruitment.campaigns": lambda v: _campaigns(v) if v else "No recruitment campaigns",
    "carers.recruitment.panel.extra_sittings": lambda v: _extra_sittings(v) if v else "No extra panel sittings",
    "mockingbird.constellations": lambda v: _constellations(v) if v else "No Mockingbird constellations",
}
SECTION_SENTENCES = {"step_down": _step_down}
MAIN_SETTINGS = ("demand.entries_per_year", "carers.initial_households", "carers.deregistration_rate_per_year",
                 "carers.recruitment.enquiries_per_month")
PULLED = ("carers.recruitment.campaigns", "carers.recruitment.panel.extra_sittings", "mockingbird.constellations",
          "step_down.enabled", "targets.in_county_share", "changes")
