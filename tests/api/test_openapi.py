from __future__ import annotations

import json

from django.core.management import call_command
from django.test import Client
from openapi_spec_validator import validate

from api.management.commands.api_openapi import CHECKED_IN, openapi_text


def test_the_served_document_is_the_checked_in_one(db) -> None:
    # Fails when the code's endpoints or schemas change without `make openapi`.
    served = Client().get("/api/v1/openapi.json")
    assert served.status_code == 200
    assert served.json() == json.loads(CHECKED_IN.read_text())
    assert CHECKED_IN.read_text() == openapi_text()


def test_the_document_is_valid_openapi_3(db) -> None:
    document = json.loads(CHECKED_IN.read_text())
    assert document["openapi"].startswith("3.")
    validate(document)
    assert {"/api/v1/changes", "/api/v1/moves", "/api/v1/enterprises"} <= set(document["paths"])


def test_the_check_command_fails_on_drift(db, tmp_path, monkeypatch) -> None:
    import api.management.commands.api_openapi as command

    stale = tmp_path / "openapi-v1.json"
    stale.write_text("{}\n")
    monkeypatch.setattr(command, "CHECKED_IN", stale)
    try:
        call_command("api_openapi", "--check")
    except SystemExit as exit:
        assert exit.code == 1
    else:
        raise AssertionError("--check passed on a stale document")
