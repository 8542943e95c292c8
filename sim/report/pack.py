"""The committee pack of a run or comparison: one self-contained HTML report and an Excel workbook.

Both come from the same tables (TABLES, then the manifest): the workbook has
one sheet per table, the HTML shows each table, every chart embedded with its
alt text, each scenario's levers in plain English, and the methods.
"""

import base64
import html
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font

from sim.report.chart_set import annual_cost_by_type
from sim.report.recruitment_times import (
    read_funnel_timeseries,
    recruitment_times_by_scenario,
)
from sim.report.text import printable
from sim.run.compare import COST_PER_CHILD, COST_PER_CHILD_MEASURE, MEASURES
from sim.run.saved_results import COMPARISON
from sim.scenario.wording import plain, plain_path

MONEY = {"placement_cost", "programme_cost", COST_PER_CHILD}
LABELS = {measure.metric: measure.label for measure in (*MEASURES, COST_PER_CHILD_MEASURE)}
NOT_LEVERS = {"name", "description", "area", "seed", "replications"}
BASE_SETTINGS = ("demand.entries_per_year", "carers.initial_households", "carers.deregistration_rate_per_year",
                 "carers.recruitment.enquiries_per_month", "mockingbird.constellations", "step_down.enabled")
CSS = Path(__file__).with_name("pack.css")


@dataclass(frozen=True)
class Table:
    """A table of the pack: a workbook sheet and an HTML section, built from the saved results."""

    sheet: str
    title: str
    build: Callable  # SavedResults, Style -> DataFrame, or None when the results cannot give it
    render: Callable = None  # DataFrame -> HTML; None: a plain table
    note: str = ""
    before_charts: bool = False


def write_pack(saved, specs: list, out_dir: Path, style) -> None:
    """pack.html and pack.xlsx in `out_dir`, whose charts/ already holds the charts of `specs`."""
    tables = [(table, frame) for table in (*TABLES, MANIFEST)
              if (frame := table.build(saved, style)) is not None]
    _write_workbook(tables, out_dir / "pack.xlsx")
    (out_dir / "pack.html").write_text(_html(saved, specs, tables, out_dir / "charts"), encoding="utf-8")


# ---- tables -------------------------------------------------------------------------------------

def headline_frame(saved, style) -> pd.DataFrame | None:
    if saved.headline is None:
        return None
    frame = saved.headline.copy()
    frame.insert(3, "label", frame["measure"].map(LABELS))
    return frame


def levers_frame(saved, style) -> pd.DataFrame:
    """Per scenario its description and, for options, every setting that differs from the base."""
    base = _flatten(saved.scenarios[saved.base].model_dump(mode="json"))
    rows = []
    for name, scenario in saved.scenarios.items():
        settings = _flatten(scenario.model_dump(mode="json"))
        rows.append((name, "Description", "", scenario.description or "(none given)"))
        keys = [key for key in BASE_SETTINGS if key in settings] if name == saved.base else [
            key for key in settings.keys() | base.keys() if settings.get(key) != base.get(key)
            and key.split(".")[0] not in NOT_LEVERS]
        rows += [(name, plain_path(key), _plain_value(base.get(key)),
                  "" if name == saved.base else _plain_value(settings.get(key)))
                 for key in sorted(keys, key=_setting_order(settings, base))]
    return pd.DataFrame(rows, columns=["Scenario", "Lever", "In the base", "In this scenario"])


def annual_cost_frame(saved, style) -> pd.DataFrame | None:
    """The annual cost chart's values: per scenario a row per placement type and a total, a column per year."""
    bars = annual_cost_by_type(saved, len(style.colours))
    if bars is None:
        return None
    frames = []
    for name, rows in bars.groupby("series", sort=False):
        wide = rows.pivot_table(index="segment", columns="category", values="value", sort=False)
        wide = pd.concat([wide, wide.sum().to_frame("Total").T])
        frames.append(wide.rename_axis(index="Placement type", columns=None).reset_index().assign(Scenario=name))
    frame = pd.concat(frames, ignore_index=True)
    return frame[["Scenario", *frame.columns[:-1]]]


def recruitment_times_frame(saved, style) -> pd.DataFrame | None:
    return recruitment_times_by_scenario(read_funnel_timeseries(saved.directory / "timeseries.csv"),
                                         list(saved.scenarios))


def manifest_frame(saved, style) -> pd.DataFrame:
    rows = []
    for key, value in saved.manifest.items():
        if isinstance(value, list):
            rows += [(f"{key}: {entry.get('name', i + 1)}", ", ".join(f"{k} {v}" for k, v in entry.items()))
                     for i, entry in enumerate(value)]
        else:
            rows.append((key, "" if value is None else str(value)))
    return pd.DataFrame(rows, columns=["Item", "Value"])


def _flatten(value, prefix: str = "") -> dict:
    if isinstance(value, dict) and value:
        return {key: leaf for name, inner in value.items()
                for key, leaf in _flatten(inner, f"{prefix}{name}.").items()}
    return {prefix.removesuffix("."): value}


def _setting_order(*scenarios) -> Callable:
    """Settings in the order the scenario file's sections come."""
    sections = list(dict.fromkeys(key.split(".")[0] for settings in scenarios for key in settings))
    return lambda key: (sections.index(key.split(".")[0]), key)


def _plain_value(value) -> str:
    if value is None:
        return "(not set)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return "none" if not value else "; ".join(_plain_value(item) for item in value)
    if isinstance(value, dict):
        return ", ".join(f"{plain(key, capital=False)} {_plain_value(inner)}" for key, inner in value.items())
    if isinstance(value, float):
        return f"{value:,g}"
    return str(value)


# ---- HTML -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Section:
    """One numbered part of the report."""

    title: str
    body: str
    attributes: str  # id and data- attributes of the <section>


def _html(saved, specs: list, tables: list, charts_dir: Path) -> str:
    sections = {table: _table_section(table, frame) for table, frame in tables}
    manifest = sections.pop(MANIFEST)  # closes the report, after the methods
    ordered = [*(section for table, section in sections.items() if table.before_charts),
               _charts_section(specs, charts_dir),
               *(section for table, section in sections.items() if not table.before_charts),
               _methods(saved), manifest]
    body = "\n".join(f"<section {section.attributes}>\n<h2>{number}. {html.escape(section.title)}</h2>\n"
                     f"{section.body}\n</section>" for number, section in enumerate(ordered, 1))
    title = html.escape(_title(saved))
    return (f'<!DOCTYPE html>\n<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n<title>{title}</title>\n'
            f"<style>\n{CSS.read_text(encoding='utf-8')}</style>\n</head>\n<body>\n"
            f"{_cover(saved, [section.title for section in ordered])}\n{body}\n</body>\n</html>\n")


def _title(saved) -> str:
    if saved.kind == COMPARISON:
        return f"Sufficiency options for {saved.area}: {', '.join(saved.options)} compared with {saved.base}"
    return f"Sufficiency projection for {saved.area}: the {saved.base} scenario"


def _cover(saved, contents: list) -> str:
    manifest = saved.manifest
    dates = sorted(saved.summary["date"].unique())
    runs = "paired runs of each scenario" if saved.kind == COMPARISON else "runs"
    names = "".join(f"<li><b>{html.escape(name)}</b>{' (base)' * (name == saved.base and saved.kind == COMPARISON)}: "
                    f"{html.escape(scenario.description or '(no description)')}</li>"
                    for name, scenario in saved.scenarios.items())
    listed = "; ".join(f"{number} {title[:1].lower()}{title[1:]}" for number, title in enumerate(contents, 1))
    return (f"<header>\n<h1>{html.escape(_title(saved))}</h1>\n"
            f"<p class=\"lede\">Simulated month by month from {_month(dates[0])} to {_month(dates[-1])}; "
            f"{saved.replications} {runs} (seed {manifest['seed']}). Results written "
            f"{html.escape(str(manifest.get('finished', '')))} by the sufficiency simulator "
            f"{html.escape(str(manifest.get('package_version', '')))}.</p>\n<ul class=\"scenarios\">{names}</ul>\n"
            f"<p>Contents: {html.escape(listed)}.</p>\n</header>")


def _table_section(table: Table, frame: pd.DataFrame) -> Section:
    slug = table.sheet.lower().replace(" ", "-")
    note = f"<p class=\"note\">{html.escape(table.note)}</p>\n" if table.note else ""
    return Section(table.title, note + (table.render or _plain_table)(frame),
                   f'id="table-{slug}" data-table="{html.escape(table.sheet)}"')


def _plain_table(frame: pd.DataFrame) -> str:
    head = "".join(f"<th>{html.escape(str(column))}</th>" for column in frame.columns)
    rows = "".join("<tr>" + "".join(_cell(value) for value in row) + "</tr>\n"
                   for row in frame.itertuples(index=False))
    return f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{rows}</tbody>\n</table>"


def _cell(value) -> str:
    if isinstance(value, (float, np.floating)):
        return f'<td class="number">{"" if math.isnan(value) else f"{value:,.1f}"}</td>'
    if isinstance(value, (int, np.integer)):
        return f'<td class="number">{value:,}</td>'
    return f"<td>{html.escape(str(value))}</td>"


def _headline_html(frame: pd.DataFrame) -> str:
    points = list(dict.fromkeys(zip(frame["when"], frame["date"])))
    parts = []
    for measure in dict.fromkeys(frame["measure"]):
        rows = frame[frame["measure"] == measure]
        cell = _cost_per_child_cell if measure == COST_PER_CHILD else _headline_cell(rows, measure in MONEY)
        head = "".join(f"<th>{html.escape(when)}<br><small>{_month(date)}</small></th>" for when, date in points)
        body = ""
        for scenario in dict.fromkeys(rows["scenario"]):
            cells = "".join(cell(rows[(rows["scenario"] == scenario) & (rows["when"] == when)].iloc[0])
                            for when, _ in points)
            body += f"<tr><th>{html.escape(scenario)}</th>{cells}</tr>\n"
        unit = html.escape(rows["unit"].iloc[0])
        parts.append(f'<div class="measure"><h3>{html.escape(LABELS.get(measure, plain(measure)))} '
                     f'<span class="unit">({unit})</span></h3>\n<table class="headline">\n'
                     f"<thead><tr><th>Scenario</th>{head}</tr></thead>\n<tbody>\n{body}</tbody>\n</table></div>")
    return "\n".join(parts)


def _headline_cell(rows: pd.DataFrame, money: bool) -> Callable:
    """A cell writer for one measure: levels and differences each in one unit across its table."""
    level = _formatter(rows[["mean", "p10", "p90"]].to_numpy(), money)
    change = _formatter(rows[["mean_diff", "diff_ci_low", "diff_ci_high"]].to_numpy(), money)

    def cell(row) -> str:
        value = f"<b>{level(row['mean'])}</b>"
        if math.isnan(row["mean_diff"]):
            return f"<td>{value}<br><small>10th-90th: {level(row['p10'])} to {level(row['p90'])}</small></td>"
        interval = ("" if math.isnan(row["diff_ci_low"]) else
                    f" ({change(row['diff_ci_low'], True)} to {change(row['diff_ci_high'], True)})")
        chance = ("" if math.isnan(row["prob_better"]) else
                  f"<br><small>better in {row['prob_better']:.0%} of runs</small>")
        return f"<td>{value}<br><small>{change(row['mean_diff'], True)}{interval}</small>{chance}</td>"
    return cell


def _cost_per_child_cell(row) -> str:
    if math.isnan(row["mean_diff"]):
        return "<td>n/a<br><small>no fewer child-years out of county</small></td>"
    money = _formatter([], money=True)  # whole pounds: these ratios range too widely for one unit
    interval = ("no interval: the reduction is not clearly above zero" if math.isnan(row["diff_ci_low"])
                else f"{money(row['diff_ci_low'])} to {money(row['diff_ci_high'])}")
    return f"<td><b>{money(row['mean_diff'])}</b><br><small>{interval}</small></td>"


def _formatter(values, money: bool) -> Callable:
    """A number formatter for one table: £ in millions, thousands or pounds by the largest of `values`."""
    sizes = np.abs(np.asarray(values, dtype=float))
    largest = sizes[np.isfinite(sizes)].max(initial=0.0)
    divisor, suffix, decimals = 1.0, "", 0
    if money and largest >= 1e6:
        divisor, suffix, decimals = 1e6, "m", 2
    elif money and largest >= 1e4:
        divisor, suffix = 1e3, "k"

    def number(value: float, signed: bool = False) -> str:
        text = f"{abs(value) / divisor:,.{decimals}f}"
        nonzero = text.strip("0.,") != ""
        sign = "\u2212" if value < 0 and nonzero else "+" if signed and nonzero else ""
        return f'<span class="nowrap">{sign}{"£" * money}{text}{suffix}</span>'
    return number


def _levers_html(frame: pd.DataFrame) -> str:
    """The base's main settings, then each option's levers against the base."""
    parts = []
    for position, scenario in enumerate(dict.fromkeys(frame["Scenario"])):
        rows = frame[frame["Scenario"] == scenario]
        description, levers = rows.iloc[0]["In this scenario"], rows.iloc[1:]
        columns = ["Lever", "In the base", "In this scenario"] if position else ["Main setting", "Value"]
        head = "".join(f"<th>{name}</th>" for name in columns)
        items = "".join("<tr>" + "".join(f"<td>{html.escape(value)}</td>" for value in row[1:len(columns) + 1])
                        + "</tr>\n" for row in levers.itertuples(index=False))
        table = (f'<table class="levers"><thead><tr>{head}</tr></thead>\n<tbody>\n{items}</tbody></table>'
                 if items else "<p>Same settings as the base.</p>")
        name = html.escape(scenario) + " (base)" * (position == 0)
        parts.append(f'<div class="scenario"><h3>{name}</h3>\n<p>{html.escape(description)}</p>\n{table}</div>')
    return "\n".join(parts)


def _charts_section(specs: list, charts_dir: Path) -> Section:
    figures = []
    for spec in specs:
        svg = base64.b64encode((charts_dir / f"{spec.stem}.svg").read_bytes()).decode("ascii")
        figures.append(f'<figure id="chart-{spec.stem}" data-chart="{spec.stem}">\n'
                       f'<img src="data:image/svg+xml;base64,{svg}" alt="{html.escape(spec.alt_text)}">\n'
                       f"<figcaption>Data: charts/{spec.stem}.csv; description for screen readers: "
                       f"charts/{spec.stem}.txt</figcaption>\n</figure>")
    return Section("Charts", "\n".join(figures), 'id="charts"')


def _month(date: str) -> str:
    return f"{pd.Timestamp(date):%b %Y}"


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
         "as an assumption with a quality rating in docs/assumptions.md. Weakly evidenced effects (such as "
         "Mockingbird's) are given as a range; runs use the central value."),
        ("Experimentation", f"Each scenario ran {saved.replications} times with root seed {manifest['seed']}. "
         "Every random decision has its own named random stream keyed by (seed, run, name), and a child's "
         "attributes and time in care are drawn when it enters, so run r of each scenario sees the same "
         "children (common random numbers) and differences between scenarios are measured run by run."),
        ("Statistics", "Charts show the median across runs with a band from the 10th to the 90th percentile, "
         "the range of outcomes the model produces. Children out of county and households are month-end "
         "counts; costs are totals over the 12 months to the date."),
    ]
    compared = [
        ("Differences from the base", "A difference is option minus base, computed run by run "
         "(a paired difference) and averaged; its interval is the 95% confidence interval of the mean paired "
         "difference (Student's t with runs minus one degrees of freedom). 'Better in x% of runs' is the share "
         "of paired runs in which the option is better than the base (fewer children out of county, lower "
         "cost, fewer waiting for panel, more in-house households), ties counting half."),
        ("Cost per child kept in county", "The option's extra cost (placement plus programme costs, option "
         "minus base, summed from the start to the date) divided by the child-years it keeps in county "
         "(children out of county under the base minus under the option, each month-end count held for its "
         "month, summed to the date, in years); both averaged over the paired runs before dividing. It is "
         "shown as n/a when the option does not reduce out-of-county child-years, and negative when the "
         "option saves money while keeping children in county. Its interval is a delta-method 95% interval, "
         "left undefined when the reduction in child-years is itself not clearly above zero."),
    ]
    closing = [
        ("Annual cost by placement type", "Every day a child spends in a placement costs that option's weekly "
         "cost / 7 (placement_cost:<option> in summary.csv, summing to placement_cost). Programme costs "
         "(campaigns, Mockingbird constellations, extra panel sittings) are as simulated."),
        ("Verification and validation", "Automated tests check the model against queueing theory (with carer "
         "supply switched off the in-house service is an Erlang loss system: the share placed out of county "
         "matches Erlang B and children in care match Little's law), that a scenario identical to the base "
         "shows exactly zero difference, that results are identical with the same seed whether runs are "
         "serial or parallel, and that children and places are conserved."),
        ("Limitations", "The intervals describe the model's chance variation only, not uncertainty in its "
         "inputs: demand, durations, costs and the effects of each lever are assumptions a council should "
         "replace with its own data and test over their plausible ranges. Costs are at the scenario's weekly "
         "prices, neither inflated nor discounted. A child's time in care does not depend on where it is "
         "placed; matching follows fixed preference lists rather than individual judgement; placement "
         "capacity outside the council's own carers is as the scenario states. Results are projections of "
         "what the model's assumptions imply, not forecasts."),
        ("Implementation", f"Python {manifest.get('python', '')}, numpy {manifest.get('numpy', '')}, "
         f"sufficiency {manifest.get('package_version', '')} (commit {manifest.get('git_commit') or 'unknown'}). "
         "Every chart and table here can be rebuilt from the results directory with `sufficiency charts`; "
         "the same seed reproduces the results exactly. The full STRESS-DES checklist is docs/stress_des.md "
         "in the simulator's repository."),
    ]
    if saved.kind == COMPARISON:
        paragraphs += compared
    body = "\n".join(f"<h3>{html.escape(title)}</h3>\n<p>{html.escape(text)}</p>"
                     for title, text in paragraphs + closing)
    return Section("Methods and limitations (STRESS-DES essentials)", body, 'id="methods"')


# ---- workbook ---------------------------------------------------------------------------------------

def _write_workbook(tables: list, path: Path) -> None:
    book = Workbook()
    book.remove(book.active)
    for table, frame in tables:
        sheet = book.create_sheet(table.sheet[:31])
        sheet.append([table.title])
        sheet["A1"].font = Font(bold=True, size=12)
        sheet.append([str(column) for column in frame.columns])
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for row in frame.itertuples(index=False):
            sheet.append([_excel_value(value) for value in row])
        sheet.freeze_panes = "A3"
        for column, name in zip(sheet.columns, frame.columns):
            width = max(len(str(name)), *(len(str(value)) for value in frame[name].head(200)))
            sheet.column_dimensions[column[0].column_letter].width = min(60, max(10, width + 2))
    book.save(path)


def _excel_value(value):
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, str):
        return printable(value)
    return value.item() if hasattr(value, "item") else value


HEADLINE_NOTE = (
    "Base rows give the mean across runs and the 10th to 90th percentile range. Option rows give the mean, "
    "then the difference from the base (option minus base) with its 95% confidence interval, and the share of "
    "paired runs in which the option does better. Costs in £ (k: thousand, m: million); a negative cost per child "
    "kept in county is a saving.")
TABLES = (
    Table("Headline", "Headline results", headline_frame, _headline_html, HEADLINE_NOTE, before_charts=True),
    Table("Levers", "Scenarios and their levers", levers_frame, _levers_html,
          "The base's main settings, then each option's settings that differ from the base.", before_charts=True),
    Table("Annual cost", "Annual cost by placement type (£ million)", annual_cost_frame,
          note="Mean over runs, per 12-month period from the start date (see Methods)."),
    Table("Recruitment times", "Recruitment: approvals and waiting times by year", recruitment_times_frame,
          note="Per year of the projection, across runs: the mean and the 10th to 90th percentile range of each "
               "run's figure for the year. Waiting for an assessor: from application to the start of assessment."),
)
MANIFEST = Table("Manifest", "Manifest", manifest_frame,
                 note="What was run, with what, and when (manifest.json).")
