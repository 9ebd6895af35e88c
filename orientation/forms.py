from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Province
from accounts.uploads import RejectedUpload
from markets.models import Market
from orientation.models import Module, Pictogram, Question
from orientation.pictures import Picture, picture_from_upload
from orientation.services import QuestionSpec


class QuizForm(forms.Form):
    """One radio group per question; an answer that is not one of the choices is refused."""

    def __init__(self, *args: Any, questions: list[Question], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for q in questions:
            self.fields[f"q{q.pk}"] = forms.TypedChoiceField(
                label=q.text,
                choices=[(str(i), text) for i, text in enumerate(q.choices)],
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("Choose one answer."),
                    "invalid_choice": _("That answer is not one of the choices. Choose one."),
                },
            )

    def chosen(self) -> dict[int, int]:
        return {q.pk: self.cleaned_data[f"q{q.pk}"] for q in self.questions}


QUESTION_SLOTS = 5
CHOICES_PER_QUESTION = 4


def _picture_field(label: Any) -> forms.FileField:
    return forms.FileField(
        label=label,
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/heic"}),
        help_text=_("A photo or drawing (JPEG, PNG, HEIC); it is made small for phones."),
    )


def _clean_picture(upload: Any) -> Picture | None:
    if not upload:
        return None
    try:
        return picture_from_upload(upload)
    except RejectedUpload as refused:
        raise forms.ValidationError(str(refused)) from None


class LessonForm(forms.Form):
    """A lesson and its quiz on one page. A question slot left empty is no question; a slot
    begun must be finished. Whatever was typed comes back when something is wrong (a chosen
    picture must be chosen again: browsers do not keep files)."""

    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_(
            "Short sentences, plain words. Markdown: **bold**, lists starting with -. "
            'End with "Nguồn: ..." (the document and article).'
        ),
        max_length=20000,
    )
    province = forms.ModelChoiceField(
        label=_("For"),
        queryset=Province.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=_("The whole country"),
    )
    market = forms.ModelChoiceField(
        label=_("Country"),
        queryset=Market.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=_("Every country"),
        help_text=_("A lesson about one country's law and customs is shown on its page too."),
    )
    order = forms.IntegerField(label=_("Place in the list"), min_value=0, max_value=999)
    pictogram = forms.ChoiceField(
        label=_("Drawing"), choices=[("", _("None")), *Pictogram.choices], required=False
    )
    image = _picture_field(_("Picture"))
    image_alt = forms.CharField(
        label=_("What the picture shows"),
        max_length=200,
        required=False,
        help_text=_("In Vietnamese, for people who cannot see the picture."),
    )
    remove_image = forms.BooleanField(label=_("Remove the picture"), required=False)
    reason = forms.CharField(label=_("Note (why this change)"), max_length=500, required=False)

    def __init__(self, *args: Any, user: Any, module: Module | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.module = module
        if not user.is_admin:
            # A manager writes for their own province only: the choice is not theirs.
            field = self.fields["province"]
            field.queryset = Province.objects.filter(pk=user.province_id)  # type: ignore[attr-defined]
            field.required = True
            field.empty_label = None  # type: ignore[attr-defined]
            field.initial = user.province.code if user.province else None
        for n in range(1, QUESTION_SLOTS + 1):
            self.fields[f"q{n}_text"] = forms.CharField(
                label=_("Question"), max_length=300, required=False
            )
            for c in range(1, CHOICES_PER_QUESTION + 1):
                self.fields[f"q{n}_choice{c}"] = forms.CharField(
                    label=_("Answer %(n)s") % {"n": c}, max_length=200, required=False
                )
            self.fields[f"q{n}_correct"] = forms.TypedChoiceField(
                label=_("The right answer"),
                choices=[("", "—")] + [(str(c), str(c)) for c in range(1, 5)],
                coerce=int,
                required=False,
                empty_value=None,
            )
            self.fields[f"q{n}_explanation"] = forms.CharField(
                label=_("Why (shown after the answer)"),
                widget=forms.Textarea(attrs={"rows": 2}),
                max_length=1000,
                required=False,
            )
            self.fields[f"q{n}_image"] = _picture_field(_("Picture"))
            self.fields[f"q{n}_image_alt"] = forms.CharField(
                label=_("What the picture shows"), max_length=200, required=False
            )
            self.fields[f"q{n}_remove_image"] = forms.BooleanField(
                label=_("Remove the picture"), required=False
            )

    @classmethod
    def initial_for(cls, module: Module) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "title": module.title,
            "body": module.body,
            "province": module.province.code if module.province else None,
            "market": module.market.code if module.market else None,
            "order": module.order,
            "pictogram": module.pictogram,
            "image_alt": module.image_alt,
        }
        for n, q in enumerate(module.questions.all(), start=1):
            initial[f"q{n}_text"] = q.text
            for c, choice in enumerate(q.choices, start=1):
                initial[f"q{n}_choice{c}"] = choice
            initial[f"q{n}_correct"] = q.correct + 1
            initial[f"q{n}_explanation"] = q.explanation
            initial[f"q{n}_image_alt"] = q.image_alt
        return initial

    def groups(self) -> list[dict[str, Any]]:
        """The question slots, each with its fields, for the template."""
        return [
            {
                "number": n,
                "text": self[f"q{n}_text"],
                "choices": [self[f"q{n}_choice{c}"] for c in range(1, CHOICES_PER_QUESTION + 1)],
                "correct": self[f"q{n}_correct"],
                "explanation": self[f"q{n}_explanation"],
                "image": self[f"q{n}_image"],
                "image_alt": self[f"q{n}_image_alt"],
                "remove_image": self[f"q{n}_remove_image"],
                "has_image": self._question_has_image(n),
            }
            for n in range(1, QUESTION_SLOTS + 1)
        ]

    def _question_has_image(self, n: int) -> bool:
        if self.module is None:
            return False
        questions = list(self.module.questions.all())
        return n <= len(questions) and bool(questions[n - 1].image)

    def clean_image(self) -> Picture | None:
        return _clean_picture(self.cleaned_data.get("image"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("image") and not data.get("image_alt"):
            self.add_error("image_alt", _("Say in a few words what the picture shows."))
        specs: list[QuestionSpec] = []
        for n in range(1, QUESTION_SLOTS + 1):
            spec = self._question(n, data)
            if spec is not None:
                specs.append(spec)
        data["questions"] = specs
        return data

    def _question(self, n: int, data: dict[str, Any]) -> QuestionSpec | None:
        text = data.get(f"q{n}_text", "")
        choices = [data.get(f"q{n}_choice{c}", "") for c in range(1, CHOICES_PER_QUESTION + 1)]
        correct = data.get(f"q{n}_correct")
        explanation = data.get(f"q{n}_explanation", "")
        upload = data.get(f"q{n}_image")
        if not (text or any(choices) or correct or explanation or upload):
            return None
        problems = False
        if not text:
            self.add_error(f"q{n}_text", _("Write the question, or empty the whole question."))
            problems = True
        filled = [c for c in choices if c]
        if len(filled) < 2 or any(not c for c in choices[: len(filled)]):
            self.add_error(
                f"q{n}_choice1", _("Write at least two answers, in the first boxes, in order.")
            )
            problems = True
        if correct is None or not 1 <= correct <= len(filled):
            self.add_error(f"q{n}_correct", _("Choose which of the written answers is right."))
            problems = True
        if not explanation:
            self.add_error(f"q{n}_explanation", _("Say why the right answer is right."))
            problems = True
        picture = None
        if upload:
            try:
                picture = _clean_picture(upload)
            except forms.ValidationError as refused:
                self.add_error(f"q{n}_image", refused)
                problems = True
            if not data.get(f"q{n}_image_alt"):
                self.add_error(f"q{n}_image_alt", _("Say in a few words what the picture shows."))
                problems = True
        if problems:
            return None
        return QuestionSpec(
            text=text,
            choices=filled,
            correct=(correct or 1) - 1,
            explanation=explanation,
            image_alt=data.get(f"q{n}_image_alt", ""),
            image=picture,
            remove_image=bool(data.get(f"q{n}_remove_image")),
        )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Note (why)"), max_length=500, required=False)
