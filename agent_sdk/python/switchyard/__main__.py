"""`python3 -m switchyard`: serve a built-in policy, like switchyard-agent."""

import sys

from .cli import main

sys.exit(main())
