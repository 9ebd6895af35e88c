from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef, prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.decorators import staff_required, worker_required
from accounts.files import private_file_response
from accounts.http import AuthenticatedHttpRequest
from accounts.limits import body_limit
from accounts.links import with_centre_link
from accounts.models import Centre, User
from accounts.text import search_text
from accounts.transitions import TransitionRefused
from workers import panels, population, rules, selectors, services
from workers.forms import (
    STEP_FORMS,
    AssistedRegistrationForm,
    DeletionRequestForm,
    DocumentReturnForm,
    DocumentUploadForm,
    NoteForm,
)
from workers.models import (
    STEP_ORDER,
    DeletionRequest,
    Document,
    DocumentType,
    DuplicateIdAttempt,
    ProfileStep,
    ProvinceTransfer,
    WorkerProfile,
)
from workers.my_data import parts as my_data_parts
from workers.reference import PriorityGroup
from workers.uploads import MAX_BYTES, RejectedUpload, clean_upload

WORKERS_PER_PAGE = 50

# Whether the case page's rare notices have anything to show, read with the file. Built
# once: building them on each view cost a third of a millisecond (annotate copies them).
HAS_DUPLICATES = Exists(
    DuplicateIdAttempt.objects.unscoped("correlated to the file, scoped with it").filter(
        existing=OuterRef("pk")
    )
)
HAS_TRANSFER = Exists(
    ProvinceTransfer.objects.unscoped("correlated to the file, scoped with it").filter(
        profile=OuterRef("pk"), status=ProvinceTransfer.Status.REQUESTED
    )
)


def consent_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A worker reaches their file only after accepting the current consent text."""

    @worker_required
    @wraps(view)
    def wrapper(request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if selectors.consent_needed(request.user) is not None:
            return redirect(f"{reverse('workers:consent')}?next={request.path}")
        return view(request, *args, **kwargs)

    return wrapper


def _own_profile(request: AuthenticatedHttpRequest) -> WorkerProfile:
    return services.profile_start(user=request.user)


# --- The worker's side ----------------------------------------------------------------


@worker_required
def worker_home(request: AuthenticatedHttpRequest) -> HttpResponse:
    user: User = request.user
    profile = WorkerProfile.objects.for_user(user).filter(user=user).select_related("case").first()
    checklist = selectors.document_checklist(profile) if profile else []
    context = {
        "profile": profile,
        "consent_needed": selectors.consent_needed(user),
        "checklist": checklist,
        "progress": selectors.file_progress(profile, checklist) if profile else None,
        "steps": ProfileStep.choices,
        "case": profile.case if profile else None,
        "timeline": selectors.worker_timeline(profile.case) if profile else [],
        "next_step": selectors.NEXT_STEP.get(profile.case.stage) if profile else None,
        "centre": Centre.objects.filter(province_id=user.province_id).first()
        if user.province_id
        else None,
        "panels": panels.collect(panels.WORKER_HOME, request, user),
        "id_check_differs": services.id_check_differs(profile) if profile else "",
        "transfer": ProvinceTransfer.objects.for_user(user)
        .filter(profile=profile, status=ProvinceTransfer.Status.REQUESTED)
        .select_related("to_province", "from_province")
        .first()
        if profile
        else None,
    }
    return render(request, "workers/home.html", context)


@worker_required
def consent(request: AuthenticatedHttpRequest) -> HttpResponse:
    text = selectors.consent_current()
    if text is None:
        raise Http404
    if request.method == "POST" and request.POST.get("accept") == "yes":
        services.consent_accept(user=request.user, text=text)
        services.profile_start(user=request.user)
        target = request.GET.get("next", "")
        return redirect(
            target
            if target.startswith("/") and not target.startswith("//")
            else reverse("workers:profile")
        )
    return render(
        request,
        "workers/consent.html",
        {
            "text": text,
            "body": text.body(request.LANGUAGE_CODE),
            "renewal": request.user.consents.exists(),
        },
    )


def _step_page(
    request: AuthenticatedHttpRequest,
    profile: WorkerProfile,
    step: str,
    *,
    url_for: Callable[[str], str],
    done_url: str,
    template_extra: dict[str, Any],
) -> HttpResponse:
    """One wizard step for the worker or for a counsellor filling it on their behalf."""
    if step not in STEP_FORMS:
        raise Http404
    form_class = STEP_FORMS[step]
    refresh_only = "refresh" in request.POST  # the address step reloads its commune list
    if request.method == "POST" and not refresh_only:
        form = form_class(request.POST, instance=profile)
        if form.is_valid():
            try:
                profile = services.profile_save_step(
                    profile_id=profile.pk,
                    step=step,
                    values=form.step_values(),
                    expected_version=form.cleaned_data["version"],
                    actor=request.user,
                )
            except services.StaleProfile:
                messages.error(
                    request,
                    _(
                        "This page was changed somewhere else (another tab or a counsellor) while "
                        "you were typing. Here is the latest version: check it and save again."
                    ),
                )
                return redirect(url_for(step))
            except services.DuplicatePersonalId:
                # Says nothing of whose file holds the number: only that the centre must
                # check the card (a counsellor can then give the number to its owner).
                form.add_error(
                    "personal_id",
                    with_centre_link(
                        _(
                            "This number cannot be saved on your file online. If it is the number "
                            "on your own ID card, bring the card to the centre: a counsellor will "
                            "check it and put the number on your file."
                        ),
                    ),
                )
            except services.TransferNeeded as needed:
                # A counsellor typed an address in another province: the worker must agree
                # before their file leaves this office (nothing of the step was saved).
                messages.info(
                    request,
                    _(
                        "This address is in another province. The file moves there only when "
                        "the worker agrees: ask for it here."
                    ),
                )
                return redirect(
                    f"{reverse('workers:transfer_new', args=[profile.pk])}"
                    f"?province={needed.province_id}&commune={needed.commune_id}"
                )
            except services.TooManyIdChecks:
                form.add_error(
                    "personal_id",
                    with_centre_link(
                        _(
                            "You have tried several different numbers in the last hour. Check the "
                            "number on your card and try again in an hour, or ask the centre."
                        ),
                    ),
                )
            else:
                messages.success(request, _("Saved."))
                following = profile.next_step
                return redirect(url_for(following) if following else done_url)
    elif refresh_only:
        form = form_class(request.POST, instance=profile)
        form.errors.clear()  # showing the refreshed list, not judging the half-filled form
    else:
        form = form_class(instance=profile)
    index = STEP_ORDER.index(step)
    context = {
        "form": form,
        "profile": profile,
        "step": step,
        "step_label": ProfileStep(step).label,
        "index": index + 1,
        "total": len(STEP_ORDER),
        "steps": [
            (s, ProfileStep(s).label, s in profile.steps_done, url_for(s)) for s in STEP_ORDER
        ],
        "previous_url": url_for(STEP_ORDER[index - 1]) if index else None,
        **template_extra,
    }
    return render(request, "workers/step.html", context)


@consent_required
def profile_step(request: AuthenticatedHttpRequest, step: str | None = None) -> HttpResponse:
    profile = _own_profile(request)
    if step is None:
        return redirect("workers:profile_step", step=profile.next_step or STEP_ORDER[0])
    return _step_page(
        request,
        profile,
        step,
        url_for=lambda s: reverse("workers:profile_step", args=[s]),
        done_url=reverse("workers:documents"),
        template_extra={"on_behalf": False},
    )


def _upload(request: AuthenticatedHttpRequest, profile: WorkerProfile) -> DocumentUploadForm | None:
    """Handle an upload POST; returns the form with errors, or None when stored.

    The document is named by `type` and `priority_group`, or by one `item` ("type:group")
    where a single list offers every item of the checklist (the counsellor's form)."""
    code = request.POST.get("type", "")
    group = request.POST.get("priority_group", "")
    if "item" in request.POST:
        code, _sep, group = request.POST["item"].partition(":")
    if "\x00" in code:  # names no type, and PostgreSQL's driver refuses it in a query
        raise Http404
    doc_type = get_object_or_404(DocumentType, code=code)
    if group not in {"", *PriorityGroup.values}:
        raise Http404
    form = DocumentUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return form
    try:
        clean = clean_upload(form.cleaned_data["file"])
    except RejectedUpload as exc:
        form.add_error("file", str(exc))
        return form
    services.document_upload(
        profile=profile,
        doc_type=doc_type,
        clean=clean,
        original_name=form.cleaned_data["file"].name,
        expires_on=form.cleaned_data["expires_on"] if doc_type.has_expiry else None,
        priority_group=group,
        actor=request.user,
    )
    return None


@body_limit(MAX_BYTES)
@consent_required
def documents(request: AuthenticatedHttpRequest) -> HttpResponse:
    profile = _own_profile(request)
    failed: dict[str, DocumentUploadForm] = {}
    if request.method == "POST":
        form = _upload(request, profile)
        if form is None:
            messages.success(request, _("Document received. A counsellor will check it."))
            return redirect("workers:documents")
        failed[f"{request.POST.get('type')}:{request.POST.get('priority_group', '')}"] = form
    checklist = selectors.document_checklist(profile)
    problems = []
    for item in checklist:
        key = f"{item.type.code}:{item.priority_group}"
        auto_id = f"id_{item.type.code}-{item.priority_group or 'x'}_%s"
        item.form = failed.get(key) or DocumentUploadForm(auto_id=auto_id)  # type: ignore[attr-defined]  # the upload form is attached to the checklist item for the template
        if key in failed:
            item.form.auto_id = auto_id  # type: ignore[attr-defined]  # the upload form is attached to the checklist item for the template
            label = item.type.label + (f" ({item.label_suffix})" if item.priority_group else "")
            for name, errors in item.form.errors.items():  # type: ignore[attr-defined]  # the upload form is attached to the checklist item for the template
                field = name if name in item.form.fields else "file"  # type: ignore[attr-defined]  # the upload form is attached to the checklist item for the template
                for error in errors:
                    problems.append({"label": label, "message": error, "field_id": auto_id % field})
    return render(
        request,
        "workers/documents.html",
        {"profile": profile, "checklist": checklist, "problems": problems},
    )


@login_required
@never_cache
def document_file(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The file itself, to its owner and to staff of the owner's province; never a static URL."""
    document = get_object_or_404(
        Document.objects.for_user(request.user).select_related("type", "profile"), pk=pk
    )
    if request.user.is_staff_member:
        services.sensitive_read_record(
            staff=request.user, profile=document.profile, context=f"document:{document.type.code}"
        )
    return private_file_response(
        document.file,
        content_type=document.content_type,
        name=f"{document.type.code}-{document.pk}",
    )


@consent_required
def my_data(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Everything kept about the worker, as a printable page or (?format=json) a file."""
    profile = _own_profile(request)
    data = selectors.profile_export(profile)
    parts = my_data_parts(profile)
    for part in parts:
        data[part.key] = [r.data for r in part.records]
    if request.GET.get("format") == "json":
        response = HttpResponse(
            json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
        )
        response["Content-Disposition"] = 'attachment; filename="my-data.json"'
        return response
    return render(
        request,
        "workers/my_data.html",
        {
            "profile": profile,
            "sections": selectors.profile_for_reading(profile),
            "parts": parts,
        },
    )


@consent_required
def delete_account(request: AuthenticatedHttpRequest) -> HttpResponse:
    profile = _own_profile(request)
    existing = DeletionRequest.objects.for_user(request.user).filter(profile=profile).first()
    form = DeletionRequestForm(request.POST or None)
    if request.method == "POST" and existing is None and form.is_valid():
        existing = services.deletion_request_create(
            profile=profile, reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("Your request has been recorded."))
        return redirect("workers:delete")
    return render(request, "workers/delete.html", {"form": form, "request_": existing})


# --- Staff ----------------------------------------------------------------------------


@staff_required
def staff_workers(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The province's workers, newest first: the caseload's search (names without
    diacritics, a personal ID or a phone number), walked over the cases' indexes."""
    query = search_text(request.GET.get("q", ""))
    filters = selectors.CaseloadFilters(q=query, sort="opened")
    cases = selectors.caseload(request.user, filters, timezone.localdate())
    flag = request.GET.get("flag") == "id"
    if flag:
        cases = cases.exclude(profile__id_problems=[])
    paginator = selectors.IdFirstPaginator(
        cases,
        WORKERS_PER_PAGE,
        rows=selectors.profiles_of_cases,
        count_key=selectors.count_key(request.user, "workers", query, flag),
    )
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "workers/staff_list.html", {"page": page, "query": query})


@staff_required
def staff_worker_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.user.province_id is None:
        raise Http404
    form = AssistedRegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        profile = services.worker_register_assisted(
            counsellor=request.user,
            name=form.cleaned_data["name"],
            phone=form.cleaned_data["phone"],
            email=form.cleaned_data["email"],
        )
        messages.success(request, _("Worker registered. Fill in their file with them now."))
        return redirect("workers:staff_step", pk=profile.pk, step=STEP_ORDER[0])
    return render(request, "workers/staff_new.html", {"form": form})


def _staff_profile(
    request: HttpRequest, pk: int, *related: str, **annotations: Any
) -> WorkerProfile:
    return get_object_or_404(
        WorkerProfile.objects.for_user(request.user)
        .annotate(**annotations)
        .select_related(
            "user",
            "user__province",
            "commune",
            "case__assigned_to",
            "case__market",
            # A programme's name carries its market's ("Nhật Bản · Thực tập sinh").
            "case__programme__market",
            "case__enterprise",
            *related,
        ),
        pk=pk,
    )


@staff_required
def staff_worker(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    # A deletion request (one at most) is read with the file, through the same scope, and
    # so is whether the rare notices and the panels' probes have anything to show: the
    # page then reads them only when they do (each read costs about a millisecond of
    # query building).
    profile = _staff_profile(
        request,
        pk,
        "deletion_request",
        has_duplicates=HAS_DUPLICATES,
        has_transfer=HAS_TRANSFER,
        **panels.STAFF_WORKER_PROBES,
    )
    # The checklist and the sensitive section both read the claims: one query for both.
    prefetch_related_objects([profile], "claims")
    services.sensitive_read_record(staff=request.user, profile=profile, context="worker_page")
    checklist = selectors.document_checklist(profile)
    case = profile.case
    today = timezone.localdate()
    context = {
        "profile": profile,
        "person": profile.user,
        "case": case,
        "today": today,
        "timeline": selectors.case_timeline(
            case, before=selectors.timeline_cursor_parse(request.GET.get("older"))
        ),
        # What needs doing is always on the page; of what is done, the latest few.
        "follow_ups": selectors.case_follow_ups(case),
        "moves": rules.allowed_moves(case.stage, case.held_from),
        "note_form": NoteForm(),
        "checklist": checklist,
        "uploaded": any(item.documents for item in checklist),
        "progress": selectors.file_progress(profile, checklist),
        "duplicates": list(
            DuplicateIdAttempt.objects.for_user(request.user)
            .filter(existing=profile)
            .select_related("attempted_by", "profile__user")
        )
        if profile.has_duplicates  # type: ignore[attr-defined]  # annotated above
        else [],
        "deletion": _deletion_request(profile),
        "return_form": DocumentReturnForm(),
        "priority_labels": [PriorityGroup(g).label for g in profile.priority_groups],
        "panels": panels.collect(panels.STAFF_WORKER, request, profile.user),
        "id_check_summary": services.id_check_summary(profile),
        "id_check_source": population.source_label(profile.id_check_source),
        "transfer": ProvinceTransfer.objects.for_user(request.user)
        .filter(profile=profile, status=ProvinceTransfer.Status.REQUESTED)
        .select_related("to_province")
        .first()
        if profile.has_transfer  # type: ignore[attr-defined]  # annotated above
        else None,
    }
    return render(request, "workers/staff_worker.html", context)


def _deletion_request(profile: WorkerProfile) -> DeletionRequest | None:
    try:
        return profile.deletion_request
    except DeletionRequest.DoesNotExist:
        return None


@staff_required
def staff_step(request: AuthenticatedHttpRequest, pk: int, step: str) -> HttpResponse:
    profile = _staff_profile(request, pk)
    return _step_page(
        request,
        profile,
        step,
        url_for=lambda s: reverse("workers:staff_step", args=[profile.pk, s]),
        done_url=reverse("workers:staff_worker", args=[profile.pk]),
        template_extra={"on_behalf": True},
    )


@body_limit(MAX_BYTES)
@staff_required
def staff_documents(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A counsellor uploads a paper the worker brought to the centre."""
    profile = _staff_profile(request, pk)
    if request.method == "POST":
        form = _upload(request, profile)
        if form is None:
            messages.success(request, _("Document received."))
        else:
            for error in form.errors.get("file", []):
                messages.error(request, str(error))
    return redirect("workers:staff_worker", pk=profile.pk)


@staff_required
@require_POST
def staff_document_review(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    document = get_object_or_404(Document.objects.for_user(request.user), pk=pk)
    try:
        if action == "verify":
            services.document_verify(document_id=document.pk, actor=request.user)
            messages.success(request, _("Document verified."))
        elif action == "return":
            form = DocumentReturnForm(request.POST)
            reason = form.data.get("reason", "") if form.is_valid() else ""
            services.document_return(document_id=document.pk, actor=request.user, reason=reason)
            messages.success(request, _("Document returned to the worker."))
        else:
            raise Http404
    except TransitionRefused as exc:
        messages.error(request, str(exc))
    return redirect("workers:staff_worker", pk=document.profile_id)


@staff_required
def staff_deletion_requests(request: HttpRequest) -> HttpResponse:
    pending = (
        DeletionRequest.objects.for_user(request.user)
        .filter(completed_at__isnull=True)
        .select_related("profile__user")
    )
    return render(
        request, "workers/staff_deletions.html", {"requests": pending, "now": timezone.now()}
    )


@staff_required
@require_POST
def staff_id_reassign(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """After checking the claimant's card, give a disputed personal ID to them."""
    attempt = get_object_or_404(DuplicateIdAttempt.objects.for_user(request.user), pk=pk)
    if request.POST.get("card_checked") != "yes":
        messages.error(request, _("Tick the box once you have seen the ID card."))
        return redirect("workers:staff_worker", pk=attempt.existing_id)
    try:
        claimant = services.personal_id_reassign(
            attempt_id=attempt.pk, actor=request.user, reason=request.POST.get("reason", "")
        )
    except TransitionRefused as exc:
        messages.error(request, str(exc))
        return redirect("workers:staff_worker", pk=attempt.existing_id)
    messages.success(request, _("The personal ID number is now on this file."))
    return redirect("workers:staff_worker", pk=claimant.pk)


@staff_required
@require_POST
def staff_id_verify(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Ask the national population database about this worker's ID, name, birth date, sex."""
    profile = _staff_profile(request, pk)
    try:
        profile = services.personal_id_verify(profile_id=profile.pk, actor=request.user)
    except services.IdentityIncomplete:
        messages.error(
            request,
            _("Fill in the personal ID number, date of birth and sex before checking them."),
        )
        return redirect("workers:staff_worker", pk=profile.pk)
    summary = services.id_check_summary(profile)
    if profile.id_verified:
        messages.success(request, summary)
    else:
        messages.warning(request, summary)
    return redirect("workers:staff_worker", pk=profile.pk)
