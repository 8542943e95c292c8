"""Age bands used throughout: a child's band follows its exact age in years."""

from sim.scenario.schema import AGE_BANDS  # noqa: F401 (re-exported beside the ages of each band)

BAND_LOWER_AGE = {"0-4": 0.0, "5-10": 5.0, "11-15": 11.0, "16-17": 16.0}
BAND_UPPER_AGE = {"0-4": 5.0, "5-10": 11.0, "11-15": 16.0, "16-17": 18.0}
LEAVING_AGE = 18.0
DAYS_PER_YEAR = 365.25


def band_of_age(age_years: float) -> str:
    if age_years < 5.0:
        return "0-4"
    if age_years < 11.0:
        return "5-10"
    if age_years < 16.0:
        return "11-15"
    return "16-17"
