"""Placement location: PL_LOCATION where given, else a postcode-district lookup, else plainly unknown."""

import pandas as pd
import pytest
import synthetic
from ssda903_samples import D2I_SAMPLE, SYNTHETIC_SEED
from tiny_returns import child, episode, write_per_year

from calibration import estimate
from calibration.errors import DataError
from calibration.history import load_care_history
from calibration.location import postcode_district

IFA = {"PLACE": "U4", "PLACE_PROVIDER": "PR4"}


def _write_lookup(path, rows):
    pd.DataFrame(rows, columns=["postcode_district", "authority"]).to_csv(path, index=False)
    return path


@pytest.fixture
def lookup(tmp_path):
    rows = [(district, "Testshire") for district in synthetic.IN_COUNTY_DISTRICTS]
    rows += [(district, "Elsewhere") for district in synthetic.OUT_OF_COUNTY_DISTRICTS]
    return _write_lookup(tmp_path / "lookup.csv", rows)


@pytest.mark.parametrize(
    "postcode, district", [("H8 7NR", "H8"), ("sw1a 1aa", "SW1A"), ("GU215BH", "GU21"), ("ZA1  2AB", "ZA1")]
)
def test_the_district_is_the_outward_code(postcode, district):
    assert postcode_district(pd.Series([postcode])).tolist() == [district]


def test_pl_location_is_used_where_given(tmp_path):
    rows = [episode("C1", "01/05/2017", PL_LOCATION="OUT", **IFA), episode("C2", "01/05/2017", PL_LOCATION="IN", **IFA)]
    write_per_year(tmp_path, {2017: rows}, [child("C1", "01/01/2010"), child("C2", "01/01/2010")])
    history = load_care_history(tmp_path)
    assert history.placements["option"].tolist() == ["ifa_out_of_county", "ifa_in_county"]


def test_the_lookup_compares_each_district_with_the_authority(tmp_path, lookup):
    rows = [
        episode("C1", "01/05/2017", PL_POST="ZA3 1AB", **IFA),
        episode("C2", "01/05/2017", PL_POST="ZB3 1AB", **IFA),
        episode("C3", "01/05/2017", PL_POST="QQ1 1AB", **IFA),
    ]
    write_per_year(tmp_path, {2017: rows}, [child(c, "01/01/2010") for c in ("C1", "C2", "C3")])
    history = load_care_history(tmp_path, postcode_lookup=lookup, authority="testshire")
    assert history.placements["option"].tolist() == ["ifa_in_county", "ifa_out_of_county", "ifa"]
    assert "from the postcode lookup for [c], unknown for [c]" in history.quality.notes[-1]  # 2 and 1, suppressed


def test_with_neither_the_location_is_unknown_and_said_so():
    history = load_care_history(D2I_SAMPLE)
    assert "out-of-county share could not be derived" in history.quality.notes[-1]
    assert not history.placements["option"].str.contains("county").any()


def test_the_lookup_recovers_the_locations_the_return_states(tmp_path, lookup, synthetic_history):
    synthetic.write_return(tmp_path, synthetic.Truth(), SYNTHETIC_SEED, with_location=False)
    looked_up = load_care_history(tmp_path, postcode_lookup=lookup, authority="Testshire")
    assert estimate.placement_mix(looked_up) == estimate.placement_mix(synthetic_history)


def test_a_lookup_needs_the_authority_name(tmp_path, lookup):
    write_per_year(tmp_path, {2017: [episode("C1", "01/05/2017")]}, [child("C1", "01/01/2010")])
    with pytest.raises(DataError, match="lookup.csv: authority: a postcode lookup needs the authority's own name"):
        load_care_history(tmp_path, postcode_lookup=lookup)
    with pytest.raises(DataError, match="no postcode district belongs to 'Surrey'"):
        load_care_history(tmp_path, postcode_lookup=lookup, authority="Surrey")


def test_a_lookup_needs_its_columns(tmp_path):
    write_per_year(tmp_path, {2017: [episode("C1", "01/05/2017")]}, [child("C1", "01/01/2010")])
    bad = tmp_path / "bad.csv"
    pd.DataFrame({"district": ["ZA1"], "authority": ["Testshire"]}).to_csv(bad, index=False)
    with pytest.raises(DataError, match="bad.csv: POSTCODE_DISTRICT: required column missing"):
        load_care_history(tmp_path, postcode_lookup=bad, authority="Testshire")
