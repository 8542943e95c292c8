"""From episodes to periods of care and placements, each placement mapped to one of the model's options.

A period of care runs from an episode's start until an episode ends with a
REC other than X1; an episode with no DEC is still open. Within a period a
new placement starts when RNE is P, B, T or U (RNE L is a change of legal
status only). Short breaks (LS V3, V4) are not care episodes for the model.
"""

import pandas as pd

from calibration import codes
from calibration.location import IN, OUT
from sim.model.ages import AGE_BANDS, BAND_LOWER_AGE

PLACEMENT_OPTIONS = (
    "in_house_fostering",
    "ifa",
    "ifa_in_county",
    "ifa_out_of_county",
    "kinship",
    "in_house_childrens_home",
    "private_childrens_home",
    "private_childrens_home_in_county",
    "childrens_home_out_of_county",
    "supported_accommodation",
    "placed_for_adoption",
    "with_parents",
    "other",
)


def exclude_short_breaks(episodes: pd.DataFrame) -> pd.DataFrame:
    return episodes[~episodes["LS"].isin(codes.SHORT_BREAK_LS)]


def birthday(dob: pd.Series, age: float) -> pd.Series:
    return dob + pd.DateOffset(years=int(age))


def age_band_at(dob: pd.Series, date) -> pd.Series:
    band = pd.Series(AGE_BANDS[0], index=dob.index)
    for name in AGE_BANDS[1:]:
        band = band.mask(date >= birthday(dob, BAND_LOWER_AGE[name]), name)
    return band


def placement_option(place: pd.Series, provider: pd.Series, location: pd.Series) -> pd.Series:
    """The model's placement option for each PLACE, PLACE_PROVIDER and location ('unknown' keeps options unsplit)."""
    own = provider == codes.OWN_AUTHORITY_PROVIDER
    independent = provider.isin(codes.INDEPENDENT_PROVIDERS)
    stranger_foster = place.isin(codes.STRANGER_FOSTER_PLACES)
    home = place.isin(codes.CHILDRENS_HOME_PLACES)
    ifa = stranger_foster & independent
    private_home = home & ~own
    rules = [
        (place.isin(codes.KINSHIP_PLACES), "kinship"),
        (stranger_foster & own, "in_house_fostering"),
        (ifa & (location == IN), "ifa_in_county"),
        (ifa & (location == OUT), "ifa_out_of_county"),
        (ifa, "ifa"),
        (home & (location == OUT), "childrens_home_out_of_county"),
        (home & own, "in_house_childrens_home"),
        (private_home & (location == IN), "private_childrens_home_in_county"),
        (private_home, "private_childrens_home"),
        (place.isin(codes.SUPPORTED_ACCOMMODATION_PLACES), "supported_accommodation"),
        (place.isin(codes.ADOPTION_PLACES), "placed_for_adoption"),
        (place.isin(codes.WITH_PARENTS_PLACES), "with_parents"),
    ]
    option = pd.Series("other", index=place.index)
    for applies, name in reversed(rules):
        option = option.mask(applies.fillna(False).astype(bool), name)
    return option


def build_placements(episodes: pd.DataFrame) -> pd.DataFrame:
    """One row per placement: child, period, start, end (NaT while open), observed_until, dob, rne, place,
    option, reason (REASON_PLACE_CHANGE at its end), and whether it ended in a change or a breakdown."""
    episodes = _numbered(episodes)
    first, last = _first_and_last(episodes, "placement")
    placements = pd.DataFrame(
        {
            "child": first["CHILD"],
            "period": first["period"],
            "start": first["DECOM"],
            "end": last["DEC"],
            "observed_until": last["RETURN_END"],
            "dob": first["DOB"],
            "rne": first["RNE"],
            "place": first["PLACE"],
            "option": placement_option(first["PLACE"], first["PLACE_PROVIDER"], first["LOCATION"]),
            "reason": last["REASON_PLACE_CHANGE"],
        }
    )
    placements["changed"] = placements["period"].eq(placements["period"].shift(-1))
    placements["breakdown"] = placements["changed"] & placements["reason"].isin(codes.BREAKDOWN_REASONS)
    return placements


def build_periods(placements: pd.DataFrame) -> pd.DataFrame:
    """One row per period of care: child, start, end (NaT while open), observed_until, dob,
    first_rne, first_place and first_option (of its first placement), and band (age band at its start)."""
    first, last = _first_and_last(placements, "period")
    periods = pd.DataFrame(
        {
            "child": first["child"],
            "start": first["start"],
            "end": last["end"],
            "observed_until": last["observed_until"],
            "dob": first["dob"],
            "first_rne": first["rne"],
            "first_place": first["place"],
            "first_option": first["option"],
        }
    )
    return periods.assign(band=age_band_at(periods["dob"], periods["start"]))


def _numbered(episodes):
    """Number periods and placements across all children, in order of child and start."""
    episodes = episodes.sort_values(["CHILD", "DECOM"]).reset_index(drop=True)
    previous_rec = episodes.groupby("CHILD")["REC"].shift()
    new_period = previous_rec.ne(codes.CONTINUES_PERIOD_REC)
    new_placement = new_period | episodes["RNE"].isin(codes.NEW_PLACEMENT_RNE)
    return episodes.assign(period=new_period.cumsum(), placement=new_placement.cumsum())


def _first_and_last(frame, key):
    """First and last rows of each run of `key`, aligned row by row."""
    return (frame.drop_duplicates(key, keep=keep).reset_index(drop=True) for keep in ("first", "last"))
