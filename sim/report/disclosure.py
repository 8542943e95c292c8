"""Small counts in the pack and workbook of results from real data (a scenario calibrated on a council's own
records carries `disclosure: {real_data: true}`): a count of 1 to 4 children is shown as "<5" in text and as
"[c]" in tables, as the calibration report does (calibration/disclosure.py)."""

from dataclasses import dataclass

import numpy as np
import pandas as pd

from calibration.disclosure import SMALLEST_SHOWN, is_small
from sim.scenario.wording import count

SUPPRESSED = "[c]"
NOTE = (f"These results come from a scenario calibrated on a council's own records: counts of 1 to "
        f"{SMALLEST_SHOWN - 1} children are suppressed, shown as <{SMALLEST_SHOWN} in text and {SUPPRESSED} in "
        "tables.")


@dataclass(frozen=True)
class Disclosure:
    real_data: bool
    note: str = NOTE

    @classmethod
    def of(cls, saved) -> "Disclosure":
        return cls(bool(saved.manifest.get("real_data"))
                   or any(scenario.disclosure.real_data for scenario in saved.scenarios.values()))

    def count(self, value: float) -> str:
        """A number of children, '<5' when it is small and the results come from real data."""
        return f"<{SMALLEST_SHOWN}" if self.real_data and is_small(round(value)) else count(value)

    def frame(self, frame: pd.DataFrame, children: pd.Series | None) -> pd.DataFrame:
        """`frame` with small numbers of children replaced by [c] in the rows `children` marks (every row if
        None), in its numeric columns other than money and shares."""
        if not self.real_data:
            return frame
        rows = pd.Series(True, index=frame.index) if children is None else children
        shown = frame.copy()
        for column in frame.columns:
            if not pd.api.types.is_numeric_dtype(frame[column]) or "£" in str(column) or "%" in str(column):
                continue
            small = rows & frame[column].map(lambda v: not np.isnan(v) and is_small(round(v)))
            shown[column] = frame[column].astype(object).mask(small, SUPPRESSED)
        return shown
