"""Uploaded files in a private S3-compatible bucket (django-storages), when S3_BUCKET is set.

Every web instance, worker and beat then reads and deletes the same files; local disk
(MEDIA_ROOT) stays the default for one machine.
"""

from __future__ import annotations

from typing import Any

from storages.backends.s3 import S3Storage


class PrivateS3Storage(S3Storage):
    """A bucket that is never public: no ACL granted, signed URLs only, no overwrites.

    Whatever the options say, an object is written with the bucket's own (private) ACL, a
    URL is always signed and short-lived, and a second upload under a taken name gets a new
    name instead of replacing someone's document.
    """

    def __init__(self, **options: Any) -> None:
        # Signature version 4: what every provider accepts, with an expiry in the URL.
        options.setdefault("signature_version", "s3v4")
        options.update(
            default_acl=None,
            querystring_auth=True,
            file_overwrite=False,
            # Downloads larger than 2 MB spill to a temporary file, not the worker's memory.
            max_memory_size=2 * 1024 * 1024,
            object_parameters={
                **options.get("object_parameters", {}),
                "CacheControl": "private, no-store",
            },
        )
        super().__init__(**options)
