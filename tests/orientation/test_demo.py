from __future__ import annotations

import pytest
from django.conf import settings

from accounts.models import Role
from orientation.demo import MODULES, UNCONFIRMED, seed_orientation
from orientation.models import Module
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def test_the_demo_modules_are_published_with_three_questions_each_and_twice_adds_nothing(
    media,
) -> None:
    StaffFactory(role=Role.ADMIN, province=None)
    seed_orientation()
    seed_orientation()
    modules = Module.all_objects.published()
    assert modules.count() == len(MODULES) == 9
    assert all(m.questions.count() == 3 for m in modules)


def test_the_modules_the_issue_names_exist_and_the_main_markets_have_their_own(media) -> None:
    from tests.markets.factories import MarketFactory

    for code in ("japan", "korea", "taiwan"):
        MarketFactory(code=code)
    StaffFactory(role=Role.ADMIN, province=None)
    seed_orientation()
    titles = set(Module.all_objects.published().values_list("title", flat=True))
    assert {
        "Quyền của bạn và hợp đồng",
        "Phí và lừa đảo",
        "An toàn khi làm việc",
        "Tiền lương và gửi tiền về nhà",
        "Khi gặp khó khăn: gọi ai",
        "Về nước",
    } <= titles
    by_market = dict(
        Module.all_objects.filter(market__isnull=False).values_list("market__code", "title")
    )
    assert set(by_market) == {"japan", "korea", "taiwan"}
    # Every demo lesson has a drawing, and the drawing exists.
    for module in Module.all_objects.all():
        assert module.pictogram, module.title
        drawing = settings.BASE_DIR / "static/orientation/pictograms" / f"{module.pictogram}.svg"
        assert drawing.exists()


def test_every_demo_module_names_its_source() -> None:
    for spec in MODULES:
        assert "Nguồn:" in spec.body, spec.title
        for q in spec.questions:
            assert 0 <= q.correct < len(q.choices)
    # Japan's hotline and deposit rule are unconfirmed in the legal notes: the lesson says so.
    japan = next(m for m in MODULES if m.market == "japan")
    assert "chưa xác nhận" in japan.body and UNCONFIRMED in japan.body


def test_the_service_fee_cap_is_marked_unconfirmed_as_the_legal_notes_say() -> None:
    fees = next(m for m in MODULES if m.title == "Phí và lừa đảo")
    assert f"tối đa 3 tháng lương\n  {UNCONFIRMED}" in fees.body


def test_the_right_answer_is_not_always_the_first_choice(media) -> None:
    StaffFactory(role=Role.ADMIN, province=None)
    seed_orientation()
    positions = {q.correct for m in Module.all_objects.all() for q in m.questions.all()}
    assert len(positions) == 3
    for module in Module.all_objects.all():
        specs = MODULES[module.order - 1].questions
        for question, spec in zip(module.questions.all(), specs, strict=True):
            assert question.choices[question.correct] == spec.choices[spec.correct]
