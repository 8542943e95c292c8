"""Back-testing: calibrate on the data before a date, project from that date to the end of the data, and
compare month by month with what happened.

Scores per metric: coverage, the share of observed month ends inside the
projected 10-90% band, and the mean absolute percentage error of the median
(months observing none are left out of it). Months observing 1 to 4 children
are suppressed in what is published and so left out of both scores, which
would otherwise give their counts away. Children placed out of county are
compared only when the return says which placements are out of county, and
in-house foster households at each 31 March the council's own figures give
them for (the calibration itself sees only the figures of years before the
back-test's date).
"""

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from calibration.calibrate import (
    Calibration,
    Settings,
    calibrate,
    slug,
    write_calibration,
)
from calibration.disclosure import blanked, is_small
from calibration.history import CareHistory, history_before
from calibration.supply import HOUSEHOLDS
from calibration.observed import (
    OBSERVED_METRICS,
    location_known,
    month_ends,
    observed_series,
)
from sim.run.destination import staged_directory
from sim.run.outputs import run_manifest, utc_now, write_manifest
from sim.run.runner import RunShape, replications

SUPPRESSED = "observed count of 1 to 4 suppressed"


@dataclass(frozen=True)
class Backtest:
    history: CareHistory
    as_of: dt.date
    calibration: Calibration
    comparison: pd.DataFrame  # date, metric, observed, p10, p50, p90
    scores: pd.DataFrame  # metric, months, coverage, mape


def backtest(history: CareHistory, as_of: dt.date, figures, settings: Settings) -> Backtest:
    months = len(month_ends(as_of, history.window_end.date()))
    before = history_before(history, as_of)
    calibration = calibrate(before, figures, replace(settings, census_date=None, horizon_months=months))
    scenario = calibration.scenario
    shape = RunShape.of(scenario)
    runs = np.array([values for _, values in replications(scenario, scenario.replications, settings.fit.jobs)])
    observed = observed_series(history, shape.dates)
    compared = {metric: observed[metric] for metric in OBSERVED_METRICS if metric == "children_in_care"
                or location_known(history)}
    households = observed_households(figures, shape.dates)
    if not households.empty:
        compared["in_house_households"] = households
    comparison = pd.concat([_compared(metric, shape, runs, series) for metric, series in compared.items()],
                           ignore_index=True)
    scores = pd.DataFrame([_scores(metric, comparison[comparison["metric"] == metric]) for metric in compared])
    return Backtest(history, as_of, calibration, comparison, scores)


def observed_households(figures, dates) -> pd.Series:
    """The council's own households at each 31 March among `dates`, by date (empty if the figures give none)."""
    counted = figures.series(HOUSEHOLDS)
    return pd.Series({date: counted[date].value for date in dates if date in counted}, dtype="float")


def default_backtest_dir(name: str) -> Path:
    return Path("outputs") / f"backtest_{slug(name)}"


def write_backtest(result: Backtest, out_dir: Path, reports, force: bool = False) -> Path:
    """scenario.yaml with its calibration report, comparison.csv, scores.csv, and from `reports` (an object
    with write_report and write_backtest_report, as sim.report.calibration has them) charts/ and report.md;
    `force` replaces an earlier back-test's results there."""
    started = utc_now()
    with staged_directory(out_dir, force) as staging:
        write_calibration(result.calibration, staging / "scenario.yaml", reports.write_report)
        published = result.comparison.assign(
            observed=blanked(result.comparison["observed"], table=False),
            note=np.where(result.comparison["observed"].map(is_small), SUPPRESSED, ""),
        )
        published.to_csv(staging / "comparison.csv", index=False, float_format="%.10g")
        result.scores.to_csv(staging / "scores.csv", index=False, float_format="%.4f")
        reports.write_backtest_report(result, staging)
        write_manifest(staging, {"kind": "backtest", **run_manifest(result.calibration.scenario, started)})
    return Path(out_dir)


def _compared(metric: str, shape, runs: np.ndarray, observed: pd.Series) -> pd.DataFrame:
    """The observed values, by date, beside the projection's 10th, 50th and 90th percentiles on those dates."""
    months = [shape.dates.index(date) for date in observed.index]
    p10, p50, p90 = np.percentile(runs[:, months, shape.metrics.index(metric)], [10, 50, 90], axis=0)
    return pd.DataFrame({"date": list(observed.index), "metric": metric, "observed": observed.to_numpy(),
                         "p10": p10, "p50": p50, "p90": p90})


def _scores(metric: str, rows: pd.DataFrame) -> dict:
    rows = rows[~rows["observed"].map(is_small)]
    inside = rows["observed"].between(rows["p10"], rows["p90"])
    counted = rows[rows["observed"] > 0]
    errors = (counted["p50"] - counted["observed"]).abs() / counted["observed"]
    return {"metric": metric, "months": len(rows), "coverage": inside.mean(),
            "mape": errors.mean() if len(counted) else np.nan}
