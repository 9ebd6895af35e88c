"""The Celery application: configured from Django settings (CELERY_*), tasks autodiscovered.

Without REDIS_URL, CELERY_TASK_ALWAYS_EAGER runs tasks in-process.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mrc.settings")

app = Celery("mrc")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
