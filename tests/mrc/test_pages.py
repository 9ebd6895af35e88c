import re

import pytest
from django.urls import reverse

from tests.conftest import login_staff
from tests.factories import WorkerFactory

pytestmark = pytest.mark.django_db

EXTERNAL = re.compile(r"""(?:src|href|action)=["'](?:https?:)?//""", re.IGNORECASE)


def assert_self_contained(html: str) -> None:
    """No script, style, font or image from another host; no inline script or style."""
    assert not EXTERNAL.search(html), EXTERNAL.search(html)
    assert "<script>" not in html
    assert " style=" not in html
    assert "<style" not in html


def test_public_home_explains_the_centre_and_offers_sign_up(client):
    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert reverse("account_signup") in response.text
    assert reverse("account_login") in response.text
    assert_self_contained(response.text)


def test_public_home_leads_a_visitor_to_the_fee_checker_and_the_fraud_report(client):
    page = client.get(reverse("home")).content.decode()

    fee_check = reverse("markets:fee_check")
    # From the list of what the centre does, and again under "Protect yourself".
    assert page.count(f'href="{fee_check}"') >= 2
    assert "Kiểm tra số tiền công ty đòi bạn nộp" in page
    assert f'href="{reverse("markets:report_fraud")}"' in page


def test_worker_home_asks_for_consent_before_anything_else(client, worker):
    client.force_login(worker)

    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert worker.name in response.text
    assert reverse("workers:consent") in response.text
    assert reverse("accounts:people") not in response.text
    assert_self_contained(response.text)


def test_worker_home_shows_what_to_do_next_and_the_documents(client, worker):
    from tests.workers.factories import ProfileFactory

    ProfileFactory(user=worker)
    client.force_login(worker)

    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert reverse("workers:profile_step", args=["identity"]) in response.text
    assert "Hộ chiếu" in response.text  # the passport is on the checklist
    assert reverse("workers:my_data") in response.text
    assert reverse("workers:delete") in response.text
    assert_self_contained(response.text)


def test_staff_home_counts_the_province_and_links_to_people(client, counsellor, worker, dong_thap):
    from tests.factories import WorkerFactory

    WorkerFactory(province=dong_thap)
    login_staff(client, counsellor)

    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert "Lào Cai" in response.text
    assert reverse("accounts:people") in response.text
    # One worker and one counsellor in Lào Cai; the Đồng Tháp worker is not counted.
    assert response.context["counts"] == {"workers": 1, "staff": 1}
    assert_self_contained(response.text)


def test_staff_home_counts_what_needs_attention_in_the_province_only(
    client, counsellor, lao_cai, dong_thap
):
    from tests.workers.factories import ProfileFactory
    from workers.models import Case, Stage

    problem = ["The birth year does not match the ID."]
    for province in [lao_cai, dong_thap]:
        ProfileFactory(user__province=province, id_problems=problem)
        ProfileFactory(user__province=province)
    ours = ProfileFactory(user__province=lao_cai).case
    Case.all_objects.filter(pk=ours.pk).update(assigned_to=counsellor)
    closed = ProfileFactory(user__province=lao_cai).case
    Case.all_objects.filter(pk=closed.pk).update(stage=Stage.WITHDRAWN)
    login_staff(client, counsellor)

    attention = client.get(reverse("home")).context["attention"]

    assert attention["id_review"] == 1
    assert attention["unassigned"] == 2  # not the assigned case, nor the withdrawn one


@pytest.mark.parametrize("name", ["account_login", "account_signup", "account_reset_password"])
def test_account_pages_are_self_contained(client, name):
    response = client.get(reverse(name))

    assert response.status_code == 200
    assert_self_contained(response.text)


def test_every_page_sends_a_content_security_policy_without_unsafe_inline(client):
    response = client.get(reverse("home"))

    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


def test_base_template_has_landmarks_and_a_skip_link(client):
    html = client.get(reverse("home")).text

    assert 'href="#main"' in html
    assert '<main id="main"' in html
    assert "<header" in html and "<nav" in html and "<footer" in html
    assert 'name="viewport"' in html


def test_a_missing_page_says_so_in_vietnamese_inside_the_main_landmark(client):
    response = client.get("/khong-co-trang-nay/")

    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.text
    assert '<main id="main"' in response.text


#: The staff home's queries: session, user (the second factor is looked at once a minute,
#: accounts.middleware.StaffMFAMiddleware, and the bell's count is kept in the cache,
#: notifications.selectors.unread_count); the fourteen counts, help requests' included
#: (one query); the user's province; follow-ups due. The open help requests are listed
#: only when there is one: a query more (tests/assistance/test_views.py).
STAFF_HOME_QUERIES = 5


def test_staff_home_reads_the_same_few_queries_however_much_the_province_holds(
    client, counsellor, lao_cai, django_assert_num_queries, settings
):
    from django.utils import timezone

    settings.DASHBOARD_CACHE_SECONDS = 0  # the workers counted on each visit, with the rest

    from tests.workers.factories import ProfileFactory
    from workers.models import DeletionRequest, FollowUp

    login_staff(client, counsellor)
    client.get(reverse("home"))  # the first visit after signing in also writes the session
    with django_assert_num_queries(STAFF_HOME_QUERIES):
        assert client.get(reverse("home")).status_code == 200
    for i in range(4):
        profile = ProfileFactory(user__province=lao_cai, id_problems=["The year differs."])
        DeletionRequest.all_objects.create(profile=profile, reason="")
        FollowUp.all_objects.create(
            case=profile.case, title=f"Follow-up-{i}", due_on=timezone.localdate(),
            assignee=counsellor, created_by=counsellor,
        )  # fmt: skip

    with django_assert_num_queries(STAFF_HOME_QUERIES):
        response = client.get(reverse("home"))

    assert response.context["counts"] == {"workers": 4, "staff": 1}
    attention = response.context["attention"]
    assert (attention["id_review"], attention["deletions"], attention["unassigned"]) == (4, 4, 4)
    assert response.context["fraud_reports_open_count"] == 0
    assert response.text.count("Follow-up-") == 4


def test_staff_home_of_a_counsellor_without_a_province_counts_nothing(client):
    from accounts.models import Role
    from tests.factories import StaffFactory

    nowhere = StaffFactory(role=Role.COUNSELLOR, province=None)
    login_staff(client, nowhere)

    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert set(response.context["attention"].values()) == {0}
    assert response.context["counts"] == {"workers": 0, "staff": 0}


def test_staff_home_counts_what_needs_attention_up_to_a_thousand(
    client, counsellor, lao_cai, monkeypatch
):
    from mrc import views
    from tests.workers.factories import ProfileFactory

    monkeypatch.setattr(views, "ATTENTION_COUNTED_UP_TO", 3)
    for _ in range(5):
        ProfileFactory(user__province=lao_cai, id_problems=["The year differs."])
    ProfileFactory(user__province=lao_cai)
    login_staff(client, counsellor)

    response = client.get(reverse("home"))

    # Five files to check and six cases without a counsellor: past the cap of 3, both are
    # counted no further than 4 and read "more than 3"; the reports are counted exactly.
    attention = response.context["attention"]
    assert (attention["id_review"], attention["unassigned"]) == (4, 4)
    assert "<strong>hơn 3</strong> số định danh cá nhân cần kiểm tra" in response.text
    assert "<strong>hơn 3</strong> hồ sơ đang mở chưa có cán bộ tư vấn" in response.text
    assert "<strong>0</strong> tin báo lừa đảo chưa đóng" in response.text


def test_staff_home_counts_the_registered_workers_once_a_minute(
    client, counsellor, lao_cai, settings
):
    from django.core.cache import cache

    settings.DASHBOARD_CACHE_SECONDS = 60
    WorkerFactory(province=lao_cai)
    login_staff(client, counsellor)
    assert client.get(reverse("home")).context["counts"]["workers"] == 1

    WorkerFactory(province=lao_cai)
    assert client.get(reverse("home")).context["counts"]["workers"] == 1  # within the minute
    cache.clear()  # the minute is over
    assert client.get(reverse("home")).context["counts"]["workers"] == 2
