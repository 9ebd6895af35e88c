"""The declared list of personal data (accounts.personal): a field that looks personal on
any model, the project's or a library's, must say how it is erased."""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.db import models
from django.test.utils import isolate_apps

from accounts.personal import MARKER, How, PersonalData, Subject, declaration, scrub

# A name, a phone, an ID, a birth date, an address, a bank, an email, or free text that can
# be about a person (a reason, a note, an outcome, a message), or a file.
LOOKS_PERSONAL = re.compile(
    r"name|phone|personal_id|birth|address|bank|email|reason|note|text|outcome|contact|"
    r"search|filter|applicant|situation|problem|ip$|agent|skill|health|ethnic|experience|"
    r"title|body|subject|message|repr|description|requirement|session_data|^data$|asked|"
    r"purpose|reference|step$"
)


def undeclared(model_list: list[type[models.Model]]) -> list[str]:
    missing = []
    for model in model_list:
        looks = [
            f.name
            for f in model._meta.concrete_fields
            if LOOKS_PERSONAL.search(f.name) or isinstance(f, models.FileField)
        ]
        if not looks:
            continue
        declared = declaration(model)
        if declared is None:
            missing += [f"{model._meta.label}.{name}" for name in looks]
        elif not declared.reference:
            missing += [f"{model._meta.label}.{n}" for n in looks if n not in declared.fields]
    return missing


def test_every_field_that_looks_personal_is_declared_with_how_it_is_erased():
    assert undeclared(list(apps.get_models())) == []


def test_a_new_model_with_a_phone_and_no_declaration_is_caught():
    with isolate_apps("workers"):

        class Visitor(models.Model):  # noqa: DJ008
            phone = models.CharField(max_length=20)
            note = models.TextField()

            class Meta:
                app_label = "workers"

        assert undeclared([Visitor]) == ["workers.Visitor.phone", "workers.Visitor.note"]


def test_a_new_field_on_a_declared_model_is_caught():
    with isolate_apps("workers"):

        class Visit(models.Model):  # noqa: DJ008
            text = models.TextField()
            scan = models.FileField()
            personal_data = PersonalData(fields={"text": How.REDACT})

            class Meta:
                app_label = "workers"

        assert undeclared([Visit]) == ["workers.Visit.scan"]


def test_every_declared_field_exists_and_every_kept_or_reference_choice_says_why():
    problems = []
    for model in apps.get_models():
        declared = declaration(model)
        if declared is None:
            continue
        names = {f.name for f in model._meta.get_fields()}
        problems += [f"{model._meta.label}.{n}" for n in declared.fields if n not in names]
        keeps = How.KEEP in declared.fields.values()
        if (declared.reference or keeps) and not declared.why:
            problems.append(f"{model._meta.label}: why?")
    assert problems == []


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Chị Lò Thị Hoa gọi 0912 345 678", f"Chị {MARKER} gọi {MARKER}"),
        ({"q": "lo thi hoa", "page": "2"}, {"q": MARKER, "page": "2"}),
        (["LÒ THỊ HOA"], [MARKER]),
    ],
)
def test_scrub_replaces_every_written_form_of_her_and_nothing_else(value, expected):
    subject = Subject(
        user_id=1, names=frozenset({"Lò Thị Hoa"}), phones=frozenset({"0912 345 678"})
    )
    assert scrub(value, subject.terms()) == expected
