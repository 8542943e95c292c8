"""No count of 1 to 4 children can be worked out from what calibrate and backtest publish.

First the rules themselves (calibration/disclosure.py), checked by brute force: every way of filling the
hidden cells of a table that agrees with what is shown leaves each hidden cell undetermined. Then an attacker
works on the outputs for a small authority, where small counts abound: totals minus the shown parts, shares
times their totals, pooled rates times their exposure, a year's months against its total, survival curves
step by step, and back-test scores recomputed from the shown months.
"""

import itertools
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import synthetic
from hypothesis import given, settings
from hypothesis import strategies as st
from ssda903_samples import SYNTHETIC_SEED

from calibration.disclosure import (
    HIDDEN,
    SMALLEST_SHOWN,
    is_small,
    masked,
    shown_table,
    stepped,
    suppressed,
    total_unsafe,
)
from calibration.estimate import duration_observations
from calibration.history import load_care_history
from sim.cli import main

QUICK = ["--fit-replications", "1", "--replications", "4", "--jobs", "1"]


def consistent_fillings(shown: list, total: int):
    """Every way to fill the hidden cells (None) that adds up to `total`, with counts of at least 1 (an empty
    cell is shown) unless every cell is hidden (then empty ones may be among them)."""
    hidden = [index for index, value in enumerate(shown) if value is None]
    remainder = total - sum(value for value in shown if value is not None)
    least = 0 if len(hidden) == len(shown) else 1
    for filling in itertools.product(range(least, remainder + 1), repeat=len(hidden)):
        if sum(filling) == remainder:
            yield dict(zip(hidden, filling))


def recoverable(shown: list, total: int) -> list:
    """The hidden cells whose count every consistent filling agrees on, with that count: what an attacker
    knowing the total learns."""
    fillings = list(consistent_fillings(shown, total))
    return [(cell, values.pop()) for cell in (i for i, v in enumerate(shown) if v is None)
            if len(values := {filling[cell] for filling in fillings}) == 1]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 12), min_size=1, max_size=5))
def test_no_hidden_cell_of_a_table_can_be_worked_out_from_its_total(counts):
    hidden = suppressed(counts)
    published = [None if hide else count for count, hide in zip(counts, hidden)]
    assert not any(is_small(count) for count in published if count is not None)
    if not is_small(sum(counts)) and not total_unsafe(counts):  # such totals are themselves suppressed
        assert [(cell, count) for cell, count in recoverable(published, sum(counts)) if is_small(count)] == []


def test_only_a_table_of_single_children_needs_its_total_suppressed():
    assert total_unsafe([1, 1, 1, 1, 1]) and total_unsafe([1] * 7)
    assert not total_unsafe([1, 1, 1, 1, 1, 0]) and not total_unsafe([1, 1, 1, 1, 2]) and not total_unsafe([1, 1])
    assert suppressed([1, 1, 1, 1, 1, 0]).all()


def test_secondary_suppression_hides_the_smallest_other_cells():
    assert suppressed([10, 3, 20]).tolist() == [True, True, False]
    assert suppressed([3, 1, 50, 40]).tolist() == [True, True, False, True]
    assert suppressed([0, 2, 0]).tolist() == [False, True, False]  # only the small cell to hide: and its total
    assert suppressed([7, 9, 0]).tolist() == [False, False, False]
    assert shown_table({"a": 3, "b": 8, "c": 40}).tolist() == [HIDDEN, HIDDEN, "40"]


def test_a_share_is_masked_with_its_count():
    assert masked({"a": 0.03, "b": 0.07, "c": 0.9}, {"a": 3, "b": 7, "c": 90}) == {"a": None, "b": None, "c": 0.9}


def test_a_stepped_curve_moves_only_after_five_events():
    shares = np.array([1.0, 0.95, 0.9, 0.8, 0.7, 0.6, np.nan])
    events = np.array([0, 1, 2, 5, 7, 11, 11])
    assert stepped(shares, events).tolist()[:6] == [1.0, 1.0, 1.0, 0.8, 0.8, 0.6]
    assert np.isnan(stepped(shares, events)[6])


@pytest.fixture(scope="module")
def small_authority(tmp_path_factory):
    """A synthetic return of about eight entries a year, calibrated and back-tested."""
    data = tmp_path_factory.mktemp("small")
    synthetic.write_return(data, synthetic.Truth(entries_per_year=8.0, short_break_children_per_year=2.0),
                           SYNTHETIC_SEED)
    out = tmp_path_factory.mktemp("published")
    assert main(["calibrate", "--ssda903", str(data), "--out", str(out / "s.yaml"), *QUICK]) == 0
    assert main(["backtest", "--ssda903", str(data), "--as-of", "2019-04-01", "--out", str(out / "bt"), *QUICK]) == 0
    return data, out, (out / "s_calibration" / "report.md").read_text()


def table(report: str, heading: str) -> dict:
    section = report.split(f"## {heading}")[1].split("\n## ")[0]
    rows = [line.strip("|").split("|") for line in section.splitlines() if line.startswith("| ")][2:]
    return {cells[0].strip(): cells[1].strip() for cells in rows}


def count(text: str):
    return None if text == HIDDEN else int(text.replace(",", ""))


def figures(report: str) -> dict:
    section = report.split("## Figures in the scenario")[1].split("\n## ")[0]
    rows = [line.strip("|").split(" | ") for line in section.splitlines() if line.startswith("| ")][2:]
    return {cells[0].strip(): (cells[1].strip(), cells[2].strip()) for cells in rows}


def entries_total(report: str) -> int:
    return int(re.search(r"(\d+) entries, \d{4}-\d\d-\d\d to", figures(report)["demand.age_mix"][1])[1])


def test_the_small_authority_has_small_counts_to_protect(small_authority):
    data, _, report = small_authority
    history = load_care_history(data)
    census = history.placements[history.placements["end"].isna()]["option"].value_counts()
    assert census.map(is_small).any() and HIDDEN in report


def test_a_total_less_the_shown_parts_gives_no_small_count(small_authority):
    data, out, report = small_authority
    history = load_care_history(data)
    in_care = int((history.periods["end"].isna() & (history.periods["observed_until"] >= history.window_end)).sum())
    for heading, total in [("Entries by collection year", entries_total(report)),
                           (next(h for h in re.findall(r"## (Children in care on .*)", report)), in_care)]:
        shown = [count(cell) for cell in table(report, heading).values()]
        assert sum(value for value in shown if value is not None) <= total
        assert [found for found in recoverable(shown, total) if is_small(found[1])] == [], heading


def test_shares_times_their_totals_give_no_small_count(small_authority):
    _, _, report = small_authority
    n = entries_total(report)
    shares = dict(re.findall(r'"([\d-]+)": ([\d.]+|\[c\])', figures(report)["demand.age_mix"][0]))
    for band, share in shares.items():
        if share != HIDDEN:
            assert not is_small(round(float(share) * n)), band
    kinship, basis = figures(report)["demand.kinship_share"]
    if kinship != HIDDEN:
        family = int(re.match(r"(\d+) entries", basis)[1])
        assert not is_small(round(float(kinship) * family)) and not is_small(family - round(float(kinship) * family))
    for band, share in re.findall(r'"([\d-]+)": ([\d.]+|\[c\])', figures(report)["demand.residential_share"][0]):
        if share != HIDDEN and shares.get(band, HIDDEN) != HIDDEN:
            band_entries = round(float(shares[band]) * n)
            assert not is_small(round(float(share) * band_entries)), band


def test_rates_times_their_exposure_give_no_small_count(small_authority):
    _, _, report = small_authority
    checked = 0
    for key, (value, basis) in figures(report).items():
        found = re.match(r"(\S+) breakdowns in (\d+) placement-years", basis)
        if key.startswith("breakdowns.rate_per_year.") and found:
            rates = [float(rate) for rate in re.findall(r": ([\d.]+)", value)] or \
                ([] if value == HIDDEN else [float(value)])
            exposure = int(found[2])
            for rate in rates:
                assert not is_small(round(rate * exposure)), key
            checked += found[1] == HIDDEN
    assert checked, "no suppressed breakdown count to attack"


@pytest.mark.slow
def test_a_years_months_give_no_small_count_against_its_total(small_authority):
    _, out, report = small_authority
    chart = pd.read_csv(out / "s_calibration" / "charts" / "entries.csv", parse_dates=["date"])
    months = chart[chart["series"] == "Observed"]
    years = (months["date"].dt.year - (months["date"].dt.month < 4)).map(lambda y: f"{y}-{(y + 1) % 100:02d}")
    for year, total in table(report, "Entries by collection year").items():
        shown = [None if pd.isna(value) else int(value) for value in months.loc[years == year, "p50"]]
        if count(total) is None:
            assert all(value is None for value in shown), year
        else:
            assert [found for found in recoverable(shown, count(total)) if is_small(found[1])] == [], year


def test_a_survival_curve_steps_only_over_five_exits(small_authority):
    data, out, _ = small_authority
    durations, groups = duration_observations(load_care_history(data))
    curves = pd.read_csv(out / "s_calibration" / "charts" / "durations.csv")
    observed = curves[curves["curve"] == "Observed"].dropna()
    assert not observed.empty
    for band, curve in observed.groupby("band"):
        exits = np.sort(durations.years[(durations.group == list(groups).index(band)) & durations.exited])
        steps = curve[curve["share"].diff().fillna(curve["share"] - 1.0) != 0]["years"]
        exits_by = np.searchsorted(exits, np.concatenate([[0.0], steps.to_numpy()]), side="right")
        assert (np.diff(exits_by) >= SMALLEST_SHOWN).all(), band


def test_backtest_scores_come_from_the_shown_months_alone(small_authority):
    _, out, _ = small_authority
    comparison = pd.read_csv(out / "bt" / "comparison.csv")
    scores = pd.read_csv(out / "bt" / "scores.csv").set_index("metric")
    assert comparison["observed"].dropna().map(lambda value: not is_small(value)).all()
    for metric, rows in comparison.groupby("metric"):
        shown = rows.dropna(subset=["observed"])
        assert scores.loc[metric, "months"] == len(shown)
        if len(shown):
            inside = shown["observed"].between(shown["p10"], shown["p90"]).mean()
            assert scores.loc[metric, "coverage"] == pytest.approx(inside, abs=5e-5)


def test_nothing_published_shows_a_count_of_one_to_four_as_a_number(small_authority):
    _, out, _ = small_authority
    for path in Path(out).rglob("*.md"):
        for cells in re.findall(r"\| ([^|\n]*) \| (\d+) \|", path.read_text()):
            if cells[0].strip() in ("year",) or re.match(r"\d{4}-\d\d", cells[0].strip()):
                assert not is_small(int(cells[1])), (path.name, cells)
