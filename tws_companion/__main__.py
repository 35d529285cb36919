"""``python -m tws_companion``: the same entry point as the ``tws-companion`` command."""

import sys

from tws_companion.cli import main

sys.exit(main())
