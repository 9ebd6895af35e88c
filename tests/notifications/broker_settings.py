"""Settings of the Celery worker that tests/notifications/test_broker.py starts.

The project's settings, with redelivery and retries fast enough for a test and senders
that write each message as a line in the file NOTIFICATIONS_TEST_OUTBOX names.
"""

import os

from mrc.settings import *  # noqa: F403
from mrc.settings import CELERY_BROKER_TRANSPORT_OPTIONS

# Each test has a queue of its own, so tests running at once (xdist) never share tasks.
CELERY_TASK_DEFAULT_QUEUE = os.environ["NOTIFICATIONS_TEST_QUEUE"]
CELERY_WORKER_ENABLE_REMOTE_CONTROL = False  # no pidbox queues left behind in Redis

CELERY_BROKER_TRANSPORT_OPTIONS = {
    **CELERY_BROKER_TRANSPORT_OPTIONS,
    # A killed worker's unacknowledged task comes back after 5 s, not 6 h...
    "visibility_timeout": 5,
    # ...and kombu looks for such tasks every second (by default every ~100 s).
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
# Shorter than the visibility timeout, so the redelivered task finds the claim lapsed.
NOTIFICATIONS_CLAIM_SECONDS = 4
NOTIFICATIONS_RETRY_BASE_SECONDS = 1

SMS_BACKEND = "notifications.testing.FileSmsBackend"
MAILERS = {"default": {"BACKEND": "notifications.testing.FileEmailBackend"}}
