"""edugap: reproducible gap analysis of Chinese regional education action plans.

Every raw input lives under ``data/raw/`` with a checksummed ``.meta.yaml`` beside it;
every step reads raw files only through :mod:`analysis.snapshot`, which verifies them.
"""

import sys

__version__ = "0.1.0"

# jsonschema (imported by Great Expectations via altair, by nbformat and nbclient) imports the optional
# rfc3987_syntax whenever it is installed, only to check the "iri" string format, which no schema we
# use asks for; building its grammar costs ~0.9 s at every start. A None entry makes that optional
# import fail at once, exactly as if the package were not installed (jsonschema then skips "iri").
sys.modules.setdefault("rfc3987_syntax", None)
