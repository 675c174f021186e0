import sys

from ucjamsostek.cli import main

sys.exit(main())
