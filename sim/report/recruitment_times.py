"""Summary table of the recruitment funnel's timings, from a run's saved time series.

Per projection year: approvals, the mean wait for an assessor, and the mean time
from application to approval, each as a mean and 10th-90th percentile range
across replications (a replication's yearly mean is one observation).
"""

import numpy as np
import pandas as pd

MEASURES = {
    "Approvals in the year": ("approvals", None),
    "Days waiting for an assessor": ("assessment_wait_days_total", "assessments_started"),
    "Days from application to approval": ("approval_days_total", "approvals"),
}


NEEDED = sorted({name for pair in MEASURES.values() for name in pair if name})
CHUNK_ROWS = 200_000


def read_funnel_timeseries(path) -> pd.DataFrame:
    """The funnel's rows of a saved timeseries.csv, read in chunks so memory does not grow with replications."""
    chunks = pd.read_csv(path, dtype={"scenario": str, "date": str, "metric": str}, chunksize=CHUNK_ROWS)
    return pd.concat([chunk[chunk.metric.isin(NEEDED)] for chunk in chunks], ignore_index=True)


def recruitment_times_by_scenario(timeseries: pd.DataFrame, scenarios: list[str]) -> pd.DataFrame | None:
    """The table for each scenario of a run (no scenario column) or a comparison; None without a funnel."""
    if not set(MEASURES["Days from application to approval"]) <= set(timeseries.metric.unique()):
        return None
    if "scenario" not in timeseries.columns:
        timeseries = timeseries.assign(scenario=scenarios[0])
    frames = [recruitment_times(timeseries[timeseries.scenario == name]).assign(scenario=name) for name in scenarios]
    frame = pd.concat(frames, ignore_index=True)
    return frame[["scenario", *frame.columns[:-1]]]


def recruitment_times(timeseries: pd.DataFrame) -> pd.DataFrame:
    """Columns year, year_start, year_end, measure, mean, p10, p90."""
    series = timeseries[timeseries.metric.isin(NEEDED)]
    wide = series.pivot_table(index=["replication", "date"], columns="metric", values="value").reset_index()
    dates = sorted(wide.date.unique())
    year_of_date = {date: index // 12 + 1 for index, date in enumerate(dates)}
    wide["year"] = wide.date.map(year_of_date)
    yearly = wide.groupby(["year", "replication"])[NEEDED].sum()
    rows = []
    for year, by_replication in yearly.groupby(level="year"):
        in_year = [date for date in dates if year_of_date[date] == year]
        for measure, (total, count) in MEASURES.items():
            values = by_replication[total] if count is None else by_replication[total] / by_replication[count]
            rows.append({"year": year, "year_start": in_year[0], "year_end": in_year[-1], "measure": measure,
                         **_spread(values.to_numpy(dtype=float))})
    return pd.DataFrame(rows)


def _spread(values: np.ndarray) -> dict:
    values = values[np.isfinite(values)]
    if values.size == 0:
        return {"mean": np.nan, "p10": np.nan, "p90": np.nan}
    p10, p90 = np.percentile(values, [10, 90])
    return {"mean": values.mean(), "p10": p10, "p90": p90}
