"""Results of many replications: the tidy time series and its summary across replications."""

import numpy as np
import pandas as pd

SUMMARY_COLUMNS = ["date", "metric", "mean", "p10", "p50", "p90"]
SHARE_IN_COUNTY = "share_in_county"
DERIVED_METRICS = (SHARE_IN_COUNTY,)


def with_derived_metrics(metrics: list, values: np.ndarray) -> np.ndarray:
    """One replication's months x metrics array with DERIVED_METRICS appended: the share of children placed
    who are placed in county (NaN in a month when no child is placed)."""
    placed_in = values[:, metrics.index("placed_in_county")]
    placed = placed_in + values[:, metrics.index("placed_out_of_county")]
    share = np.divide(placed_in, placed, out=np.full_like(placed, np.nan), where=placed > 0)
    return np.column_stack([values, share])


def with_derived_runs(metrics: list, values: np.ndarray) -> tuple[list, np.ndarray]:
    """Every replication (replications x months x metrics) with DERIVED_METRICS appended, and the metric names."""
    return [*metrics, *DERIVED_METRICS], np.stack([with_derived_metrics(metrics, run) for run in values])


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
    summary.to_csv(path, index=False, float_format="%.10g")


def read_summary(path) -> pd.DataFrame:
    return pd.read_csv(path, dtype={"scenario": str, "date": str, "metric": str})
