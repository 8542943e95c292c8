"""Results of many replications: the tidy time series and its summary across replications."""

from pathlib import Path

import numpy as np
import pandas as pd

from sim.scenario.reading import read_csv

SUMMARY_COLUMNS = ["date", "metric", "mean", "p10", "p50", "p90"]


class NonFiniteResult(RuntimeError):
    """A replication gave infinity or NaN: a bug (the schema bounds every input), never written to an output."""


def check_finite(values: np.ndarray, shape, what: str) -> None:
    """Refuse a months x metrics result holding a value that is not finite, naming the first."""
    bad = np.argwhere(~np.isfinite(values))
    if len(bad):
        month, metric = bad[0]
        raise NonFiniteResult(f"{what} gave {values[month, metric]} for {shape.metrics[metric]} in "
                              f"{shape.dates[month]}: a bug; nothing was written (please report it)")


def timeseries_lines(replication: int, shape, values: np.ndarray, scenario: str | None = None) -> list[str]:
    """Rows replication,date,metric,value for one replication (months x metrics), led by scenario if given."""
    rows = []
    lead = "" if scenario is None else f"{scenario},"
    for date, month_values in zip(shape.dates, values.tolist()):
        prefix = f"{lead}{replication},{date.isoformat()},"
        rows.extend(f"{prefix}{metric},{value:.10g}\n" for metric, value in zip(shape.metrics, month_values))
    return rows


def summarise(values: np.ndarray, shape) -> pd.DataFrame:
    """Mean and 10th, 50th and 90th percentiles across replications (axis 0) for each date and metric."""
    p10, p50, p90 = np.percentile(values, [10, 50, 90], axis=0)
    months, metrics = len(shape.dates), len(shape.metrics)
    return pd.DataFrame({
        "date": np.repeat([date.isoformat() for date in shape.dates], metrics),
        "metric": np.tile(shape.metrics, months),
        "mean": values.mean(axis=0).ravel(),
        "p10": p10.ravel(),
        "p50": p50.ravel(),
        "p90": p90.ravel(),
    })


def write_summary(summary: pd.DataFrame, path) -> None:
    """A table as CSV; a missing value (a figure that does not apply) is left blank, infinity is refused."""
    numbers = summary.select_dtypes("number").to_numpy(dtype=float)
    if np.isinf(numbers).any():
        raise NonFiniteResult(f"an infinite value in {Path(path).name}: a bug; nothing was written (please report it)")
    summary.to_csv(path, index=False, float_format="%.10g")


def read_summary(path) -> pd.DataFrame:
    return read_csv(path, dtype={"scenario": str, "date": str, "metric": str})
