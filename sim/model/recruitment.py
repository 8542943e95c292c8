"""The recruitment funnel: enquiries (raised by campaigns), applications, and assessment by a
limited team of assessors, with withdrawals; assessed applicants go to the fostering panel.

The run starts with applicants already in assessment: those who would have applied at the
baseline rate in the months before the start and not yet finished, so that approvals do not
dip in the first year while an empty pipeline fills. Those who finished within half a panel
interval plus the decision delay before the start are waiting for panel."""

import collections

import numpy as np

from sim.model.ages import DAYS_PER_YEAR
from sim.model.durations import duration_years
from sim.model.streams import Buffered

DAYS_PER_MONTH = DAYS_PER_YEAR / 12
PIPELINE_MONTHS_PER_MEAN = 3  # look back three mean assessments: almost no one is still in assessment after that


class Recruitment:
    def __init__(self, model, panel):
        self.model, self.panel = model, panel
        self.in_assessment = 0
        self.waiting_for_assessor = collections.deque()
        self.enquiry_rng = model.streams["enquiries"]
        self.assessment_draws = Buffered(model.streams["assessment"].random)
        self.team_cost = self.team_since = self.team_cost_per_day = 0.0
        self._set(model.scenario.carers.recruitment)

    def start(self) -> None:
        for campaign in self.settings.campaigns:
            self.model.charge_on(self.model.calendar.noon_of(campaign.start_date), campaign.cost)
        if self.settings.enquiries_per_month > 0 and self.settings.enquiry_to_application > 0:
            self._start_pipeline()
        self.model.env.process(self._enquiries())

    def reconfigure(self, scenario) -> None:
        """Enquiry rates from the next month; assessment time and withdrawals for applications from now; more
        assessment slots start waiting applicants now, fewer stop nobody. The team's cost from now."""
        self._set(scenario.carers.recruitment)
        while self.waiting_for_assessor and self.in_assessment < self.assessment_slots:
            self._assess(*self.waiting_for_assessor.popleft())

    def take_team_cost(self, day: float) -> float:
        """The assessors' running cost since the last call."""
        self._accrue_team_cost(day)
        cost, self.team_cost = self.team_cost, 0.0
        return cost

    def _accrue_team_cost(self, day: float) -> None:
        self.team_cost += self.team_cost_per_day * (day - self.team_since)
        self.team_since = day

    def _set(self, settings) -> None:
        assessment = settings.assessment
        self.settings = settings
        self.assessment_slots = assessment.assessors * assessment.caseload_per_assessor
        team_cost_per_day = assessment.assessors * assessment.cost_per_assessor_per_year / DAYS_PER_YEAR
        if team_cost_per_day != self.team_cost_per_day:
            self._accrue_team_cost(self.model.env.now)
            self.team_cost_per_day = team_cost_per_day

    def _start_pipeline(self) -> None:
        settings, rng = self.settings, self.model.streams["pipeline"]
        lookback = PIPELINE_MONTHS_PER_MEAN * settings.assessment.mean_months * DAYS_PER_MONTH
        applications_per_day = settings.enquiries_per_month * settings.enquiry_to_application / DAYS_PER_MONTH
        panel = settings.panel
        awaiting_panel = DAYS_PER_MONTH / max(1, 2 * panel.sittings_per_month) + panel.decision_delay_days
        for applied_day in np.sort(-rng.random(rng.poisson(applications_per_day * lookback)) * lookback).tolist():
            withdraws, days = plan = self._plan()
            if applied_day + days > 0:
                self._ask_for_assessor(applied_day, plan)
            elif not withdraws and applied_day + days > -awaiting_panel:
                self.panel.submit(applied_day)

    def _enquiries(self):
        """Each month's enquiries are counted at its first noon; only those that apply become events."""
        env = self.model.env
        for month_start, month_end, multiplier in self._months():
            yield env.timeout(month_start - env.now)
            settings = self.settings
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
        self._ask_for_assessor(event.value, self._plan())

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

    def _plan(self) -> tuple[bool, float]:
        """(withdraws, days in assessment until withdrawing or finishing) for one applicant."""
        assessment = self.settings.assessment
        u_duration, u_withdraw, u_when = (self.assessment_draws.next() for _ in range(3))
        years = duration_years("lognormal", assessment.mean_months / 12, assessment.cv, np.array([u_duration]))[0]
        withdraws = u_withdraw < assessment.withdrawal_probability
        return withdraws, years * DAYS_PER_YEAR * (u_when if withdraws else 1.0)

    def _ask_for_assessor(self, applied_day: float, plan: tuple[bool, float]) -> None:
        """Start assessment if a slot is free, else wait in turn (first come, first served)."""
        if self.in_assessment < self.assessment_slots:
            self._assess(applied_day, plan)
        else:
            self.waiting_for_assessor.append((applied_day, plan))

    def _assess(self, applied_day: float, plan: tuple[bool, float]) -> None:
        """An applicant from before the start continues where it was, without counting as a start."""
        env, flows = self.model.env, self.model.recorder.flows
        withdraws, days = plan
        self.in_assessment += 1
        if applied_day >= 0:
            flows["assessments_started"] += 1
            flows["assessment_wait_days_total"] += env.now - applied_day
        remaining = days if applied_day >= 0 else applied_day + days
        env.timeout(remaining, value=(applied_day, withdraws)).callbacks.append(self._assessed)

    def _assessed(self, event) -> None:
        applied_day, withdraws = event.value
        self.in_assessment -= 1
        if withdraws:
            self.model.recorder.flows["withdrawals"] += 1
        else:
            self.panel.submit(applied_day)
        if self.waiting_for_assessor:
            self._assess(*self.waiting_for_assessor.popleft())
