"""Hypothesis strategies: small, valid scenarios that exercise capacity limits, census and matching."""

from hypothesis import strategies as st

from sim.model.ages import AGE_BANDS
from sim.scenario.files import validate_raw


def _mix(draw, keys):
    weights = [draw(st.integers(0, 4)) for _ in keys]
    if not any(weights):
        weights[0] = 1
    return {key: weight / sum(weights) for key, weight in zip(keys, weights)}


@st.composite
def scenarios(draw):
    capacity = draw(st.integers(0, 15))
    census_ifa = draw(st.integers(0, capacity))
    households = draw(st.integers(0, 20))
    census_in_house = draw(st.integers(0, households))
    raw = {
        "name": "generated",
        "start_date": "2021-04-01",
        "horizon_years": draw(st.sampled_from([1, 2, 3])),
        "replications": 1,
        "seed": draw(st.integers(0, 2**32)),
        "demand": {
            "entries_per_year": draw(st.integers(0, 120)),
            "trend_per_year": draw(st.sampled_from([0.0, 0.1, -0.2])),
            "seasonality": {"amplitude": draw(st.sampled_from([0.0, 0.3])), "peak_month": 9},
            "age_mix": _mix(draw, AGE_BANDS),
            "duration_in_care": {
                "distribution": draw(st.sampled_from(["exponential", "lognormal", "gamma"])),
                "mean_years": draw(st.floats(0.1, 4.0)),
                "cv": 1.0,
            },
            "residential_share": draw(st.sampled_from([0.0, 0.2])),
            "kinship_share": draw(st.sampled_from([0.0, 0.3])),
            "sibling_groups": draw(st.sampled_from([{1: 1.0}, {1: 0.5, 2: 0.3, 4: 0.2}, {3: 1.0}])),
            "uasc": draw(st.sampled_from([None, {
                "entries_per_year": 15, "age_mix": {"11-15": 0.2, "16-17": 0.8},
                "duration_in_care": {"distribution": "exponential", "mean_years": 1.0},
                "matching": ["ifa_in_county", "in_house_fostering", "ifa_out_of_county"]}])),
        },
        "initial_state": {
            "children_in_care": {
                "in_house_fostering": {"0-4": census_in_house},
                "ifa_in_county": {"5-10": census_ifa},
                "home": {"11-15": draw(st.integers(0, 10))},
            },
            "in_house_vacancies": draw(st.sampled_from([None, households - census_in_house])),
        },
        "placements": {
            "in_house_fostering": {"location": "in_county", "weekly_cost": 600},
            "ifa_in_county": {"location": "in_county", "capacity": capacity, "weekly_cost": 800},
            "ifa_out_of_county": {"location": "out_of_county", "capacity": "unlimited", "weekly_cost": 850},
            "kin": {"location": "in_county", "capacity": "unlimited", "weekly_cost": 300},
            "home": {"location": "out_of_county", "capacity": "unlimited", "weekly_cost": 4000},
        },
        "matching": {
            "family": ["in_house_fostering", "ifa_in_county", "ifa_out_of_county"],
            "residential": ["home"],
            "kinship": ["kin"],
            "siblings": draw(st.sampled_from(["together_first", "together_only", "separate"])),
            "emergency": {"in_house_probability": draw(st.sampled_from([1.0, 0.25, 0.0]))},
        },
        "carers": {
            "initial_households": households,
            "places_per_household": _mix(draw, [1, 2, 3]),
            "age_range_mix": _mix(draw, ["0-17", "0-4", "11-17"]),
            "approval_mix": _mix(draw, ["short_term", "long_term", "emergency"]),
            "sibling_carers_share": draw(st.sampled_from([0.0, 0.5, 1.0])),
            "fit_probability": draw(st.sampled_from([1.0, 0.3])),
            "gap_between_placements_days": draw(st.sampled_from([0.0, 20.0])),
            "deregistration_rate_per_year": draw(st.sampled_from([0.0, 0.3])),
            "leaving": {"with_children_multiplier": draw(st.sampled_from([1.0, 0.5, 0.0])),
                        "without_children_multiplier": 2.0, "by_carer_age": {"60-99": 3.0}},
            "ages": {"at_start": {"40-69": 1.0}, "at_approval": {"30-49": 1.0}},
            "after_breakdown": {"deregistration_multiplier": 3.0, "months": 6,
                                "break_probability": draw(st.sampled_from([0.0, 0.5])), "break_months": 2},
            "recruitment": {
                "enquiries_per_month": draw(st.sampled_from([0, 20])),
                "enquiry_to_application": 0.3,
                "campaigns": [{"start_date": "2021-06-01", "months": 3, "enquiry_multiplier": 2.0, "cost": 100}],
                "assessment": {"mean_months": 3, "assessors": 1, "caseload_per_assessor": 2,
                               "withdrawal_probability": 0.3},
                "panel": {"sittings_per_month": 1, "cases_per_sitting": 2, "approval_probability": 0.9,
                          "decision_delay_days": 10,
                          "extra_sittings": [{"start_date": "2022-01-01", "months": 2, "sittings_per_month": 1}],
                          "cost_per_extra_sitting": 50},
            },
        },
        "breakdowns": {"rate_per_year": {
            "in_house_fostering": draw(st.sampled_from([0.0, 0.5, 2.0])),
            "ifa_in_county": {"0-4": 0.1, "5-10": 0.5, "11-15": 1.0, "16-17": 0.0},
            "home": 0.5,
        }, "step_up_probability": draw(st.sampled_from([0.0, 0.5]))},
        "mockingbird": {
            "constellations": [{"start_date": "2021-04-01", "count": draw(st.integers(0, 2)) or 1}]
            if draw(st.booleans()) else [],
            "satellites_per_hub": draw(st.integers(1, 4)),
            "breakdown_multiplier": {"low": 0.5, "central": 0.5, "high": 1.0},
            "deregistration_multiplier": {"low": 0.5, "central": 0.5, "high": 1.0},
            "annual_cost_per_constellation": 1000,
            "short_break_multiplier": 0.7,
            "hub_sleepover_beds": draw(st.integers(0, 3)),
        },
        "step_down": {"enabled": draw(st.booleans()), "min_months_in_placement": 2,
                      "max_moves_per_month": draw(st.integers(0, 3)),
                      "residential_to_family": draw(st.sampled_from([
                          None, {"months": 2, "share": 0.5, "monthly_limit": 2}]))},
    }
    return validate_raw(raw, "generated")
