"""The one reader of every file: what it refuses (one line naming the file) and what it reads."""

import codecs
import os
import time

import pytest

from sim.scenario.errors import InputError
from sim.scenario.files import load_scenario
from sim.scenario.reading import MAX_YAML_BYTES, read_csv, read_text, read_yaml
from tests.conftest import SCENARIOS

BASELINE = (SCENARIOS / "baseline.yaml").read_text(encoding="utf-8")
BASELINE_PATH = SCENARIOS / "baseline.yaml"


def refused(path, reader=read_yaml) -> str:
    with pytest.raises(InputError) as raised:
        reader(path)
    message = str(raised.value)
    assert "\n" not in message and len(message.replace(str(path), "")) < 200, message  # short beyond the file's name
    assert str(path) in message
    return message


@pytest.mark.parametrize("encoding, mark", [
    ("utf-8", b""), ("utf-8", codecs.BOM_UTF8), ("utf-16-le", codecs.BOM_UTF16_LE),
    ("utf-16-be", codecs.BOM_UTF16_BE), ("utf-16-le", b""), ("utf-32-le", codecs.BOM_UTF32_LE), ("cp1252", b""),
])
def test_text_is_read_in_the_encodings_councils_save(tmp_path, encoding, mark):
    path = tmp_path / "scenario.yaml"
    path.write_bytes(mark + BASELINE.replace("Surrey-scale county", "Côte £ county").encode(encoding))
    scenario = load_scenario(path)
    assert scenario.area == "Côte £ county"
    assert scenario.demand.entries_per_year == load_scenario(BASELINE_PATH).demand.entries_per_year


def test_binary_data_is_refused_naming_what_was_tried(tmp_path):
    path = tmp_path / "junk.yaml"
    path.write_bytes(bytes(range(1, 256)) * 4)
    assert "binary data, not a text file" in refused(path)


def test_bytes_that_are_neither_utf8_nor_windows_1252_are_refused(tmp_path):
    path = tmp_path / "latin.yaml"
    path.write_bytes(b"name: caf\x81\n")  # 0x81 is unassigned in Windows-1252
    assert "neither UTF-8 nor Windows-1252" in refused(path)


def test_a_directory_a_device_and_a_fifo_are_not_files(tmp_path):
    assert "is a directory" in refused(tmp_path)
    assert "is a device" in refused("/dev/zero")
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    started = time.monotonic()
    assert "is a pipe" in refused(fifo)
    assert time.monotonic() - started < 1


def test_a_symlink_loop_is_refused(tmp_path):
    os.symlink(tmp_path / "b.yaml", tmp_path / "a.yaml")
    os.symlink(tmp_path / "a.yaml", tmp_path / "b.yaml")
    assert "symlink loop" in refused(tmp_path / "a.yaml")


def test_a_file_over_the_size_limit_is_refused(tmp_path):
    path = tmp_path / "huge.yaml"
    path.write_text("# padding\n" * (MAX_YAML_BYTES // 10 + 1))
    assert "larger than the limit of 1 MB" in refused(path)


def test_a_name_too_long_for_the_file_system(tmp_path):
    assert "too long" in refused(tmp_path / ("x" * 300 + ".yaml"))


def test_duplicate_keys_are_refused_naming_the_key_and_both_lines(tmp_path):
    path = tmp_path / "twice.yaml"
    path.write_text("name: a\ndemand:\n  entries_per_year: 420\n  entries_per_year: 500\n")
    assert "entries_per_year: given twice, on lines 3 and 4" in refused(path)
    flow = tmp_path / "flow.yaml"
    flow.write_text("age_mix: {a: 1, a: 2}\n")
    assert "a: given twice, on lines 1 and 1" in refused(flow)


def test_an_alias_bomb_is_refused_at_once_without_echoing_it(tmp_path):
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]" for i in range(8)]
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\n")
    assert path.stat().st_size < 1024
    started = time.monotonic()
    message = refused(path)
    assert time.monotonic() - started < 0.5
    assert "expands to more than 100,000 values" in message and "lol" not in message


def test_a_recursive_alias_and_deep_nesting_are_refused(tmp_path):
    path = tmp_path / "loop.yaml"
    path.write_text("a: &a [1, *a]\n")
    assert "refers to the anchor it is inside" in refused(path)
    deep = tmp_path / "deep.yaml"
    deep.write_text("a: " + "[" * 2000 + "]" * 2000 + "\n")
    assert "nested" in refused(deep)


def test_python_and_unknown_tags_are_refused(tmp_path):
    path = tmp_path / "tag.yaml"
    path.write_text("name: !!python/object/apply:os.system ['echo hi']\n")
    assert "the tag !!python/object/apply:os.system is not allowed" in refused(path)


def test_an_impossible_date_names_its_key(tmp_path):
    path = tmp_path / "date.yaml"
    path.write_text(BASELINE.replace("start_date: 2020-04-01", "start_date: 2020-13-01"))
    message = refused(path, load_scenario)
    assert "date.yaml: start_date: expected a date such as 2021-04-01, got '2020-13-01'" in message


def test_empty_and_non_mapping_files(tmp_path):
    empty = tmp_path / "empty.yaml"
    empty.write_text("# nothing\n")
    assert "is empty" in refused(empty)
    listed = tmp_path / "list.yaml"
    listed.write_text("- a\n- b\n")
    assert "at the top level, got a list" in refused(listed)


def test_echoed_input_is_short(tmp_path):
    path = tmp_path / "long.yaml"
    path.write_text(BASELINE.replace("entries_per_year: {low: 390, central: 440, high: 490}", "entries_per_year: " + "x" * 5000))
    message = refused(path, load_scenario)
    assert "expected a number (got 'xxxx" in message and len(message) < 300


def test_read_text_and_read_csv_name_the_file(tmp_path):
    table = tmp_path / "t.csv"
    table.write_bytes(codecs.BOM_UTF8 + "A,B\n1,\n".encode())
    frame = read_csv(table)
    assert list(frame.columns) == ["A", "B"] and frame["A"][0] == "1" and frame["B"].isna().all()
    assert read_text(table).startswith("A,B")
    empty = tmp_path / "e.csv"
    empty.write_text("")
    assert "not a readable CSV table" in refused(empty, read_csv)
