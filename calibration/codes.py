"""SSDA903 columns and code lists (DESIGN.md section 8; LS and REC from the DfE 903 guidance)."""

EPISODE_COLUMNS = ("CHILD", "DECOM", "RNE", "LS", "PLACE", "PLACE_PROVIDER", "DEC", "REC", "REASON_PLACE_CHANGE")
HEADER_COLUMNS = ("CHILD", "DOB")

PLACE = frozenset(
    "U1 U2 U3 U4 U5 U6 A3 A4 A5 A6 K1 K2 K3 R1 R2 R3 R5 S1 H5 P1 P2 P3 T0 T1 T2 T3 T4 Z1".split()
)
PLACE_PROVIDER = frozenset("PR0 PR1 PR2 PR3 PR4 PR5".split())
RNE = frozenset("S L P T B U".split())
LS = frozenset("C1 C2 D1 E1 J1 J2 J3 L1 L2 L3 V2 V3 V4".split())
REC = frozenset(
    "X1 E11 E12 E13 E14 E15 E16 E17 E2 E3 E4A E4B E41 E45 E46 E47 E48 E5 E6 E7 E8 E9".split()
)
REASON_PLACE_CHANGE = frozenset("CARPL CLOSE ALLEG STAND APPRR CREQB CREQO CHILD LAREQ PLACE CUSTOD OTHER".split())
PL_LOCATION = frozenset({"IN", "OUT"})

CODE_LISTS = {
    "PLACE": PLACE,
    "PLACE_PROVIDER": PLACE_PROVIDER,
    "RNE": RNE,
    "LS": LS,
    "REC": REC,
    "REASON_PLACE_CHANGE": REASON_PLACE_CHANGE,
    "PL_LOCATION": PL_LOCATION,
}

SHORT_BREAK_LS = frozenset({"V3", "V4"})
CONTINUES_PERIOD_REC = "X1"
STARTED_RNE = "S"  # the episode starts a period of care
NEW_PLACEMENT_RNE = frozenset({"P", "B", "T", "U"})
BREAKDOWN_REASONS = frozenset({"CREQB", "CREQO", "CHILD", "ALLEG", "STAND"})

KINSHIP_PLACES = frozenset({"U1", "U2", "U3"})
STRANGER_FOSTER_PLACES = frozenset({"U4", "U5", "U6"})
FOSTER_PLACES = KINSHIP_PLACES | STRANGER_FOSTER_PLACES
CHILDRENS_HOME_PLACES = frozenset({"K2", "R1"})
# Secure homes and residential schools also mean a child needs a residential rather than a family placement.
RESIDENTIAL_PLACES = CHILDRENS_HOME_PLACES | {"K1", "S1"}
SUPPORTED_ACCOMMODATION_PLACES = frozenset({"H5", "K3", "P2"})
ADOPTION_PLACES = frozenset({"A3", "A4", "A5", "A6"})
WITH_PARENTS_PLACES = frozenset({"P1"})
OWN_AUTHORITY_PROVIDER = "PR1"
INDEPENDENT_PROVIDERS = frozenset({"PR4", "PR5"})
