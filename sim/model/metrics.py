"""Monthly metrics, aggregated while the model runs: month-end snapshots and totals over each month."""

import numpy as np

MOVE_REASONS = ("breakdown", "carer_left", "step_down", "residential_to_family")
FLOW_METRICS = (
    "entries", "entries_placed_out_of_county", "exits", "breakdowns", "step_ups",
    "sibling_groups_entered", "sibling_groups_split", "uasc_entries",
    *(f"moves:{reason}" for reason in MOVE_REASONS),
    "enquiries", "applications", "assessments_started", "assessment_wait_days_total", "withdrawals",
    "approvals", "approval_days_total", "deregistrations",
    "placement_cost", "programme_cost",
)
SNAPSHOT_METRICS = ("children_in_care", "placed_in_county", "placed_out_of_county",
                    "in_house_households", "in_house_places", "in_house_vacancies",
                    "in_house_households_without_children", "panel_backlog", "mockingbird_households",
                    "children_placed_with_siblings", "uasc_in_care")


def metric_names(option_names) -> list[str]:
    return [*SNAPSHOT_METRICS, *(f"placed:{name}" for name in option_names), *flow_names(option_names)]


def flow_names(option_names) -> list[str]:
    return [*FLOW_METRICS, *(f"placement_cost:{name}" for name in option_names)]


class MonthlyRecorder:
    """One row per month end; flows are counted as they happen and reset when a month is recorded."""

    def __init__(self, option_names, months: int):
        self.names = metric_names(option_names)
        self.values = np.zeros((months, len(self.names)))
        self.flows = dict.fromkeys(flow_names(option_names), 0.0)

    def record(self, month: int, snapshot: dict) -> None:
        row = {**snapshot, **self.flows}
        self.values[month] = [row[name] for name in self.names]
        self.flows.update(dict.fromkeys(self.flows, 0.0))
