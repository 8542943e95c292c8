import numpy as np
import pandas as pd
import pytest

from sim.charts import band_chart, out_of_county_chart, write_chart

DATES = pd.date_range("2020-04-30", periods=36, freq="ME").strftime("%Y-%m-%d")


def summary(start: float, end: float, metric: str = "placed_out_of_county") -> pd.DataFrame:
    p50 = np.linspace(start, end, len(DATES))
    other = pd.DataFrame({"date": DATES, "metric": "children_in_care", "mean": 1.0,
                          "p10": 1.0, "p50": 1.0, "p90": 1.0})
    wanted = pd.DataFrame({"date": DATES, "metric": metric, "mean": p50,
                           "p10": p50 * 0.9, "p50": p50, "p90": p50 * 1.1})
    return pd.concat([other, wanted], ignore_index=True)


def comparison(n: int):
    return band_chart(
        {f"Scenario {i}": summary(400, 300 + 10 * i) for i in range(n)},
        "placed_out_of_county",
        title="Every lever brings children back into county",
        measure="Children placed out of county at month end",
        area="Test county",
        replications=20,
        y_label="Children",
    )


def test_csv_holds_exactly_the_plotted_values(tmp_path):
    spec = comparison(2)
    write_chart(spec, tmp_path)
    written = pd.read_csv(tmp_path / "placed_out_of_county.csv")
    assert list(written.columns) == ["series", "date", "p10", "p50", "p90"]
    for i in range(2):
        source = summary(400, 300 + 10 * i).query("metric == 'placed_out_of_county'")
        rows = written[written["series"] == f"Scenario {i}"]
        assert rows["date"].tolist() == source["date"].tolist()
        for column in ["p10", "p50", "p90"]:
            assert rows[column].tolist() == source[column].tolist()


@pytest.mark.parametrize("n", [1, 5])
def test_writing_twice_gives_identical_bytes(tmp_path, n):
    spec = comparison(n)
    first = write_chart(spec, tmp_path / "first")
    second = write_chart(spec, tmp_path / "second")
    assert [p.suffix for p in first] == [".png", ".svg", ".csv", ".txt"]
    for a, b in zip(first, second):
        assert a.read_bytes() == b.read_bytes(), a.name


@pytest.mark.parametrize("n, axes", [(4, 1), (5, 5)])
def test_more_than_four_series_become_small_multiples(tmp_path, n, axes):
    write_chart(comparison(n), tmp_path)
    assert (tmp_path / "placed_out_of_county.svg").read_text().count('<g id="axes_') == axes


@pytest.mark.parametrize("start, end, phrase", [
    (498, 430, "projected to fall from 498 to 430 by March 2023"),
    (300, 350, "projected to rise from 300 to 350 by March 2023"),
    (300, 305, "projected to stay around 300 to March 2023"),
])
def test_title_states_the_direction(start, end, phrase):
    spec = out_of_county_chart(summary(start, end), "baseline", "Test county", 20)
    assert spec.title == f"Children placed out of county are {phrase}"


def test_alt_text_names_start_and_end_medians(tmp_path):
    spec = out_of_county_chart(summary(1498, 1430), "baseline", "Test county", 20)
    write_chart(spec, tmp_path)
    alt = (tmp_path / "out_of_county.txt").read_text()
    assert spec.title in alt
    assert "1,498 in April 2020" in alt and "1,430 in March 2023" in alt
    assert "\n" not in alt.strip()


def test_subtitle_states_area_period_and_band():
    spec = out_of_county_chart(summary(498, 430), "baseline", "Test county", 20)
    assert spec.subtitle == (
        "Children placed out of county at month end, Test county, baseline scenario, "
        "Apr 2020 to Mar 2023. Line: median of 20 runs; band: 10th to 90th percentile."
    )
