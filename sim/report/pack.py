"""The committee pack of a run or comparison: one self-contained HTML report and an Excel workbook.

Page 1 is the executive summary (sim/report/summary.py); then the charts, then
the tables, then the methods and limitations, and last what was run. Every
figure is the headline statistic of sim/report/headline.py. The workbook
(sim/report/workbook.py) holds the same tables and the monthly series behind
the charts. Words are plain English: titles and labels, not file or key names.
"""

import base64
import html
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from calibration.disclosure import SMALLEST_SHOWN
from sim.report import headline, summary
from sim.report.chart_set import annual_cost_by_type, chart_sheet
from sim.report.disclosure import SUPPRESSED, Disclosure
from sim.report.headline import MONEY
from sim.report.recruitment_times import recruitment_times_by_scenario
from sim.report.workbook import MONEY as MONEY_FORMAT
from sim.report.workbook import PERCENT, Cover, Sheet, write_workbook
from sim.run.compare import COST_PER_CHILD, COST_PER_CHILD_MEASURE, MEASURES
from sim.run.saved_results import COMPARISON
from sim.run.timeseries import read_timeseries
from sim.scenario.prices import prices_statement
from sim.scenario.wording import (
    capitalised,
    changes,
    levers,
    money,
    month,
    option_label,
    plain_path,
    scenario_title,
    setting,
)

LABELS = {measure.metric: measure.label for measure in (*MEASURES, COST_PER_CHILD_MEASURE)}
UNITS = {"placed_out_of_county": "children", "children_in_care": "children", "in_house_households": "households",
         "share_in_county": "% of children placed", "placement_cost": "£ in the 12 months to the date",
         "programme_cost": "£ in the 12 months to the date",
         COST_PER_CHILD: "£ extra cost per child-year fewer out of county, from the start to the date"}
MONTHLY = (("placed_out_of_county", "Out of county", "Children placed out of county at month end"),
           ("children_in_care", "Children in care", "Children in care at month end"),
           ("share_in_county", "Share in county", "Share of children placed who are placed in county, at month end"),
           ("in_house_households", "Households", "In-house foster households at month end"))
CSS = Path(__file__).with_name("pack.css")


@dataclass(frozen=True)
class Table:
    """A table of the pack: a workbook sheet and, if it has an HTML renderer, a section of the report."""

    sheet: str
    title: str
    build: Callable  # SavedResults, Style -> DataFrame, or None when the results cannot give it
    render: Callable | None = None  # (SavedResults, DataFrame) -> HTML; None: the workbook only
    note: str = ""
    row_format: Callable | None = None
    children: Callable | bool = False  # which rows count children (True: all): suppressed when small in real data


def write_pack(saved, specs: list, out_dir: Path, style) -> None:
    """pack.html and pack.xlsx in `out_dir`, whose charts/ already holds the charts of `specs`."""
    disclosure = Disclosure.of(saved)
    tables = [(table, _disclosed(disclosure, table, frame)) for table in (*TABLES, *_chart_tables(specs))
              if (frame := table.build(saved, style)) is not None]
    tables.sort(key=lambda pair: SHEET_ORDER.index(pair[0].sheet) if pair[0].sheet in SHEET_ORDER else 0)
    sheets = [Sheet(table.sheet, table.title, frame, (table.note,) if table.note else (), row_format=table.row_format)
              for table, frame in tables]
    write_workbook(out_dir / "pack.xlsx", _workbook_cover(saved), sheets, _notes(saved, disclosure))
    (out_dir / "pack.html").write_text(_html(saved, specs, tables, out_dir / "charts", disclosure), encoding="utf-8")


def summary_html(saved) -> str:
    """The executive summary as the pack shows it (the results page of `sufficiency serve` shows it too)."""
    return _summary_section(saved, Disclosure.of(saved)).body


def headline_html(saved, style) -> str | None:
    """The headline table as the pack shows it, or None when the results have none."""
    frame = headline_frame(saved, style)
    return None if frame is None else _headline_html(saved, _disclosed(Disclosure.of(saved), TABLES[0], frame))


def _disclosed(disclosure, table: Table, frame: pd.DataFrame) -> pd.DataFrame:
    if not table.children:
        return frame
    return disclosure.frame(frame, None if table.children is True else table.children(frame))


def _chart_tables(specs: list) -> list:
    """A workbook table for each chart whose numbers no other table holds: exactly what it plots."""
    return [Table(chart_sheet(spec.stem), spec.title, lambda saved, style, spec=spec: _plotted(spec),
                  note=spec.subtitle, children=spec.stem == "out_of_county_reduction")
            for spec in specs if chart_sheet(spec.stem) not in {table.sheet for table in TABLES}]


def _plotted(spec) -> pd.DataFrame:
    frame = spec.plotted()
    band = getattr(spec, "band", None)
    names = {"series": "Scenario", "date": "Month", "panel": "Placement type", "category": "Stage",
             "segment": "Measure", "value": "Mean"}
    if band is not None:
        names.update(zip(band.columns, ["10th percentile", capitalised(band.line), "90th percentile"]))
    return frame.rename(columns=names).reset_index(drop=True)


def pack_title(saved) -> str:
    """The pack's title: the area and the scenarios in plain English, with any --set overrides."""
    if saved.kind == COMPARISON:
        options = ", ".join(summary.title_of(saved, name) for name in saved.options)
        return f"Sufficiency options for {saved.area}: {options} compared with {summary.title_of(saved, saved.base)}"
    scenario = saved.scenarios[saved.base]
    overrides = [setting(scenario, text.partition("=")[0]) for text in saved.manifest.get("overrides") or []]
    overridden = f", with {'; '.join(overrides)}" if overrides else ""
    return f"Sufficiency projection for {saved.area}: {scenario_title(scenario)}{overridden}"


# ---- tables -------------------------------------------------------------------------------------

def headline_frame(saved, style) -> pd.DataFrame | None:
    """Every headline measure at each headline point: the figure, its range, and for options the difference."""
    if saved.headline is None:
        return None
    rows = []
    for row in saved.headline.itertuples(index=False):
        statistic = headline.statistic(row.measure)
        rows.append({
            "Scenario": summary.title_of(saved, row.scenario), "Measure": LABELS.get(row.measure, row.measure),
            "Unit": UNITS.get(row.measure, ""), "Point": row.when, "Date": pd.Timestamp(row.date),
            "Figure": getattr(row, statistic), "10th percentile": row.p10, "90th percentile": row.p90,
            "Difference from the base": _difference(saved, row),
            "Difference, 10th percentile": row.diff_p10, "Difference, 90th percentile": row.diff_p90,
            "Runs in which the option is better (%)": row.prob_better})
    return pd.DataFrame(rows)


def _difference(saved, row) -> float:
    """The option's headline figure less the base's (the cost per child is itself a difference)."""
    if row.measure == COST_PER_CHILD:
        return row.mean_diff
    if row.scenario == saved.base:
        return math.nan
    base = saved.headline[(saved.headline["scenario"] == saved.base) & (saved.headline["measure"] == row.measure)
                          & (saved.headline["when"] == row.when)].iloc[0]
    statistic = headline.statistic(row.measure)
    return getattr(row, statistic) - base[statistic]


def _headline_format(row) -> str | None:
    if row.Unit.startswith("£"):
        return MONEY_FORMAT
    return PERCENT if row.Unit.startswith("%") else None


def monthly_frame(metric: str) -> Callable:
    def build(saved, style) -> pd.DataFrame | None:
        if not saved.has(metric):
            return None
        return pd.concat([_monthly(saved, name, rows) for name, rows in saved.metric(metric).items()],
                         ignore_index=True)
    return build


def _monthly(saved, name: str, rows: pd.DataFrame, extra: dict | None = None) -> pd.DataFrame:
    unit = "(%)" if rows is not None and rows["p50"].max() <= 1 and rows["p90"].max() <= 1 else ""
    frame = pd.DataFrame({"Month": pd.to_datetime(rows["date"]).to_numpy()})
    if saved.kind == COMPARISON:
        frame.insert(0, "Scenario", summary.title_of(saved, name))
    for column, value in (extra or {}).items():
        frame[column] = value
    return frame.assign(**{f"Median {unit}".strip(): rows["p50"].to_numpy(),
                           f"10th percentile {unit}".strip(): rows["p10"].to_numpy(),
                           f"90th percentile {unit}".strip(): rows["p90"].to_numpy()})


def placement_mix_frame(saved, style) -> pd.DataFrame | None:
    frames = []
    for name, scenario in saved.scenarios.items():
        for option in scenario.placements:
            metric = f"placed:{option}"
            if saved.has(metric):
                frames.append(_monthly(saved, name, saved.metric(metric)[name],
                                       {"Placement type": option_label(scenario, option)}))
    return pd.concat(frames, ignore_index=True) if frames else None


def share_frame(saved, style) -> pd.DataFrame | None:
    frame = monthly_frame("share_in_county")(saved, style)
    return None if frame is None else frame.rename(columns=lambda c: c if "(%)" in c or c in ("Month", "Scenario")
                                                   else f"{c} (%)")


def levers_frame(saved, style) -> pd.DataFrame:
    """Per scenario its description, then its levers as sentences (an option's: what differs from the base)."""
    rows = []
    base = saved.scenarios[saved.base]
    for name, scenario in saved.scenarios.items():
        title = saved.title(name)
        rows.append((title, scenario.description or "No description given."))
        said = levers(scenario) if name == saved.base else changes(scenario, base) or ["Same settings as the base."]
        rows += [(title, sentence) for sentence in said]
    return pd.DataFrame(rows, columns=["Scenario", "Description and levers"])


def annual_cost_frame(saved, style) -> pd.DataFrame | None:
    """Mean cost per scenario, 12-month period and placement type (every type, none folded), with the total."""
    bars = annual_cost_by_type(saved, segments=None)
    if bars is None:
        return None
    totals = bars.groupby(["series", "category"], sort=False, as_index=False)["value"].sum().assign(segment="Total")
    frame = pd.concat([bars, totals]).sort_values(["series", "category"], kind="stable", key=_first_seen)
    return pd.DataFrame({"Scenario": frame["series"].to_numpy(), "Year": frame["category"].to_numpy(),
                         "Placement type": frame["segment"].to_numpy(),
                         "Mean cost (£)": (frame["value"] * 1e6).to_numpy()})


def _first_seen(column: pd.Series) -> pd.Series:
    return column.map({value: i for i, value in enumerate(dict.fromkeys(column))})


def recruitment_times_frame(saved, style) -> pd.DataFrame | None:
    from sim.report.recruitment_times import NEEDED

    frame = recruitment_times_by_scenario(read_timeseries(saved.directory, NEEDED), list(saved.scenarios))
    if frame is None:
        return None
    return pd.DataFrame({
        "Scenario": frame["scenario"].map(lambda name: summary.title_of(saved, name)),
        "Year": frame["year"], "From": pd.to_datetime(frame["year_start"]), "To": pd.to_datetime(frame["year_end"]),
        "Measure": frame["measure"], "Mean": frame["mean"], "10th percentile": frame["p10"],
        "90th percentile": frame["p90"]})


def about_frame(saved, style) -> pd.DataFrame:
    """What was run, with what, and when, in words."""
    manifest = saved.manifest
    finished = manifest.get("finished")
    rows = [("Simulator version", str(manifest.get("package_version", "unknown"))),
            ("Code version (commit)", str(manifest.get("git_commit") or "unknown")),
            ("Runs", f"{saved.replications:,}"), ("Root seed", str(manifest.get("seed", ""))),
            ("Runs differ by", saved.bands_include),
            ("Results written", _when(finished) if finished else "not recorded")]
    rows += [(f"Uncertain figure: {plain_path(key)}", f"{low:g} to {high:g}, most likely {central:g}")
             for key, (low, central, high) in (manifest.get("ranges") or {}).items()]
    rows += [("Changed on the command line", setting(saved.scenarios[saved.base], text.partition("=")[0]))
             for text in manifest.get("overrides") or []]
    for entry in manifest.get("scenarios") or []:
        rows.append((f"Scenario fingerprint: {summary.title_of(saved, entry['name'])}", entry["scenario_hash"][:12]))
    if saved.kind != COMPARISON and manifest.get("scenario_hash"):
        rows.append(("Scenario fingerprint", manifest["scenario_hash"][:12]))
    return pd.DataFrame(rows, columns=["Item", "Value"])


def _when(timestamp: str) -> str:
    moment = pd.Timestamp(timestamp)
    return f"{moment.day} {moment:%B %Y} at {moment:%H:%M} UTC"


# ---- HTML -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Section:
    title: str
    body: str
    attributes: str  # id and data- attributes of the <section>


def _html(saved, specs: list, tables: list, charts_dir: Path, disclosure) -> str:
    shown = [(table, frame) for table, frame in tables if table.render]
    about = shown.pop()  # what was run closes the report, after the methods
    ordered = [_summary_section(saved, disclosure), _charts_section(specs, charts_dir),
               *(_table_section(saved, table, frame) for table, frame in shown), _methods(saved),
               _table_section(saved, *about)]
    body = "\n".join(f"<section {section.attributes}>\n<h2>{number}. {html.escape(section.title)}</h2>\n"
                     f"{section.body}\n</section>" for number, section in enumerate(ordered, 1))
    title = html.escape(pack_title(saved))
    return (f'<!DOCTYPE html>\n<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n<title>{title}</title>\n'
            f"<style>\n{CSS.read_text(encoding='utf-8')}</style>\n</head>\n<body>\n"
            f"{_cover(saved, [section.title for section in ordered])}\n{body}\n</body>\n</html>\n")


def _cover(saved, contents: list) -> str:
    dates = sorted(saved.summary["date"].unique())
    runs = "paired runs of each scenario" if saved.kind == COMPARISON else "runs"
    names = "".join(f"<li><b>{html.escape(summary.title_of(saved, name))}</b>"
                    f"{' (the base)' * (name == saved.base and saved.kind == COMPARISON)}: "
                    f"{html.escape(scenario.description or 'no description given')}</li>"
                    for name, scenario in saved.scenarios.items())
    listed = "; ".join(f"{number} {title[:1].lower()}{title[1:]}" for number, title in enumerate(contents, 1))
    return (f"<header>\n<h1>{html.escape(pack_title(saved))}</h1>\n"
            f"<p class=\"lede\">Projected month by month from {month(dates[0])} to {month(dates[-1])}; "
            f"{saved.replications:,} {runs}.</p>\n<ul class=\"scenarios\">{names}</ul>\n"
            f"<p class=\"contents\">Contents: {html.escape(listed)}.</p>\n</header>")


def _summary_section(saved, disclosure) -> Section:
    points = _list(summary.key_points(saved))
    if saved.kind == COMPARISON:
        points = (f"<p>Under {html.escape(summary.title_of(saved, saved.base))}, the base:</p>\n{points}"
                  f"<p>Each option against the base:</p>\n{_list(summary.option_points(saved))}")
    caveats = "".join(f"<p class=\"caveat\">{html.escape(text)}</p>\n" for text in summary.caveats(saved))
    definition = headline.definition(saved)
    mark = f"<p class=\"note\">{html.escape(disclosure.note)}</p>\n" if disclosure.real_data else ""
    return Section("Summary", f"{points}{caveats}"
                   f"<p class=\"note\">{html.escape(definition)}</p>\n{mark}", 'id="summary"')


def _list(sentences: list) -> str:
    items = "".join(f"<li>{html.escape(sentence)}</li>\n" for sentence in sentences)
    return f'<ul class="key-points">\n{items}</ul>\n'


def _table_section(saved, table: Table, frame: pd.DataFrame) -> Section:
    slug = table.sheet.lower().replace(" ", "-")
    note = f"<p class=\"note\">{html.escape(table.note)}</p>\n" if table.note else ""
    return Section(table.title, note + table.render(saved, frame),
                   f'id="table-{slug}" data-table="{html.escape(table.sheet)}"')


def _plain_table(saved, frame: pd.DataFrame) -> str:
    if saved.kind != COMPARISON:
        frame = frame.drop(columns="Scenario", errors="ignore")  # a run has one
    head = "".join(f"<th>{html.escape(str(column))}</th>" for column in frame.columns)
    rows = "".join("<tr>" + "".join(_cell(value, column) for column, value in zip(frame.columns, row)) + "</tr>\n"
                   for row in frame.itertuples(index=False))
    return f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{rows}</tbody>\n</table>"


def _cell(value, column: str) -> str:
    if value == SUPPRESSED:
        return f'<td class="number">&lt;{SMALLEST_SHOWN}</td>'
    if isinstance(value, pd.Timestamp):
        return f"<td>{month(value)}</td>"
    if isinstance(value, (float, np.floating, int, np.integer)) and not isinstance(value, bool):
        if math.isnan(value):
            return '<td class="number"></td>'
        return f'<td class="number">{money(value) if "£" in column else f"{value:,.0f}"}</td>'
    return f"<td>{html.escape(str(value))}</td>"


def _headline_html(saved, frame: pd.DataFrame) -> str:
    """One small table per measure: a row per scenario, a column per headline point."""
    points = headline.points(saved)
    parts = []
    for measure in dict.fromkeys(saved.headline["measure"]):
        label = LABELS.get(measure, measure)
        rows = frame[frame["Measure"] == label]
        head = "".join(f"<th>{html.escape(when)}<br><small>{month(date)}</small></th>" for when, date in points)
        body = ""
        for scenario in dict.fromkeys(rows["Scenario"]):
            mine = rows[rows["Scenario"] == scenario]
            cells = "".join(_headline_cell(measure, mine[mine["Point"] == when].iloc[0]) for when, _ in points)
            body += f"<tr><th>{html.escape(scenario)}</th>{cells}</tr>\n"
        parts.append(f'<div class="measure"><h3>{html.escape(label)} <span class="unit">'
                     f'({html.escape(UNITS.get(measure, ""))})</span></h3>\n<table class="headline">\n'
                     f"<thead><tr><th>Scenario</th>{head}</tr></thead>\n<tbody>\n{body}</tbody>\n</table></div>")
    return "\n".join(parts)


def _missing(value) -> bool:
    return isinstance(value, float) and math.isnan(value)


def _headline_cell(measure: str, row) -> str:
    show = _shower(measure)
    if measure == COST_PER_CHILD:
        if _missing(row["Difference from the base"]):
            return "<td>n/a<br><small>no fewer child-years out of county</small></td>"
        return f"<td><b>{show(row['Difference from the base'])}</b></td>"
    value = f"<b>{show(row['Figure'])}</b>"
    if SUPPRESSED in (row["Figure"], row["Difference from the base"]):
        return f"<td>{value}</td>"
    if _missing(row["Difference from the base"]):
        return f"<td>{value}<br><small>{show(row['10th percentile'])} to {show(row['90th percentile'])}</small></td>"
    change = headline.Difference(row["Difference from the base"], row["Difference, 10th percentile"],
                                 row["Difference, 90th percentile"], row["Runs in which the option is better (%)"],
                                 row["Figure"] - row["Difference from the base"],
                                 headline.SMALLEST_DIFFERENCE.get(measure, 1.0))
    if change.identical():
        said = "the same in every run"
    elif change.about_the_same():
        said = "about the same"
    else:
        chance = "" if math.isnan(change.prob_better) else f"; better in {change.prob_better:.0%} of runs"
        printed = change.value if measure in MONEY or measure == "share_in_county" else (
            round(row["Figure"]) - round(change.base))  # a count's difference as its printed figures give it
        spread = "" if change.low == change.high else f"{show(change.low, True)} to {show(change.high, True)}"
        said = f"{show(printed, True)} ({spread}{chance.removeprefix('; ') if not spread else chance})"
    return f"<td>{value}<br><small>{said}</small></td>"


def _shower(measure: str) -> Callable:
    """How a headline cell shows a figure of `measure`, or (signed) a difference."""
    def show(value, signed: bool = False) -> str:
        if value == SUPPRESSED:
            return f"&lt;{SMALLEST_SHOWN}"
        size = abs(value) if signed else value
        if measure in MONEY:
            text = money(size)
        elif measure == "share_in_county":
            text = f"{100 * size:.0f} points" if signed else f"{size:.0%}"
        else:
            text = f"{size:,.0f}"
        nonzero = any(digit in text for digit in "123456789")
        sign = ("+" if value > 0 else "\u2212") if signed and nonzero else ""
        return f'<span class="nowrap">{sign}{text}</span>'
    return show


def _levers_html(saved, frame: pd.DataFrame) -> str:
    parts = []
    for position, scenario in enumerate(dict.fromkeys(frame["Scenario"])):
        description, *said = frame.loc[frame["Scenario"] == scenario, "Description and levers"]
        intro = "Main settings" if position == 0 else f"Against {summary.title_of(saved, saved.base)}"
        items = "".join(f"<li>{html.escape(sentence)}</li>" for sentence in said)
        name = html.escape(scenario) + " (the base)" * (position == 0 and saved.kind == COMPARISON)
        parts.append(f'<div class="scenario"><h3>{name}</h3>\n<p>{html.escape(description)}</p>\n'
                     f"<p class=\"note\">{intro}:</p>\n<ul>{items}</ul></div>")
    return "\n".join(parts)


def _annual_cost_html(saved, frame: pd.DataFrame) -> str:
    wide = frame.pivot_table(index=["Scenario", "Placement type"], columns="Year", values="Mean cost (£)",
                             sort=False).reset_index()
    return _plain_table(saved, wide.rename(columns=lambda c: c if c in ("Scenario", "Placement type") else f"{c} £"))


def _charts_section(specs: list, charts_dir: Path) -> Section:
    figures = []
    for number, spec in enumerate(specs, 1):
        svg = base64.b64encode((charts_dir / f"{spec.stem}.svg").read_bytes()).decode("ascii")
        figures.append(f'<figure id="chart-{spec.stem}" data-chart="{spec.stem}">\n'
                       f'<img src="data:image/svg+xml;base64,{svg}" alt="{html.escape(spec.alt_text)}">\n'
                       f"<figcaption>Figure {number}. The numbers behind it are in the workbook, sheet "
                       f"&ldquo;{html.escape(chart_sheet(spec.stem))}&rdquo;.</figcaption>\n</figure>")
    return Section("Charts", "\n".join(figures), 'id="charts"')


def _methods(saved) -> Section:
    manifest = saved.manifest
    paragraphs = [
        ("Purpose", "The simulator projects, month by month, how many of the council's children in care are "
         "placed out of county and what their placements cost, under each scenario a commissioner writes. "
         "Options are compared with the base scenario over the same period."),
        ("Model logic", "A discrete-event simulation (SimPy, time in days). Children enter care as a Poisson "
         "process with an age band, a need (family placement, residential, kinship) and a time in care drawn "
         "when they enter, capped at their 18th birthday; the census of children in care at the start date "
         "starts the run, so there is no warm-up. Each child is placed in the first option of its preference "
         "list with a suitable vacancy (in-house foster households with 1-3 places and an age range, agency "
         "carers and children's homes in county, then out-of-county options). Where a scenario sets them, "
         "foster carers are recruited through enquiries, applications, assessment and a fostering panel with a "
         "fixed number of cases per sitting (a queue when full); households deregister at a hazard; placements "
         "break down and the child is matched again; Mockingbird constellations change breakdown and "
         "deregistration hazards; children return to county when places free. Each scenario's levers are "
         "listed under Scenarios and their levers."),
        ("Data and assumptions", "Every figure in a shipped scenario names its published source or is logged "
         "as an assumption with a quality rating in the simulator's assumptions log. A figure the scenario is "
         "unsure of is given as a range, and each run draws its own value from it unless the runs were asked "
         "to use central values only."),
        ("Experimentation", f"Each scenario ran {saved.replications:,} times with root seed {manifest['seed']}. "
         "Every random decision has its own named random stream keyed by (seed, run, name), and a child's "
         "attributes and time in care are drawn when it enters, so run r of each scenario sees the same "
         "children (common random numbers) and differences between scenarios are measured run by run."),
        ("Statistics", capitalised(headline.definition(saved).removeprefix("How to read the numbers: "))
         + " Charts show that median as a line and the 10th to 90th percentile as a band; the panel queue, a "
           "small whole number, is shown as its mean so that its line is readable."),
    ]
    compared = [
        ("Differences from the base", "A difference is the option's figure less the base's. Its range is the "
         "10th to 90th percentile of the paired difference, computed run by run (run r of the option against run "
         "r of the base). 'Better in x% of runs' is the share of paired runs in which the option is better than "
         "the base (fewer children out of county, lower cost, more in-house households), ties counting half. A "
         f"difference smaller than {headline.ABOUT_THE_SAME:.0%} of the base's figure is called about the same."),
        ("Cost per child kept in county", "The option's extra cost (placement plus programme costs, option "
         "minus base, summed from the start to the date) divided by the child-years it keeps in county "
         "(children out of county under the base minus under the option, each month-end count held for its "
         "month, summed to the date, in years); both averaged over the paired runs before dividing. It is "
         "shown as n/a when the option does not reduce out-of-county child-years, and negative when the "
         "option saves money while keeping children in county."),
    ]
    closing = [
        ("Annual cost by placement type", "Every day a child spends in a placement costs that option's weekly "
         "cost divided by seven; the placement types add up to the placement cost. Programme costs "
         "(campaigns, Mockingbird constellations, extra panel sittings, assessors, one-off costs of dated "
         f"changes) are as simulated. {prices_wording(saved)}"),
        ("Verification and validation", "Automated tests check the model against queueing theory (with carer "
         "supply switched off the in-house service is an Erlang loss system: the share placed out of county "
         "matches Erlang B and children in care match Little's law), that a scenario identical to the base "
         "shows exactly zero difference, that results are identical with the same seed whether runs are "
         "serial or parallel, and that children and places are conserved."),
        ("Limitations", f"The ranges show how the runs differ: by {saved.bands_include}. Figures a scenario "
         "states as single numbers are taken as exact: demand, durations, costs and the effects of each lever "
         "are assumptions a council should replace with its own data and test over their plausible ranges. "
         f"{prices_wording(saved)} A child's time in care "
         "does not depend on where it is placed; matching follows fixed preference lists rather than "
         "individual judgement; placement capacity outside the council's own carers is as the scenario states. "
         "Results are projections of what the model's assumptions imply, not forecasts."),
        ("Implementation", f"Python {manifest.get('python', '')}, numpy {manifest.get('numpy', '')}, "
         f"sufficiency {manifest.get('package_version', '')}. Every chart and table here can be rebuilt from the "
         "saved results without running the model again, and the same seed reproduces the results exactly. "
         "The full STRESS-DES checklist is in the simulator's documentation."),
    ]
    if saved.kind == COMPARISON:
        paragraphs += compared
    body = "\n".join(f"<h3>{html.escape(title)}</h3>\n<p>{html.escape(text)}</p>"
                     for title, text in paragraphs + closing)
    return Section("Methods and limitations (STRESS-DES essentials)", body, 'id="methods"')


def prices_wording(saved) -> str:
    """In what terms costs are, and at what inflation: one sentence per distinct statement of the scenarios."""
    return " ".join(dict.fromkeys(prices_statement(scenario) for scenario in saved.scenarios.values()))


# ---- workbook cover and notes ---------------------------------------------------------------------

def _workbook_cover(saved) -> Cover:
    dates = sorted(saved.summary["date"].unique())
    scenarios = "; ".join(f"{summary.title_of(saved, name)}: {scenario.description or 'no description given'}"
                          for name, scenario in saved.scenarios.items())
    return Cover(pack_title(saved), (
        ("About these tables", f"Simulated results for {saved.area}, month by month from {month(dates[0])} to "
                               f"{month(dates[-1])}, {saved.replications:,} runs of each scenario. The committee "
                               "pack presents the same figures."),
        ("Scenarios", scenarios),
        ("Summary", " ".join([*summary.key_points(saved), *summary.option_points(saved)])),
        ("Source", "Sufficiency simulator, simulated results; see the notes for definitions."),
    ))


def _notes(saved, disclosure) -> list[str]:
    notes = [headline.definition(saved), f"The runs differ by {saved.bands_include}.",
             prices_wording(saved),
             "Dates are month ends; a year is the 12 months from the start of the projection."]
    if saved.kind == COMPARISON:
        notes.append("A difference is the option's figure less the base's; its 10th and 90th percentiles are "
                     "those of the paired difference, run by run.")
    if disclosure.real_data:
        notes.append(disclosure.note)
    return notes


TABLES = (
    Table("Headline", "Headline results", headline_frame, _headline_html,
          "The headline figure at each point, the range 8 runs in 10 fall in, and for each option the difference "
          "from the base.", row_format=_headline_format, children=lambda frame: frame["Unit"] == "children"),
    *(Table(sheet, f"{capitalised(title)}, by month", share_frame if metric == "share_in_county"
            else monthly_frame(metric), note="Median and 10th to 90th percentile across runs.",
            children=metric in ("placed_out_of_county", "children_in_care"))
      for metric, sheet, title in MONTHLY),
    Table("Placement mix", "Children in care by placement type, by month", placement_mix_frame,
          note="Median and 10th to 90th percentile across runs of the children in each placement type.",
          children=True),
    Table("Levers", "Scenarios and their levers", levers_frame, _levers_html,
          "The base's main settings, then what each option does differently."),
    Table("Annual cost", "Annual cost by placement type", annual_cost_frame, _annual_cost_html,
          "Mean over runs, per 12-month period from the start date, in pounds."),
    Table("Recruitment times", "Recruitment: approvals and waiting times by year", recruitment_times_frame,
          _plain_table, "Per year of the projection, across runs: the mean and the 10th to 90th percentile range "
                        "of each run's figure for the year. Waiting for an assessor: from application to the start "
                        "of assessment."),
    Table("About this run", "About this run", about_frame, _plain_table, "What was run, with what, and when."),
)
SHEET_ORDER = ("Headline", "Out of county", "Reduction", "Children in care", "Share in county", "Placement mix",
               "Households", "Panel queue", "Recruitment funnel", "Levers", "Annual cost", "Recruitment times",
               "About this run")
