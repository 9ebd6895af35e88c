"""Settings of `make load-reminders`: production's, with text messages written to a file
(notifications.testing.FileSmsBackend, NOTIFICATIONS_TEST_OUTBOX) and a queue of its own."""

from mrc.settings import *  # noqa: F403

SMS_BACKEND = "notifications.testing.FileSmsBackend"
CELERY_TASK_DEFAULT_QUEUE = "reminders-bench"
CELERY_WORKER_ENABLE_REMOTE_CONTROL = False
