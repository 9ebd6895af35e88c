"""A refused move in markets is the shared TransitionRefused, and the licence rule has one
home: the service, whose message the admin form shows too."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict
from django.utils import translation

from accounts.transitions import TransitionRefused
from markets import services
from markets.admin import EnterpriseAdminForm
from markets.models import LicenceStatus
from tests.markets.test_enterprises import register  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


def test_a_refused_licence_move_is_a_transition_refusal_and_still_a_validation_error(register):  # noqa: F811
    company = register["revoked"]
    company.status = LicenceStatus.ACTIVE

    with pytest.raises(TransitionRefused) as refused:
        services.enterprise_save(enterprise=company, by=None)

    assert isinstance(refused.value, ValidationError)
    company.refresh_from_db()
    assert company.status == LicenceStatus.REVOKED


def test_the_admin_form_refuses_with_the_services_words(register):  # noqa: F811
    company = register["revoked"]
    data = {k: v for k, v in model_to_dict(company).items() if v is not None}
    data["status"] = LicenceStatus.ACTIVE
    data["markets"] = [m.pk for m in company.markets.all()]

    with translation.override("en"):
        form = EnterpriseAdminForm(data=data, instance=company)
        assert not form.is_valid()
        assert "A licence cannot go from Revoked to Active." in str(form.errors)

    company.refresh_from_db()
    assert company.status == LicenceStatus.REVOKED


def test_an_allowed_licence_move_passes_the_admin_form(register):  # noqa: F811
    company = register["hoang_lien"]
    data = {k: v for k, v in model_to_dict(company).items() if v is not None}
    data["status"] = LicenceStatus.SUSPENDED
    data["markets"] = [m.pk for m in company.markets.all()]

    form = EnterpriseAdminForm(data=data, instance=company)

    assert "status" not in form.errors and not form.non_field_errors()
