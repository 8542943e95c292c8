import matplotlib.dates as mdates
import numpy as np
import pandas as pd
import pytest

from sim.report.charts import BarSpec, band_chart, draw, trend_title, write_chart

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


@pytest.mark.parametrize("n, axes", [(2, 1), (3, 3), (5, 5)])
def test_more_than_two_series_become_small_multiples(tmp_path, n, axes):
    write_chart(comparison(n), tmp_path)
    assert (tmp_path / "placed_out_of_county.svg").read_text().count('<g id="axes_') == axes


def out_of_county(start: float, end: float):
    frame = summary(start, end).query("metric == 'placed_out_of_county'")
    return band_chart(
        {"baseline": summary(start, end)},
        "placed_out_of_county",
        title=trend_title("Children placed out of county", frame["p50"].iloc[0], frame["p50"].iloc[-1], "March 2023"),
        measure="Children placed out of county at month end",
        area="Test county",
        replications=20,
        y_label="Children",
        stem="out_of_county",
    )


@pytest.mark.parametrize("start, end, phrase", [
    (498, 430, "projected to fall from 498 to 430 by March 2023"),
    (300, 350, "projected to rise from 300 to 350 by March 2023"),
    (300, 305, "projected to stay around 300 to March 2023"),
])
def test_title_states_the_direction(start, end, phrase):
    assert out_of_county(start, end).title == f"Children placed out of county are {phrase}"


def test_alt_text_names_start_and_end_medians(tmp_path):
    spec = out_of_county(1498, 1430)
    write_chart(spec, tmp_path)
    alt = (tmp_path / "out_of_county.txt").read_text()
    assert spec.title in alt
    assert "1,498 in April 2020" in alt and "1,430 in March 2023" in alt
    assert "\n" not in alt.strip()


def test_subtitle_states_area_period_and_band():
    assert out_of_county(498, 430).subtitle == (
        "Children placed out of county at month end, Test county, baseline scenario, "
        "April 2020 to March 2023. Line: median of 20 runs; band: 10th to 90th percentile."
    )


def test_negative_values_extend_the_axis_below_zero():
    frame = summary(400, 300).query("metric == 'placed_out_of_county'").assign(p10=lambda f: f["p50"] - 450)
    spec = band_chart({"a": frame}, "placed_out_of_county", title="t", measure="m", area="x",
                      replications=3, y_label="y")
    bottom, top = draw(spec).axes[0].get_ylim()
    assert bottom <= frame["p10"].min() < 0 and top >= frame["p90"].max()


def bars(panels: int, segments: int) -> BarSpec:
    rows = [(f"Scenario {p}", f"{2020 + c}", f"Type {s}", 1.0 + p + c + s)
            for p in range(panels) for c in range(3) for s in range(segments)]
    return BarSpec(stem="bars", title="Bars", subtitle="Sub", source="Test", y_label="£ million",
                   bars=pd.DataFrame(rows, columns=["series", "category", "segment", "value"]))


@pytest.mark.parametrize("panels, segments", [(1, 1), (1, 3), (3, 2)])
def test_bar_heights_are_the_csv_values(tmp_path, panels, segments):
    spec = bars(panels, segments)
    write_chart(spec, tmp_path)
    written = pd.read_csv(tmp_path / "bars.csv", dtype={"category": str})
    pd.testing.assert_frame_equal(written, spec.bars)
    fig = draw(spec)
    assert len(fig.axes) == panels
    for ax, (_, rows) in zip(fig.axes, written.groupby("series", sort=False)):
        heights = [patch.get_height() for patch in ax.patches]
        by_segment = rows.pivot(index="category", columns="segment", values="value")
        assert heights == by_segment.to_numpy().T.ravel().tolist()


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize("n", [1, 3])
def test_a_run_of_one_month_is_drawn_as_points_around_its_month_end_without_a_warning(n):
    frame = summary(400, 300).query("metric == 'placed_out_of_county'").head(1)
    spec = band_chart({f"s{i}": frame for i in range(n)}, "placed_out_of_county", title="t", measure="m",
                      area="x", replications=3, y_label="y")
    month_end = mdates.date2num(pd.Timestamp(DATES[0]))
    for ax in draw(spec).axes:
        left, right = ax.get_xlim()
        assert 28 <= month_end - left <= 31 and 28 <= right - month_end <= 31
        medians = [line for line in ax.get_lines() if len(line.get_xdata()) == 1]
        assert medians and all(line.get_marker() == "o" for line in medians)
