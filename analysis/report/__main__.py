"""``python -m analysis.report``: render the report (same as ``edugap report``)."""

import sys

from .render import main

sys.exit(main())
