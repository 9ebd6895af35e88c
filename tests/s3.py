"""A real S3-compatible server (moto's server mode) on loopback, for the storage tests."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


CREDENTIALS = {"access_key": "test-key", "secret_key": "test-secret"}


def s3_options(endpoint: str, bucket: str) -> dict[str, Any]:
    """The STORAGES entry settings.py builds from S3_BUCKET and S3_ENDPOINT_URL."""
    return {
        "BACKEND": "mrc.storage.PrivateS3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint,
            "region_name": "us-east-1",
            "addressing_style": "path",
            "querystring_expire": 60,
            **CREDENTIALS,
        },
    }


def client(endpoint: str) -> Any:
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=CREDENTIALS["access_key"],
        aws_secret_access_key=CREDENTIALS["secret_key"],
    )


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """moto_server in this process, on 127.0.0.1 and a free port, for the whole session."""
    import logging

    from moto.server import ThreadedMotoServer

    # One line per S3 request drowns a failing test's own output.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_endpoint, settings, request) -> Iterator[str]:
    """A fresh bucket, made the portal's default storage for this test."""
    name = "mrc-" + str(abs(hash(request.node.nodeid)) % 10**10)
    s3 = client(s3_endpoint)
    s3.create_bucket(Bucket=name)
    settings.STORAGES = {**settings.STORAGES, "default": s3_options(s3_endpoint, name)}
    yield name
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=name):
        for item in page.get("Versions", []) + page.get("DeleteMarkers", []):
            s3.delete_object(Bucket=name, Key=item["Key"], VersionId=item["VersionId"])
    s3.delete_bucket(Bucket=name)
