"""A guarded model's ``objects`` refuses to read until told whose rows it reads.

``Model.objects.filter(...)`` on a guarded model raises ``UnscopedQuery`` when evaluated;
``.for_user(user)`` narrows it, ``.unscoped("why")`` opens it on purpose (greppable), and
Django's own machinery uses the unguarded ``all_objects``. Every scoped model is listed
below in exactly one set: guarded, exempt (opt-in for good, with the reason) or, until it is
converted, opt-in. A public narrowing (``Fair.objects.public()``) opens the guard itself.
"""

from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone

from accounts.models import Role
from accounts.scoping import GuardedQuerySet, ScopedQuerySet, UnscopedQuery
from reports.models import Target
from tests.factories import StaffFactory

GUARDED = {
    "workers.CounsellingSession",
    "workers.Document",
    "workers.WorkerProfile",
    "workers.Case",
    "workers.FollowUp",
    "workers.ProvinceTransfer",
    "workers.DeletionRequest",
    "workers.DuplicateIdAttempt",
    "loans.Attachment",
    "loans.KeptSupportRecord",
    "reports.Target",
    "assistance.HelpRequestPhoto",
    "fairs.Fair",
    "fairs.Participation",
    "fairs.Registration",
    "fairs.Interview",
    "loans.Application",
    "markets.Notice",
    "markets.FraudReport",
    "markets.Complaint",
    "assistance.HelpRequest",
    "orientation.Module",
}

#: Scoped models that stay opt-in on purpose, each with the reason.
EXEMPT = {
    # Users are read before anyone is known: the sign-in backends and the admin by email or
    # phone, and allauth through get_user_model().objects by email, key or pk (password
    # reset, sign-in codes, passkeys), code we do not own and cannot make say unscoped().
    # The staff list of users still narrows with for_user(user) (accounts/views.py).
    "accounts.User",
}

#: What anyone may read, signed in or not: each guarded model's public narrowing, which
#: opens the guard itself (``GuardedQuerySet._public_filter``) because it narrows to what an
#: anonymous visitor may see.
PUBLIC: dict[str, Any] = {
    "fairs.Fair": lambda objects: objects.public(),
    "markets.Notice": lambda objects: objects.visible_at(timezone.now()),
    "orientation.Module": lambda objects: objects.visible_to(AnonymousUser()),
}

#: Scoped models whose ``objects`` still returns every row unless ``for_user`` is called:
#: none any more. A new scoped model goes in GUARDED (docs/architecture.md, "Scoping that
#: cannot be forgotten"); this set is for one being converted.
OPT_IN: set[str] = set()


def _scoped_models() -> dict[str, Any]:
    return {
        m._meta.label: m
        for m in apps.get_models()
        if isinstance(m._default_manager.all(), ScopedQuerySet)
    }


def test_every_scoped_model_is_in_exactly_one_set():
    scoped = set(_scoped_models())
    assert scoped - GUARDED - EXEMPT - OPT_IN == set(), "add the new scoped model to GUARDED"
    assert set() == GUARDED & EXEMPT, "a model is guarded or exempt, not both"
    assert set() == GUARDED & OPT_IN, "a guarded model is no longer opt-in"
    assert set() == EXEMPT & OPT_IN, "an exempt model stays opt-in on purpose"
    assert (GUARDED | EXEMPT | OPT_IN) - scoped == set(), "a listed model is no longer scoped"


def test_exempt_and_opt_in_models_are_not_guarded():
    for label in EXEMPT | OPT_IN:
        assert not isinstance(apps.get_model(label).objects.all(), GuardedQuerySet), label


def test_public_narrowings_belong_to_guarded_models():
    assert set(PUBLIC) <= GUARDED


@pytest.mark.parametrize("label", sorted(PUBLIC))
def test_a_public_narrowing_reads_without_a_user_and_stays_narrowed(label, db):
    model = apps.get_model(label)
    public = PUBLIC[label](model.objects)
    assert list(public) == []
    assert public.count() == 0
    # Chained after it, the rest of the queryset is read as public too; the plain manager
    # still refuses.
    assert not public.filter(pk=1).exists()
    with pytest.raises(UnscopedQuery):
        model.objects.filter(pk=1).exists()


@pytest.mark.parametrize("label", sorted(GUARDED))
def test_guarded_model_refuses_an_unscoped_read(label, db):
    model = apps.get_model(label)
    assert isinstance(model.objects.all(), GuardedQuerySet)
    for read in (
        lambda: list(model.objects.all()),
        lambda: list(model.objects.filter(pk=1).values_list("pk")),
        lambda: model.objects.count(),
        lambda: model.objects.exists(),
        lambda: model.objects.get(pk=1),
        lambda: model.objects.first(),
        lambda: model.objects.filter(pk=1).update(pk=1),
        lambda: model.objects.filter(pk=1).delete(),
    ):
        with pytest.raises(UnscopedQuery, match=f"{model.__name__}.objects.*for_user"):
            read()
    # Opened on purpose, with a reason, or narrowed to a person, it reads.
    assert model.objects.unscoped("test of the guard").count() == 0
    assert list(model.objects.for_user(AnonymousUser())) == []
    assert list(model.objects.none()) == []
    with pytest.raises(ValueError, match="reason"):
        model.objects.unscoped("")
    with pytest.raises(ValueError, match="reason"):
        model.objects.unscoped("   ")
    # Django's machinery (related lookups, admin, erasure, cascades) keeps a plain manager.
    assert model._default_manager is model.all_objects
    assert model._base_manager.__class__ is model.all_objects.__class__
    assert model.all_objects.count() == 0


@pytest.mark.parametrize("label", sorted(GUARDED))
def test_guarded_model_refuses_an_unscoped_subquery_or_combination(label, db):
    """A queryset used inside another query is never evaluated itself: its SQL query
    carries the guard, so ``x__in=qs``, ``Exists(qs)`` and ``Subquery(qs)`` are refused
    too, and so is combining a scoped queryset with an unscoped one."""
    model = apps.get_model(label)
    scoped = model.objects.for_user(AnonymousUser())  # empty: union gives the other side
    opened = model.objects.unscoped("test of the subquery guard")
    for use in (
        lambda: model.all_objects.filter(pk__in=model.objects.all()),
        lambda: model.all_objects.filter(pk__in=model.objects.filter(pk=1).values("pk")),
        lambda: model.all_objects.filter(Exists(model.objects.filter(pk=OuterRef("pk")))),
        lambda: model.all_objects.annotate(
            other=Subquery(model.objects.filter(pk=OuterRef("pk")).values("pk")[:1])
        ),
        lambda: opened | model.objects.all(),
        lambda: scoped | model.objects.all(),
        lambda: opened & model.objects.all(),
        lambda: opened.union(model.objects.all()),
    ):
        with pytest.raises(UnscopedQuery, match=f"{model.__name__}.objects.*for_user"):
            use()
    # Scoped or opened, the same subqueries run.
    assert model.all_objects.filter(pk__in=opened).count() == 0
    assert model.all_objects.filter(Exists(opened.filter(pk=OuterRef("pk")))).count() == 0
    assert model.all_objects.filter(pk__in=scoped.values("pk")).count() == 0
    assert list(opened | scoped) == []
    assert isinstance(opened.union(scoped), GuardedQuerySet)
    with pytest.raises(UnscopedQuery):
        list(scoped.union(model.objects.all()))  # the guarded side, returned as it is


def test_for_user_and_unscoped_see_the_rows_they_should(lao_cai, dong_thap):
    admin = StaffFactory(role=Role.ADMIN, province=None)
    Target.all_objects.create(province=lao_cai, year=2026, departures=10, set_by=admin)
    Target.all_objects.create(province=dong_thap, year=2026, departures=20, set_by=admin)
    dong_thap_counsellor = StaffFactory(role=Role.COUNSELLOR, province=dong_thap)

    mine = Target.objects.for_user(dong_thap_counsellor).filter(year=2026)
    assert [t.departures for t in mine] == [20]
    assert Target.objects.for_user(admin).count() == 2
    assert Target.objects.unscoped("every province's plan").filter(year=2026).count() == 2
    # A narrowed or opened queryset stays so through further chaining.
    assert mine.order_by("pk").values_list("departures", flat=True).get() == 20


def test_related_managers_and_relations_stay_unguarded(lao_cai):
    """Reaching rows through an object already fetched (``case.follow_ups``, ``profile.case``,
    a prefetch, ``refresh_from_db``) uses the plain default or base manager: no scope is
    asked for, the object was authorised when it was fetched."""
    from tests.workers.factories import ProfileFactory
    from workers.models import Case, FollowUp, WorkerProfile

    counsellor = StaffFactory(role=Role.COUNSELLOR, province=lao_cai)
    profile = ProfileFactory(user__province=lao_cai)
    case = profile.case
    FollowUp.all_objects.create(
        case=case, title="Call", due_on=case.opened_at.date(), assignee=counsellor,
        created_by=counsellor,
    )  # fmt: skip
    fetched = WorkerProfile.objects.for_user(counsellor).get(pk=profile.pk)
    assert fetched.case.pk == case.pk
    assert [f.title for f in fetched.case.follow_ups.all()] == ["Call"]
    assert fetched.case.follow_ups.count() == 1 and fetched.transfers.count() == 0
    assert not hasattr(fetched, "deletion_request")
    prefetched = Case.objects.for_user(counsellor).prefetch_related("follow_ups").get(pk=case.pk)
    assert len(prefetched.follow_ups.all()) == 1
    case.refresh_from_db()
    # The manager itself still refuses.
    with pytest.raises(UnscopedQuery):
        Case.objects.filter(profile=profile).first()
