"""``python -m prehab`` runs the same command as the ``prehab`` script."""

import sys

from prehab.cli import main

sys.exit(main())
