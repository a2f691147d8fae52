"""``python -m prehab`` runs the same command as the ``prehab`` script."""

from prehab.cli import run

run()
