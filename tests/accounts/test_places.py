import pytest
from django.core.management import call_command
from django.db.models import Count

from accounts.models import Commune, Province

pytestmark = pytest.mark.django_db


def test_the_2025_list_is_loaded_by_migrate():
    assert Province.objects.count() == 34
    assert Commune.objects.count() == 3321


def test_merged_provinces_have_their_communes():
    counts = dict(Province.objects.annotate(n=Count("communes")).values_list("code", "n"))

    assert counts[15] == 99  # Lào Cai = former Lào Cai + Yên Bái
    assert counts[82] == 102  # Đồng Tháp = former Tiền Giang + Đồng Tháp
    assert all(n > 0 for n in counts.values())


def test_province_names_are_short_for_people():
    lao_cai = Province.objects.get(code=15)

    assert lao_cai.name == "Tỉnh Lào Cai"
    assert lao_cai.short_name == "Lào Cai"
    assert str(Province.objects.get(code=1)) == "Hà Nội"


def test_loading_places_again_changes_nothing(capsys):
    before = list(Commune.objects.order_by("code").values_list("pk", "code", "province_id"))

    call_command("load_places")

    after = list(Commune.objects.order_by("code").values_list("pk", "code", "province_id"))
    assert after == before
    assert "34 provinces, 3321 communes" in capsys.readouterr().out
