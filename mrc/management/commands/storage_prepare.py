"""`manage.py storage_prepare`: make the uploads bucket private, versioned and self-cleaning.

Run once per bucket (the compose `migrate` step runs it; it is safe to run again). It
creates the bucket when missing, blocks every form of public access, turns versioning on
where the provider has it (a deleted or overwritten document can be brought back), and
expires old versions after S3_NONCURRENT_DAYS so that an erased worker's files are gone
from the bucket's history too. With --import-media it copies the files a portal kept on
disk until now into the bucket, under the same names, so their rows still find them.
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError
from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage, storages
from django.core.management.base import BaseCommand, CommandError, CommandParser
from storages.backends.s3 import S3Storage

from mrc.env import env_int
from mrc.storage import walk


class Command(BaseCommand):
    help = "Create the uploads bucket if needed: private, versioned, old versions expiring."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--noncurrent-days",
            type=int,
            default=env_int("S3_NONCURRENT_DAYS", 30),
            help="days an overwritten or deleted file's old version is kept (default 30)",
        )
        parser.add_argument(
            "--import-media",
            action="store_true",
            help="copy the files already under MEDIA_ROOT into the bucket (moving a portal "
            "that kept its files on disk); files already in the bucket are left alone",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        storage = storages["default"]
        if not isinstance(storage, S3Storage):
            self.stdout.write(f"Files are on local disk ({settings.MEDIA_ROOT}): nothing to do.")
            return
        client = storage.connection.meta.client
        bucket = storage.bucket_name
        try:
            client.head_bucket(Bucket=bucket)
        except ClientError as exc:
            if exc.response["ResponseMetadata"]["HTTPStatusCode"] != 404:
                raise CommandError(f"Bucket {bucket}: {exc}") from None
            region = storage.region_name or "us-east-1"
            extra = (
                {} if region == "us-east-1" else {"CreateBucketConfiguration": {
                    "LocationConstraint": region}}
            )  # fmt: skip
            client.create_bucket(Bucket=bucket, **extra)
            self.stdout.write(f"Created bucket {bucket}.")
        steps = [
            (
                "public access blocked",
                lambda: client.put_public_access_block(
                    Bucket=bucket,
                    PublicAccessBlockConfiguration={
                        "BlockPublicAcls": True,
                        "IgnorePublicAcls": True,
                        "BlockPublicPolicy": True,
                        "RestrictPublicBuckets": True,
                    },
                ),
            ),
            (
                "versioning on",
                lambda: client.put_bucket_versioning(
                    Bucket=bucket, VersioningConfiguration={"Status": "Enabled"}
                ),
            ),
            (
                f"old versions expire after {options['noncurrent_days']} days",
                lambda: client.put_bucket_lifecycle_configuration(
                    Bucket=bucket,
                    LifecycleConfiguration={
                        "Rules": [
                            {
                                "ID": "mrc-expire-old-versions",
                                "Status": "Enabled",
                                "Filter": {"Prefix": ""},
                                "NoncurrentVersionExpiration": {
                                    "NoncurrentDays": options["noncurrent_days"]
                                },
                                "Expiration": {"ExpiredObjectDeleteMarker": True},
                                "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 2},
                            }
                        ]
                    },
                ),
            ),
        ]
        for label, call in steps:
            try:
                call()
            except ClientError as exc:
                # Some S3-compatible servers lack a feature (MinIO has no public access
                # block API); say so and go on, the bucket is still usable.
                code = exc.response.get("Error", {}).get("Code", "?")
                self.stderr.write(f"Bucket {bucket}: not {label} ({code}); do it by hand.")
            else:
                self.stdout.write(f"Bucket {bucket}: {label}.")
        if options["import_media"]:
            copied, present = import_media(storage)
            self.stdout.write(
                f"Copied {copied} files from {settings.MEDIA_ROOT} into {bucket}"
                f" ({present} were there already)."
            )


def import_media(bucket: S3Storage) -> tuple[int, int]:
    """Copy every file under MEDIA_ROOT into `bucket` under the same name."""
    disk = FileSystemStorage(location=settings.MEDIA_ROOT)
    copied = present = 0
    for name in walk(disk):
        if bucket.exists(name):
            present += 1
            continue
        with disk.open(name, "rb") as handle:
            saved = bucket.save(name, File(handle, name=name))
        if saved != name:
            raise CommandError(f"{name} was stored as {saved}")
        copied += 1
    return copied, present
