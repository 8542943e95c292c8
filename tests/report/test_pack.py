"""The committee pack as a committee reads it: page 1's numbers against summary.csv, one headline number in
title, table and alt text, plain words only, and small counts suppressed for real data."""

import html
import re
import textwrap

import pandas as pd
import pytest
from openpyxl import load_workbook

from sim.cli import main
from sim.scenario.wording import money, month
from tests.conftest import SCENARIOS

SNAKE_CASE = re.compile(r"\b[a-z]+_[a-z0-9_]+\b")
FILE_PATH = re.compile(r"(\w+/\w+\.\w+|/\w+/|\.(csv|ya?ml|json|parquet|md|txt|py|html|xlsx)\b)")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def write(directory, name, text):
    path = directory / name
    path.write_text(textwrap.dedent(text))
    return path


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    directory = tmp_path_factory.mktemp("scenarios")
    base = write(directory, "base.yaml", f"""\
        extends: {SCENARIOS / 'baseline.yaml'}
        name: current_policy
        title: Current policy in the county
        horizon_years: 2
        targets: {{in_county_share: 0.8}}
        """)
    more = write(directory, "more.yaml", f"""\
        extends: {SCENARIOS / 'combined.yaml'}
        name: every_lever
        title: Every lever pulled
        horizon_years: 2
        """)
    again = write(directory, "again.yaml", "extends: base.yaml\nname: same_again\ntitle: The same policy again\n")
    return base, more, again


@pytest.fixture(scope="module")
def run(files, tmp_path_factory):
    out = tmp_path_factory.mktemp("run") / "run"
    assert main(["run", str(files[0]), "--replications", "5", "--jobs", "1", "--out", str(out), "--quiet"]) == 0
    return out


@pytest.fixture(scope="module")
def comparison(files, tmp_path_factory):
    out = tmp_path_factory.mktemp("compare") / "cmp"
    assert main(["compare", *map(str, files), "--replications", "5", "--jobs", "1", "--out", str(out),
                 "--quiet"]) == 0
    return out


def text_of(page: str) -> str:
    """What a reader sees: the HTML without styles, embedded images and tags."""
    page = re.sub(r"<style>.*?</style>", "", page, flags=re.S)
    page = re.sub(r'src="data:[^"]+"', "", page)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def summary_text(directory) -> str:
    page = (directory / "pack.html").read_text()
    return text_of(re.search(r'<section id="summary">(.*?)</section>', page, re.S).group(1))


def summary_rows(directory):
    summary = pd.read_csv(directory / "summary.csv", dtype={"date": str})
    if "scenario" not in summary:
        summary["scenario"] = "current_policy"
    return summary


def at(summary, scenario, metric, date, column="p50"):
    rows = summary[(summary["scenario"] == scenario) & (summary["metric"] == metric) & (summary["date"] == date)]
    return float(rows[column].iloc[0])


def whole(value) -> str:
    return f"{round(value):,}"


@pytest.mark.parametrize("kind", ["run", "comparison"])
def test_page_one_states_the_key_numbers_of_summary_csv(kind, request):
    directory = request.getfixturevalue(kind)
    text, summary = summary_text(directory), summary_rows(directory)
    dates = sorted(summary["date"].unique())
    first, year, horizon = dates[0], dates[11], dates[-1]
    out = "placed_out_of_county"
    assert (f"Children placed out of county: {whole(at(summary, 'current_policy', out, first))} at the end of "
            f"{month(first)}, then {whole(at(summary, 'current_policy', out, year))} by {month(year)} and "
            f"{whole(at(summary, 'current_policy', out, horizon))} by {month(horizon)}; in 8 runs in 10 between "
            f"{whole(at(summary, 'current_policy', out, horizon, 'p10'))} and "
            f"{whole(at(summary, 'current_policy', out, horizon, 'p90'))} at the end.") in text
    for metric, words in (("children_in_care", "Children in care"),
                          ("in_house_households", "In-house foster households")):
        assert (f"{words}: {whole(at(summary, 'current_policy', metric, first))} now and "
                f"{whole(at(summary, 'current_policy', metric, horizon))} by {month(horizon)}.") in text
    share = at(summary, "current_policy", "share_in_county", horizon)
    assert f"{share:.0%} by {month(horizon)}, against a target of 80%" in text
    placement = summary[(summary["scenario"] == "current_policy") & (summary["metric"] == "placement_cost")]
    first_year = placement.sort_values("date")["mean"].iloc[:12].sum()
    assert f"placements {money(first_year)} in the year to {month(year)}" in text
    if kind == "comparison":
        option = at(summary, "every_lever", out, horizon)
        fewer = round(at(summary, "current_policy", out, horizon)) - round(option)
        assert (f"Every lever pulled: {whole(option)} children placed out of county by {month(horizon)}, "
                f"{whole(fewer)} fewer than Current policy in the county's") in text
        assert "The same policy again: " in text and "the same as Current policy in the county in every run" in text


def test_the_headline_number_is_the_same_in_title_table_alt_text_and_summary(comparison):
    summary = summary_rows(comparison)
    horizon = sorted(summary["date"].unique())[-1]
    base = whole(at(summary, "current_policy", "placed_out_of_county", horizon))
    option = whole(at(summary, "every_lever", "placed_out_of_county", horizon))
    page = (comparison / "pack.html").read_text()
    alt = (comparison / "charts" / "out_of_county.txt").read_text()
    title = alt.split(". ")[1]
    assert f"{option} against {base}" in title
    assert f"and {option} in {month(horizon)}" in alt and f"and {base} in {month(horizon)}" in alt
    table = re.search(r"Children placed out of county <span.*?</table>", page, re.S).group(0)
    cells = re.findall(r'<b><span class="nowrap">([^<]+)</span></b>', table)
    assert cells[1] == base and cells[3] == option  # each scenario's row: 1 year, then the horizon
    assert f"{option} children placed out of county by {month(horizon)}" in summary_text(comparison)


@pytest.mark.parametrize("kind", ["run", "comparison"])
def test_the_pack_has_no_key_names_file_paths_or_iso_dates(kind, request):
    directory = request.getfixturevalue(kind)
    text = text_of((directory / "pack.html").read_text())
    assert not SNAKE_CASE.findall(text)
    assert not FILE_PATH.findall(text)
    assert not ISO_DATE.findall(text)
    book = load_workbook(directory / "pack.xlsx")
    words = " ".join(str(cell.value) for sheet in book for row in sheet.iter_rows() for cell in row
                     if isinstance(cell.value, str) and not cell.hyperlink)
    assert not SNAKE_CASE.findall(words) and not ISO_DATE.findall(words) and not FILE_PATH.findall(words)


def test_every_scenarios_title_appears_and_identical_scenarios_read_the_same(comparison):
    text = text_of((comparison / "pack.html").read_text())
    for title in ("Current policy in the county", "Every lever pulled", "The same policy again"):
        assert title in text
    assert "the same in every run" in text
    table = re.search(r"<tr><th>The same policy again</th>.*?</tr>", (comparison / "pack.html").read_text()).group(0)
    assert "better in" not in table


def test_the_levers_are_sentences(comparison):
    text = text_of((comparison / "pack.html").read_text())
    assert ("Three-month recruitment campaigns tripling enquiries, each costing £40,000, starting September 2020, "
            "March 2021, September 2021, March 2022, September 2022 and March 2023.") in text
    assert "From April 2021, 12 assessors (four more assessors for three years); from April 2024, 8 assessors" in text


def test_the_workbook_holds_numbers_with_formats_dates_as_dates_and_one_table_a_sheet(run):
    book = load_workbook(run / "pack.xlsx")
    assert book.sheetnames[:3] == ["Cover", "Contents", "Notes"]
    assert {"Out of county", "Children in care", "Placement mix", "Headline"} <= set(book.sheetnames)
    for sheet in book.worksheets[1:]:
        assert sheet["A1"].value and not sheet.merged_cells.ranges, sheet.title
        (table,) = sheet.tables.values()
        header_row = int(re.match(r"A(\d+):", table.ref).group(1))
        assert sheet.max_row == header_row + max(1, sheet.max_row - header_row), sheet.title
        assert all(isinstance(cell.value, str) for cell in sheet[header_row]), sheet.title
        for row in sheet.iter_rows(min_row=header_row + 1):
            for cell in row:
                if isinstance(cell.value, (int, float)):
                    assert cell.number_format != "General", (sheet.title, cell.coordinate)
                if cell.column == 1 and sheet.title != "Contents":
                    assert not (isinstance(cell.value, str) and ISO_DATE.fullmatch(cell.value)), cell.coordinate
    months = book["Out of county"]
    header = [cell.value for cell in months[4]]
    assert header == ["Month", "Median", "10th percentile", "90th percentile"]
    assert months["A5"].is_date and months["A5"].number_format == "mmmm yyyy"
    summary = summary_rows(run)
    first = summary[(summary["metric"] == "placed_out_of_county")].sort_values("date").iloc[0]
    assert months["B5"].value == pytest.approx(first["p50"])
    cost = book["Annual cost"]
    assert [cell.value for cell in cost[4]] == ["Scenario", "Year", "Placement type", "Mean cost (£)"]
    assert cost["D5"].number_format == "£#,##0"
    share = book["Share in county"]
    assert share["B5"].number_format == "0.0%" and 0 < share["B5"].value < 1


def test_the_title_says_what_the_command_line_changed(tmp_path, capsys):
    out = tmp_path / "run"
    argv = ["run", str(SCENARIOS / "baseline.yaml"), "--replications", "2", "--set", "horizon_years=1",
            "--set", "carers.initial_households=300", "--jobs", "1", "--out", str(out)]
    assert main(argv) == 0
    printed = capsys.readouterr().out.strip().splitlines()
    assert 3 <= len(printed) <= 5 and printed[-1].startswith("Committee pack: ") and str(out) in printed[-1]
    assert "children placed out of county" in printed[0] and "8 runs in 10 between" in printed[0]
    page = (out / "pack.html").read_text()
    assert "<h1>Sufficiency projection for Surrey-scale county: Current policy, with horizon years: 1; 300 " \
           "in-house foster households at the start</h1>" in page
    import json

    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["overrides"] == ["horizon_years=1", "carers.initial_households=300"]
    assert manifest["command_line"].startswith("sufficiency run ") and "--set carers.initial_households=300" in \
        manifest["command_line"]
    assert manifest["uncertainty"] == "all"


def test_small_counts_are_suppressed_for_a_scenario_calibrated_on_real_data(tmp_path):
    out = tmp_path / "small"
    argv = ["run", str(SCENARIOS / "baseline.yaml"), "--replications", "3", "--jobs", "1", "--out", str(out),
            "--set", "horizon_years=1", "--set", "demand.entries_per_year=12", "--set",
            "initial_state.children_in_care=0", "--set", "disclosure.real_data=true", "--quiet"]
    assert main(argv) == 0
    import json

    assert json.loads((out / "manifest.json").read_text())["real_data"] is True
    summary = summary_rows(out)
    counts = summary[summary["metric"] == "children_in_care"]["p50"]
    assert ((counts.round() >= 1) & (counts.round() <= 4)).any()  # the test has small counts to hide
    text = summary_text(out)
    assert "Children in care: <5 now" in text
    assert "results come from a scenario calibrated on a council's own records" in text
    book = load_workbook(out / "pack.xlsx")
    for name in ("Children in care", "Out of county", "Placement mix"):
        header = [cell.value for cell in next(book[name].iter_rows(min_row=4, max_row=4))]
        counts = [i for i, title in enumerate(header) if title and "(%)" not in title][-3:]  # shares are no counts
        values = [row[i].value for row in book[name].iter_rows(min_row=5) for i in counts]
        assert "[c]" in values or name != "Children in care"
        assert not [v for v in values if isinstance(v, (int, float)) and 1 <= round(v) <= 4], name
    cells = [cell.value for row in book["Notes"].iter_rows() for cell in row]
    assert any(isinstance(v, str) and "suppressed" in v for v in cells)
    page = text_of((out / "pack.html").read_text())
    assert not re.search(r"Children in care[^.]*\b[1-4] now", page)


def test_the_first_steady_state_warning_is_the_caveat_on_page_one(run, tmp_path):
    import json
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(run, copy)
    manifest = json.loads((copy / "manifest.json").read_text())
    warning = "This scenario's own rates grow the in-house carer pool from 140 to 320 households, most of it by 2035."
    manifest["steady_state"] = [
        {"measure": "children_in_care", "start": 1000.0, "steady_state": 1010.0, "ratio": 1.01, "warning": False,
         "text": "Children in care stay near their steady state."},
        {"measure": "in_house_households", "start": 140.0, "steady_state": 320.0, "ratio": 2.29, "warning": True,
         "text": warning}]
    (copy / "manifest.json").write_text(json.dumps(manifest))
    assert main(["charts", str(copy)]) == 0
    text = summary_text(copy)
    assert warning in text and "stay near their steady state" not in text
    assert "The ranges show how the runs differ: by chance and the ranges of uncertain figures." in text
