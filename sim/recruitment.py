"""The recruitment funnel: enquiries (raised by campaigns), applications, and assessment by a
limited team of assessors, with withdrawals; assessed applicants go to the fostering panel."""

import numpy as np
import simpy

from sim.ages import DAYS_PER_YEAR
from sim.durations import duration_years
from sim.streams import Buffered

DAYS_PER_MONTH = DAYS_PER_YEAR / 12


class Recruitment:
    def __init__(self, model, panel):
        self.model, self.panel = model, panel
        self.settings = model.scenario.carers.recruitment
        assessment = self.settings.assessment
        slots = max(1, assessment.assessors * assessment.caseload_per_assessor)  # 0 is refused when recruiting
        self.assessment_slots = simpy.Resource(model.env, capacity=slots)
        self.enquiry_rng = model.streams["enquiries"]
        self.assessment_draws = Buffered(model.streams["assessment"].random)

    def start(self) -> None:
        for campaign in self.settings.campaigns:
            self.model.charge_on(self.model.calendar.noon_of(campaign.start_date), campaign.cost)
        if self.settings.enquiries_per_month > 0 and self.settings.enquiry_to_application > 0:
            self.model.env.process(self._enquiries())

    def _enquiries(self):
        """Each month's enquiries are counted at its first noon; only those that apply become events."""
        env, settings = self.model.env, self.settings
        for month_start, month_end, multiplier in self._months():
            yield env.timeout(month_start - env.now)
            count = self.enquiry_rng.poisson(settings.enquiries_per_month * multiplier)
            env.timeout(0.5, value=count).callbacks.append(self._count_enquiries)
            applying = self.enquiry_rng.random(count) < settings.enquiry_to_application
            days = month_start + self.enquiry_rng.random(count)[applying] * (month_end - month_start)
            for day in np.sort(days).tolist():
                env.timeout(day - env.now, value=day).callbacks.append(self._apply)

    def _count_enquiries(self, event) -> None:
        self.model.recorder.flows["enquiries"] += event.value

    def _apply(self, event) -> None:
        self.model.recorder.flows["applications"] += 1
        self.model.env.process(self._assess(event.value))

    def _months(self):
        """(start day, end day, enquiry multiplier) of each month; campaigns count in whole calendar months."""
        calendar = self.model.calendar
        ends = calendar.month_end_days()
        campaign_months = [(calendar.month_index(c.start_date), c.months, c.enquiry_multiplier)
                           for c in self.settings.campaigns]
        for index, (start, end) in enumerate(zip([0.0, *ends[:-1]], ends)):
            multiplier = 1.0
            for first, months, campaign_multiplier in campaign_months:
                if first <= index < first + months:
                    multiplier *= campaign_multiplier
            yield start, end, multiplier

    def _assess(self, applied_day: float):
        env, flows = self.model.env, self.model.recorder.flows
        assessment = self.settings.assessment
        with self.assessment_slots.request() as slot:
            yield slot
            flows["assessments_started"] += 1
            flows["assessment_wait_days_total"] += env.now - applied_day
            u_duration, u_withdraw, u_when = (self.assessment_draws.next() for _ in range(3))
            days = duration_years("lognormal", assessment.mean_months / 12, assessment.cv, np.array([u_duration]))[0] * DAYS_PER_YEAR
            if u_withdraw < assessment.withdrawal_probability:
                yield env.timeout(u_when * days)
                flows["withdrawals"] += 1
                return
            yield env.timeout(days)
        self.panel.submit(applied_day)
