"""The personal ID checked with the national population database (workers.population):
the fake register's answers, the mark on the profile, the guard of documents ready, the
check after the identity step, the counsellor's button, and the mark cleared by an edit."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from tests.conftest import login_staff
from tests.workers.factories import VALID_ID, ProfileFactory, identity_values
from workers import population, rules, services
from workers.models import CaseEvent, Stage, WorkerProfile

pytestmark = pytest.mark.django_db

BORN = datetime.date(1990, 5, 17)


def ask(number: str = VALID_ID, **kw: object) -> population.Answer:
    values = {"personal_id": number, "name": "Giàng Thị Mai", "date_of_birth": BORN}
    values |= {"sex": "female"} | kw
    return population.FakeBackend().verify(population.IdentityQuery(**values))  # type: ignore[arg-type]


def test_the_fake_register_answers_by_its_documented_rules():
    assert ask().result == population.Result.MATCH
    assert ask(sex="male") == population.Answer(population.Result.MISMATCH, ("sex",), "fields")
    assert ask(date_of_birth=datetime.date(1991, 5, 17)).fields == ("date_of_birth",)
    assert ask("015190888888").fields == ("name",)
    assert ask("015190777777").fields == ("date_of_birth",)
    assert ask("015190999999") == population.Answer(population.Result.UNKNOWN, (), "not_found")
    assert ask("015190999998").reason == "no_answer"
    assert ask("003190123456").result == population.Result.UNKNOWN  # no such birth province


def save_identity(profile: WorkerProfile, actor, **overrides: object) -> WorkerProfile:
    profile.refresh_from_db()
    return services.profile_save_step(
        profile_id=profile.pk,
        step="identity",
        values=identity_values(**overrides),
        expected_version=profile.version,
        actor=actor,
    )


def test_the_identity_step_checks_the_id_in_a_task_and_marks_the_profile(
    worker, django_capture_on_commit_callbacks
):
    profile = ProfileFactory(user=worker)

    with django_capture_on_commit_callbacks(execute=True):
        save_identity(profile, worker)

    profile.refresh_from_db()
    assert profile.id_verified
    assert profile.id_checked_by == worker
    assert profile.id_check_source == "fake"
    event = CaseEvent.objects.get(case=profile.case)
    assert "khớp" in event.reason
    assert event.from_stage == event.to_stage == Stage.REGISTERED


def test_a_mismatch_names_the_field_and_keeps_what_the_worker_typed(
    client, worker, django_capture_on_commit_callbacks
):
    profile = ProfileFactory(user=worker)

    with django_capture_on_commit_callbacks(execute=True):
        save_identity(profile, worker, sex="male")

    profile.refresh_from_db()
    assert profile.id_check == "mismatch"
    assert profile.id_check_fields == ["sex"]
    assert (profile.personal_id, profile.sex) == (VALID_ID, "male")  # nothing lost
    client.force_login(worker)
    page = client.get(reverse("home")).content.decode()
    assert "Khác: giới tính" in page


def test_editing_the_birth_date_after_the_check_clears_the_mark(
    worker, django_capture_on_commit_callbacks
):
    profile = ProfileFactory(user=worker)
    with django_capture_on_commit_callbacks(execute=True):
        save_identity(profile, worker)

    with django_capture_on_commit_callbacks(execute=False) as queued:
        save_identity(profile, worker, date_of_birth=datetime.date(1990, 6, 1))

    profile.refresh_from_db()
    assert profile.id_check == "" and profile.id_checked_at is None
    assert len(queued) == 1  # the new values are checked again after commit


def test_saving_the_same_identity_again_keeps_the_mark_and_writes_no_event(
    worker, django_capture_on_commit_callbacks
):
    profile = ProfileFactory(user=worker)
    with django_capture_on_commit_callbacks(execute=True):
        save_identity(profile, worker)
    with django_capture_on_commit_callbacks(execute=True) as queued:
        save_identity(profile, worker)

    profile.refresh_from_db()
    assert profile.id_verified and queued == []
    assert CaseEvent.objects.filter(case=profile.case).count() == 1


def test_documents_ready_waits_for_a_matching_id(counsellor):
    facts = rules.CaseFacts(personal_id_verified=False)
    missing = [str(m) for m in rules.missing_for(Stage.DOCUMENTS_READY, facts)]
    assert missing == ["số định danh đã được đối chiếu với Cơ sở dữ liệu quốc gia về dân cư"]
    assert rules.missing_for(Stage.DOCUMENTS_READY, rules.CaseFacts()) == []


def test_the_counsellor_checks_the_id_from_the_case_page(client, counsellor, worker):
    profile = ProfileFactory(user=worker, personal_id=VALID_ID, date_of_birth=BORN, sex="female")
    login_staff(client, counsellor)
    page = client.get(reverse("workers:staff_worker", args=[profile.pk])).content.decode()
    assert "Chưa đối chiếu." in page

    response = client.post(reverse("workers:id_verify", args=[profile.pk]), follow=True)

    page = response.content.decode()
    assert "số định danh, họ tên, ngày sinh và giới tính đều khớp" in page
    # Which source answered, in words: here the test source, which is not the register.
    assert "nguồn thử nghiệm (dữ liệu mẫu, không phải CSDL quốc gia về dân cư)" in page
    assert "· fake<" not in page
    profile.refresh_from_db()
    assert profile.id_verified and profile.id_checked_by == counsellor


def test_the_counsellor_is_told_what_is_missing_before_a_check(client, counsellor, worker):
    profile = ProfileFactory(user=worker)
    login_staff(client, counsellor)

    response = client.post(reverse("workers:id_verify", args=[profile.pk]), follow=True)

    assert "Hãy điền số định danh, ngày sinh và giới tính" in response.content.decode()
    profile.refresh_from_db()
    assert profile.id_check == ""


def test_an_edit_made_while_the_register_answered_is_not_marked(worker, monkeypatch):
    profile = ProfileFactory(user=worker, personal_id=VALID_ID, date_of_birth=BORN, sex="female")

    def slow_answer(query: population.IdentityQuery) -> population.Answer:
        WorkerProfile.all_objects.filter(pk=profile.pk).update(sex="male")  # edited meanwhile
        return population.Answer(population.Result.MATCH)

    monkeypatch.setattr(population, "verify", slow_answer)
    services.personal_id_verify(profile_id=profile.pk, actor=worker)

    profile.refresh_from_db()
    assert profile.id_check == ""
