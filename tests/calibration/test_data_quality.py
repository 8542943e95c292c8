"""One small dirty return per data-quality rule: the rule counts the rows and drops or keeps them."""

import pandas as pd
import pytest
from tiny_returns import child, episode, write_per_year

from calibration.codes import CODE_LISTS
from calibration.errors import DataError
from calibration.history import load_care_history
from calibration.quality import parse_dates

GOOD = episode("C1", "01/05/2017", DEC="01/09/2017", REC="E11")


def _load(directory, episodes, children=(child("C1", "01/01/2010"),), drop_columns=()):
    write_per_year(directory, {2017: [GOOD, *episodes]}, list(children), drop_columns)
    return load_care_history(directory)


def _finding(history, rule, column):
    [finding] = [f for f in history.quality.findings if (f.rule, f.column) == (rule, column)]
    return finding


def test_a_clean_return_has_no_findings(tmp_path):
    history = _load(tmp_path, [])
    assert history.quality.findings == ()
    assert history.quality.lines()[0] == "no data-quality problems found"


@pytest.mark.parametrize("table, column", [("episodes", "DECOM"), ("episodes", "REASON_PLACE_CHANGE"), ("header", "DOB")])
def test_a_missing_required_column_is_fatal_naming_file_and_column(tmp_path, table, column):
    episodes = [GOOD] if table == "header" else [{k: v for k, v in GOOD.items() if k != column}]
    children = [{k: v for k, v in child("C1", "01/01/2010").items() if not (table == "header" and k == column)}]
    write_per_year(tmp_path, {2017: episodes}, children)
    with pytest.raises(DataError, match=f"2017-{table}.csv: {column}: required column missing") as error:
        load_care_history(tmp_path)
    assert isinstance(error.value, ValueError) and "\n" not in str(error.value)


@pytest.mark.parametrize("column, rule", [("CHILD", "no child identifier"), ("DECOM", "missing value")])
def test_rows_missing_a_child_or_start_date_are_dropped(tmp_path, column, rule):
    history = _load(tmp_path, [{**episode("C1", "01/10/2017"), column: ""}])
    finding = _finding(history, rule, column)
    assert (finding.rows_affected, finding.rows_dropped) == (1, 1)


@pytest.mark.parametrize("column, bad", [("DECOM", "31/02/2017"), ("DEC", "soon")])
def test_episodes_with_unparseable_dates_are_dropped(tmp_path, column, bad):
    history = _load(tmp_path, [{**episode("C1", "01/10/2017", DEC="01/11/2017", REC="E11"), column: bad}])
    finding = _finding(history, "unparseable date", column)
    assert (finding.rows_affected, finding.rows_dropped) == (1, 1)
    assert len(history.periods) == 1


def test_a_child_with_an_unparseable_birth_date_loses_its_episodes(tmp_path):
    children = [child("C1", "01/01/2010"), child("C2", "1 Jan 2010")]
    history = _load(tmp_path, [episode("C2", "01/06/2017")], children)
    assert _finding(history, "unparseable date", "DOB").rows_dropped == 1
    assert _finding(history, "child's date of birth missing or unreadable in the header", "CHILD").rows_dropped == 1


def test_episodes_of_a_child_missing_from_the_header_are_dropped(tmp_path):
    history = _load(tmp_path, [episode("C2", "01/06/2017"), episode("C2", "01/07/2017", RNE="P")])
    assert _finding(history, "child not in the header", "CHILD").rows_dropped == 2
    assert set(history.periods["child"]) == {"C1"}


def test_an_episode_ending_before_it_starts_is_dropped(tmp_path):
    history = _load(tmp_path, [episode("C1", "01/10/2017", DEC="01/08/2017", REC="E11")])
    finding = _finding(history, "DEC before DECOM", "DEC")
    assert (finding.rows_affected, finding.rows_dropped) == (1, 1)


def test_overlapping_episodes_are_kept_and_made_consecutive(tmp_path):
    first = episode("C1", "01/05/2017", DEC="01/10/2017", REC="E11")
    second = episode("C1", "01/09/2017", RNE="P", DEC="01/12/2017", REC="E11")
    write_per_year(tmp_path, {2017: [first, second]}, [child("C1", "01/01/2010")])
    history = load_care_history(tmp_path)
    finding = _finding(history, "overlapping episodes (DfE rule 501)", "DEC")
    assert (finding.rows_affected, finding.rows_dropped) == (1, 0)
    assert len(history.periods) == 1 and history.placements["end"].iloc[0].strftime("%d/%m/%Y") == "01/09/2017"


@pytest.mark.parametrize("column", sorted(CODE_LISTS))
def test_unknown_codes_are_counted_and_kept(tmp_path, column):
    history = _load(tmp_path, [episode("C1", "01/10/2017", **{"PL_LOCATION": "IN", column: "ZZ9"})])
    finding = _finding(history, "unknown code", column)
    assert (finding.rows_affected, finding.rows_dropped) == (1, 0)
    assert history.placements["start"].dt.month.tolist() == [5, 10]


def test_nothing_usable_left_is_a_data_error(tmp_path):
    write_per_year(tmp_path, {2017: [episode("C9", "01/05/2017")]}, [child("C1", "01/01/2010")])
    with pytest.raises(DataError, match="no usable care episodes"):
        load_care_history(tmp_path)


def test_an_episode_before_birth_or_from_18_is_dropped(tmp_path):
    children = [child("C1", "01/01/2010"), child("C2", "01/06/2018"), child("C3", "01/01/1999")]
    history = _load(tmp_path, [episode("C2", "01/06/2017"), episode("C3", "01/06/2017")], children)
    assert _finding(history, "episode starts before the child's date of birth", "DECOM").rows_dropped == 1
    assert _finding(history, "episode starts at 18 or over (DfE rule 352)", "DECOM").rows_dropped == 1
    assert set(history.periods["child"]) == {"C1"}


def test_a_first_episode_that_does_not_start_care_is_counted_and_kept(tmp_path):
    history = _load(tmp_path, [episode("C2", "01/06/2017", RNE="P")], [child("C1", "01/01/2010"),
                                                                       child("C2", "01/01/2010")])
    finding = _finding(history, "first episode does not start care (RNE S; DfE rule 357)", "RNE")
    assert (finding.rows_affected, finding.rows_dropped) == (1, 0) and set(history.periods["child"]) == {"C1", "C2"}


def test_dates_outside_the_returns_collection_year(tmp_path):
    beyond = episode("C1", "01/10/2017", DEC="01/06/2019", REC="E11")
    history = _load(tmp_path, [beyond, episode("C1", "01/01/2019", RNE="P")])
    ends = _finding(history, "episode ends after its return's collection year", "DEC")
    assert (ends.rows_affected, ends.rows_dropped) == (1, 0)
    assert _finding(history, "episode starts after its return's collection year", "DECOM").rows_dropped == 1
    assert history.periods["observed_until"].max() == pd.Timestamp("2018-03-31")


def test_header_children_listed_twice_or_with_two_birth_dates(tmp_path):
    children = [child("C1", "01/01/2010"), child("C1", "02/01/2010"), child("C2", "01/01/2011")]
    history = _load(tmp_path, [], children)
    assert _finding(history, "child listed twice in one return's header", "CHILD").rows_affected == 1
    assert _finding(history, "child given different dates of birth", "DOB").rows_affected == 2


def test_dates_written_with_a_midnight_time_are_read(tmp_path):
    history = _load(tmp_path, [episode("C1", "01/10/2017 00:00", DEC="2017-11-01T00:00:00", REC="E11")])
    assert history.placements["start"].dt.month.tolist() == [5, 10] and history.quality.findings == ()


def test_parse_dates_reads_any_column_and_leaves_the_rest_missing():
    mixed = pd.Series([pd.Timestamp("2020-01-02"), "03/02/2020", "2020-02-04 00:00:00", 44000, None, "soon"])
    assert parse_dates(mixed).dt.strftime("%Y-%m-%d").fillna("-").tolist() == [
        "2020-01-02", "2020-02-03", "2020-02-04", "-", "-", "-"]


def test_every_file_of_the_directory_is_read_or_named_with_why(tmp_path):
    write_per_year(tmp_path, {2017: [GOOD], 2019: [episode("C1", "01/05/2019")]}, [child("C1", "01/01/2010")])
    (tmp_path / "episodes_2018.csv").write_text("CHILD\n")
    (tmp_path / "2018-Episodes.csv").write_text("CHILD\n")
    (tmp_path / "2018-header.csv").write_text("CHILD\n")
    (tmp_path / "2018.xlsx").write_bytes(b"PK")
    (tmp_path / "old").mkdir()
    notes = " ".join(load_care_history(tmp_path).quality.notes)
    assert ("Files read: 2017-episodes.csv, 2017-header.csv, 2019-episodes.csv, 2019-header.csv. Not read: "
            "2018-Episodes.csv (not named YYYY-episodes.csv or YYYY-header.csv); 2018-header.csv (no "
            "2018-episodes.csv beside it); 2018.xlsx (a spreadsheet: save each table as CSV named as the layout "
            "expects); episodes_2018.csv (not named YYYY-episodes.csv or YYYY-header.csv); old (a directory).") in notes
    assert "No episodes for collection year labelled 2018" in notes


def test_a_table_that_is_a_directory_is_a_one_line_error(tmp_path):
    write_per_year(tmp_path, {2017: [GOOD]}, [child("C1", "01/01/2010")])
    (tmp_path / "2017-header.csv").unlink()
    (tmp_path / "2017-header.csv").mkdir()
    with pytest.raises(DataError, match=r"2017-header.csv: is a directory, not a file$"):
        load_care_history(tmp_path)


def test_a_header_without_any_birth_date_says_why_nothing_is_left(tmp_path):
    with pytest.raises(DataError, match=r"no usable care episodes after the data-quality checks \(most rows "
                                        r"dropped, 1: header DOB: missing value\)$"):
        _load(tmp_path, [], [child("C1", "")])
