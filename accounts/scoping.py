"""Province scoping: the one way every staff list, detail and export narrows its rows.

A QuerySet subclass names the path from its model to the province (and, where a worker
owns rows, to that worker's user); ``for_user(user)`` then returns what the user may see:

- an admin: everything, nationally;
- a counsellor or centre manager: the rows of their own province; with no province, none;
- a worker: the rows they own, where the model has an owner; otherwise none;
- anyone else (anonymous, inactive): none.

Views fetch single objects through it too (``get_object_or_404(X.objects.for_user(u),
pk=...)``) so another province's object is a 404, never a 403 that confirms it exists.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self

from django.db import models
from django.db.models import Value
from django.db.models.functions import Cast

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User


class ScopedQuerySet(models.QuerySet[Any]):
    #: Lookup path from the model to its Province, e.g. "province" or "worker__province".
    province_path: str = "province"
    #: Lookup path from the model to the User who owns the row, or None.
    owner_path: str | None = None

    def for_user(self, user: User | AnonymousUser) -> Self:
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_admin:
            return self.all()
        if user.is_staff_member:
            if user.province_id is None:
                return self.none()
            # Typed as the column is: a bare 7 is an int4, and btree_gin compares bigint
            # with bigint only, so the province key of the caseload's name index (province,
            # folded name) went unused and a search read the whole nation's trigrams.
            province = Cast(Value(user.province_id), models.BigIntegerField())
            return self.filter(**{self.province_path: province})
        if self.owner_path is not None:
            return self.filter(**{self.owner_path: user})
        return self.none()
