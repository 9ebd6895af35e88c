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
from django.db.models import Value, sql
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


class UnscopedQuery(Exception):
    """A guarded model's rows were read without saying whose rows they are."""


def _unscoped(name: str, how: str = "read") -> UnscopedQuery:
    return UnscopedQuery(
        f"{name}.objects was {how} without a scope: call .for_user(user) for what a "
        f'person may see, or .unscoped("why") where every province is meant '
        f"(or {name}.all_objects inside Django machinery)."
    )


class GuardedSqlQuery(sql.Query):
    """The SQL query of a guarded queryset. It knows whether its queryset was scoped, so
    that using it inside another query (``filter(x__in=qs)``, ``Exists(qs)``,
    ``Subquery(qs)``), which never evaluates the queryset itself, is refused too."""

    #: The model's name while the queryset is neither scoped nor opened; "" after.
    unscoped_model: str = ""

    def resolve_expression(self, *args: Any, **kwargs: Any) -> Any:
        if self.unscoped_model:
            raise _unscoped(self.unscoped_model, "used as a subquery")
        return super().resolve_expression(*args, **kwargs)


class GuardedQuerySet(ScopedQuerySet):
    """A ScopedQuerySet that refuses to read until ``for_user(user)`` or ``unscoped("why")``.

    ``objects = GuardedManager.from_queryset(TheQuerySet)()`` on a scoped model; the model
    keeps an unguarded ``all_objects`` as its base and default manager (``Meta``), so
    Django's own machinery (related lookups, the admin, serialisation, cascades) is
    unchanged. Writes (``create``, ``bulk_create``) are not guarded: they leak nothing.
    """

    _guarded: bool = False

    def __init__(
        self,
        model: type[models.Model] | None = None,
        query: sql.Query | None = None,
        using: str | None = None,
        hints: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(model, query or GuardedSqlQuery(model), using, hints)

    @property
    def query(self) -> sql.Query:
        # Every use of the SQL query (a subquery takes it, not the queryset) carries the
        # guard as it stands on this queryset.
        query = models.QuerySet.query.fget(self)  # type: ignore[attr-defined]  # the stubs type QuerySet.query as an attribute, Django defines a property
        if isinstance(query, GuardedSqlQuery):
            query.unscoped_model = self.model.__name__ if self._guarded else ""
        return query

    @query.setter
    def query(self, value: sql.Query) -> None:
        models.QuerySet.query.fset(self, value)  # type: ignore[attr-defined]  # as above

    def _merge_sanity_check(self, other: Any) -> None:
        # scoped | unscoped would read the unscoped side's rows of every province.
        if getattr(other, "_guarded", False):
            raise _unscoped(other.model.__name__, "combined (| & ^)")
        super()._merge_sanity_check(other)  # type: ignore[misc]  # private in the stubs

    def _combinator_query(
        self, combinator: str, *other_qs: Any, all: bool = False
    ) -> Self:  # "all": Django's name
        for other in other_qs:
            if getattr(other, "_guarded", False):
                raise _unscoped(other.model.__name__, f"combined ({combinator})")
        return super()._combinator_query(combinator, *other_qs, all=all)  # type: ignore[misc]  # private in the stubs

    def _clone(self) -> Self:
        clone = super()._clone()  # type: ignore[misc]  # QuerySet._clone is private in the stubs
        clone._guarded = self._guarded
        return clone

    def _opened(self) -> Self:
        clone = self._chain()  # type: ignore[attr-defined]  # QuerySet._chain is private
        clone._guarded = False
        return clone

    def unscoped(self, reason: str) -> Self:
        """Every province's rows, on purpose; ``reason`` says why (and makes it greppable)."""
        if not isinstance(reason, str) or not reason.strip():
            raise ValueError("unscoped() needs a reason: say why every province is read here.")
        return self._opened()

    def for_user(self, user: User | AnonymousUser) -> Self:
        return super(GuardedQuerySet, self._opened()).for_user(user)

    def _public_filter(self, *args: Any, **kwargs: Any) -> Self:
        """Rows anyone may read, with or without an account: opened and narrowed in one step.

        Only for a model's own public narrowing (``Fair.objects.public()``,
        ``Notice.objects.visible_at(now)``, ``Module.objects.visible_to(user)``): a published
        row is every visitor's, so asking whose it is would answer "no one's" for an
        anonymous visitor. ``git grep '_public_filter('`` lists each public narrowing.
        """
        return self._opened().filter(*args, **kwargs)

    def none(self) -> Self:
        return super(GuardedQuerySet, self._opened()).none()

    def _refuse_unscoped(self) -> None:
        if self._guarded:
            raise _unscoped(self.model.__name__)

    def _fetch_all(self) -> None:
        if self._result_cache is None:
            self._refuse_unscoped()
        super()._fetch_all()

    def count(self) -> int:
        if self._result_cache is None:
            self._refuse_unscoped()
        return super().count()

    def exists(self) -> bool:
        if self._result_cache is None:
            self._refuse_unscoped()
        return super().exists()

    def contains(self, obj: models.Model) -> bool:
        self._refuse_unscoped()
        return super().contains(obj)

    def aggregate(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        self._refuse_unscoped()
        return super().aggregate(*args, **kwargs)

    def iterator(self, chunk_size: int | None = None) -> Any:
        self._refuse_unscoped()
        return super().iterator(chunk_size=chunk_size)

    def in_bulk(self, *args: Any, **kwargs: Any) -> Any:
        self._refuse_unscoped()
        return super().in_bulk(*args, **kwargs)

    def update(self, **kwargs: Any) -> int:
        self._refuse_unscoped()
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        self._refuse_unscoped()
        return super().delete()


class GuardedManager(models.Manager[Any]):
    """A scoped model's ``objects``: its querysets start guarded (see GuardedQuerySet)."""

    def get_queryset(self) -> Any:
        queryset: Any = super().get_queryset()
        queryset._guarded = True
        return queryset
