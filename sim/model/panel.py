"""The fostering panel: sittings on a monthly schedule, a fixed number of cases per sitting, a
first-come first-served queue, an approval probability and a delay before the decision."""

from collections import deque

from sim.model.streams import Buffered


class Panel:
    def __init__(self, model):
        self.model = model
        self.settings = model.scenario.carers.recruitment.panel
        self.queue = deque()
        self.approvals = Buffered(model.streams["panel"].random)

    def start(self) -> None:
        self.model.env.process(self._sittings())

    def submit(self, applied_day: float) -> None:
        self.queue.append(applied_day)

    def reconfigure(self, scenario) -> None:
        """Sittings a month from the next month; cases per sitting and approvals from the next sitting."""
        self.settings = scenario.carers.recruitment.panel

    def _sittings(self):
        """Each month's sittings, spread evenly through it, as many as the settings at its start give."""
        env, calendar = self.model.env, self.model.calendar
        ends = calendar.month_end_days()
        extra_by_month = self._extra_sittings_by_month(len(ends))
        for start, end, extra in zip([0.0, *ends[:-1]], ends, extra_by_month):
            yield env.timeout(start - env.now)
            usual = self.settings.sittings_per_month
            sittings = usual + extra
            for k in range(sittings):
                yield env.timeout(start + (k + 0.5) * (end - start) / sittings - env.now)
                if k >= usual:
                    self.model.recorder.flows["programme_cost"] += self.settings.cost_per_extra_sitting
                self._sit()

    def _sit(self) -> None:
        env, settings = self.model.env, self.settings
        for _ in range(min(settings.cases_per_sitting, len(self.queue))):
            applied_day = self.queue.popleft()
            if self.approvals.next() < settings.approval_probability:
                env.timeout(settings.decision_delay_days, value=applied_day).callbacks.append(self._decide)

    def _decide(self, event) -> None:
        flows = self.model.recorder.flows
        flows["approvals"] += 1
        flows["approval_days_total"] += self.model.env.now - event.value
        self.model.household_approved()

    def _extra_sittings_by_month(self, months: int) -> list[int]:
        calendar, extra_by_month = self.model.calendar, [0] * months
        for extra in self.settings.extra_sittings:
            first = calendar.month_index(extra.start_date)
            for index in range(max(0, first), min(months, first + extra.months)):
                extra_by_month[index] += extra.sittings_per_month
        return extra_by_month
