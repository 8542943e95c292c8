"""The calibration report written beside a calibrated scenario: report.md opening with any warning that the
data cannot be trusted, then listing every figure with its basis, the fit, the carer pool's implied path,
the figures from outside the return and the data quality, and charts of observed against fitted times in
care, entries by month, the placement mix at the census and the carer pool; and a back-test's report.md and
charts of observed against projected counts. Counts of 1 to 4 are suppressed."""

import math
import textwrap
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.ticker import PercentFormatter

from calibration.calibrate import report_directory
from calibration.commented_yaml import Commented, commented_items, scalar
from calibration.disclosure import HIDDEN, NOTE, SMALLEST_SHOWN, blanked, is_small, shown, shown_table, stepped, \
    suppressed
from calibration.estimate import duration_observations
from calibration.observed import entries_by_month
from calibration.scenario_writer import breakdown_source, breakdowns_by_source
from calibration.supply import HOUSEHOLDS
from calibration.survival import distribution, product_limit
from sim.model.ages import DAYS_PER_YEAR
from sim.model.calendar import Calendar
from sim.scenario.uncertainty import BAND_WORDING, bands
from sim.report.charts import (
    BAR_PANEL_IN,
    COLOURS,
    PLOT_IN,
    BarSpec,
    ChartSpec,
    write_chart,
)

OBSERVED, FITTED = "Observed", "Fitted"
MEASURES = {"children_in_care": "Children in care", "placed_out_of_county": "Children placed out of county",
            "in_house_households": "In-house foster households"}
IN_BALANCE = 0.15  # an equilibrium within 15% of the start: the pool neither grows nor shrinks much by itself
LABELS = {
    "in_house_fostering": "In-house foster care",
    "ifa": "IFA foster care",
    "ifa_in_county": "IFA in county",
    "ifa_out_of_county": "IFA out of county",
    "kinship": "Kinship foster care",
    "in_house_childrens_home": "Council children's home",
    "private_childrens_home": "Private children's home",
    "private_childrens_home_in_county": "Private children's home in county",
    "childrens_home_out_of_county": "Children's home out of county",
    "supported_accommodation": "Supported accommodation",
    "placed_for_adoption": "Placed for adoption",
    "with_parents": "With parents",
    "other": "Other placement",
}
SURVIVAL_STEP_YEARS = 1 / 12


@dataclass(frozen=True, eq=False)
class SurvivalSpec:
    """Observed and fitted shares still in care by years since entry, a panel per age band; drawn by
    sim.report.charts.write_chart like its own specs."""

    stem: str
    title: str
    subtitle: str
    source: str
    y_label: str
    curves: pd.DataFrame  # band, curve, years, share
    alt_text: str

    def plotted(self) -> pd.DataFrame:
        return self.curves

    def bands(self) -> list:
        return list(dict.fromkeys(self.curves["band"]))

    def grid(self) -> tuple[int, int, float]:
        count = len(self.bands())
        columns = 1 if count == 1 else 2
        rows = math.ceil(count / columns)
        return rows, columns, PLOT_IN if count == 1 else rows * BAR_PANEL_IN

    def draw(self, fig) -> None:
        bands = self.bands()
        _, columns, _ = self.grid()
        axes = fig.subplots(*self.grid()[:2], sharex=True, sharey=True, squeeze=False).ravel()
        for ax in axes[len(bands):]:
            ax.remove()
        for index, (ax, band) in enumerate(zip(axes, bands)):
            self._draw_band(ax, band, labelled=index == 0)
            if index + columns >= len(bands):  # the bottom of its column
                ax.xaxis.set_tick_params(labelbottom=True)
                ax.set_xlabel("Years since entering care")

    def _draw_band(self, ax, band: str, labelled: bool) -> None:
        for curve, colour, above in ((OBSERVED, COLOURS[0], True), (FITTED, COLOURS[1], False)):
            line = self.curves[(self.curves["band"] == band) & (self.curves["curve"] == curve)].dropna()
            ax.plot(line["years"], line["share"], color=colour, drawstyle="steps-post" if above else "default")
            if labelled:
                end = line.iloc[-1]
                ax.annotate(curve, (end["years"], end["share"]), xytext=(0, 6 if above else -6),
                            textcoords="offset points", va="bottom" if above else "top", ha="right",
                            color=colour, fontweight="bold", fontsize=9)
        ax.set_title(f"Aged {band} at entry")
        ax.set_ylim(0, 1)
        ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))


def write_report(calibration, directory: Path, scenario_file: str) -> None:
    specs = [spec for spec in (_durations_chart(calibration), _entries_chart(calibration),
                               _placement_chart(calibration), _pool_chart(calibration)) if spec is not None]
    for spec in specs:
        write_chart(spec, Path(directory) / "charts")
    (Path(directory) / "report.md").write_text(_report(calibration, specs, scenario_file), encoding="utf-8")


def write_backtest_report(result, directory: Path) -> None:
    """charts/ and report.md of a back-test (calibration.backtest.Backtest)."""
    specs = [_backtest_chart(result, metric) for metric in result.scores["metric"]]
    for spec in specs:
        write_chart(spec, Path(directory) / "charts")
    (Path(directory) / "report.md").write_text(_backtest_report(result, specs), encoding="utf-8")


def _backtest_chart(result, metric: str) -> ChartSpec:
    rows = result.comparison[result.comparison["metric"] == metric]
    score = result.scores.set_index("metric").loc[metric]
    observed = shown_part(flat_series(rows["date"], blanked(rows["observed"], table=False).to_numpy()))
    projected = rows[["date", "p10", "p50", "p90"]]
    area, replicated = result.calibration.scenario.area, result.calibration.scenario.replications
    households = metric == "in_house_households"
    points, when = ("31 Marches", "at 31 March") if households else ("months", "at month end")
    observed_from = " (the council's own figures)" if households else ""
    blanks = "" if households else " Months observing 1 to 4 children are left blank, and left out of both scores."
    title = (f"{MEASURES[metric]} fell inside the projected range in {score['coverage']:.0%} of {points}"
             if score["months"] else f"{MEASURES[metric]}: no month can be compared (each observes 1 to 4 children)")
    subtitle = (
        f"{MEASURES[metric]} {when}, {area}, {rows['date'].iloc[0]:%b %Y} to {rows['date'].iloc[-1]:%b %Y}: "
        f"observed{observed_from}, and projected from the data before {result.as_of}. Projected line: median of "
        f"{replicated} runs; band: 10th to 90th percentile, {BAND_WORDING[bands(result.calibration.scenario)]}. "
        f"Mean absolute percentage error {_percent(score['mape'])}.{blanks}"
    )
    alt = (f"Line chart. {title}. {subtitle} Projected median {rows['p50'].iloc[0]:,.0f} at the first point and "
           f"{rows['p50'].iloc[-1]:,.0f} at the last.")
    series = (("Projected", projected), (OBSERVED, observed)) if not observed.empty else (("Projected", projected),)
    return ChartSpec(f"backtest_{metric}", title, subtitle, f"SSDA903 return ({Path(result.history.source).name}); "
                     "sufficiency backtest", "Households" if households else "Children", series, alt)


def _backtest_report(result, specs) -> str:
    calibration, history = result.calibration, result.history
    households = "in_house_households" in set(result.scores["metric"])
    not_compared = [] if "placed_out_of_county" in set(result.scores["metric"]) else [
        "Children placed out of county are not compared: the return does not say which placements are out of county."]
    sections = [
        f"# Back-test of {calibration.scenario.area} from {result.as_of}",
        *warnings_section(calibration.warnings),
        f"Calibrated on the data from {history.window_start.date()} to the day before {result.as_of} "
        f"(`scenario.yaml`, its report in `{report_directory(Path('scenario.yaml')).name}/`), projected with "
        f"{calibration.scenario.replications} replications to {history.window_end.date()} and compared with what the "
        "data show at each month end" + (", and with the in-house households the council's own figures give at "
                                         "each 31 March" if households else "") +
        " (`comparison.csv`). Coverage: share of months (or 31 Marches) observed inside the projected "
        f"10-90% band, which carries {BAND_WORDING[bands(calibration.scenario)]}. MAPE: mean absolute percentage "
        "error of the projected median, over months observing any child. " + NOTE,
        markdown_table(["measure", "months", "coverage", "MAPE"], [
            [MEASURES[row.metric], row.months, _percent(row.coverage), _percent(row.mape, 1)]
            for row in result.scores.itertuples()
        ]),
        *not_compared,
        "## Data quality",
        "\n".join(f"- {line}" for line in history.quality.lines()),
        "## Charts",
        *map(chart_section, specs),
    ]
    return "\n\n".join(sections) + "\n"


def _report(calibration, specs, scenario_file: str) -> str:
    history, census, free = calibration.history, calibration.census, calibration.free
    entries_by_year = shown_table(calibration.estimates.entries.counts_by_year)
    hidden = _hidden_figures(calibration)
    sections = [
        f"# Calibration of {calibration.scenario.area} from SSDA903",
        f"Scenario: `{scenario_file}`, starting {calibration.scenario.start_date} from the census of "
        f"{census.census_date}. Data window {history.window_start.date()} to {history.window_end.date()}. "
        f"{NOTE} The scenario file itself holds exact counts for the model: do not publish it as is.",
        *warnings_section(calibration.warnings),
        "## Figures in the scenario",
        markdown_table(["key", "value", "basis or source"], [
            [key, _value(node.value, node.counts, hidden.get(key, ())), node.comment]
            for key, node in ((".".join(map(str, path)), node) for path, node in commented_items(calibration.tree))
        ]),
        "## Fitted parameters",
        markdown_table(["parameter", "value", "how"], [
            ["duration scale (times in care)", f"{free.duration_scale.value:g}", free.duration_scale.note],
            ["in-house occupancy", f"{free.occupancy.value:g}", free.occupancy.note],
        ]),
        "## The carer pool",
        *_pool_section(calibration),
        "## Entries by collection year",
        markdown_table(["year", "entries"], list(entries_by_year.items())),
        f"## Children in care on {census.census_date}, as the return records their placements",
        markdown_table(["placement", "children"], [[LABELS[name], n] for name, n in shown_table(_totals(census)).items()]),
        "## Figures from outside the return",
        markdown_table(["parameter", "value", "area", "period", "source", "strength"], [
            [f.parameter, f.written, f.area, f.period, f.source, f.strength] for f in calibration.figures.listed()
        ]),
        "## Data quality",
        "\n".join(f"- {line}" for line in history.quality.lines()),
        "## Charts",
        *map(chart_section, specs),
    ]
    return "\n\n".join(sections) + "\n"


def warnings_section(warnings) -> list[str]:
    """The warnings first, where a reader starts: the data may not support what follows."""
    if not warnings:
        return []
    return ["## Warnings: the data may not be trusted", "\n".join(f"- **{warning}**" for warning in warnings)]


def _pool_section(calibration) -> list[str]:
    balance, years = calibration.balance, calibration.scenario.horizon_years
    change = balance.equilibrium / balance.households - 1 if balance.households else math.inf
    verdict = ("in balance: it neither grows nor shrinks much by itself" if abs(change) <= IN_BALANCE else
               f"{'growing' if change > 0 else 'shrinking'} by itself towards {balance.equilibrium:,.0f} households, "
               f"{abs(change):.0%} {'above' if change > 0 else 'below'} its start: the projection includes that change")
    observed = calibration.figures.series(HOUSEHOLDS)
    table = [markdown_table(["31 March", "households (the council's figures)"], [
        [f"{date:%Y}", f"{figure.value:,.0f}"] for date, figure in observed.items()])] if observed else []
    return [
        f"The scenario's own rates keep the in-house pool {verdict}. Where its approvals a year come from: "
        f"{balance.basis}.",
        markdown_table(["measure", "value"], [
            ["households at the start", f"{balance.households:,}"],
            ["approvals a year", f"{balance.approvals_per_year:.1f}"],
            ["households leaving a year, per household (every reason)", f"{balance.leaving_rate:.3f}"],
            ["equilibrium: approvals a year / leaving rate", f"{balance.equilibrium:,.0f} households"],
            ["time constant: 1 / leaving rate", f"{balance.time_constant_years:.1f} years"],
            [f"households after {years:g} years", f"{float(balance.households_at(years)):,.0f}"],
        ]),
        *table,
    ]


def chart_section(spec) -> str:
    return f"### {spec.title}\n\n![{spec.title}](charts/{spec.stem}.png)\n\n{spec.alt_text}"


def markdown_table(header: list, rows: list) -> str:
    lines = [header, ["---"] * len(header), *rows]
    return "\n".join("| " + " | ".join(str(cell).replace("|", "/") for cell in line) + " |" for line in lines)


def _value(value, counts: bool, hidden) -> str:
    """As in the scenario file, but counts of children suppressed, a census by its options' totals only (beside
    a total, one band's count would give away another's), and what `hidden` names (`_hidden_figures`) as [c]."""
    if isinstance(value, dict) and any(isinstance(item, Commented) for item in value.values()):
        return "(each below)"
    if hidden is True:
        return HIDDEN
    if counts and isinstance(value, dict):
        totals = shown_table({key: sum(by_band.values()) for key, by_band in value.items()})
        return ", ".join(f"{key} {total}" for key, total in totals.items())
    if isinstance(value, dict) and hidden:
        return "{" + ", ".join(f"{scalar(key)}: {HIDDEN if key in hidden else scalar(item)}"
                               for key, item in value.items()) + "}"
    return shown(value) if counts else scalar(value)


def _hidden_figures(calibration) -> dict:
    """Key path -> True (the figure is suppressed) or the keys within it that are: every figure that would let
    a suppressed count be worked out (calibration.disclosure)."""
    estimates, tree = calibration.estimates, calibration.tree
    entries = estimates.entries
    hidden = {}
    if is_small(entries.basis.n) or suppressed(entries.counts_by_year).any():  # the fit recovers the years' counts
        hidden["demand.entries_per_year"] = hidden["demand.trend_per_year"] = True
    by_band = {band: round(share * estimates.age_mix.basis.n) for band, share in estimates.age_mix.shares.items()}
    hidden["demand.age_mix"] = _keys(suppressed(by_band))
    hidden["demand.residential_share"] = {
        band for band, share in estimates.residential_share.shares.items()
        if _two_way(round(share * by_band.get(band, 0)), by_band.get(band, 0))}
    kinship = estimates.kinship_share
    if _two_way(round(kinship.value * kinship.basis.n), kinship.basis.n):
        hidden["demand.kinship_share"] = True
    census = tree["initial_state"]["children_in_care"].value
    options = _keys(suppressed({option: sum(counts.values()) for option, counts in census.items()}))
    hidden.update({f"placements.{option}.capacity": True for option in options})
    if "in_house_fostering" in options:
        hidden["carers.initial_households"] = True
    if is_small(sum(sum(counts.values()) for counts in census.values())):
        hidden["carers.recruitment.enquiries_per_month"] = True
    hazard = estimates.breakdowns
    by_source = breakdowns_by_source(hazard)
    concealed = suppressed(by_source)
    for option in tree["breakdowns"]["rate_per_year"].value:  # a pooled rate times its exposure is its count
        source = breakdown_source(hazard, option)
        if (concealed[source] if source is not None else False) or is_small(sum(by_source.values())):
            hidden[f"breakdowns.rate_per_year.{option}"] = True
    return hidden


def _two_way(part: int, total: int) -> bool:
    """Whether a share `part` of `total` (and so its complement) must be suppressed."""
    return bool(suppressed([part, total - part]).any())


def _keys(hidden: pd.Series) -> set:
    return set(hidden[hidden].index)


def _totals(census) -> pd.Series:
    """Children by placement type, every type listed (an empty one among suppressed ones hides which is empty)."""
    totals = pd.Series({option: sum(by_band.values()) for option, by_band in census.counts.items()}, dtype=int)
    return totals.reindex(list(LABELS), fill_value=0).sort_values(ascending=False, kind="stable")


def _durations_chart(calibration):
    care = calibration.estimates.time_in_care
    durations, groups = duration_observations(calibration.history)
    times = np.arange(0.0, min(durations.years.max(), 10.0) + 1e-9, SURVIVAL_STEP_YEARS)
    frames = []
    for index, band in enumerate(groups):
        fitted = distribution(care.family, care.mean_years[band], care.cv).sf(times)
        band_exits = durations.years[(durations.group == index) & durations.exited]
        exits_by = np.searchsorted(np.sort(band_exits), times, side="right")
        observed = stepped(product_limit(durations, index, times, SMALLEST_SHOWN), exits_by)
        frames += [pd.DataFrame({"band": band, "curve": curve, "years": times, "share": share})
                   for curve, share in ((OBSERVED, observed), (FITTED, fitted))]
    curves = pd.concat(frames, ignore_index=True)
    observed = curves[curves["curve"] == OBSERVED]
    curves = curves[curves["band"].isin(observed.dropna()["band"])]
    if curves.empty:  # no band with enough children to show
        return None
    after_one = curves[np.isclose(curves["years"], 1.0)].pivot(index="band", columns="curve", values="share")
    after_one = after_one.reindex([band for band in groups if band in after_one.index])
    title = "The fitted times in care follow the observed ones" if _close(after_one) else \
        "The fitted times in care differ from the observed ones"
    subtitle = (f"Share of children still in care by years since entering, by age band at entry, "
                f"{calibration.scenario.area}, {_period(calibration)}. Observed: Kaplan-Meier estimate allowing "
                f"for censoring and for stays begun before the data, shown while {SMALLEST_SHOWN} or more remain "
                f"at risk and moving only after {SMALLEST_SHOWN} or more exits. Fitted: {care.family} distribution, "
                "maximum likelihood.")
    alt = " ".join([f"Small multiple line charts. {title}.", subtitle, *(
        f"Aged {band}: after one year, observed {_percent(row.get(OBSERVED))}, fitted {_percent(row.get(FITTED))}."
        for band, row in after_one.iterrows())])
    return SurvivalSpec("durations", title, subtitle, _source(calibration), "Share still in care", curves, alt)


def _entries_chart(calibration):
    entries = calibration.estimates.entries
    counts = entries_by_month(calibration.history)
    dates = pd.to_datetime(pd.Series(counts.index))
    days = dates.dt.day  # in the month, as each date is a month end
    middle = (dates - pd.Timestamp(entries.basis.start)).dt.days - days / 2
    fitted = [entries.per_year_at(at / DAYS_PER_YEAR) * n / DAYS_PER_YEAR for at, n in zip(middle, days)]
    observed = shown_part(flat_series(dates, _months_shown(counts, entries.counts_by_year).to_numpy()))
    subtitle = (f"Children entering care each month, {calibration.scenario.area}, {_period(calibration)}. "
                "Months with 1 to 4 entries, and others where one would give such a count away, are left blank.")
    if _hidden_figures(calibration).get("demand.trend_per_year"):  # the fitted trend would give the years' counts
        title = "Entries into care each month"
        if observed.empty:
            return None
        series = [(OBSERVED, observed)]
        alt = f"Line chart. {title}. {subtitle} {shown(int(counts.sum()))} entries in {len(counts)} months."
        return ChartSpec("entries", title, subtitle, _source(calibration), "Entries a month", tuple(series), alt)
    series = [(OBSERVED, observed)] * (not observed.empty) + [("Fitted trend", flat_series(dates, np.array(fitted)))]
    trend = entries.trend_per_year
    title = ("Entries into care stayed about level" if abs(trend) < 0.02 else
             f"Entries into care {'rose' if trend > 0 else 'fell'} by about {abs(trend):.0%} a year")
    subtitle += " Fitted: Poisson log-linear trend in annual entries."
    alt = (f"Line chart. {title}. {subtitle} {shown(int(counts.sum()))} entries in {len(counts)} months; fitted "
           f"rate {fitted[0]:.1f} a month at the start and {fitted[-1]:.1f} at the end.")
    return ChartSpec("entries", title, subtitle, _source(calibration), "Entries a month", tuple(series), alt)


def _months_shown(counts: pd.Series, by_year: dict) -> pd.Series:
    """Entries by month, blank where suppressed: the months of a collection year add up to its count in the
    report's table, so each year's months are a table of their own, and a year suppressed there hides them all."""
    dates = pd.to_datetime(pd.Series(counts.index, index=counts.index))
    years = (dates.dt.year - (dates.dt.month < 4)).map(lambda year: f"{year}-{(year + 1) % 100:02d}")
    hidden_years = suppressed(by_year)
    shown_counts = counts.astype(float)
    for year, months in shown_counts.groupby(years):
        shown_counts[months.index] = np.nan if hidden_years.get(year, False) else blanked(months).to_numpy()
    return shown_counts


def _placement_chart(calibration):
    census = calibration.census
    totals = _totals(census)
    concealed = suppressed(totals)
    bars = totals[(totals > 0) & ~concealed]
    if bars.empty:
        return None
    hidden = int(concealed.sum())
    labels = [textwrap.fill(LABELS[option], 14) for option in bars.index]
    day = f"{census.census_date.day} {census.census_date:%B %Y}"
    title = f"{LABELS[bars.index[0]]} held more children in care on {day} than any other placement"
    subtitle = (f"Children in care on {day} by placement as the return records it, {calibration.scenario.area}."
                + (f" {hidden} placement types not shown (1 to 4 children, or a number that would give such a "
                   "count away)." if hidden else ""))
    frame = pd.DataFrame({"series": "Children in care", "category": labels, "segment": "Children",
                          "value": bars.to_numpy()})
    values = ", ".join(f"{LABELS[option]} {n}" for option, n in bars.items())
    alt = f"Bar chart. {title}. {subtitle} {values}."
    return BarSpec("placement_mix", title, subtitle, _source(calibration), "Children", frame, alt)


def _pool_chart(calibration):
    """The pool's path implied by the scenario's rates from its start, after the council's own counts if any."""
    balance, scenario = calibration.balance, calibration.scenario
    dates = Calendar.for_scenario(scenario).month_ends()
    years = np.array([(date - scenario.start_date).days / DAYS_PER_YEAR for date in dates])
    path = [("Implied by the rates", flat_series(pd.to_datetime(pd.Series(dates)), balance.households_at(years)))]
    observed = calibration.figures.series(HOUSEHOLDS)
    if observed:
        counts = pd.Series({date: figure.value for date, figure in observed.items()})
        path.insert(0, (OBSERVED, flat_series(pd.to_datetime(pd.Series(counts.index)), counts.to_numpy())))
    end = float(balance.households_at(years[-1]))
    change = end / balance.households - 1 if balance.households else 0.0
    title = ("The scenario's own rates keep the in-house carer pool about level" if abs(change) <= IN_BALANCE / 2 else
             f"The scenario's own rates {'grow' if change > 0 else 'shrink'} the in-house carer pool from "
             f"{balance.households:,} to {end:,.0f} households")
    subtitle = (f"In-house foster households, {scenario.area}, {dates[0]:%b %Y} to {dates[-1]:%b %Y}: "
                f"{balance.households:,} at the start, {balance.approvals_per_year:.1f} approvals a year, "
                f"{balance.leaving_rate:.1%} leaving a year; equilibrium {balance.equilibrium:,.0f} households, "
                f"time constant {balance.time_constant_years:.1f} years (closed form, central values)."
                + (" Observed: the council's figures at 31 March." if observed else ""))
    alt = f"Line chart. {title}. {subtitle}"
    return ChartSpec("carer_pool", title, subtitle, _source(calibration), "Households", tuple(path), alt)


def flat_series(dates, values) -> pd.DataFrame:
    return pd.DataFrame({"date": dates, "p10": values, "p50": values, "p90": values})


def shown_part(frame: pd.DataFrame) -> pd.DataFrame:
    """Up to the last value shown, so that the line's label sits at its end."""
    last = frame["p50"].last_valid_index()
    return frame.iloc[:0] if last is None else frame.loc[:last]


def _close(after_one: pd.DataFrame) -> bool:
    if OBSERVED not in after_one or after_one[OBSERVED].isna().all():
        return True
    return bool((after_one[OBSERVED] - after_one[FITTED]).abs().max() < 0.05)


def _percent(value, decimals: int = 0) -> str:
    return "not shown" if value is None or pd.isna(value) else f"{value:.{decimals}%}"


def _period(calibration) -> str:
    history = calibration.history
    return f"{history.window_start:%b %Y} to {history.window_end:%b %Y}"


def _source(calibration) -> str:
    return f"SSDA903 return ({Path(calibration.history.source).name}); sufficiency calibrate"
