"""Fixtures of the deployment tests: a real S3-compatible server on loopback, and the
abuse-limit tests' stopped clock and fee-check fixtures."""

from tests.gateway import (
    esms,  # noqa: F401
    gateway,  # noqa: F401
)
from tests.s3 import bucket, s3_endpoint  # noqa: F401 - fixtures
from tests.security.test_abuse_limits import few_fee_checks, later, programme  # noqa: F401
