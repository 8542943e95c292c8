"""The calibrated scenario: commented YAML that reads back as written, loads with load_scenario, and
carries the parameters the synthetic return was generated with.

Tolerances as test_estimates_synthetic.py, looser where the fit or rounding
enters: entries per year within 7% (the fitted level on the start date),
mean times in care within 15% (times the fitted duration scale, itself within
0.1 of 1), breakdown rates within three Poisson standard errors, the census exactly.
"""

import datetime as dt
import math
from dataclasses import replace

import pytest
import yaml
from ssda903_samples import SF_SAMPLE

from calibration.calibrate import report_directory, write_calibration
from calibration.commented_yaml import Commented, render
from calibration.errors import DataError
from calibration.estimate import estimate_all, placement_mix
from calibration.figures import load_figures
from calibration.history import load_care_history
from calibration.scenario_writer import Run, rendered, scenario_tree, unfitted
from calibration.written import central as central_value
from sim.model.ages import AGE_BANDS
from sim.scenario.files import load_scenario
from sim.scenario.uncertainty import central

FIGURES_HEADER = "area,parameter,value,unit,period,source,strength\n"
RUN = Run("test", "Southwark", "", 12, 2, 1)


@pytest.fixture(scope="module")
def southwark():
    history = load_care_history(SF_SAMPLE, la="Southwark")
    return estimate_all(history), placement_mix(history)


def test_commented_yaml_reads_back_as_written():
    tree = {
        "name": "x",
        "start_date": dt.date(2022, 4, 1),
        "demand": {
            "entries_per_year": Commented(12.5, "short"),
            "age_mix": Commented({"0-4": 0.3, "5-10": 0.7}, "long " * 30),
            "odd": {"yes": 1e-7, 1: True, "a: b # c": None},
        },
        "lists": {"family": ["a", "b-c"]},
    }
    text = render(tree, "first\nsecond")
    assert yaml.safe_load(text) == {
        "name": "x",
        "start_date": dt.date(2022, 4, 1),
        "demand": {"entries_per_year": 12.5, "age_mix": {"0-4": 0.3, "5-10": 0.7},
                   "odd": {"yes": 1e-7, 1: True, "a: b # c": None}},
        "lists": {"family": ["a", "b-c"]},
    }
    lines = text.splitlines()
    assert lines[:2] == ["# first", "# second"] and "  entries_per_year: 12.5  # short" in lines
    assert lines[lines.index('  age_mix: {"0-4": 0.3, "5-10": 0.7}') - 1].startswith("  # long long")


def test_the_written_scenario_loads_and_carries_the_known_parameters(synthetic_calibration, truth, synthetic_return):
    calibration, path = synthetic_calibration
    written = load_scenario(path)
    scenario = central(written)
    demand = scenario.demand
    assert scenario.start_date == dt.date(2021, 4, 1)
    assert demand.entries_per_year == pytest.approx(truth.entries_per_year, rel=0.07)
    assert abs(demand.trend_per_year) < 0.05
    # Each range is central +- sqrt(7) standard errors: the truth lies inside unless the estimate is 2.6 SE off.
    entries, trend = written.demand.entries_per_year, written.demand.trend_per_year
    assert entries.low < truth.entries_per_year < entries.high and trend.low < 0.0 < trend.high
    assert demand.duration_in_care.distribution == "lognormal"
    assert demand.duration_in_care.cv == pytest.approx(truth.cv, rel=0.15)
    assert demand.kinship_share == pytest.approx(truth.kinship_share, abs=0.03)
    for band in AGE_BANDS:
        assert demand.age_mix[band] == pytest.approx(truth.age_mix[band], abs=0.03)
        assert demand.residential_share[band] == pytest.approx(truth.residential_share[band], abs=0.03)
        assert demand.duration_in_care.mean_years[band] == pytest.approx(truth.mean_years[band], rel=0.15)
    census = {option: {band: n for band, n in by_band.items() if n} for option, by_band in synthetic_return[1].items()}
    assert scenario.initial_state.counts() == census
    assert abs(calibration.free.duration_scale.value - 1) < 0.1
    assert calibration.free.occupancy.note.startswith("fitted to children in in-house foster care")
    assert scenario.disclosure.real_data  # its packs suppress small counts


def test_breakdown_rates_are_carried_within_three_standard_errors(synthetic_calibration, truth):
    calibration, path = synthetic_calibration
    rates = load_scenario(path).breakdowns.rate_per_year
    hazard = calibration.estimates.breakdowns
    for option, rate in truth.breakdowns_per_year.items():
        for band in AGE_BANDS:
            events = hazard.breakdowns[option][band]
            if hazard.exposure_years[option][band] >= 5 and events:
                assert abs(rates[option][band] - rate) < 3 * rate / math.sqrt(events), (option, band)


def test_every_estimated_figure_is_commented_with_its_basis(synthetic_calibration):
    calibration, path = synthetic_calibration
    text = path.read_text()
    entries = calibration.estimates.entries.basis
    assert text.count(f"{entries.n:,} entries, {entries.start} to {entries.end}") >= 2
    for key in ("entries_per_year", "age_mix", "mean_years", "residential_share", "kinship_share", "children_in_care",
                "rate_per_year", "initial_households"):
        line = next(i for i, line in enumerate(text.splitlines()) if line.strip().startswith(f"{key}:"))
        assert "#" in text.splitlines()[line] or text.splitlines()[line - 1].strip().startswith("#"), key
    assert (report_directory(path) / "report.md").is_file()


def test_locations_the_return_does_not_give_are_split_by_the_published_share(southwark):
    estimates, census = southwark
    share = load_figures()["share_placed_outside_la_boundary"].value
    scenario = rendered(scenario_tree(estimates, census, load_figures(), unfitted(load_figures()), RUN), "", "t")[1]
    counts = scenario.initial_state.counts()
    for band, n in census.counts["ifa"].items():
        out = counts.get("ifa_out_of_county", {}).get(band, 0)
        assert (out, counts.get("ifa_in_county", {}).get(band, 0) + out) == (round(n * share), n)
    family = scenario.matching.family["16-17"]
    assert family.index("ifa_out_of_county") < family.index("other")


def test_a_councils_own_figures_override_the_shipped_ones(tmp_path, southwark):
    own = tmp_path / "figures.csv"
    own.write_text(FIGURES_HEADER + "Southwark,weekly_cost_ifa_foster_placement,990,gbp_per_week,2023,own,strong\n")
    figures = load_figures(own)
    tree = scenario_tree(*southwark, figures, unfitted(figures), RUN)
    cost = tree["placements"]["ifa_out_of_county"]["weekly_cost"]
    assert (cost.value, cost.comment) == (990, "figures: Southwark, weekly_cost_ifa_foster_placement, 2023")
    assert rendered(tree, "", "t")[1].placements["ifa_out_of_county"].weekly_cost == 990


@pytest.mark.parametrize(
    "rows, expected",
    [
        ("england,weekly_cost_ifa,1,,,,\n", "unknown figure 'weekly_cost_ifa'; did you mean 'weekly_cost_ifa_foster"),
        ("a,in_house_occupancy,0.8,,,,\na,in_house_occupancy,0.7,,,,\n", "'in_house_occupancy' is given twice"),
        ("a,in_house_occupancy,most,,,,\n", "VALUE: in_house_occupancy: expected a number or a range"),
    ],
)
def test_a_bad_figures_file_is_a_one_line_data_error(tmp_path, rows, expected):
    own = tmp_path / "figures.csv"
    own.write_text(FIGURES_HEADER + rows)
    with pytest.raises(DataError, match=expected) as error:
        load_figures(own)
    assert "\n" not in str(error.value)


def test_a_range_is_used_at_its_mid_point():
    assert load_figures()["weekly_cost_council_childrens_home"].value == (3177 + 4294) / 2


@pytest.mark.parametrize("fitted, bounded", [(-0.5, -0.2), (0.35, 0.2), (-1.0, -0.2)])
def test_a_trend_beyond_20_percent_a_year_is_bounded_and_said_so(southwark, fitted, bounded):
    estimates, census = southwark
    steep = replace(estimates, entries=replace(estimates.entries, trend_per_year=fitted))
    tree = scenario_tree(steep, census, load_figures(), unfitted(load_figures()), RUN)
    trend = tree["demand"]["trend_per_year"]
    assert central_value(trend.value) == bounded and f"fitted {fitted:.3f}, bounded" in trend.comment
    written = central(rendered(tree, "", "t")[1]).demand.trend_per_year
    assert written == bounded


def test_the_fitted_entry_rate_integrates_to_each_years_fitted_count(southwark):
    entries = southwark[0].entries
    steps = 1000
    yearly = [sum(entries.per_year_at(year + (i + 0.5) / steps) for i in range(steps)) / steps for year in range(5)]
    assert sum(yearly) == pytest.approx(entries.basis.n, rel=1e-4)
    assert yearly[1] / yearly[0] == pytest.approx(1 + entries.trend_per_year, rel=1e-4)


def test_nothing_is_written_when_the_report_fails(tmp_path, synthetic_calibration):
    path = tmp_path / "scenario.yaml"
    path.write_text("kept\n")

    def failing(*args):
        raise RuntimeError("chart failed")

    with pytest.raises(RuntimeError):
        write_calibration(synthetic_calibration[0], path, failing, force=True)
    assert path.read_text() == "kept\n" and sorted(p.name for p in tmp_path.iterdir()) == ["scenario.yaml"]
