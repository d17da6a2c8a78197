import sys

from clusterdash.cli import main

sys.exit(main())
