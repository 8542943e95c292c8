"""Warnings that the data cannot be trusted: a closed cohort, a trend beyond +-20% a year, a census of
under 30 children; said by `calibrate` in its output, the scenario file's header and first in its report."""

from dataclasses import replace

import pytest
from ssda903_samples import SF_SAMPLE

from calibration.estimate import estimate_all, placement_mix
from calibration.history import load_care_history
from calibration.trust import warnings


@pytest.fixture(scope="module")
def southwark():
    history = load_care_history(SF_SAMPLE, la="Southwark")
    return estimate_all(history), placement_mix(history)


def _with_counts(estimates, counts, trend):
    years = [f"{2016 + i}-{(17 + i) % 100:02d}" for i in range(len(counts))]
    return replace(estimates, entries=replace(estimates.entries, counts_by_year=dict(zip(years, counts)),
                                              trend_per_year=trend))


def _with_census(census, children):
    return replace(census, basis=replace(census.basis, n=children))


def test_a_steady_return_with_a_large_census_gives_no_warning(southwark):
    estimates, census = southwark
    assert warnings(_with_counts(estimates, [400, 410, 395, 420, 405], 0.01), _with_census(census, 800)) == ()


def test_entries_falling_towards_zero_look_like_a_closed_cohort(southwark):
    estimates, census = southwark
    found = warnings(_with_counts(estimates, [173, 28, 15, 12, 4], -0.67), _with_census(census, 800))
    assert found[0].startswith("The return looks like a closed cohort") and "from 173 in 2016-17 to [c] in 2020-21" \
        in found[0]
    assert "Entries fell by 67% a year" in found[1] and "the scenario uses -20% a year" in found[1]


@pytest.mark.parametrize("trend, words", [(0.25, "Entries rose by 25% a year"), (-0.21, "Entries fell by 21% a year")])
def test_a_trend_beyond_20_percent_a_year_is_a_warning_and_within_it_is_not(southwark, trend, words):
    estimates, census = southwark
    steady = [100, 100, 100, 100, 100]
    (found,) = warnings(_with_counts(estimates, steady, trend), _with_census(census, 800))
    assert found.startswith(words)
    assert warnings(_with_counts(estimates, steady, 0.2), _with_census(census, 800)) == ()


def test_a_census_under_30_children_is_a_warning(southwark):
    estimates, census = southwark
    steady = _with_counts(estimates, [100, 100, 100], 0.0)
    (found,) = warnings(steady, _with_census(census, 29))
    assert f"The census on {census.census_date} holds 29 children in care, under 30" in found
    assert warnings(steady, _with_census(census, 30)) == ()


def test_calibrate_says_each_warning_in_its_output_its_scenario_file_and_first_in_its_report(command_runs):
    run = command_runs("d2i")  # the public d2i sample is a closed cohort: entries 173, 28, 15, 12 and 4 a year
    printed = [line for line in run.printed.splitlines() if line.startswith("warning: ")]
    assert any("closed cohort" in line for line in printed) and any("a year in the data" in line for line in printed)
    report = (run.out / "baseline_calibration" / "report.md").read_text()
    headings = [line for line in report.splitlines() if line.startswith("## ")]
    assert headings[0] == "## Warnings: the data may not be trusted" and "closed cohort" in report
    header = (run.out / "baseline.yaml").read_text().split("\n\n")[0]
    assert "# WARNING: The return looks like a closed cohort" in header
    assert "warning: " not in command_runs("synthetic").printed
