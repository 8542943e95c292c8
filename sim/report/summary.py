"""The executive summary on the pack's first page, and the few lines a run prints when it finishes.

Short sentences with the numbers, every figure the pack's headline statistic
(sim/report/headline.py) read from the saved results: children placed out of
county now and at each headline point with the range at the horizon, the share
placed in county against the target, children in care, in-house households,
annual costs; for a comparison, each option against the base; then the caveat
that matters most.
"""

import math

from sim.report import headline
from sim.report.disclosure import Disclosure
from sim.report.headline import Difference
from sim.run.saved_results import COMPARISON
from sim.scenario.wording import joined, money, month, share

OUT, IN_CARE, HOUSEHOLDS, SHARE = "placed_out_of_county", "children_in_care", "in_house_households", "share_in_county"
PLACEMENT, PROGRAMME = "placement_cost", "programme_cost"


def key_points(saved) -> list[str]:
    """The summary's sentences about the base (or the run's scenario)."""
    name = saved.base
    sentences = [_out_of_county(saved, name), _in_county_share(saved, name),
                 _level(saved, name, IN_CARE, "children in care"),
                 _level(saved, name, HOUSEHOLDS, "in-house foster households"), _costs(saved, name)]
    return [sentence for sentence in sentences if sentence]


def option_points(saved) -> list[str]:
    """A sentence or two per option of a comparison: its difference from the base and what it costs."""
    return [_option(saved, option) for option in saved.options]


def caveats(saved) -> list[str]:
    """The steady-state warning that matters most (if the run found one), and what the ranges include."""
    found = [finding for finding in saved.manifest.get("steady_state") or []
             if isinstance(finding, dict) and finding.get("warning") and finding.get("text")]
    first = [str(found[0]["text"])] if found else []
    return [*first, f"The ranges show how the runs differ: by {saved.bands_include}."]


def console_lines(saved) -> list[str]:
    """Three to five lines for the terminal when a run or comparison finishes."""
    name, (when, date) = saved.base, headline.points(saved)[-1]
    now, end = headline.first_month(saved, name, OUT), headline.at(saved, name, OUT, when)
    lines = [f"{saved.title(name)}: {_count(saved, now.value)} children placed out of county "
             f"at the end of {_first_month(saved)}, {_count(saved, end.value)} by {month(date)} (8 runs in 10 between "
             f"{_count(saved, end.low)} and {_count(saved, end.high)})."]
    if saved.kind == COMPARISON:
        lines += [_option_out_of_county(saved, option, when, date) for option in saved.options[:3]]
    else:
        lines += [sentence for sentence in (_level(saved, name, IN_CARE, "children in care"),
                                            _in_county_share(saved, name)) if sentence]
    lines.append(f"Committee pack: {saved.directory / 'pack.html'} (tables in pack.xlsx)")
    return lines


def title_of(saved, name: str) -> str:
    return saved.title(name)


# ---- sentences --------------------------------------------------------------------------------------

def _out_of_county(saved, name: str) -> str | None:
    now = headline.first_month(saved, name, OUT)
    if now is None:
        return None
    later = [(date, headline.at(saved, name, OUT, when)) for when, date in headline.points(saved)]
    steps = joined([f"{_count(saved, figure.value)} by {month(date)}" for date, figure in later])
    end = later[-1][1]
    return (f"Children placed out of county: {_count(saved, now.value)} at the end of {_first_month(saved)}, then "
            f"{steps}; in 8 runs in 10 between {_count(saved, end.low)} and {_count(saved, end.high)} at the end.")


def _in_county_share(saved, name: str) -> str | None:
    when, date = headline.points(saved)[-1]
    now, end = headline.first_month(saved, name, SHARE), headline.at(saved, name, SHARE, when)
    if now is None or end is None or math.isnan(end.value):
        return None
    target = saved.scenarios[name].targets.in_county_share
    against = ("; no target is set" if target is None else
               f", against a target of {share(target)} ({_gap(end.value, target)})")
    return (f"Share of children placed who are placed in county: {share(now.value)} now and {share(end.value)} "
            f"by {month(date)}{against}.")


def _gap(value: float, target: float) -> str:
    points = round(100 * (value - target))
    if points == 0:
        return "on target"
    return f"{abs(points)} percentage point{'s' * (abs(points) != 1)} {'above' if points > 0 else 'below'} it"


def _level(saved, name: str, metric: str, subject: str) -> str | None:
    when, date = headline.points(saved)[-1]
    now, end = headline.first_month(saved, name, metric), headline.at(saved, name, metric, when)
    if now is None or end is None:
        return None
    return (f"{subject[:1].upper()}{subject[1:]}: {_count(saved, now.value)} now and {_count(saved, end.value)} "
            f"by {month(date)}.")


def _costs(saved, name: str) -> str | None:
    (first_when, first_date), (when, date) = headline.points(saved)[0], headline.points(saved)[-1]
    parts = []
    for measure, what in ((PLACEMENT, "placements"), (PROGRAMME, "programmes")):
        start, end = headline.at(saved, name, measure, first_when), headline.at(saved, name, measure, when)
        if start is not None and (start.value or end.value):
            parts.append(f"{what} {money(start.value)} in the year to {month(first_date)} and {money(end.value)} in "
                         f"the year to {month(date)}")
    return f"Annual cost: {'; '.join(parts)}." if parts else None


def _option(saved, option: str) -> str:
    when, date = headline.points(saved)[-1]
    text = _option_out_of_county(saved, option, when, date)
    cost = headline.difference(saved, option, PLACEMENT, when)
    programme = headline.difference(saved, option, PROGRAMME, when)
    if cost is not None:
        extra = cost.value + (programme.value if programme else 0.0)
        text += f" {_cost_change(extra, saved, date)}"
        per_child = headline.at(saved, option, headline.COST_PER_CHILD, when)
        if per_child is not None and not math.isnan(per_child.value) and extra > 0:
            text += (f"; {money(per_child.value)} for each year a child spends in county instead of out, "
                     f"counted to {month(date)}")
        text += "."
    return text


def _option_out_of_county(saved, option: str, when: str, date: str) -> str:
    mine, change = headline.at(saved, option, OUT, when), headline.difference(saved, option, OUT, when)
    base = title_of(saved, saved.base)
    lead = f"{title_of(saved, option)}: {_count(saved, mine.value)} children placed out of county by {month(date)}"
    if change.identical():
        return f"{lead}, the same as {base} in every run."
    if change.about_the_same():
        return (f"{lead}, about the same as {base} ({_count(saved, change.base)}; {_spread(saved, change)} "
                "in 8 runs in 10).")
    direction = "fewer" if change.value < 0 else "more"
    chance = (f"; {direction} in {change.prob_better if direction == 'fewer' else 1 - change.prob_better:.0%} "
              "of runs" if not math.isnan(change.prob_better) else "")
    shown = abs(round(mine.value) - round(change.base))  # the difference of the figures as printed
    return (f"{lead}, {_count(saved, shown)} {direction} than {base}'s {_count(saved, change.base)} "
            f"({_spread(saved, change)} in 8 runs in 10{chance}).")


def _spread(saved, change: Difference) -> str:
    """'between 5 and 23 fewer', 'between 3 fewer and 4 more'."""
    low, high = -change.high, -change.low  # fewer is a negative difference
    if low >= 0:
        return f"between {_count(saved, low)} and {_count(saved, high)} fewer"
    if high <= 0:
        return f"between {_count(saved, -high)} and {_count(saved, -low)} more"
    return f"between {_count(saved, high)} fewer and {_count(saved, -low)} more"


def _cost_change(extra: float, saved, date: str) -> str:
    if abs(extra) < 0.5:
        return f"Costs the same in the year to {month(date)}"
    return f"Costs {money(abs(extra))} {'more' if extra > 0 else 'less'} in the year to {month(date)}"


def _count(saved, value: float) -> str:
    return Disclosure.of(saved).count(value)


def _first_month(saved) -> str:
    return month(saved.summary["date"].min())

