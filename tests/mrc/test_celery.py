import datetime

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from accounts.tasks import clear_expired_sessions
from mrc.celery import app


# Celery's Django fix-up closes database connections when it imports task modules.
@pytest.mark.django_db
def test_tasks_of_the_apps_are_registered():
    app.loader.import_default_modules()

    assert "accounts.tasks.clear_expired_sessions" in app.tasks


@pytest.mark.django_db
def test_every_beat_entry_names_a_registered_task(settings):
    app.loader.import_default_modules()

    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in app.tasks, name


def test_celery_reads_its_configuration_from_django_settings(settings):
    assert app.conf.timezone == "Asia/Ho_Chi_Minh"
    assert app.conf.task_acks_late is True
    assert app.conf.broker_transport_options["visibility_timeout"] >= 6 * 60 * 60


@pytest.mark.django_db(transaction=True)
def test_a_task_queued_on_commit_runs_only_after_the_commit():
    from django.db import transaction

    expired = Session.objects.create(
        session_key="x" * 32,
        session_data="",
        expire_date=timezone.now() - datetime.timedelta(days=1),
    )
    with transaction.atomic():
        clear_expired_sessions.delay_on_commit()
        assert Session.objects.filter(pk=expired.pk).exists()

    assert not Session.objects.filter(pk=expired.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_a_task_queued_in_a_rolled_back_transaction_never_runs():
    from django.db import transaction

    expired = Session.objects.create(
        session_key="y" * 32,
        session_data="",
        expire_date=timezone.now() - datetime.timedelta(days=1),
    )
    with pytest.raises(RuntimeError), transaction.atomic():
        clear_expired_sessions.delay_on_commit()
        raise RuntimeError("rolled back")

    assert Session.objects.filter(pk=expired.pk).exists()
