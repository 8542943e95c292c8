"""Simulation time is days since the scenario's start date; results are reported at month ends.

Events at one instant: an event at the instant a month ends belongs to the month that ends (a panel decision
at midnight on 1 March is February's), so the month end is processed after every other event at that instant,
then a change dated that day (it applies from the start of its date), then the prices' rise on an
anniversary of the start (at the rates the day's changes set)."""

import calendar
import datetime as dt
from dataclasses import dataclass
from functools import cached_property

import simpy

MONTH_END = simpy.events.NORMAL + 1  # after every ordinary event at the same instant
CHANGE = MONTH_END + 1  # after the month end at the same instant
ANNIVERSARY = CHANGE + 1  # after the changes at the same instant


def late_event(env: simpy.Environment, delay: float, priority: int, value=None) -> simpy.Event:
    """An event `delay` from now, processed after the events of lower `priority` at that instant."""
    event = simpy.Event(env)
    event._ok, event._value = True, value
    env.schedule(event, priority, delay)
    return event


@dataclass(frozen=True)
class Calendar:
    start_date: dt.date
    months: int

    @classmethod
    def for_scenario(cls, scenario) -> "Calendar":
        return cls(scenario.start_date, max(1, round(scenario.horizon_years * 12)))

    def month_ends(self) -> list[dt.date]:
        return [_first_of_next_month(self.start_date, k) - dt.timedelta(days=1) for k in range(self.months)]

    def month_end_days(self) -> list[float]:
        """The simulation time at which each month ends (the start of the next month's first day)."""
        return list(self._month_end_days)

    @cached_property
    def _month_end_days(self) -> tuple[float, ...]:
        return tuple(float((end - self.start_date).days + 1) for end in self.month_ends())

    @cached_property
    def horizon_days(self) -> float:
        return self._month_end_days[-1]

    def day_of(self, date: dt.date) -> float:
        return float((date - self.start_date).days)

    def noon_of(self, date: dt.date) -> float:
        """When something dated happens: midday, so never at the same moment as a month end is recorded."""
        return self.day_of(date) + 0.5

    def month_index(self, date: dt.date) -> int:
        """Which reporting month `date` falls in (0 for the start month; negative before it)."""
        return (date.year * 12 + date.month) - (self.start_date.year * 12 + self.start_date.month)

    def anniversary_days(self) -> list[float]:
        """The start of each anniversary of the start date before the horizon (29 February on 28 February)."""
        days, year = [], self.start_date.year + 1
        while (day := self.day_of(_same_day_in(self.start_date, year))) < self.horizon_days:
            days.append(day)
            year += 1
        return days

    def year_fraction_of_day(self, day: float) -> float:
        """Fraction of the calendar year elapsed at simulation day `day` (0 on 1 January)."""
        start_offset = self.start_date.timetuple().tm_yday - 1
        return ((start_offset + day) / 365.25) % 1.0


def _same_day_in(date: dt.date, year: int) -> dt.date:
    return date.replace(year=year, day=min(date.day, calendar.monthrange(year, date.month)[1]))


def _first_of_next_month(start: dt.date, months_after: int) -> dt.date:
    month_index = start.year * 12 + start.month + months_after
    return dt.date(month_index // 12, month_index % 12 + 1, 1)
