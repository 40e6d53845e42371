"""``python -m hpint`` runs the command line."""

import sys

from hpint.cli import main

sys.exit(main())
