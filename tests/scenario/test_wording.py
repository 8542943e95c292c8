"""Levers and figures in plain English."""

import pytest

from sim.scenario.files import load_scenario
from sim.scenario.wording import changes, count, levers, money, month, plain, setting
from tests.conftest import SCENARIOS


def test_campaigns_are_one_sentence_with_every_start():
    option, base = load_scenario(SCENARIOS / "recruitment_campaign.yaml"), load_scenario(SCENARIOS / "baseline.yaml")
    assert changes(option, base) == [
        "Three-month recruitment campaigns tripling enquiries, each costing £40,000, starting September 2020, "
        "March 2021, September 2021, March 2022, September 2022 and March 2023."]


def test_a_changed_figure_says_the_bases_value():
    base = load_scenario(SCENARIOS / "baseline.yaml")
    option = load_scenario(SCENARIOS / "baseline.yaml", ["carers.initial_households=165",
                                                         "placements.in_house_childrens_home.capacity=40"])
    assert set(changes(option, base)) == {"165 in-house foster households at the start (310 in the base).",
                                          "In-house children's homes: 40 places (28 in the base)."}
    assert changes(base, base) == []


def test_each_shipped_lever_reads_as_a_sentence():
    base = load_scenario(SCENARIOS / "baseline.yaml")
    said = {name: changes(load_scenario(SCENARIOS / f"{name}.yaml"), base)
            for name in ("extra_panel", "mockingbird_expansion", "return_to_county")}
    assert said["extra_panel"] == [
        "One extra fostering panel sitting a month for 36 months from April 2021.",
        "From April 2021, 12 assessors (four more assessors for three years); from April 2024, 8 assessors "
        "(the three years end)."]
    assert said["mockingbird_expansion"] == [
        "Six Mockingbird constellations launched: one in October 2020, one in April 2021, one in January 2022, "
        "one in June 2022 and two in January 2023."]
    assert said["return_to_county"] == [
        "Children placed out of county return to county when a place frees, once settled for 6 months, up to four "
        "a month."]
    assert levers(base)[:2] == ["Between 390 and 490 children entering care a year.",
                                "310 in-house foster households at the start."]


def test_a_range_and_a_share_in_words():
    base = load_scenario(SCENARIOS / "baseline.yaml")
    assert setting(base, "mockingbird.breakdown_multiplier") == "mockingbird: breakdown multiplier: 0.6 to 1, most " \
                                                                "likely 0.815"
    assert setting(base, "carers.deregistration_rate_per_year") == "between 10% and 16% of in-house households leaving each year"


@pytest.mark.parametrize("value, expected", [(40_000, "£40,000"), (254_000, "£254k"), (52_340_000, "£52.3m"),
                                             (-1_500_000, "\u2212£1.5m"), (0.2, "£0")])
def test_money(value, expected):
    assert money(value) == expected


def test_names_counts_and_months():
    assert plain("ifa_out_of_county") == "IFA out of county"
    assert plain("in_house_childrens_home") == "In-house children's home"
    assert count(-0.4) == "0" and count(1234.5) == "1,234"
    assert month("2030-03-31") == "March 2030"
