import numpy as np
import pandas as pd
import pytest

from sim.recruitment_times import recruitment_times


def tidy(replication, month, **metrics):
    date = f"{2020 + (month + 3) // 12}-{(month + 3) % 12 + 1:02d}-28"
    return [{"replication": replication, "date": date, "metric": m, "value": v} for m, v in metrics.items()]


def test_yearly_means_are_ratios_of_totals_per_replication():
    rows = []
    for replication, (approvals, days) in enumerate([(2, 400.0), (4, 1200.0)]):
        for month in range(24):
            first = month == 0
            rows += tidy(replication, month,
                         approvals=approvals if first else 0, approval_days_total=days if first else 0,
                         assessments_started=1, assessment_wait_days_total=10.0 * (replication + 1))
    table = recruitment_times(pd.DataFrame(rows)).set_index(["year", "measure"])
    assert table.loc[(1, "approvals"), "mean"] == 3
    assert table.loc[(1, "application_to_approval_days"), "mean"] == pytest.approx((200 + 300) / 2)
    assert table.loc[(1, "assessment_wait_days"), "p10"] == pytest.approx(11.0)
    assert np.isnan(table.loc[(2, "application_to_approval_days"), "mean"])
    assert table.loc[(2, "approvals"), "mean"] == 0
