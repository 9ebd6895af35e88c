"""Fixtures of the deployment tests: a real S3-compatible server on loopback."""

from tests.s3 import bucket, s3_endpoint  # noqa: F401 - fixtures
