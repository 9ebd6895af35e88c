"""Reads of the orientation app."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, QuerySet

from accounts.models import User
from orientation.models import Module, Progress


def modules_for(user: Any) -> QuerySet[Module]:
    """The published modules a visitor sees, each marked `passed` for a signed-in worker."""
    modules = Module.objects.visible_to(user).select_related("market")
    if user.is_authenticated and not user.is_staff_member:
        modules = modules.annotate(
            passed=Exists(Progress.objects.passed().filter(worker=user, module=OuterRef("pk")))
        )
    return modules


def staff_lessons(user: Any) -> QuerySet[Module]:
    """The lessons a writer may change: every one for an admin, their province's for a manager."""
    return (
        Module.objects.for_user(user)
        .select_related("province", "market")
        .annotate(question_count=Count("questions"))
        .order_by("province__name", "order", "pk")
    )


def market_lessons(user: Any, market_id: int) -> list[Module]:
    """Published lessons about one country that this visitor may read."""
    return list(Module.objects.visible_to(user).filter(market_id=market_id))


@dataclass(frozen=True)
class WorkerProgress:
    passed: int
    total: int
    passed_modules: list[Module]


def worker_progress(worker: User) -> WorkerProgress:
    """How many of the lessons for every destination this worker can see they have passed
    (one query). A country's own lessons (law and life there) are extra: a worker bound
    for Korea is not behind for not reading about Japan."""
    visible = list(
        Module.objects.visible_to(worker)
        .filter(market__isnull=True)
        .only("pk", "title", "order")
        .annotate(
            passed=Exists(Progress.objects.passed().filter(worker=worker, module=OuterRef("pk")))
        )
    )
    passed_modules = [module for module in visible if module.passed]
    return WorkerProgress(
        passed=len(passed_modules), total=len(visible), passed_modules=passed_modules
    )


def workers_completed_count(province_id: int | None) -> int:
    """Workers of a province (every province when None) who passed every national module
    for every destination.

    A province's own additions differ by province, and a country's lessons by destination,
    so completion counts the national lessons for every destination."""
    national = list(
        Module.objects.unscoped("the national lessons, which every worker reads")
        .published()
        .filter(province__isnull=True, market__isnull=True)
        .values_list("pk", flat=True)
    )
    if not national:
        return 0
    passed = Progress.objects.passed().filter(module_id__in=national)
    if province_id is not None:
        passed = passed.filter(worker__province_id=province_id)
    return (
        passed.values("worker")
        .annotate(n=Count("module", distinct=True))
        .filter(n__gte=len(national))
        .count()
    )


def lessons_passed_between(
    province_id: int | None, start: datetime.datetime, end: datetime.datetime
) -> int:
    """Lessons first passed in [start, end) by workers of a province (every province: None)."""
    passed = Progress.objects.filter(passed_at__gte=start, passed_at__lt=end)
    if province_id is not None:
        passed = passed.filter(worker__province_id=province_id)
    return passed.count()
