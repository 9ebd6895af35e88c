import time

import pytest
from django.urls import reverse

from tests.conftest import login_staff

pytestmark = pytest.mark.django_db


def age_session(client, **offsets: int) -> None:
    session = client.session
    now = int(time.time())
    for key, seconds in offsets.items():
        session[key] = now - seconds
    session.save()


def test_staff_are_signed_out_after_30_minutes_idle(client, counsellor):
    login_staff(client, counsellor)
    assert client.get(reverse("home")).status_code == 200

    age_session(client, staff_seen=31 * 60)
    response = client.get(reverse("workers:caseload"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session


def test_staff_are_signed_out_12_hours_after_signing_in_even_when_active(client, counsellor):
    login_staff(client, counsellor)
    client.get(reverse("home"))

    age_session(client, staff_since=12 * 3600 + 60, staff_seen=10)
    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_an_active_counsellor_stays_signed_in(client, counsellor):
    login_staff(client, counsellor)
    client.get(reverse("home"))

    age_session(client, staff_seen=29 * 60)
    response = client.get(reverse("workers:caseload"))

    # A staff-only page, not the public home page: it opens only for a signed-in counsellor.
    assert response.status_code == 200
    assert client.session["_auth_user_id"] == str(counsellor.pk)
    assert response.context["user"] == counsellor


def test_workers_keep_their_long_sign_in(client, worker):
    client.force_login(worker)
    age_session(client, staff_since=24 * 3600, staff_seen=24 * 3600)

    response = client.get(reverse("notifications:inbox"))

    # Their own messages, which need signing in: no redirect to the sign-in page.
    assert response.status_code == 200
    assert client.session["_auth_user_id"] == str(worker.pk)
    assert response.context["user"] == worker
