"""The steady-state check against hand computations, and against the model where the model can reach it."""

import json
import math

import numpy as np
import pytest

from sim.cli import main
from sim.run.steady_state import (
    carer_supply,
    fluid_occupancy,
    long_run_stock,
    steady_state,
)
from tests.conftest import SCENARIOS, run_values
from tests.validation.test_carer_supply import scenario
from tests.validation.test_erlang_loss import confidence_interval

# 50 enquiries a month, 10% apply, 20% withdraw, 90% approved: 50 x 12 x 0.1 x 0.8 x 0.9 = 43.2 approvals a year.
# Assessors: 100 slots / (9 months x (1 - 0.2 / 2)) = 148 a year, 106.7 approved; panel 8 x 12 x 0.9 = 86.4.
FUNNEL = {
    "carers__recruitment": {
        "enquiries_per_month": 50, "enquiry_to_application": 0.1,
        "assessment": {"mean_months": 9, "cv": 0.3, "assessors": 10, "caseload_per_assessor": 10,
                       "withdrawal_probability": 0.2},
        "panel": {"sittings_per_month": 1, "cases_per_sitting": 8, "approval_probability": 0.9},
    },
    "carers__deregistration_rate_per_year": 0.12,
}


def findings(built) -> dict:
    return {finding.measure: finding for finding in steady_state(built)}


def test_the_supply_of_approvals_is_the_least_of_funnel_assessment_and_panel():
    supply = carer_supply(scenario(**FUNNEL, carers__initial_households=150))
    assert supply.funnel == pytest.approx(43.2)
    assert supply.assessment == pytest.approx(100 / (0.75 * 0.9) * 0.72)
    assert supply.panel == pytest.approx(86.4)
    assert supply.approvals == pytest.approx(43.2) and supply.limited_by == "the enquiries"


def test_a_pool_built_to_grow_reports_the_closed_form_equilibrium_and_time_constant():
    pool = findings(scenario(**FUNNEL, carers__initial_households=150))["in_house_households"]
    assert pool.steady_state == pytest.approx(43.2 / 0.12)  # 360 households
    assert pool.ratio == pytest.approx(150 / 360) and pool.warning
    # time constant 1 / 0.12 = 8.3 years: most of the growth (86%) within two, by 2020 + 17
    assert "from 150 to 360 households, most of it by 2037" in pool.text


def test_a_pool_in_balance_reports_a_ratio_of_one_and_no_warning():
    pool = findings(scenario(**FUNNEL, carers__initial_households=360))["in_house_households"]
    assert pool.ratio == pytest.approx(1.0) and not pool.warning
    assert "in balance" in pool.text


def test_the_panel_limits_the_equilibrium_when_it_binds():
    tight = {**FUNNEL, "carers__recruitment": {**FUNNEL["carers__recruitment"],
                                               "panel": {"sittings_per_month": 1, "cases_per_sitting": 2}}}
    supply = carer_supply(scenario(**tight, carers__initial_households=100))
    assert supply.approvals == pytest.approx(24) and supply.limited_by == "the panel"


def test_the_model_pool_moves_towards_the_equilibrium_as_the_closed_form_says():
    """N(t) = N* + (N0 - N*) exp(-t / tau): at 12 years from 150 towards 360 with tau = 8.33 years."""
    built = scenario(**FUNNEL, carers__initial_households=150, horizon_years=12, replications=12)
    households = run_values(built)["in_house_households"][:, -1]
    expected = 360 + (150 - 360) * math.exp(-12 * 0.12)
    low, high = confidence_interval(households)
    assert low - 8 <= expected <= high + 8  # the pipeline's first months lag the closed form by a few households


def test_littles_law_with_the_18th_birthday_cap_matches_a_hand_computation():
    """Exponential stays of mean m from an age uniform on [0, 5): E[min(T, 18 - A)] = m - (m^2 / 5)(e^(-13/m) - e^(-18/m))."""
    m = 6.0
    built = scenario(demand__entries_per_year=100, demand__duration_in_care={"distribution": "exponential",
                                                                              "mean_years": m})
    expected = 100 * (m - m * m / 5 * (math.exp(-13 / m) - math.exp(-18 / m)))
    assert sum(long_run_stock(built).values()) == pytest.approx(expected, rel=2e-3)


def test_the_trend_scales_the_stock_at_the_horizon():
    """With exponential stays of mean m and growth g, the stock after H years is
    lambda (1+g)^H / (1/m + ln(1+g)) when the cap never binds (stays of a month from age 0)."""
    m, g, years = 1 / 12, 0.05, 10
    built = scenario(demand__entries_per_year=1200, demand__trend_per_year=g,
                     demand__duration_in_care={"distribution": "exponential", "mean_years": m})
    expected = 1200 * (1 + g) ** years / (1 / m + math.log(1 + g))
    assert sum(long_run_stock(built, years).values()) == pytest.approx(expected, rel=2e-3)


def test_children_flow_down_their_list_and_options_fill_to_capacity():
    built = scenario(demand__entries_per_year=100, carers__initial_households=30,
                     demand__duration_in_care={"distribution": "exponential", "mean_years": 1.0})
    occupancy = fluid_occupancy(built, long_run_stock(built), carer_supply(built))
    assert occupancy["in_house_fostering"] == pytest.approx(30)  # no recruitment, no leaving: 30 one-place homes
    assert occupancy["out_of_county"] == pytest.approx(sum(long_run_stock(built).values()) - 30)


def test_the_fluid_occupancy_is_near_what_the_model_settles_to_when_options_are_far_from_capacity():
    """Offered 100 children to 30 places: the model's in-house places stay full, the rest go out of county."""
    built = scenario(demand__entries_per_year=100, carers__initial_households=30, horizon_years=4,
                     replications=8, demand__duration_in_care={"distribution": "exponential", "mean_years": 1.0})
    values = run_values(built)
    expected = findings(built)["placed_out_of_county"].steady_state
    assert values["placed_out_of_county"][:, -12:].mean() == pytest.approx(expected, rel=0.08)


def test_the_check_command_warns_about_the_shipped_scenarios_drift_and_exits_zero(capsys):
    assert main(["check", str(SCENARIOS / "baseline.yaml")]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith(str(SCENARIOS / "baseline.yaml"))
    assert all(line.startswith(("warning: ", "  ")) for line in out.splitlines()[1:-1] if line)


def test_the_check_command_refuses_bad_input_with_exit_2(tmp_path, capsys):
    assert main(["check", str(tmp_path / "missing.yaml")]) == 2
    assert main(["check", str(SCENARIOS / "baseline.yaml"), "--set", "carers.initial_households=-1"]) == 2
    errors = capsys.readouterr().err.splitlines()
    assert len(errors) == 2 and "missing.yaml" in errors[0] and "carers.initial_households" in errors[1]


def test_every_run_writes_the_findings_into_its_manifest(tmp_path):
    out = tmp_path / "run"
    assert main(["run", str(SCENARIOS / "baseline.yaml"), "--replications", "2", "--jobs", "1",
                 "--set", "horizon_years=1", "--out", str(out)]) == 0
    written = json.loads((out / "manifest.json").read_text())["steady_state"]
    assert [f["measure"] for f in written][:3] == ["in_house_households", "children_in_care", "placed_out_of_county"]
    assert all(set(f) == {"measure", "start", "steady_state", "ratio", "warning", "text"} for f in written)
    assert np.isfinite([f["ratio"] for f in written]).all()
