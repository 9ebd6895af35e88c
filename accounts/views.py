from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts.decorators import staff_required
from accounts.models import Centre, Province, Role, User
from accounts.text import as_id, search_text

PEOPLE_PER_PAGE = 50


@staff_required
def people_list(request: HttpRequest) -> HttpResponse:
    people = User.objects.for_user(request.user).select_related("province")
    role = request.GET.get("role", "")
    if role in Role.values:
        people = people.filter(role=role)
    query = search_text(request.GET.get("q", ""))
    if query:
        people = people.filter(
            Q(name__icontains=query) | Q(email__icontains=query) | Q(phone__contains=query)
        )
    page = Paginator(people.order_by("name", "pk"), PEOPLE_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "accounts/people_list.html",
        {"page": page, "roles": Role.choices, "role": role, "query": query},
    )


@staff_required
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(
        User.objects.for_user(request.user).select_related("province"), pk=pk
    )
    return render(request, "accounts/person_detail.html", {"person": person})


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch between Vietnamese and English; kept in a cookie and on the account."""
    language = request.POST.get("language", "")
    target = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = HttpResponseRedirect(target)
    if language in dict(settings.LANGUAGES):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=365 * 24 * 60 * 60,
            samesite="Lax",
            secure=settings.LANGUAGE_COOKIE_SECURE,
        )
        if request.user.is_authenticated and request.user.language != language:
            User.objects.filter(pk=request.user.pk).update(language=language)
    return response


def centre(request: HttpRequest, code: int | None = None) -> HttpResponse:
    """How to reach a province's centre: the signed-in person's own, the one chosen, or a
    chooser for a visitor. Every "call the centre" on the portal links here."""
    if code is None:
        code = as_id(request.GET.get("province"))
        if code is None and request.user.is_authenticated and request.user.province_id:
            code = request.user.province.code  # type: ignore[union-attr]  # province_id is checked first, without a query
    shown = None
    province = None
    if code is not None:
        province = get_object_or_404(Province, code=code)
        shown = Centre.objects.filter(province=province).select_related("province").first()
    return render(
        request,
        "accounts/centre.html",
        {
            "centre": shown,
            "province": province,
            "provinces": Province.objects.only("code", "short_name"),
            "centres": Centre.objects.select_related("province"),
        },
    )
