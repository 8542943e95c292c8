"""Plain-English names for what scenario files and metrics call things in snake_case."""

ACRONYMS = {"ifa": "IFA", "ifas": "IFAs"}
SECTIONS = {
    "demand": "Demand", "initial_state": "Children in care at the start", "placements": "Placements",
    "matching": "Matching", "carers": "In-house foster carers", "breakdowns": "Placement breakdowns",
    "mockingbird": "Mockingbird", "step_down": "Step-down",
}


def plain(name: str, capital: bool = True) -> str:
    """'ifa_out_of_county' -> 'IFA out of county'; 'in_house_fostering' -> 'In-house fostering'."""
    text = " ".join(ACRONYMS.get(word, word) for word in str(name).split("_")).replace("in house", "in-house")
    return text[:1].upper() + text[1:] if capital else text


def plain_path(key_path: str) -> str:
    """'carers.recruitment.enquiries_per_month' -> 'In-house foster carers: recruitment: enquiries per month'."""
    first, *rest = key_path.split(".")
    return ": ".join([SECTIONS.get(first, plain(first)), *(plain(part, capital=False) for part in rest)])


def option_label(scenario, name: str) -> str:
    """What people read for a placement option: its `label`, or its name in plain English."""
    return scenario.placements[name].label or plain(name)
