"""`sufficiency compare` and `sufficiency charts` end to end: the comparison directory, its charts and pack."""

import json
import re
import shutil
import textwrap

import pandas as pd
import pytest
from openpyxl import load_workbook

from sim.cli import main
from sim.report.chart_set import chart_specs
from sim.report.charts import CONTEXT, BarSpec, PanelSpec, draw
from sim.report.style import Style
from sim.run.saved_results import load_results
from tests.conftest import SCENARIOS

REPLICATIONS = 4
TITLES = {"base": "Base", "more_carers": "More carers", "base_again": "Base again"}


def write(directory, name, text):
    path = directory / name
    path.write_text(textwrap.dedent(text))
    return path


@pytest.fixture(scope="module")
def scenario_files(tmp_path_factory):
    directory = tmp_path_factory.mktemp("scenarios")
    base = write(directory, "base.yaml", f"""\
        extends: {SCENARIOS / 'baseline.yaml'}
        name: base
        horizon_years: 2
        """)
    more = write(directory, "more.yaml", """\
        extends: base.yaml
        name: more_carers
        description: Forty more in-house foster households
        seed: 5
        replications: 9
        carers:
          initial_households: 350
        """)
    again = write(directory, "again.yaml", "extends: base.yaml\nname: base_again\n")
    return base, more, again


@pytest.fixture(scope="module")
def comparison(scenario_files, tmp_path_factory):
    out = tmp_path_factory.mktemp("compare") / "cmp"
    argv = ["compare", *map(str, scenario_files), "--replications", str(REPLICATIONS), "--jobs", "1",
            "--out", str(out)]
    assert main(argv) == 0
    return out


def rebuilt_copy(comparison, tmp_path, *extra):
    copy = tmp_path / "copy"
    shutil.copytree(comparison, copy)
    assert main(["charts", str(copy), *extra]) == 0
    return copy


def test_one_directory_with_each_resolved_scenario_manifest_and_tables(comparison):
    names = ["base", "more_carers", "base_again"]
    manifest = json.loads((comparison / "manifest.json").read_text())
    assert manifest["kind"] == "comparison" and manifest["base"] == "base"
    assert manifest["replications"] == REPLICATIONS
    assert manifest["common_random_numbers"].startswith("Common random numbers: every scenario ran with seed")
    assert [entry["name"] for entry in manifest["scenarios"]] == names
    assert manifest["scenarios"][1]["seed_in_file"] == 5 and manifest["scenarios"][1]["replications_in_file"] == 9
    for name in names:
        resolved = (comparison / "scenarios" / f"{name}.yaml").read_text()
        assert f"seed: {manifest['seed']}" in resolved and f"replications: {REPLICATIONS}" in resolved
    timeseries = pd.read_parquet(comparison / "timeseries.parquet")
    assert list(timeseries.columns) == ["scenario", "replication", "date", "metric", "value"]
    assert not (comparison / "timeseries.csv").exists()  # only with --csv
    assert list(dict.fromkeys(timeseries["scenario"])) == names
    summary = pd.read_csv(comparison / "summary.csv")
    assert list(summary.columns) == ["scenario", "date", "metric", "mean", "p10", "p50", "p90", "uncertainty"]
    differences = pd.read_csv(comparison / "differences.csv")
    assert {"mean_diff", "diff_ci_low", "diff_ci_high", "diff_p10", "diff_p50", "diff_p90", "prob_better"} <= set(differences.columns)
    assert set(differences["scenario"]) == {"more_carers", "base_again"}
    headline = pd.read_csv(comparison / "headline.csv")
    assert list(dict.fromkeys(headline["when"])) == ["1 year", "2 years (horizon)"]
    for name in ["pack.html", "pack.xlsx", "charts/out_of_county.svg", "charts/out_of_county_reduction.csv"]:
        assert (comparison / name).is_file(), name
    assert not [p for p in comparison.parent.iterdir() if p.name.startswith(".")]


def test_a_copy_of_the_base_under_another_name_differs_by_exactly_zero(comparison):
    differences = pd.read_csv(comparison / "differences.csv")
    copy = differences[differences["scenario"] == "base_again"]
    assert len(copy) > 0 and (copy[["mean_diff", "diff_ci_low", "diff_ci_high"]] == 0).all().all()
    headline = pd.read_csv(comparison / "headline.csv")
    measured = headline[(headline["scenario"] == "base_again") & headline["mean"].notna()]
    assert (measured[["mean_diff", "diff_ci_low", "diff_ci_high"]] == 0).all().all()


def test_options_are_paired_run_by_run(comparison):
    differences = pd.read_csv(comparison / "differences.csv").set_index(["scenario", "metric"])
    entries = differences.loc[("more_carers", "entries")]
    assert (entries["mean_diff"] == 0).all()  # the same children enter in run r of every scenario
    households = differences.loc[("more_carers", "in_house_households")]
    assert households["mean_diff"].iloc[0] > 0 and households["prob_better"].iloc[0] == 1.0


def test_rebuilding_from_saved_files_gives_the_same_files(comparison, tmp_path):
    copy = rebuilt_copy(comparison, tmp_path)
    originals = sorted(p.relative_to(comparison) for p in (comparison / "charts").iterdir())
    assert sorted(p.relative_to(copy) for p in (copy / "charts").iterdir()) == originals
    for name in [*originals, "pack.html"]:
        assert (copy / name).read_bytes() == (comparison / name).read_bytes(), name
    assert _workbook(copy / "pack.xlsx") == _workbook(comparison / "pack.xlsx")
    assert not [p.name for p in copy.iterdir() if p.name.startswith(".")]


def test_every_chart_csv_matches_what_the_chart_was_given(comparison):
    saved = load_results(comparison)
    specs = chart_specs(saved, Style())
    assert {spec.stem for spec in specs} >= {"out_of_county", "out_of_county_reduction", "in_house_households",
                                              "annual_cost"}
    for spec in specs:
        written = pd.read_csv(comparison / "charts" / f"{spec.stem}.csv", dtype={"category": str, "date": str})
        plotted = spec.plotted()
        if "date" in plotted:
            plotted = plotted.assign(date=plotted["date"].dt.strftime("%Y-%m-%d"))
        pd.testing.assert_frame_equal(written, plotted.reset_index(drop=True), obj=spec.stem)
        assert _drawn_values(spec) == pytest.approx(_csv_values(spec, written), rel=1e-12), spec.stem
    summary = pd.read_csv(comparison / "summary.csv")
    charted = pd.read_csv(comparison / "charts" / "out_of_county.csv")
    source = summary[summary["metric"] == "placed_out_of_county"]
    assert charted["p50"].tolist() == source["p50"].tolist()
    assert charted["series"].tolist() == source["scenario"].map(TITLES).tolist()
    reduction = pd.read_csv(comparison / "charts" / "out_of_county_reduction.csv")
    differences = pd.read_csv(comparison / "differences.csv").query("metric == 'placed_out_of_county'")
    assert reduction["reduction_p10"].tolist() == (-differences["diff_p90"]).tolist()
    medians = source.pivot(index="date", columns="scenario", values="p50")
    expected = [medians["base"][date] - medians[row.scenario][date] for row in differences.itertuples()
                for date in [row.date]]
    assert reduction["reduction"].tolist() == pytest.approx(expected, abs=1e-9)


def test_the_pack_holds_every_chart_table_and_scenario(comparison):
    page = (comparison / "pack.html").read_text()
    for svg in (comparison / "charts").glob("*.svg"):
        image = rf'data-chart="{svg.stem}">\s*<img src="data:image/svg\+xml;base64,[^"]+" alt="([^"]+)"'
        figure = re.search(image, page)
        assert figure and len(figure.group(1)) > 50, svg.stem
    shown = re.findall(r'data-table="([^"]+)"', page)
    assert shown == ["Headline", "Levers", "Annual cost", "Recruitment times", "About this run"]
    sheets = load_workbook(comparison / "pack.xlsx").sheetnames
    assert sheets[:3] == ["Cover", "Contents", "Notes"] and set(shown) <= set(sheets)
    assert {"Out of county", "Reduction", "Children in care", "Placement mix"} <= set(sheets)
    for title in ["Base", "More carers", "Base again"]:  # no title in the files: the names in plain English
        assert f"<h3>{title}" in page and f"<th>{title}</th>" in page
    assert "Methods and limitations" in page and "Cost per child kept in county" in page
    assert "http" not in page.replace("http-equiv", "")  # self-contained


@pytest.mark.slow
def test_a_style_file_sets_titles_colours_and_source(comparison, tmp_path):
    style = write(tmp_path, "style.yaml", """\
        source: Test county analysis
        colours: ["#FF0000", "#00FF00", "#0000FF", "#123456", "#654321"]
        titles:
          out_of_county: Fewer children out of county with more carers
        """)
    copy = rebuilt_copy(comparison, tmp_path, "--style", str(style))
    assert (copy / "charts" / "out_of_county.txt").read_text().startswith(
        "Small multiple line charts. Fewer children out of county with more carers.")
    svg = (copy / "charts" / "out_of_county.svg").read_text()
    assert "#ff0000" in svg and "#12436d" not in svg
    plotted = "charts/out_of_county.csv"
    assert (copy / plotted).read_bytes() == (comparison / plotted).read_bytes()
    specs = chart_specs(load_results(copy), Style(source="Test county analysis"))
    assert {spec.source for spec in specs} == {"Test county analysis"}


def test_a_metric_the_results_do_not_report_is_skipped(comparison, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(comparison, copy)
    summary = pd.read_csv(copy / "summary.csv")
    summary[summary["metric"] != "enquiries"].to_csv(copy / "summary.csv", index=False)
    stems = [spec.stem for spec in chart_specs(load_results(copy), Style())]
    assert "recruitment_funnel" not in stems and "out_of_county" in stems


def _drawn_values(spec) -> list:
    """What the figure actually plots: each median line's y values (not the grey context lines, nor band
    edges), or each bar's height."""
    fig = draw(spec)
    if isinstance(spec, BarSpec):
        return [patch.get_height() for ax in fig.axes for patch in ax.patches]
    return [y for ax in fig.axes for line in ax.lines
            if len(line.get_ydata()) > 2 and line.get_color() != CONTEXT and line.get_linestyle() == "-"
            for y in line.get_ydata().tolist()]


def _csv_values(spec, written: pd.DataFrame) -> list:
    if isinstance(spec, BarSpec):
        values = []
        for _, rows in written.groupby("series", sort=False):
            table = rows.pivot_table(index="category", columns="segment", values="value", sort=False)
            values += table[list(dict.fromkeys(written["segment"]))].fillna(0).to_numpy().T.ravel().tolist()
        return values
    if isinstance(spec, PanelSpec):
        return [y for _, rows in written.groupby(["panel", "series"], sort=False) for y in rows["p50"]]
    middle = spec.band.columns[1]
    return [y for _, rows in written.groupby("series", sort=False) for y in rows[middle]]


def _workbook(path) -> dict:
    book = load_workbook(path)
    return {sheet.title: [[cell.value for cell in row] for row in sheet.iter_rows()] for sheet in book}
