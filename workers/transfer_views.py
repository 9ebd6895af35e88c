"""Handing a worker's file to another province's office, with the worker's consent.

The staff pages (both provinces see the transfers between them) and the worker's answer.
Every change is one service in workers.services (transfer_*); these views parse and render.
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import staff_required, worker_required
from accounts.http import AuthenticatedHttpRequest
from accounts.models import Commune, User
from workers import services
from workers.forms import TransferCloseForm, TransferFindForm, TransferInForm, TransferOutForm
from workers.models import ProvinceTransfer, WorkerProfile

#: Closed transfers shown under the open ones, newest first.
RECENT = 50


@staff_required
def transfers(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Incoming (to my province) and outgoing (from it): the open ones, then the recent."""
    user: User = request.user
    rows = ProvinceTransfer.objects.for_user(user).select_related(
        "profile__user", "from_province", "to_province", "requested_by", "closed_by"
    )
    if user.is_admin:
        incoming, outgoing = rows, rows.none()
    else:
        incoming = rows.filter(to_province_id=user.province_id)
        outgoing = rows.filter(from_province_id=user.province_id)

    def split(qs):
        return {
            "open": list(qs.filter(status=ProvinceTransfer.Status.REQUESTED)),
            "closed": list(qs.exclude(status=ProvinceTransfer.Status.REQUESTED)[:RECENT]),
        }

    return render(
        request,
        "workers/transfers.html",
        {
            "incoming": split(incoming),
            "outgoing": split(outgoing) if not user.is_admin else None,
            "close_form": TransferCloseForm(),
        },
    )


def _visible_profile(request: AuthenticatedHttpRequest, pk: int) -> WorkerProfile:
    return get_object_or_404(
        WorkerProfile.objects.for_user(request.user).select_related("user__province"), pk=pk
    )


@staff_required
def transfer_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The worker's own province records that the worker lives in another one now."""
    profile = _visible_profile(request, pk)
    initial = {}
    if request.method == "GET" and request.GET.get("province", "").isdigit():
        initial["to_province"] = int(request.GET["province"])
    form = TransferOutForm(
        request.POST or None, initial=initial, exclude_province_id=profile.user.province_id
    )
    if request.method == "POST" and form.is_valid():
        commune_id = request.POST.get("commune", "")
        try:
            transfer = services.transfer_request(
                profile_id=profile.pk,
                to_province_id=form.cleaned_data["to_province"].pk,
                commune_id=int(commune_id)
                if commune_id.isdigit()
                and Commune.objects.filter(
                    pk=int(commune_id), province=form.cleaned_data["to_province"]
                ).exists()
                else None,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                consent_note=form.cleaned_data["consent_note"],
            )
        except services.InvalidTransition as refusal:
            form.add_error(None, str(refusal))
        else:
            if transfer.status == ProvinceTransfer.Status.ACCEPTED:
                messages.success(
                    request,
                    _("The file moved to %(to)s with the consent you recorded.")
                    % {"to": transfer.to_province},
                )
            else:
                messages.success(
                    request,
                    _("Asked. The file moves when %(name)s says yes on their page.")
                    % {"name": profile.user.name},
                )
            return redirect("workers:transfers")
    return render(
        request,
        "workers/transfer_form.html",
        {
            "form": form,
            "profile": profile,
            "commune": request.GET.get("commune", "") or request.POST.get("commune", ""),
            "title": _("Hand the file to another province"),
        },
    )


def _find(personal_id: str, born: datetime.date, user: User) -> WorkerProfile | None:
    """A file kept by another province, matched on both facts of the card."""
    return (
        WorkerProfile.objects.unscoped(
            "a file kept by another province, found by both facts of the card"
        )
        .filter(personal_id=personal_id, date_of_birth=born)
        .exclude(user__province_id=user.province_id)
        .select_related("user__province")
        .first()
    )


@staff_required
def transfer_find(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The new province finds the file of a worker who walked in, by the personal ID and the
    birth date on their card (both must match; each new number counts against the hourly
    limit of ID checks), and asks for it."""
    user: User = request.user
    if user.province_id is None:
        raise Http404
    found = None
    ask = None
    if request.method == "POST" and "reason" in request.POST:
        ask = TransferInForm(request.POST, province_id=user.province_id)
        form = TransferFindForm(request.POST)
        if ask.is_valid():
            found = _find(ask.cleaned_data["personal_id"], ask.cleaned_data["date_of_birth"], user)
            if found is None:
                raise Http404
            try:
                transfer = services.transfer_request(
                    profile_id=found.pk,
                    to_province_id=user.province_id,
                    commune_id=ask.cleaned_data["commune"].pk
                    if ask.cleaned_data["commune"]
                    else None,
                    actor=user,
                    reason=ask.cleaned_data["reason"],
                    consent_note=ask.cleaned_data["consent_note"],
                )
            except services.InvalidTransition as refusal:
                ask.add_error(None, str(refusal))
            else:
                if transfer.status == ProvinceTransfer.Status.ACCEPTED:
                    messages.success(request, _("The file is now with your office."))
                    return redirect("workers:staff_worker", pk=found.pk)
                messages.success(
                    request,
                    _("Asked. The file moves when %(name)s says yes on their page.")
                    % {"name": found.user.name},
                )
                return redirect("workers:transfers")
    elif request.method == "POST":
        form = TransferFindForm(request.POST)
        if form.is_valid():
            try:
                services.personal_id_check_count(actor=user)
            except services.TooManyIdChecks:
                form.add_error(None, _("Too many searches in the last hour: try again later."))
            else:
                found = _find(
                    form.cleaned_data["personal_id"], form.cleaned_data["date_of_birth"], user
                )
                if found is None:
                    form.add_error(
                        None,
                        _(
                            "No file in another province has this ID number and birth date. "
                            "If the worker has no file yet, register them here."
                        ),
                    )
                else:
                    # Which staff member learnt where this person's file is: audited.
                    services.sensitive_read_record(
                        staff=user, profile=found, context="transfer_find"
                    )
                    ask = TransferInForm(
                        initial={
                            "personal_id": form.cleaned_data["personal_id"],
                            "date_of_birth": form.cleaned_data["date_of_birth"],
                        },
                        province_id=user.province_id,
                    )
    else:
        form = TransferFindForm()
    return render(
        request,
        "workers/transfer_find.html",
        {"form": form, "found": found, "ask": ask},
    )


@require_POST
@staff_required
def transfer_act(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    """A counsellor of either province records the worker's answer given in person, or
    cancels the request."""
    transfer = get_object_or_404(ProvinceTransfer.objects.for_user(request.user), pk=pk)
    form = TransferCloseForm(request.POST)
    if action not in ("consent", "decline", "cancel"):
        raise Http404
    if not form.is_valid():
        messages.error(request, _("Write a note for the record."))
        return redirect("workers:transfers")
    note = form.cleaned_data["note"]
    try:
        if action == "consent":
            services.transfer_accept(
                transfer_id=transfer.pk,
                actor=request.user,
                consent=ProvinceTransfer.Consent.IN_PERSON,
                note=note,
            )
            messages.success(request, _("Consent recorded: the file moved."))
        elif action == "decline":
            services.transfer_decline(
                transfer_id=transfer.pk,
                actor=request.user,
                consent=ProvinceTransfer.Consent.IN_PERSON,
                note=note,
            )
            messages.success(request, _("Recorded: the worker said no. Nothing moved."))
        else:
            services.transfer_cancel(transfer_id=transfer.pk, actor=request.user, reason=note)
            messages.success(request, _("Request cancelled. Nothing moved."))
    except services.InvalidTransition as refusal:
        messages.error(request, str(refusal))
    return redirect("workers:transfers")


@require_POST
@worker_required
def transfer_answer(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The worker says yes or no on their page."""
    transfer = get_object_or_404(
        ProvinceTransfer.objects.for_user(request.user).filter(
            Q(status=ProvinceTransfer.Status.REQUESTED)
        ),
        pk=pk,
    )
    answer = request.POST.get("answer")
    try:
        if answer == "yes":
            services.transfer_accept(
                transfer_id=transfer.pk,
                actor=request.user,
                consent=ProvinceTransfer.Consent.ONLINE,
            )
            messages.success(
                request,
                _("Done. Your file is now with the office of %(to)s.") % {"to": transfer.to_place},
            )
        elif answer == "no":
            services.transfer_decline(
                transfer_id=transfer.pk,
                actor=request.user,
                consent=ProvinceTransfer.Consent.ONLINE,
            )
            messages.success(
                request,
                _("Done. Your file stays with the office of %(from)s.")
                % {"from": transfer.from_place},
            )
    except services.InvalidTransition as refusal:
        messages.error(request, str(refusal))
    return redirect(reverse("home"))
