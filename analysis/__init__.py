"""edugap: reproducible gap analysis of Chinese regional education action plans.

Every raw input lives under ``data/raw/`` with a checksummed ``.meta.yaml`` beside it;
every step reads raw files only through :mod:`analysis.snapshot`, which verifies them.
"""

__version__ = "0.1.0"
