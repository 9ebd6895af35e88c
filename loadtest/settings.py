"""Settings of `make load`: production's, with the demo accounts allowed.

The load scenario signs in as seed_demo's accounts (published password and second
factor), which production refuses (security review, finding 1). This module says so
explicitly for the load run on loopback; production never names it.
"""

from mrc.settings import *  # noqa: F403

DEMO_ACCOUNTS_ALLOWED = True
