"""The placement options of a calibrated scenario, and how the care history's options map onto them.

The history names an IFA or private children's home placement whose location
is unknown `ifa` or `private_childrens_home`; the scenario needs it in or out
of county, so such placements are split by a published share.
"""

from dataclasses import dataclass

IN_COUNTY, OUT_OF_COUNTY = "in_county", "out_of_county"
CARERS, CENSUS, UNLIMITED = "carers", "census", "unlimited"  # where an option's capacity comes from


@dataclass(frozen=True)
class ScenarioOption:
    location: str
    capacity: str
    cost_figure: str


OPTIONS = {
    "in_house_fostering": ScenarioOption(IN_COUNTY, CARERS, "weekly_cost_la_foster_placement"),
    "kinship": ScenarioOption(IN_COUNTY, UNLIMITED, "weekly_cost_kinship_placement"),
    "ifa_in_county": ScenarioOption(IN_COUNTY, CENSUS, "weekly_cost_ifa_foster_placement"),
    "ifa_out_of_county": ScenarioOption(OUT_OF_COUNTY, UNLIMITED, "weekly_cost_ifa_foster_placement"),
    "in_house_childrens_home": ScenarioOption(IN_COUNTY, CENSUS, "weekly_cost_council_childrens_home"),
    "private_childrens_home_in_county": ScenarioOption(IN_COUNTY, CENSUS, "weekly_cost_private_childrens_home"),
    "childrens_home_out_of_county": ScenarioOption(OUT_OF_COUNTY, UNLIMITED, "weekly_cost_private_childrens_home"),
    "supported_accommodation": ScenarioOption(IN_COUNTY, CENSUS, "weekly_cost_supported_accommodation"),
    "placed_for_adoption": ScenarioOption(IN_COUNTY, UNLIMITED, "weekly_cost_other_placement"),
    "with_parents": ScenarioOption(IN_COUNTY, UNLIMITED, "weekly_cost_other_placement"),
    "other": ScenarioOption(IN_COUNTY, UNLIMITED, "weekly_cost_other_placement"),
}
LOCATION_UNKNOWN = {
    "ifa": ("ifa_in_county", "ifa_out_of_county"),
    "private_childrens_home": ("private_childrens_home_in_county", "childrens_home_out_of_county"),
}
OUT_OF_COUNTY_OPTIONS = frozenset(name for name, option in OPTIONS.items() if option.location == OUT_OF_COUNTY)
LOCATED_OPTIONS = frozenset(name for pair in LOCATION_UNKNOWN.values() for name in pair)

# Matching: in county before out of county, the council's own before others (docs/assumptions.md A12).
FAMILY = ("in_house_fostering", "ifa_in_county", "ifa_out_of_county")
FAMILY_16_17 = ("supported_accommodation", *FAMILY)
RESIDENTIAL = ("in_house_childrens_home", "private_childrens_home_in_county", "childrens_home_out_of_county")
KINSHIP = ("kinship",)


def history_options(option: str) -> tuple[str, ...]:
    """The history's options whose placements count towards scenario option `option`."""
    return (option, *(unsplit for unsplit, pair in LOCATION_UNKNOWN.items() if option in pair))
