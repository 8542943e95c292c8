"""Small hand-made SSDA903 returns for rule-by-rule tests: a few rows, every value visible in the test."""

import pandas as pd

EPISODE_DEFAULTS = {
    "RNE": "S", "LS": "C2", "CIN": "N1", "PLACE": "U4", "PLACE_PROVIDER": "PR1", "DEC": "", "REC": "",
    "REASON_PLACE_CHANGE": "", "HOME_POST": "ZC1 1XY", "PL_POST": "ZA1 1AB", "URN": "",
}
HEADER_DEFAULTS = {"SEX": "1", "ETHNIC": "WBRI", "UPN": "A100000000001", "MOTHER": "", "MC_DOB": ""}


def episode(child: str, decom: str, **values) -> dict:
    return {"CHILD": child, "DECOM": decom, **EPISODE_DEFAULTS, **values}


def child(child: str, dob: str, **values) -> dict:
    return {"CHILD": child, "DOB": dob, **HEADER_DEFAULTS, **values}


def write_per_year(directory, episodes_by_year: dict, children: list[dict], drop_columns=()) -> None:
    """One YYYY-episodes.csv per year given, each with a header file listing every child."""
    for year, rows in episodes_by_year.items():
        pd.DataFrame(rows).drop(columns=list(drop_columns)).to_csv(directory / f"{year}-episodes.csv", index=False)
        pd.DataFrame(children).to_csv(directory / f"{year}-header.csv", index=False)
