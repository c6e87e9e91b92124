"""``python -m analysis.assess``: the assessment step (same as ``edugap assess``)."""

import sys

from .step import main

sys.exit(main())
