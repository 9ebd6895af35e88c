from __future__ import annotations

import datetime
from collections.abc import Iterable
from functools import cached_property
from html import escape
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.adapter import PhoneField
from accounts.formfields import choice_field, model_choice_field
from accounts.links import with_centre_link
from accounts.models import Commune, Province, Role, User
from accounts.text import as_id
from accounts.widgets import DateInput, DateTimeInput
from markets.models import Enterprise, Market, Programme
from markets.selectors import licensed_enterprises_on
from workers import rules
from workers.identity import (
    MINIMUM_AGE,
    IdFormat,
    IdProblem,
    age_on,
    check_personal_id,
    clean_personal_id,
    personal_id_problem,
)
from workers.identity import Sex as IdSex
from workers.models import Case, Channel, ProfileStep, Sex, Stage, Topic, WorkerProfile
from workers.reference import DESIRED_MARKETS, PriorityGroup
from workers.selectors import CaseloadFilters
from workers.services import STEP_FIELDS

ID_PROBLEM_TEXT = {
    IdProblem.PROVINCE: gettext_lazy(
        "The first three digits are not the code of any province where births are registered."
    ),
    IdProblem.CENTURY_SEX: gettext_lazy(
        "The fourth digit does not match your sex and the century you were born in "
        "(0 or 1 for 1900-1999, 2 or 3 for 2000-2099; the even digit is for men)."
    ),
    IdProblem.YEAR: gettext_lazy(
        "The fifth and sixth digits should be the last two digits of your birth year."
    ),
}


def personal_id_from_form(raw: str) -> str:
    """The typed number, normalised, or a message that says what is wrong with it."""
    number = clean_personal_id(raw)
    problem = personal_id_problem(number)
    if problem == IdFormat.NOT_DIGITS:
        raise forms.ValidationError(
            _(
                "The personal ID number has only digits (0 to 9): letters and other signs are "
                "not allowed. Copy the 12 digits from your card."
            ),
            code="not_digits",
        )
    if problem == IdFormat.LENGTH:
        raise forms.ValidationError(
            _("The personal ID number has exactly 12 digits. You typed %(n)s.")
            % {"n": len(number)},
            code="length",
        )
    return number


class StepForm(forms.ModelForm):
    """One wizard step: only that step's fields, plus the version the form was opened at."""

    step: str = ""
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = WorkerProfile
        fields: list[str] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["version"] = self.instance.version

    def validate_unique(self) -> None:
        # Uniqueness (one profile per personal ID) is the service's: it records the attempt
        # for counsellors, which a form error alone would not.
        return

    def step_values(self) -> dict[str, Any]:
        return {
            name: self.cleaned_data.get(name)
            for name in STEP_FIELDS[self.step]
            if name in self.cleaned_data
        }


class IdentityForm(StepForm):
    step = ProfileStep.IDENTITY
    # As the card reads: the name first, then the birth date, sex and number.
    field_order = ["name", "date_of_birth", "sex", "personal_id", "confirm_id", "id_issued_on"]
    name = forms.CharField(
        label=gettext_lazy("Full name"),
        max_length=150,
        help_text=gettext_lazy("As written on your ID card."),
    )
    confirm_id = forms.BooleanField(
        label=gettext_lazy("I have checked my card: the number I typed is right."),
        required=False,
    )

    class Meta(StepForm.Meta):
        fields = ["date_of_birth", "sex", "personal_id", "id_issued_on"]
        widgets = {
            "date_of_birth": DateInput(),
            "id_issued_on": DateInput(),
            "sex": forms.RadioSelect,
            "personal_id": forms.TextInput(
                attrs={
                    "inputmode": "numeric",
                    "autocomplete": "off",
                    "placeholder": "0151 9500 1234",
                }
            ),
        }
        help_texts = {"personal_id": gettext_lazy("The 12 digits on your chip ID card (căn cước).")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ["date_of_birth", "sex", "personal_id"]:
            self.fields[name].required = True
        choice_field(self, "sex").choices = list(Sex.choices)
        if not self.is_bound:
            self.initial["name"] = self.instance.user.name
        self.id_check_problems: tuple[IdProblem, ...] = ()

    def clean_personal_id(self) -> str:
        return personal_id_from_form(self.cleaned_data["personal_id"] or "")

    def clean_date_of_birth(self) -> datetime.date:
        born = self.cleaned_data["date_of_birth"]
        today = timezone.localdate()
        if born > today:
            raise forms.ValidationError(_("The date of birth is in the future."))
        if age_on(born, today) < MINIMUM_AGE:
            raise forms.ValidationError(
                with_centre_link(
                    _(
                        "To work abroad under contract you must be %(age)s or older (Law "
                        "69/2020, Article 44(1)). The centre can still advise you: come and see us."
                    )
                    % {"age": MINIMUM_AGE}
                )
            )
        return born

    def clean_id_issued_on(self) -> datetime.date | None:
        issued = self.cleaned_data.get("id_issued_on")
        if issued and issued > timezone.localdate():
            raise forms.ValidationError(_("The issue date is in the future."))
        return issued

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        number, born, sex = (cleaned.get(k) for k in ("personal_id", "date_of_birth", "sex"))
        if number and born and sex:
            check = check_personal_id(number, birth_date=born, sex=IdSex(sex))
            self.id_check_problems = check.problems
            if check.problems and not cleaned.get("confirm_id"):
                reasons = " ".join(str(ID_PROBLEM_TEXT[p]) for p in check.problems)
                self.add_error(
                    "personal_id",
                    _(
                        "This number does not agree with your birth date and sex: %(reasons)s "
                        "Check your card. If the number is right, tick the box below and save: "
                        "a counsellor will check it with you."
                    )
                    % {"reasons": reasons},
                )
            cleaned["id_problems"] = [str(p) for p in check.problems]
        return cleaned

    def step_values(self) -> dict[str, Any]:
        values = super().step_values()
        values["id_problems"] = self.cleaned_data.get("id_problems", [])
        values["name"] = self.cleaned_data["name"]
        return values


class ContactForm(StepForm):
    step = ProfileStep.CONTACT

    class Meta(StepForm.Meta):
        fields = ["contact_note"]


class AddressForm(StepForm):
    step = ProfileStep.ADDRESS
    province = forms.ModelChoiceField(
        label=gettext_lazy("Province or city"),
        queryset=Province.objects.all(),
        empty_label=gettext_lazy("Choose…"),
    )

    permanent_residence_here = forms.TypedChoiceField(
        label=gettext_lazy("Is your permanent residence (thường trú) this commune?"),
        help_text=gettext_lazy(
            "As written on your ID card. The Bank for Social Policies lends where you have "
            "permanent residence."
        ),
        choices=[("yes", gettext_lazy("Yes")), ("no", gettext_lazy("No, somewhere else"))],
        coerce=lambda value: value == "yes",
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )

    field_order = [
        "commune",
        "address_line",
        "old_address",
        "province",
        "permanent_residence_here",
        "permanent_address",
    ]

    class Meta(StepForm.Meta):
        fields = ["commune", "address_line", "old_address", "permanent_address"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user: User = self.instance.user
        province_id = as_id(self.data.get("province")) if self.is_bound else None
        if not province_id:
            province_id = (
                self.instance.commune.province_id if self.instance.commune_id else user.province_id
            )
        self.initial.setdefault("province", province_id)
        self.fields["commune"].required = True
        model_choice_field(self, "commune").empty_label = _("Choose…")
        model_choice_field(self, "commune").queryset = Commune.objects.filter(  # type: ignore[misc]  # no province gives no commune to choose, as Django filters None
            province_id=province_id
        ).only("pk", "name")
        if not self.is_bound and self.instance.permanent_residence_here is not None:
            self.initial["permanent_residence_here"] = (
                "yes" if self.instance.permanent_residence_here else "no"
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        commune, province = cleaned.get("commune"), cleaned.get("province")
        if commune and province and commune.province_id != province.pk:
            self.add_error("commune", _("This commune is not in the province you chose."))
        if cleaned.get("permanent_residence_here") is not False:
            # Said to be here (or not said): no other address to keep.
            cleaned["permanent_address"] = ""
        elif not (cleaned.get("permanent_address") or "").strip():
            self.add_error(
                "permanent_address",
                _("Write your permanent residence as on your ID card (commune, province)."),
            )
        return cleaned


class BackgroundForm(StepForm):
    step = ProfileStep.BACKGROUND
    priority_groups = forms.MultipleChoiceField(
        label=gettext_lazy("Priority groups you belong to"),
        choices=PriorityGroup.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy(
            "These can give you support and cheaper loans. You will send a paper that proves "
            "each one."
        ),
    )

    class Meta(StepForm.Meta):
        fields = ["ethnicity"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ethnicity"].required = True
        if not self.is_bound:
            self.initial["priority_groups"] = self.instance.priority_groups

    def step_values(self) -> dict[str, Any]:
        values = super().step_values()
        values["priority_groups"] = self.cleaned_data.get("priority_groups", [])
        return values


class EducationForm(StepForm):
    step = ProfileStep.EDUCATION

    class Meta(StepForm.Meta):
        fields = [
            "education",
            "vocational_skills",
            "jlpt_level",
            "eps_topik_score",
            "eps_topik_date",
            "other_languages",
        ]
        widgets = {
            "eps_topik_date": DateInput(),
            "eps_topik_score": forms.NumberInput(attrs={"inputmode": "numeric"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["education"].required = True

    def clean_eps_topik_score(self) -> int | None:
        score = self.cleaned_data.get("eps_topik_score")
        if score is not None and score > 200:
            raise forms.ValidationError(_("EPS-TOPIK is scored out of 200."))
        return score


class PlansForm(StepForm):
    step = ProfileStep.PLANS
    desired_markets = forms.MultipleChoiceField(
        label=gettext_lazy("Where you want to work"),
        choices=DESIRED_MARKETS,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta(StepForm.Meta):
        fields = ["desired_occupations", "has_worked_abroad", "experience_abroad"]
        widgets = {"experience_abroad": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["desired_markets"] = self.instance.desired_markets


YES_NO = [(True, gettext_lazy("Yes")), (False, gettext_lazy("No"))]


class HealthForm(StepForm):
    step = ProfileStep.HEALTH
    health_fit = forms.TypedChoiceField(
        label=gettext_lazy("Are you in good health for physical work?"),
        choices=YES_NO,
        coerce=lambda v: v == "True",
        widget=forms.RadioSelect,
    )
    has_criminal_record = forms.TypedChoiceField(
        label=gettext_lazy("Have you ever been sentenced by a court?"),
        choices=YES_NO,
        coerce=lambda v: v == "True",
        widget=forms.RadioSelect,
        help_text=gettext_lazy("Some countries refuse workers with a prison sentence."),
    )

    field_order = ["health_fit", "has_criminal_record", "health_notes"]

    class Meta(StepForm.Meta):
        fields = ["health_notes"]
        widgets = {"health_notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Declared fields are not read from the instance by ModelForm: without this, a
        # reopened step showed both answers blank and refused to save unchanged.
        if not self.is_bound:
            for name in ["health_fit", "has_criminal_record"]:
                value = getattr(self.instance, name)
                if value is not None:
                    self.initial[name] = value


STEP_FORMS: dict[str, type[StepForm]] = {
    form.step: form
    for form in [IdentityForm, ContactForm, AddressForm, BackgroundForm, EducationForm,
                 PlansForm, HealthForm]
}  # fmt: skip


class DocumentUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Photo or PDF"),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/heic,application/pdf"}
        ),
        help_text=gettext_lazy("A clear photo taken with your phone is enough. At most 10 MB."),
    )
    expires_on = forms.DateField(
        label=gettext_lazy("Valid until"), required=False, widget=DateInput()
    )


class DocumentReturnForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("What must the worker fix?"), max_length=300)


class AssistedRegistrationForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Full name"), max_length=150)
    phone = PhoneField(required=False)
    email = forms.EmailField(label=gettext_lazy("Email"), required=False)
    consent_on_paper = forms.BooleanField(
        label=gettext_lazy("The worker read and signed the consent form on paper in front of me."),
    )

    def clean_phone(self) -> str:
        phone = self.cleaned_data.get("phone")
        if phone and User.objects.filter(phone=phone).exists():
            raise forms.ValidationError(
                _("An account already uses this number. Search for the worker instead.")
            )
        return phone  # type: ignore[return-value]  # clean_phone returns the cleaned number (None when left empty)

    def clean_email(self) -> str:
        email = (self.cleaned_data.get("email") or "").lower()
        if email and User.objects.filter(email=email).exists():
            raise forms.ValidationError(
                _("An account already uses this email. Search for the worker instead.")
            )
        return email

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("phone") and not cleaned.get("email") and not self.errors:
            raise forms.ValidationError(
                _("Enter the worker's phone number (or an email) so they can sign in later.")
            )
        return cleaned


class DeletionRequestForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Why? (optional)"), max_length=300, required=False)
    confirm = forms.BooleanField(
        label=gettext_lazy("I understand that my file and documents will be erased.")
    )


# --- Cases ----------------------------------------------------------------------------


class CaseloadForm(forms.Form):
    """The caseload's filters; every field optional, bad values simply ignored."""

    scope = forms.ChoiceField(
        label=gettext_lazy("Cases"),
        required=False,
        choices=[
            ("all", gettext_lazy("All of my province")),
            ("mine", gettext_lazy("Mine")),
            ("unassigned", gettext_lazy("Unassigned")),
        ],
    )
    q = forms.CharField(
        label=gettext_lazy("Name, phone or personal ID"), required=False, max_length=100
    )
    stage = forms.ChoiceField(label=gettext_lazy("Stage"), required=False)
    commune = forms.ModelChoiceField(
        label=gettext_lazy("Commune or ward"), required=False, queryset=Commune.objects.none()
    )
    market = forms.ModelChoiceField(
        label=gettext_lazy("Market"), required=False, queryset=Market.objects.none()
    )
    group = forms.ChoiceField(label=gettext_lazy("Priority group"), required=False)
    sex = forms.ChoiceField(label=gettext_lazy("Sex"), required=False)
    follow_up_overdue = forms.BooleanField(label=gettext_lazy("Follow-up overdue"), required=False)
    return_overdue = forms.BooleanField(label=gettext_lazy("Return overdue"), required=False)
    sort = forms.ChoiceField(
        label=gettext_lazy("Sort by"),
        required=False,
        choices=[
            ("updated", gettext_lazy("Last activity")),
            ("name", gettext_lazy("Name")),
            ("opened", gettext_lazy("Newest")),
        ],
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        blank = [("", gettext_lazy("All"))]
        choice_field(self, "stage").choices = blank + list(Stage.choices)
        choice_field(self, "group").choices = blank + list(PriorityGroup.choices)
        choice_field(self, "sex").choices = blank + list(Sex.choices)
        # Only the columns an option shows: a market row also carries its long texts.
        model_choice_field(self, "commune").queryset = (
            Commune.objects.filter(province_id=user.province_id).only("pk", "name")
            if user.province_id
            else Commune.objects.none()
        )
        model_choice_field(self, "commune").empty_label = _("All")
        model_choice_field(self, "market").queryset = Market.objects.only(
            "pk", "name_vi", "name_en"
        )
        model_choice_field(self, "market").empty_label = _("All")

    @cached_property
    def commune_names(self) -> dict[int, str]:
        """The province's communes, by id, for the filter and the rows: plain values, as
        ~100 model instances cost more than the query."""
        return dict(model_choice_field(self, "commune").queryset.values_list("pk", "name"))  # type: ignore[union-attr]  # set in __init__

    @cached_property
    def market_names(self) -> dict[int, str]:
        """Every market's name in the page's language, by id, for the filter and the rows.
        One plain query: field.choices would open a server-side cursor on PostgreSQL."""
        return {market.pk: str(market) for market in model_choice_field(self, "market").queryset}  # type: ignore[union-attr]  # set in __init__

    def select_options(self) -> list[tuple[str, str, SafeString]]:
        """(name, label, <option> elements) of each select, drawn in Python: the caseload is
        the counsellor's most used page, and a template node (or a widget template) per
        option cost more than the rest of the page."""
        selects = []
        for name in ["scope", "stage", "commune", "market", "group", "sex", "sort"]:
            field = self.fields[name]
            if name == "commune":
                choices: Iterable[tuple[Any, Any]] = [
                    ("", field.empty_label),  # type: ignore[attr-defined]  # the commune field is a ModelChoiceField
                    *self.commune_names.items(),
                ]
            elif name == "market":
                choices = [("", field.empty_label), *self.market_names.items()]  # type: ignore[attr-defined]  # the market field is a ModelChoiceField
            else:
                choices = field.choices  # type: ignore[attr-defined]  # the other selects are ChoiceFields
            current = str(self.data.get(name, ""))
            options = "".join(
                f'<option value="{escape(str(value))}"'
                f"{' selected' if str(value) == current else ''}>{escape(str(text))}</option>"
                for value, text in choices
            )
            # Every value and text is escaped above; format_html per option cost ~2 ms a page.
            selects.append((name, str(field.label), mark_safe(options)))  # noqa: S308
        return selects

    def filters(self) -> CaseloadFilters:
        if not self.is_valid():
            return CaseloadFilters()
        data = self.cleaned_data
        return CaseloadFilters(
            scope=data["scope"] or "all",
            stage=data["stage"],
            commune=data["commune"].pk if data["commune"] else None,
            market=data["market"].pk if data["market"] else None,
            group=data["group"],
            sex=data["sex"],
            follow_up_overdue=data["follow_up_overdue"],
            return_overdue=data["return_overdue"],
            q=data["q"],
            sort=data["sort"] or "updated",
        )


REINTEGRATION_CHOICES = [
    ("job", gettext_lazy("A job")),
    ("loan", gettext_lazy("A loan")),
    ("training", gettext_lazy("Training or certification")),
]


class CaseMoveForm(forms.Form):
    """Move a case; the fields the target stage needs are asked with the move."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    to = forms.ChoiceField(label=gettext_lazy("Move to"))
    reason = forms.CharField(
        label=gettext_lazy("Reason or comment"), required=False, max_length=300
    )
    market = forms.ModelChoiceField(
        label=gettext_lazy("Market"), required=False, queryset=Market.objects.none()
    )
    programme = forms.ModelChoiceField(
        label=gettext_lazy("Programme"), required=False, queryset=Programme.objects.none()
    )
    enterprise = forms.ModelChoiceField(
        label=gettext_lazy("Enterprise"), required=False, queryset=Enterprise.objects.none()
    )
    contract_start = forms.DateField(
        label=gettext_lazy("Contract start"), required=False, widget=DateInput()
    )
    contract_end = forms.DateField(
        label=gettext_lazy("Contract end"), required=False, widget=DateInput()
    )
    departure_date = forms.DateField(
        label=gettext_lazy("Departure date"), required=False, widget=DateInput()
    )
    left_contract_on = forms.DateField(
        label=gettext_lazy("Date the worker left the contract or overstayed"),
        required=False,
        widget=DateInput(),
    )
    return_date = forms.DateField(
        label=gettext_lazy("Return date"), required=False, widget=DateInput()
    )
    skills_abroad = forms.CharField(
        label=gettext_lazy("Skills and certificates earned abroad"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    reintegration_needs = forms.MultipleChoiceField(
        label=gettext_lazy("What the worker needs after return"),
        required=False,
        choices=REINTEGRATION_CHOICES,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.case = case
        choice_field(self, "to").choices = [
            (s, Stage(s).label) for s in rules.allowed_moves(case.stage, case.held_from)
        ]
        model_choice_field(self, "market").queryset = Market.objects.all()
        model_choice_field(self, "programme").queryset = Programme.objects.select_related("market")
        model_choice_field(self, "enterprise").queryset = licensed_enterprises_on(
            timezone.localdate()
        )
        if not self.is_bound:
            self.initial.update(
                version=case.version,
                market=case.market_id,
                programme=case.programme_id,
                enterprise=case.enterprise_id,
                contract_start=case.contract_start,
                contract_end=case.contract_end,
                departure_date=case.departure_date,
            )

    def changes(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k not in {"version", "to", "reason"}}


class SessionForm(forms.Form):
    channel = forms.ChoiceField(label=gettext_lazy("Channel"), choices=Channel.choices)
    topics = forms.MultipleChoiceField(
        label=gettext_lazy("Topics"), choices=Topic.choices, widget=forms.CheckboxSelectMultiple
    )
    held_at = forms.DateTimeField(
        label=gettext_lazy("When"),
        widget=DateTimeInput(),
    )
    duration_minutes = forms.IntegerField(
        label=gettext_lazy("Minutes"), min_value=1, max_value=600, initial=15
    )
    outcome = forms.CharField(
        label=gettext_lazy("Outcome"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    next_step = forms.CharField(label=gettext_lazy("Next step"), required=False, max_length=300)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["held_at"] = timezone.localtime().replace(second=0, microsecond=0)

    def clean_held_at(self) -> Any:
        held_at = self.cleaned_data["held_at"]
        if held_at > timezone.now() + datetime.timedelta(minutes=5):
            raise forms.ValidationError(_("A session cannot be in the future."))
        return held_at


class ContactSessionForm(SessionForm):
    """A session with someone who has no account yet."""

    contact_name = forms.CharField(label=gettext_lazy("Name"), max_length=150)
    contact_phone = PhoneField(required=False)
    contact_commune = forms.ModelChoiceField(
        label=gettext_lazy("Commune or ward"), queryset=Commune.objects.none(), required=False
    )

    field_order = ["contact_name", "contact_phone", "contact_commune"]

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "contact_commune").queryset = Commune.objects.filter(  # type: ignore[misc]  # staff without a province get no commune to choose
            province_id=user.province_id
        )


class NoteForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Note"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )


class FollowUpForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("What"), max_length=200)
    due_on = forms.DateField(label=gettext_lazy("Due on"), widget=DateInput())
    assignee = forms.ModelChoiceField(label=gettext_lazy("Who"), queryset=User.objects.none())

    def __init__(self, *args: Any, case: Case, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "assignee").queryset = staff_of_province(case.province_id)
        if not self.is_bound:
            self.initial["assignee"] = case.assigned_to_id or user.pk


class CheckInForm(forms.Form):
    contact_made = forms.BooleanField(
        label=gettext_lazy("Contact made"), required=False, initial=True
    )
    situation = forms.CharField(
        label=gettext_lazy("Situation"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    problems = forms.CharField(
        label=gettext_lazy("Problems"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        label=gettext_lazy("Counsellor"),
        queryset=User.objects.none(),
        required=False,
        empty_label=gettext_lazy("Nobody (unassigned)"),
    )

    def __init__(self, *args: Any, province_id: int | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "assignee").queryset = staff_of_province(province_id)


class HandoverForm(forms.Form):
    leaving = forms.ModelChoiceField(
        label=gettext_lazy("Counsellor who is leaving"), queryset=User.objects.none()
    )
    to = forms.ModelChoiceField(
        label=gettext_lazy("Give their cases and tasks to"), queryset=User.objects.none()
    )

    def __init__(self, *args: Any, province_id: int | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "leaving").queryset = staff_of_province(
            province_id, active_only=False
        )
        model_choice_field(self, "to").queryset = staff_of_province(province_id)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("leaving") and cleaned.get("leaving") == cleaned.get("to"):
            raise forms.ValidationError(_("Choose two different people."))
        return cleaned


def staff_of_province(province_id: int | None, *, active_only: bool = True) -> Any:
    staff = User.objects.filter(role__in=[Role.COUNSELLOR, Role.MANAGER], province_id=province_id)
    return staff.filter(is_active=True) if active_only else staff


# --- Handing a file to another province ------------------------------------------------

CONSENT_NOTE_HELP = gettext_lazy(
    "Only if the worker is here and signed the consent paper: say which paper and where it "
    "is kept. The file then moves now. Leave empty to let the worker answer on their phone."
)


class TransferOutForm(forms.Form):
    """The worker's own province records that they live elsewhere now."""

    to_province = forms.ModelChoiceField(
        queryset=Province.objects.none(), label=gettext_lazy("Province where the worker lives now")
    )
    reason = forms.CharField(
        label=gettext_lazy("How you know"),
        max_length=300,
        help_text=gettext_lazy("For example: the worker phoned to say they moved there."),
    )
    consent_note = forms.CharField(
        label=gettext_lazy("Consent given in person"),
        max_length=300,
        required=False,
        help_text=CONSENT_NOTE_HELP,
    )

    def __init__(self, *args: Any, exclude_province_id: int | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        provinces = Province.objects.all()
        if exclude_province_id is not None:
            provinces = provinces.exclude(pk=exclude_province_id)
        to_province = model_choice_field(self, "to_province")
        to_province.queryset = provinces
        to_province.empty_label = _("Choose…")


class TransferFindForm(forms.Form):
    """The new province finds a file kept elsewhere: the two facts on the worker's card."""

    personal_id = forms.CharField(label=gettext_lazy("Personal ID number"), max_length=40)
    date_of_birth = forms.DateField(
        label=gettext_lazy("Date of birth"),
        widget=DateInput(),
        help_text=gettext_lazy("As on the ID card the worker shows you."),
    )

    def clean_personal_id(self) -> str:
        return personal_id_from_form(self.cleaned_data["personal_id"])


class TransferInForm(TransferFindForm):
    """The new province asks for a file kept elsewhere (the card checked again)."""

    commune = forms.ModelChoiceField(
        queryset=Commune.objects.none(),
        label=gettext_lazy("Commune or ward where the worker lives now"),
        required=False,
    )
    reason = TransferOutForm.base_fields["reason"]
    consent_note = TransferOutForm.base_fields["consent_note"]

    def __init__(self, *args: Any, province_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].help_text = _("For example: came to the office with their ID card.")
        commune = model_choice_field(self, "commune")
        commune.queryset = Commune.objects.filter(province_id=province_id).only("pk", "name")
        commune.empty_label = _("Not known yet")
        for name in ("personal_id", "date_of_birth"):
            self.fields[name].widget = forms.HiddenInput()


class TransferCloseForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("For the record"), max_length=300)
