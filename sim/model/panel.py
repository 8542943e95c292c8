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

    def _sittings(self):
        env = self.model.env
        for day, extra in self._schedule():
            yield env.timeout(day - env.now)
            if extra:
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

    def _schedule(self):
        """(day, is an extra sitting) for every sitting, spread evenly through each month."""
        calendar, settings = self.model.calendar, self.settings
        ends = calendar.month_end_days()
        extra_by_month = [0] * len(ends)
        for extra in settings.extra_sittings:
            first = calendar.month_index(extra.start_date)
            for index in range(max(0, first), min(len(ends), first + extra.months)):
                extra_by_month[index] += extra.sittings_per_month
        for index, (start, end) in enumerate(zip([0.0, *ends[:-1]], ends)):
            sittings = settings.sittings_per_month + extra_by_month[index]
            for k in range(sittings):
                yield start + (k + 0.5) * (end - start) / sittings, k >= settings.sittings_per_month
