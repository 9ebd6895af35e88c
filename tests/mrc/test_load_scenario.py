"""The load scenario of `make load` still fits the portal: cheap checks, no load run.

Importing locust patches the standard library with gevent, so the locustfile is loaded in a
child process that prints what the tests compare.
"""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.demo import DEMO_TOTP_SECRET
from accounts.models import ConsentText, User
from fairs.models import Fair
from workers import services

LOCUSTFILE = Path(__file__).resolve().parents[2] / "loadtest" / "locustfile.py"
SOURCE = LOCUSTFILE.read_text()
AT = 1_790_000_000.0

needs_locust = pytest.mark.skipif(
    importlib.util.find_spec("locust") is None,
    reason="locust is not installed (pip install '.[load]')",
)

PROBE = """
import json, runpy, sys
ns = runpy.run_path(sys.argv[1])
users = [
    name for name, value in ns.items()
    if isinstance(value, type) and issubclass(value, ns["Visitor"]) and not value.abstract
]
print(json.dumps({
    "routes": ns["ROUTES"],
    "totp": ns["totp"](sys.argv[2], float(sys.argv[3])),
    "users": sorted(users),
    "fields": ns["form_fields"](sys.stdin.read()),
}))
"""


def probe(html: str = "") -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(LOCUSTFILE), DEMO_TOTP_SECRET, str(AT)],
        input=html,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


@needs_locust
def test_the_locustfile_imports_with_its_four_kinds_of_user() -> None:
    assert probe()["users"] == ["Anonymous", "Counsellor", "DoorKeeper", "Worker"]


@needs_locust
def test_every_page_of_the_scenario_is_the_portals_url() -> None:
    samples = {"code": "japan", "step": "contact", "pk": 7}
    for url_name, path in probe()["routes"].values():
        kwargs = {k: v for k, v in samples.items() if "{" + k + "}" in path}
        assert reverse(url_name, kwargs=kwargs) == path.format(**kwargs), url_name


@needs_locust
def test_the_users_open_only_declared_pages() -> None:
    routes = probe()["routes"]
    used = set(re.findall(r'\burl\("(\w+)"', SOURCE))
    assert used
    assert used <= set(routes)


@needs_locust
def test_the_scenarios_totp_codes_are_the_authenticators() -> None:
    expected = format_hotp_value(hotp_value(DEMO_TOTP_SECRET, int(AT) // 30))
    assert probe()["totp"] == expected


@needs_locust
def test_the_profile_step_is_read_as_a_browser_would(client: Client, worker: User) -> None:
    text = ConsentText.objects.order_by("-version").first()
    assert text is not None
    services.consent_accept(user=worker, text=text)
    client.force_login(worker)
    html = client.get(reverse("workers:profile_step", args=["contact"])).content.decode()
    names = [name for name, _value in probe(html)["fields"]]
    # The step's own form, not the language switcher in the header.
    assert names == ["csrfmiddlewaretoken", "version", "contact_note"]


@pytest.mark.django_db
def test_seed_load_writes_what_the_scenario_reads(tmp_path: Path) -> None:
    target = tmp_path / "load.json"
    options = {"workers": 3, "counsellors": 2, "tickets": 2, "enterprises": 4, "force": True}
    call_command("seed_load", data=target, **options)
    call_command("seed_load", data=target, **options)  # a second run tops up, nothing more

    data = json.loads(target.read_text())
    assert set(re.findall(r'data\(\)\["(\w+)"\]', SOURCE)) <= set(data)
    assert data["workers"] == ["0970000001", "0970000002", "0970000003"]
    assert len(data["counsellors"]) == 2
    assert len(data["tickets"]) == 2
    fair = Fair.all_objects.get(pk=data["fair"])
    assert fair.status == Fair.Status.PUBLISHED
    assert fair.day == timezone.localdate()
    assert fair.ends_at > timezone.now()
    counsellor = User.objects.get(email=data["counsellors"][0])
    assert counsellor.check_password(data["password"])
    assert Authenticator.objects.filter(user=counsellor, type=Authenticator.Type.TOTP).exists()


def test_the_saturation_rate_counts_only_the_seconds_after_every_sign_in(tmp_path):
    from loadtest.run import steady_rate

    header = "Timestamp,User Count,Type,Name,Requests/s,Failures/s,Total Request Count,"
    header += "Total Failure Count\n"
    rows = []
    for second in range(40):
        signed = min(second, 4)  # four users sign in over the first four seconds, slowly
        pages = 0 if second < 5 else 100 * (second - 5)  # then 100 pages a second
        rows += [
            f"{1000 + second},4,POST,sign-in: staff password,0,0,{signed},0",
            f"{1000 + second},4,GET,caseload,0,0,{pages},0",
            f"{1000 + second},4,,Aggregated,0,0,{signed + pages},0",
        ]
    (tmp_path / "locust_stats_history.csv").write_text(header + "\n".join(rows) + "\n")

    rate, failures, seconds = steady_rate(tmp_path / "locust", users=4)

    assert (rate, failures, seconds) == (100.0, 0, 33.0)


@pytest.mark.django_db
def test_the_fee_checks_of_the_load_are_checks_not_refusals(
    tmp_path: Path, client: Client, settings: Any
) -> None:
    """A load run's fee checks answered 400 to half: the scenario picked a monthly wage
    regardless of the programme's money (1,200 Taiwan dollars, 180,000 euros), which the
    checker refuses as a typing mistake. seed_load now gives each programme wages in its own
    money; every one of them is checked (200), not refused."""
    from markets.demo import seed_markets

    seed_markets()
    settings.FEE_CHECKS_PER_WINDOW = 10**6
    target = tmp_path / "load.json"
    call_command(
        "seed_load", data=target, workers=1, counsellors=1, tickets=1, enterprises=1, force=True
    )
    checks = json.loads(target.read_text())["fee_checks"]
    assert len(checks) >= 5
    for check in checks:
        for wage in check["wages"]:
            response = client.get(
                reverse("markets:fee_check"),
                {
                    "programme": check["programme"],
                    "contract_months": 36,
                    "monthly_wage": wage,
                    "wage_currency": "local",
                    "fee_currency": "VND",
                    "service_fee": "90.000.000",
                },
            )
            assert response.status_code == 200, (check, wage)
