"""Whether each episode's placement is inside the authority's area ("in"), outside ("out") or "unknown".

The return's PL_LOCATION (IN/OUT) is used where given; otherwise the outward
code of PL_POST is looked up in a user-supplied postcode-district-to-authority
table and compared with the authority's own name.
"""

import pandas as pd

from calibration.disclosure import shown_table
from calibration.errors import DataError
from calibration.ssda903 import read_csv_text

IN, OUT, UNKNOWN = "in", "out", "unknown"
LOOKUP_COLUMNS = ("POSTCODE_DISTRICT", "AUTHORITY")


def read_postcode_lookup(path, authority: str | None) -> dict[str, bool]:
    """Postcode district -> whether it lies in `authority`."""
    if not authority:
        raise DataError(path, "authority", "a postcode lookup needs the authority's own name to compare with: give "
                                           "it with --authority (or --la)")
    table = read_csv_text(path, LOOKUP_COLUMNS).dropna(subset=list(LOOKUP_COLUMNS))
    in_area = table["AUTHORITY"].str.casefold() == authority.strip().casefold()
    if not in_area.any():
        raise DataError(path, "authority", f"no postcode district belongs to {authority!r}: give the name the "
                                           "lookup uses with --authority")
    return dict(zip(table["POSTCODE_DISTRICT"].str.upper().str.replace(" ", ""), in_area))


def postcode_district(postcodes: pd.Series) -> pd.Series:
    """The outward code: everything before the inward code, which is always one digit and two letters."""
    return postcodes.str.upper().str.replace(r"\s+", "", regex=True).str[:-3]


def placement_locations(episodes: pd.DataFrame, lookup: dict[str, bool] | None) -> tuple[pd.Series, str]:
    """Location per episode, and a plain statement of where the locations came from."""
    stated = _column(episodes, "PL_LOCATION").map({"IN": IN, "OUT": OUT})
    in_area = postcode_district(_column(episodes, "PL_POST")).map(lookup or {})
    derived = in_area.map({True: IN, False: OUT})
    location = stated.fillna(derived).fillna(UNKNOWN)
    return location, _describe(stated.notna().sum(), (stated.isna() & derived.notna()).sum(), len(location))


def _column(episodes, name):
    return episodes[name] if name in episodes.columns else pd.Series(pd.NA, index=episodes.index, dtype="str")


def _describe(from_return, from_lookup, total):
    if from_return + from_lookup == 0:
        return (
            "Placement location could not be derived (no PL_LOCATION column and no usable postcode lookup), "
            "so the out-of-county share could not be derived; in- and out-of-county placements are counted together."
        )
    stated, looked_up, unknown = shown_table([from_return, from_lookup, total - from_return - from_lookup])
    return (
        f"Placement location from the return's PL_LOCATION for {stated} episodes, "
        f"from the postcode lookup for {looked_up}, unknown for {unknown}."
    )
