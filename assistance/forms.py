from __future__ import annotations

from pathlib import PurePath
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from accounts.formfields import model_choice_field
from accounts.models import Role, User
from assistance.models import Kind, Outcome, Source
from assistance.services import MAX_PHOTOS
from markets.forms import AmountField
from workers.uploads import CleanFile, RejectedUpload, clean_upload


class PhotosInput(forms.FileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget",
            PhotosInput(
                attrs={
                    "accept": "image/jpeg,image/png,image/heic,application/pdf",
                    "multiple": True,
                }
            ),
        )
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        items = data if isinstance(data, list | tuple) else [data]
        return [f for f in (super(PhotosField, self).clean(i, initial) for i in items if i) if f]


class HelpRequestForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What is the problem?"),
        choices=Kind.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    what_happened = forms.CharField(
        label=_("What happened? (you can write little)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        required=False,
    )
    phone_abroad = forms.CharField(
        label=_("Your phone number abroad"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    zalo = forms.CharField(label=_("Your Zalo (number or name)"), max_length=100, required=False)
    relative_contact = forms.CharField(
        label=_("A relative in Vietnam: name and phone"), max_length=200, required=False
    )
    photos = PhotosField(
        label=_("Photos (optional)"),
        required=False,
        help_text=_("Up to 3 photos or PDF files, 10 MB each: papers, messages, injuries."),
    )

    def clean_photos(self) -> list[tuple[CleanFile, str]]:
        files: list[UploadedFile] = self.cleaned_data.get("photos") or []
        if len(files) > MAX_PHOTOS:
            raise ValidationError(_("Send at most %(n)s photos.") % {"n": MAX_PHOTOS})
        checked = []
        for upload in files:
            # The same checks as a worker's documents: the type from the first bytes, photos
            # drawn again without their metadata, PDFs with scripts refused, 10 MB at most.
            try:
                clean = clean_upload(upload)
            except RejectedUpload as refused:
                raise ValidationError(f"“{upload.name}”: {refused}") from None
            checked.append((clean, PurePath(upload.name or "photo").name[:200]))
        return checked

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not any(
            (data.get(n) or "").strip() for n in ("phone_abroad", "zalo", "relative_contact")
        ):
            raise ValidationError(
                _("Write at least one way to reach you: a phone number, Zalo or a relative.")
            )
        return data


class StaffHelpRequestForm(HelpRequestForm):
    source = forms.ChoiceField(
        label=_("Who called"),
        choices=[(Source.RELATIVE_PHONE, Source.RELATIVE_PHONE.label),
                 (Source.WORKER_PHONE, Source.WORKER_PHONE.label)],
        initial=Source.RELATIVE_PHONE,
        widget=forms.RadioSelect,
    )  # fmt: skip

    field_order = ["source", "kind", "what_happened", "phone_abroad", "zalo", "relative_contact"]


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False
    )


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=Outcome.choices, widget=forms.RadioSelect
    )
    referred_to = forms.CharField(
        label=_("Referred to (which body, which person)"), max_length=200, required=False
    )
    amount = AmountField(label=_("Amount recovered (VND)"), required=False)
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        outcome = data.get("outcome")
        if outcome == Outcome.REFERRED and not (data.get("referred_to") or "").strip():
            self.add_error("referred_to", _("Write who the request was referred to."))
        if outcome == Outcome.RECOVERED and not data.get("amount"):
            self.add_error("amount", _("Write the amount recovered, in VND."))
        return data


class AssignForm(forms.Form):
    to = forms.ModelChoiceField(
        label=_("Counsellor"), queryset=User.objects.none(), required=False, empty_label=_("Nobody")
    )

    def __init__(self, *args: Any, province_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "to").queryset = (
            User.objects.filter(province_id=province_id, is_active=True)
            .exclude(role=Role.WORKER)
            .order_by("name")
        )
