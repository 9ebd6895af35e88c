import pytest
from django.apps import apps
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def row_counts() -> dict[str, int]:
    return {m._meta.label: m._default_manager.count() for m in apps.get_models()}


def test_seed_demo_makes_a_login_of_every_role_and_running_it_again_adds_nothing(
    capsys, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    # pytest-django runs with DEBUG off, so the command is forced as in a demo install.
    call_command("seed_demo", force=True)
    first = row_counts()
    call_command("seed_demo", force=True)

    assert row_counts() == first
    out = capsys.readouterr().out
    for login in [
        "admin@mrc.demo",
        "quanly.laocai@mrc.demo",
        "tuvan.laocai@mrc.demo",
        "0912345001",
    ]:
        assert login in out


def test_seed_demo_refuses_to_run_in_production(settings):
    from django.core.management.base import CommandError

    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")
