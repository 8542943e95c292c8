"""One small dirty return per data-quality rule: the rule counts the rows and drops or keeps them."""

import pytest
from tiny_returns import child, episode, write_per_year

from calibration.codes import CODE_LISTS
from calibration.errors import DataError
from calibration.history import load_care_history

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


@pytest.mark.parametrize("column", ["CHILD", "DECOM"])
def test_rows_missing_a_child_or_start_date_are_dropped(tmp_path, column):
    history = _load(tmp_path, [{**episode("C1", "01/10/2017"), column: ""}])
    finding = _finding(history, "missing value", column)
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
    assert _finding(history, "child has no date of birth in the header", "CHILD").rows_dropped == 1


def test_episodes_of_a_child_missing_from_the_header_are_dropped(tmp_path):
    history = _load(tmp_path, [episode("C2", "01/06/2017"), episode("C2", "01/07/2017", RNE="P")])
    assert _finding(history, "child has no date of birth in the header", "CHILD").rows_dropped == 2
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
    finding = _finding(history, "overlapping episodes", "DEC")
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
