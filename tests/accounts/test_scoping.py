import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from accounts.models import Role, User
from tests.conftest import login_staff
from tests.factories import StaffFactory, WorkerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(lao_cai, dong_thap):
    return {
        "lc_worker": WorkerFactory(province=lao_cai),
        "lc_counsellor": StaffFactory(role=Role.COUNSELLOR, province=lao_cai),
        "dt_worker": WorkerFactory(province=dong_thap),
        "dt_counsellor": StaffFactory(role=Role.COUNSELLOR, province=dong_thap),
        "admin": StaffFactory(role=Role.ADMIN, province=None),
    }


def visible(user) -> set[int]:
    return set(User.objects.for_user(user).values_list("pk", flat=True))


def test_counsellor_sees_only_people_of_their_own_province(people):
    seen = visible(people["lc_counsellor"])

    assert seen == {people["lc_worker"].pk, people["lc_counsellor"].pk}


def test_centre_manager_sees_only_their_own_province(people, lao_cai):
    manager = StaffFactory(role=Role.MANAGER, province=lao_cai)

    assert visible(manager) == {people["lc_worker"].pk, people["lc_counsellor"].pk, manager.pk}


def test_admin_sees_every_province(people):
    assert visible(people["admin"]) == {p.pk for p in people.values()}


def test_staff_with_no_province_see_nothing(people):
    orphan = StaffFactory(role=Role.COUNSELLOR, province=None)

    assert visible(orphan) == set()


def test_worker_sees_only_themself(people):
    assert visible(people["lc_worker"]) == {people["lc_worker"].pk}


def test_anonymous_and_inactive_users_see_nothing(people):
    people["lc_counsellor"].is_active = False

    assert visible(AnonymousUser()) == set()
    assert visible(people["lc_counsellor"]) == set()


def test_people_list_shows_only_the_counsellors_province(client, people):
    login_staff(client, people["lc_counsellor"])

    response = client.get(reverse("accounts:people"))

    assert response.status_code == 200
    assert people["lc_worker"].name in response.text
    assert people["dt_worker"].name not in response.text
    assert people["dt_counsellor"].name not in response.text


def test_person_of_another_province_is_a_404(client, people):
    login_staff(client, people["lc_counsellor"])

    same = client.get(reverse("accounts:person", args=[people["lc_worker"].pk]))
    other = client.get(reverse("accounts:person", args=[people["dt_worker"].pk]))

    assert same.status_code == 200
    assert people["lc_worker"].name in same.text
    assert other.status_code == 404
    assert people["dt_worker"].name not in other.text


def test_staff_pages_are_404_for_workers_and_send_anonymous_visitors_to_sign_in(client, people):
    anonymous = client.get(reverse("accounts:people"))
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("account_login"))

    client.force_login(people["lc_worker"])
    assert client.get(reverse("accounts:people")).status_code == 404
    assert client.get(reverse("accounts:person", args=[people["lc_worker"].pk])).status_code == 404


def test_people_list_filters_by_role_and_search(client, people):
    login_staff(client, people["admin"])

    workers = client.get(reverse("accounts:people"), {"role": "worker"})
    found = client.get(reverse("accounts:people"), {"q": people["dt_worker"].name})

    assert people["lc_counsellor"].name not in workers.text
    assert people["lc_worker"].name in workers.text
    assert people["dt_worker"].name in found.text
    assert people["lc_worker"].name not in found.text


def test_people_list_query_count_does_not_grow_with_rows(
    client, lao_cai, counsellor, django_assert_max_num_queries
):
    login_staff(client, counsellor)
    WorkerFactory.create_batch(3, province=lao_cai)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("accounts:people"))

    WorkerFactory.create_batch(40, province=lao_cai)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("accounts:people"))
    assert response.context["page"].paginator.count == 44
