"""Settings of the Celery worker and beat that tests/mrc/test_faults.py starts.

Those of the notification tests' worker (senders that write each message as a line in a
file, fast redelivery), on the default queue the portal sends to, and with the outbox sweep
every second instead of every minute, so a Redis outage is caught up within the test.
"""

import os

os.environ.setdefault("NOTIFICATIONS_TEST_QUEUE", "celery")

from tests.notifications.broker_settings import *  # noqa: F403

CELERY_BEAT_SCHEDULE = {
    "deliver-pending-notifications": {
        "task": "notifications.tasks.deliver_pending",
        "schedule": 1.0,
    },
}
# Rows younger than this are left to the enqueue after commit; 60 s in production.
NOTIFICATIONS_PENDING_GRACE_SECONDS = 2
