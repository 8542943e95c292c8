"""Events that happen at a hazard rate which changes over time (a carer leaving, a placement breaking down).

Each clock draws one Exp(1) budget when it starts, and the event happens when
the integrated hazard uses it up. A change of hazard reschedules the event
without drawing again, so a change that leaves the hazard as it was changes
nothing, and scenarios keep their common random numbers.

The owner supplies `hazard(subject, day) -> (rate per day, valid until day)`,
`fire(subject)`, and `last_day(subject)`, after which the event no longer
matters (the end of the run, or the day a child leaves care), so is never scheduled.
"""

import math

INFINITY = math.inf


class HazardClock:
    __slots__ = ("owner", "subject", "budget", "rate", "since", "until", "fire_day", "generation")

    def __init__(self, owner, subject, budget: float):
        self.owner, self.subject, self.budget = owner, subject, budget
        self.rate, self.since, self.until, self.fire_day = None, 0.0, INFINITY, INFINITY
        self.generation = 0

    def start(self, env) -> None:
        self.since = env.now
        self._schedule(env, *self.owner.hazard(self.subject, env.now))

    def update(self, env) -> None:
        """The owner's hazard for the subject may have changed: reschedule if it has."""
        rate, until = self.owner.hazard(self.subject, env.now)
        if rate != self.rate or until != self.until:
            self._spend(env.now)
            self._schedule(env, rate, until)

    def stop(self) -> None:
        self.generation += 1

    def _spend(self, day: float) -> None:
        self.budget = max(0.0, self.budget - self.rate * (day - self.since))
        self.since = day

    def _schedule(self, env, rate: float, until: float) -> None:
        self.generation += 1
        self.rate, self.until = rate, until
        self.fire_day = env.now + self.budget / self.rate if self.rate > 0 else INFINITY
        wake = min(self.fire_day, self.until)
        if wake <= self.owner.last_day(self.subject):
            env.timeout(wake - env.now, value=(self, self.generation)).callbacks.append(_wake)


def _wake(event) -> None:
    clock, generation = event.value
    if generation != clock.generation:
        return
    env = event.env
    if env.now >= clock.fire_day:
        clock.generation += 1
        clock.owner.fire(clock.subject)
    else:
        clock._spend(env.now)
        clock._schedule(env, *clock.owner.hazard(clock.subject, env.now))
