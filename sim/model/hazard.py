"""Events that happen at a hazard rate which changes over time (a carer leaving, a placement breaking down).

Each clock draws one Exp(1) budget when it starts, and the event happens when
the integrated hazard uses it up. A change of circumstances reschedules the
event without drawing again, so a change that leaves the hazard as it was
changes nothing, and scenarios keep their common random numbers.

The owner supplies:
- `hazard(subject, day)`: the hazard from `day` on, as pieces (rate per day,
  until day), the last until infinity; known changes (a child's next age band,
  the end of a household's unsettled months) are pieces, not wake-ups;
- `fire(subject)`;
- `last_day(subject)`: after it the event no longer matters (the end of the
  run, or the day a child leaves care), so it is never scheduled.
"""

import math

INFINITY = math.inf


class HazardClock:
    __slots__ = ("owner", "subject", "budget", "pieces", "since", "generation")

    def __init__(self, owner, subject, budget: float):
        self.owner, self.subject, self.budget = owner, subject, budget
        self.pieces, self.since, self.generation = (), 0.0, 0

    def start(self, env) -> None:
        self.since = env.now
        self._schedule(env, self.owner.hazard(self.subject, env.now))

    def update(self, env) -> None:
        """The owner's hazard for the subject may have changed: reschedule if it has."""
        pieces = self.owner.hazard(self.subject, env.now)
        if pieces != tuple(piece for piece in self.pieces if piece[1] > env.now):
            self._spend(env.now)
            self._schedule(env, pieces)

    def stop(self) -> None:
        self.generation += 1

    def _spend(self, day: float) -> None:
        start = self.since
        for rate, until in self.pieces:
            if start >= day:
                break
            self.budget -= rate * (min(until, day) - start)
            start = until
        self.budget = max(0.0, self.budget)
        self.since = day

    def _schedule(self, env, pieces: tuple) -> None:
        self.generation += 1
        self.pieces = pieces
        fire_day = _day_budget_spent(self.budget, env.now, pieces)
        if fire_day <= self.owner.last_day(self.subject):
            env.timeout(fire_day - env.now, value=(self, self.generation)).callbacks.append(_fire)


def _day_budget_spent(budget: float, start: float, pieces: tuple) -> float:
    for rate, until in pieces:
        if rate > 0 and budget <= rate * (until - start):
            return start + budget / rate
        if rate > 0:
            budget -= rate * (until - start)
        start = until
    return INFINITY


def _fire(event) -> None:
    clock, generation = event.value
    if generation == clock.generation:
        clock.generation += 1
        clock.owner.fire(clock.subject)
