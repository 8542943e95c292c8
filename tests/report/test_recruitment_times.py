import numpy as np
import pandas as pd
import pytest

from sim.report.recruitment_times import (
    recruitment_times,
    recruitment_times_by_scenario,
)


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
    assert table.loc[(1, "Approvals in the year"), "mean"] == 3
    assert table.loc[(1, "Days from application to approval"), "mean"] == pytest.approx((200 + 300) / 2)
    assert table.loc[(1, "Days waiting for an assessor"), "p10"] == pytest.approx(11.0)
    assert np.isnan(table.loc[(2, "Days from application to approval"), "mean"])
    assert table.loc[(2, "Approvals in the year"), "mean"] == 0


def test_each_scenario_of_a_comparison_gets_its_own_rows():
    rows = [{**row, "scenario": name} for name, approvals in (("base", 1), ("more", 5))
            for month in range(12) for row in tidy(0, month, approvals=approvals, approval_days_total=100.0 * approvals,
                                                   assessments_started=1, assessment_wait_days_total=3.0)]
    table = recruitment_times_by_scenario(pd.DataFrame(rows), ["base", "more"])
    approvals = table[table.measure == "Approvals in the year"].set_index("scenario")["mean"]
    assert approvals.to_dict() == {"base": 12, "more": 60}
    assert recruitment_times_by_scenario(pd.DataFrame(rows).query("metric != 'approvals'"), ["base"]) is None
