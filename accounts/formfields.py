"""A form's field by name, typed as the field it is.

`form.fields[name]` is typed as a plain `Field`, so setting a `queryset`, `choices` or
`empty_label` on it is an error to mypy. These return it as the class it is, and fail
loudly if the form declares something else:

    model_choice_field(self, "commune").queryset = Commune.objects.filter(...)
"""

from __future__ import annotations

from typing import Any

from django import forms


def field_of[F: forms.Field](form: forms.BaseForm, name: str, kind: type[F]) -> F:
    field = form.fields[name]
    if not isinstance(field, kind):
        raise TypeError(f"{type(form).__name__}.{name} is a {type(field).__name__}, not a {kind}")
    return field


def model_choice_field(form: forms.BaseForm, name: str) -> forms.ModelChoiceField[Any]:
    return field_of(form, name, forms.ModelChoiceField)


def choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    return field_of(form, name, forms.ChoiceField)


def integer_field(form: forms.BaseForm, name: str) -> forms.IntegerField:
    return field_of(form, name, forms.IntegerField)
