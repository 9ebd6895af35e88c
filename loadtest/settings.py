"""Settings of `make load`: production's, with the demo accounts allowed.

The load scenario signs in as seed_demo's accounts (published password and second
factor), which production refuses (security review, finding 1). This module says so
explicitly for the load run on loopback; production never names it.
"""

from mrc.settings import *  # noqa: F403

DEMO_ACCOUNTS_ALLOWED = True

# seed_demo moves a demo case to "documents ready", which needs the worker's ID checked with
# the population register; with DEBUG off the default register answers "unknown" to all,
# and the seed stopped there. The load run's people are all made up: the fake register
# (workers.population.FakeBackend) answers for them, as in development.
ID_VERIFICATION_BACKEND = "workers.population.FakeBackend"
