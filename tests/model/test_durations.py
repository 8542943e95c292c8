import numpy as np
import pytest

from sim.model.durations import duration_years, residual_years, survival

U = np.random.default_rng(11).random((2, 400_000))


@pytest.mark.parametrize("distribution, cv", [("exponential", 1.0), ("lognormal", 0.6), ("lognormal", 2.0), ("gamma", 0.5)])
def test_mean_and_cv(distribution, cv):
    years = duration_years(distribution, 2.0, cv, U[0])
    assert years.mean() == pytest.approx(2.0, rel=0.02)
    assert years.std() / years.mean() == pytest.approx(cv, rel=0.05 if cv < 2 else 0.2)


@pytest.mark.parametrize("distribution, cv", [("exponential", 1.0), ("lognormal", 0.6), ("gamma", 0.5)])
def test_residual_mean_is_the_renewal_theory_value(distribution, cv):
    # A random moment falls in a stay of mean E[X^2]/E[X]; on average halfway: (1 + cv^2) mean / 2.
    remaining = residual_years(distribution, 2.0, cv, U[0], U[1])
    assert remaining.mean() == pytest.approx((1 + cv * cv) * 2.0 / 2, rel=0.02)


@pytest.mark.parametrize("distribution, cv", [("exponential", 1.0), ("lognormal", 1.3), ("gamma", 0.5)])
def test_survival_is_one_minus_the_distribution_that_duration_years_inverts(distribution, cv):
    u = np.linspace(0.01, 0.99, 25)
    years = duration_years(distribution, 2.4, cv, u)
    assert survival(distribution, 2.4, cv, years) == pytest.approx(1 - u, abs=1e-9)
