"""The full time series of a run or comparison: every replication's month-end metrics, stored as Parquet.

timeseries.parquet has columns (scenario, for a comparison,) replication, date,
metric, value, one row per replication, month end and metric, in the order the
replications finish (replication order). Row groups hold a fixed number of
replications, so the bytes depend only on the results, never on how many
processes ran them. timeseries.csv is the same table as text (`--csv`, or
`sufficiency export DIR --csv` later), its values written to ten significant
figures.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as csv
import pyarrow.parquet as pq

PARQUET, CSV = "timeseries.parquet", "timeseries.csv"
REPLICATIONS_PER_ROW_GROUP = 25


class TimeseriesWriter:
    """Appends each replication's months x metrics array to timeseries.parquet in `directory`."""

    def __init__(self, directory: Path, compared: bool):
        self.path = Path(directory) / PARQUET
        fields = [("replication", pa.int32()), ("date", pa.date32()),
                  ("metric", pa.dictionary(pa.int32(), pa.string())), ("value", pa.float64())]
        if compared:
            fields.insert(0, ("scenario", pa.dictionary(pa.int32(), pa.string())))
        self.schema = pa.schema(fields)
        self.writer = pq.ParquetWriter(self.path, self.schema, compression="zstd")
        self.pending = []

    def add(self, replication: int, dates: list, metrics: list, values: np.ndarray, scenario: str | None = None):
        """One replication's values (months x metrics), led by `scenario`'s name in a comparison."""
        months, width = values.shape
        columns = {
            "replication": pa.array(np.full(months * width, replication, dtype=np.int32)),
            "date": pa.array(np.repeat(np.array(dates, dtype="datetime64[D]"), width), pa.date32()),
            "metric": _repeated(metrics, np.tile(np.arange(width, dtype=np.int32), months)),
            "value": pa.array(values.ravel()),
        }
        if "scenario" in self.schema.names:
            columns["scenario"] = _repeated([scenario], np.zeros(months * width, dtype=np.int32))
        self.pending.append(pa.Table.from_pydict(columns, schema=self.schema))
        if len(self.pending) == REPLICATIONS_PER_ROW_GROUP:
            self.flush()

    def flush(self) -> None:
        """Write what is pending as one row group (a comparison flushes at the end of each scenario)."""
        if self.pending:
            table = pa.concat_tables(self.pending)
            self.writer.write_table(table, row_group_size=len(table))
            self.pending = []

    def close(self) -> None:
        self.flush()
        self.writer.close()


def _repeated(names: list, indices: np.ndarray) -> pa.DictionaryArray:
    return pa.DictionaryArray.from_arrays(pa.array(indices), pa.array(names, pa.string()))


def read_timeseries(directory, metrics=None) -> pd.DataFrame:
    """The saved time series (only `metrics`' rows, if given), dates as datetimes; a results directory written
    before Parquet is read from its timeseries.csv."""
    directory = Path(directory)
    if not (directory / PARQUET).is_file():
        frame = pd.read_csv(directory / CSV, dtype={"scenario": str, "metric": str}, parse_dates=["date"])
        return frame if metrics is None else frame[frame["metric"].isin(metrics)].reset_index(drop=True)
    filters = None if metrics is None else [("metric", "in", list(metrics))]
    table = pq.read_table(directory / PARQUET, filters=filters)
    frame = table.to_pandas(date_as_object=False)
    for column in ("scenario", "metric"):
        if column in frame:
            frame[column] = frame[column].astype(str)
    return frame


def export_csv(directory) -> Path:
    """Write timeseries.csv beside timeseries.parquet, one row group at a time, and return its path."""
    directory = Path(directory)
    source = pq.ParquetFile(directory / PARQUET)
    target = directory / CSV
    with open(target, "wb") as out:
        out.write((",".join(source.schema_arrow.names) + "\n").encode())
        for group in range(source.num_row_groups):
            table = source.read_row_group(group)
            text = [pa.array([f"{value:.10g}" for value in column.to_pylist()]) if name == "value"
                    else column.cast(pa.string()) for name, column in zip(table.column_names, table.columns)]
            csv.write_csv(pa.table(text, names=table.column_names), out,
                          csv.WriteOptions(include_header=False, quoting_style="none"))
    return target
