"""The session store reads a session with one plain statement (accounts/sessions.py): it
must still sign in only a live session's owner."""

import datetime

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from accounts.sessions import SessionStore
from tests.factories import WorkerFactory

pytestmark = pytest.mark.django_db


def test_a_live_session_signs_its_worker_in(client):
    worker = WorkerFactory()
    client.force_login(worker)

    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert response.context["user"] == worker


def test_a_session_past_its_expiry_date_signs_nobody_in(client):
    client.force_login(WorkerFactory())
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))

    response = client.get(reverse("home"))

    assert not response.context["user"].is_authenticated


def test_an_unknown_or_expired_key_is_forgotten_and_nothing_is_loaded():
    live = SessionStore()
    live["answer"] = 42
    live.save()
    expired = SessionStore()
    expired["answer"] = 7
    expired.set_expiry(-1)
    expired.save()

    assert SessionStore(live.session_key).load() == {"answer": 42}
    for key in (expired.session_key, "x" * 32):
        store = SessionStore(key)
        assert store.load() == {}
        assert store.session_key is None
