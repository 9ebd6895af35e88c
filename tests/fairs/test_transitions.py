"""The table of a fair's moves (fairs.transitions), tested like the case table."""

from __future__ import annotations

import pytest
from django.utils import translation

from accounts.transitions import TransitionRefused
from fairs import services, transitions
from fairs.models import Fair, FairEvent

pytestmark = pytest.mark.django_db

S = Fair.Status
DOCUMENTED = {
    (S.DRAFT, S.PUBLISHED), (S.DRAFT, S.CANCELLED),
    (S.PUBLISHED, S.CLOSED), (S.PUBLISHED, S.CANCELLED),
}  # fmt: skip

MOVE = {
    S.PUBLISHED: lambda f, u: services.fair_publish(fair_id=f.pk, actor=u, confirmed=True),
    S.CLOSED: lambda f, u: services.fair_close(fair_id=f.pk, actor=u),
    S.CANCELLED: lambda f, u: services.fair_cancel(fair_id=f.pk, actor=u, reason="Mưa bão"),
}


def test_the_table_in_code_is_the_documented_one():
    table = {(s, t) for s in S.values for t in transitions.allowed_moves(s)}

    assert table == DOCUMENTED
    assert set(MOVE) == {t for _, t in DOCUMENTED}


def test_every_move_outside_the_table_is_refused_naming_the_status(fair, counsellor):
    refused = 0
    with translation.override("en"):
        for start in S.values:
            for target, move in MOVE.items():
                if (start, target) in DOCUMENTED:
                    continue
                Fair.all_objects.filter(pk=fair.pk).update(status=start)
                events = FairEvent.objects.count()

                with pytest.raises(TransitionRefused) as error:
                    move(fair, counsellor)

                assert isinstance(error.value, services.InvalidTransition)
                assert str(S(start).label) in str(error.value), (start, target)
                fair.refresh_from_db()
                assert fair.status == start
                assert FairEvent.objects.count() == events
                refused += 1
    assert refused == len(S.values) * len(MOVE) - len(DOCUMENTED)


def test_each_move_in_the_table_is_made_by_its_service(fair, counsellor):
    for start, target in sorted(DOCUMENTED):
        Fair.all_objects.filter(pk=fair.pk).update(status=start)

        MOVE[target](fair, counsellor)

        fair.refresh_from_db()
        assert fair.status == target
