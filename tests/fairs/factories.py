"""Job fairs for tests, written straight to the tables in the state a test needs (the
services that move them have tests of their own)."""

from __future__ import annotations

import datetime
from typing import Any

import factory
from django.utils import timezone

from accounts.models import Role, User
from fairs import services
from fairs.models import Fair, Participation
from tests.factories import ModelFactory, StaffFactory, province
from tests.markets.factories import enterprise


class FairFactory(ModelFactory[Fair]):
    class Meta:
        model = Fair

    title = factory.Sequence(lambda n: f"Phiên giao dịch việc làm số {n}")
    starts_at = factory.LazyFunction(
        lambda: (timezone.now() + datetime.timedelta(days=10)).replace(microsecond=0)
    )
    ends_at = factory.LazyAttribute(lambda fair: fair.starts_at + datetime.timedelta(hours=3))
    province = factory.LazyFunction(lambda: province(15))
    address = "Trung tâm Dịch vụ việc làm"
    capacity = 50
    status = Fair.Status.PUBLISHED
    created_by = factory.SubFactory(
        StaffFactory, role=Role.COUNSELLOR, province=factory.SelfAttribute("..province")
    )


def fair_today(**fields: Any) -> Fair:
    """A published fair that started half an hour ago: check-in is open."""
    starts_at = timezone.now().replace(microsecond=0) - datetime.timedelta(minutes=30)
    fields.setdefault("starts_at", starts_at)
    fields.setdefault("ends_at", starts_at + datetime.timedelta(hours=4))
    return FairFactory(**fields)


def before(fair: Fair) -> datetime.datetime:
    """A moment when registration was still open."""
    return fair.starts_at - datetime.timedelta(days=2)


def register(fair: Fair, worker: User, **kwargs: Any) -> services.Registered:
    kwargs.setdefault("now", before(fair))
    return services.registration_create(fair_id=fair.pk, actor=worker, worker=worker, **kwargs)


def walk_in(fair: Fair, actor: User, name: str, phone: str = "", **kwargs: Any):
    kwargs.setdefault("now", before(fair))
    return services.registration_create(
        fair_id=fair.pk, actor=actor, name=name, phone=phone, walk_in=True, **kwargs
    ).registration


def participation(fair: Fair, by: User, **fields: Any) -> Participation:
    return Participation.all_objects.create(fair=fair, enterprise=enterprise(**fields), added_by=by)
