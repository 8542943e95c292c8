"""User text reaches charts and workbooks as written: '$' never starts mathtext, and a control character is
refused where it is written (and removed, as a last guard, where text leaves for matplotlib and openpyxl)."""

import openpyxl
import pytest

from sim.cli import main
from sim.report.text import printable
from sim.scenario.errors import InputError
from sim.scenario.files import load_scenario
from tests.conftest import SCENARIOS

BASELINE = SCENARIOS / "baseline.yaml"


def test_dollars_and_mathtext_in_user_text_are_drawn_as_written(tmp_path):
    out = tmp_path / "out"
    argv = ["run", str(BASELINE), "--replications", "2", "--set", "horizon_years=1", "--jobs", "1", "--out", str(out),
            "--set", r"title=Costs in $ and $\frac{1}{0}$ $x_1",
            "--set", "area=Surrey $^$", "--set", r"placements.kinship.label=Kin $\sqrt{$", "--set", "description=D $y$"]
    assert main(argv) == 0
    assert (out / "charts" / "annual_cost.png").stat().st_size > 0
    assert "Surrey $^$" in (out / "charts" / "out_of_county.txt").read_text()
    book = openpyxl.load_workbook(out / "pack.xlsx")
    assert any(cell.value == "D $y$" for sheet in book for row in sheet.iter_rows() for cell in row)


@pytest.mark.parametrize("key", ["description", "title", "area", "placements.kinship.label"])
def test_a_control_character_in_user_text_is_refused_naming_the_key(key):
    with pytest.raises(InputError, match=rf"{key}: holds a control character \('\\x07'\); remove it"):
        load_scenario(BASELINE, [f'{key}="bell \\a here"'])


def test_printable_keeps_line_breaks_and_tabs_and_drops_the_rest():
    assert printable("a\tb\nc\x00d\x1be\x9ff") == "a\tb\ncdef"
