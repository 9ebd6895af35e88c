"""The one writer of the export log: every download of personal data leaves a row."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from accounts.models import ExportRecord, User


def export_record_create(
    *, user: User, what: str, rows: int, query: Mapping[str, str], skip: Collection[str] = ()
) -> ExportRecord:
    """Record that `user` exported `rows` rows of `what`, with the filters of `query`."""
    return ExportRecord.objects.create(
        user=user, what=what, rows=rows, filters=ExportRecord.filters_of(query, skip=skip)
    )
