"""edugap: reproducible gap analysis of Chinese regional education action plans.

Every raw input lives under ``data/raw/`` with a checksummed ``.meta.yaml`` beside it;
every step reads raw files only through :mod:`analysis.snapshot`, which verifies them.
"""

from .startup import skip_unused_optional_imports

__version__ = "0.1.0"

skip_unused_optional_imports()  # before anything imports jsonschema: see analysis/startup.py
