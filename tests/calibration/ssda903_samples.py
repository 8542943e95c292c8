"""Where the test returns are: the two public samples (see fixtures/PROVENANCE.md) and the synthetic seed."""

from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
D2I_SAMPLE = FIXTURES / "d2i-sample"
SF_SAMPLE = FIXTURES / "sf-regional-sample"
SF_AUTHORITIES = ("Bromley", "Hillingdon", "Southwark")
SYNTHETIC_SEED = 20200128
