"""Back-testing: calibrate on the data before a date, project from that date to the end of the data, and
compare month by month with what happened.

Scores per metric: coverage, the share of observed month ends inside the
projected 10-90% band, and the mean absolute percentage error of the median
(months observing none are left out of it). Children placed out of county are
compared only when the return says which placements are out of county.
"""

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from calibration.calibrate import Calibration, Settings, calibrate, report_directory, slug, write_calibration
from calibration.disclosure import NOTE, blanked, is_small
from calibration.history import CareHistory, history_before
from calibration.observed import OBSERVED_METRICS, location_known, month_ends, observed_series
from calibration.report import OBSERVED, chart_section, flat_series, markdown_table, shown_part
from sim.charts import ChartSpec, write_chart
from sim.outputs import staged_directory
from sim.runner import RunShape, replications

MEASURES = {"children_in_care": "Children in care", "placed_out_of_county": "Children placed out of county"}
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
    compared = OBSERVED_METRICS if location_known(history) else ("children_in_care",)
    comparison = pd.concat([_compared(metric, shape, runs, observed) for metric in compared], ignore_index=True)
    scores = pd.DataFrame([_scores(metric, comparison[comparison["metric"] == metric]) for metric in compared])
    return Backtest(history, as_of, calibration, comparison, scores)


def default_backtest_dir(name: str) -> Path:
    return Path("outputs") / f"backtest_{slug(name)}"


def write_backtest(result: Backtest, out_dir: Path) -> Path:
    """scenario.yaml with its calibration report, comparison.csv, scores.csv, charts/ and report.md."""
    with staged_directory(out_dir) as staging:
        write_calibration(result.calibration, staging / "scenario.yaml")
        published = result.comparison.assign(
            observed=blanked(result.comparison["observed"]),
            note=np.where(result.comparison["observed"].map(is_small), SUPPRESSED, ""),
        )
        published.to_csv(staging / "comparison.csv", index=False, float_format="%.10g")
        result.scores.to_csv(staging / "scores.csv", index=False, float_format="%.4f")
        specs = [_chart(result, metric) for metric in result.scores["metric"]]
        for spec in specs:
            write_chart(spec, staging / "charts")
        (staging / "report.md").write_text(_report(result, specs), encoding="utf-8")
    return Path(out_dir)


def _compared(metric: str, shape, runs: np.ndarray, observed: pd.DataFrame) -> pd.DataFrame:
    p10, p50, p90 = np.percentile(runs[:, :, shape.metrics.index(metric)], [10, 50, 90], axis=0)
    return pd.DataFrame({"date": shape.dates, "metric": metric, "observed": observed[metric].to_numpy(),
                         "p10": p10, "p50": p50, "p90": p90})


def _scores(metric: str, rows: pd.DataFrame) -> dict:
    inside = rows["observed"].between(rows["p10"], rows["p90"])
    counted = rows[rows["observed"] > 0]
    errors = (counted["p50"] - counted["observed"]).abs() / counted["observed"]
    return {"metric": metric, "months": len(rows), "coverage": inside.mean(),
            "mape": errors.mean() if len(counted) else np.nan}


def _chart(result: Backtest, metric: str) -> ChartSpec:
    rows = result.comparison[result.comparison["metric"] == metric]
    score = result.scores.set_index("metric").loc[metric]
    observed = shown_part(flat_series(rows["date"], blanked(rows["observed"]).to_numpy()))
    projected = rows[["date", "p10", "p50", "p90"]]
    area, replicated = result.calibration.scenario.area, result.calibration.scenario.replications
    title = f"{MEASURES[metric]} fell inside the projected range in {score['coverage']:.0%} of months"
    subtitle = (
        f"{MEASURES[metric]} at month end, {area}, {rows['date'].iloc[0]:%b %Y} to {rows['date'].iloc[-1]:%b %Y}: "
        f"observed, and projected from the data before {result.as_of}. Projected line: median of {replicated} runs; "
        f"band: 10th to 90th percentile. Mean absolute percentage error {score['mape']:.0%}. Months observing 1 to 4 "
        "children are left blank."
    )
    alt = (f"Line chart. {title}. {subtitle} Projected median {rows['p50'].iloc[0]:,.0f} in the first month and "
           f"{rows['p50'].iloc[-1]:,.0f} in the last.")
    series = (("Projected", projected), (OBSERVED, observed)) if not observed.empty else (("Projected", projected),)
    return ChartSpec(f"backtest_{metric}", title, subtitle, f"SSDA903 return ({Path(result.history.source).name}); "
                     "sufficiency backtest", "Children", series, alt)


def _report(result: Backtest, specs) -> str:
    calibration, history = result.calibration, result.history
    not_compared = [] if "placed_out_of_county" in set(result.scores["metric"]) else [
        "Children placed out of county are not compared: the return does not say which placements are out of county."]
    sections = [
        f"# Back-test of {calibration.scenario.area} from {result.as_of}",
        f"Calibrated on the data from {history.window_start.date()} to the day before {result.as_of} "
        f"(`scenario.yaml`, its report in `{report_directory(Path('scenario.yaml')).name}/`), projected with "
        f"{calibration.scenario.replications} replications to {history.window_end.date()} and compared with what the "
        "data show at each month end (`comparison.csv`). Coverage: share of months observed inside the projected "
        "10-90% band. MAPE: mean absolute percentage error of the projected median, over months observing any child. "
        + NOTE,
        markdown_table(["measure", "months", "coverage", "MAPE"], [
            [MEASURES[row.metric], row.months, f"{row.coverage:.0%}", f"{row.mape:.1%}"]
            for row in result.scores.itertuples()
        ]),
        *not_compared,
        "## Data quality",
        "\n".join(f"- {line}" for line in history.quality.lines()),
        "## Charts",
        *map(chart_section, specs),
    ]
    return "\n\n".join(sections) + "\n"
