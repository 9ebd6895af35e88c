"""Staff pages for lessons: administrators write national lessons (and any province's),
a centre manager writes their own province's additions. Another province's lesson is a 404."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.decorators import staff_required
from markets.text import render_markdown
from orientation import selectors, services
from orientation.forms import LessonForm, ReasonForm
from orientation.models import Module

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise


def lesson_writer_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Admins and centre managers; other staff get a 404, anonymous visitors the sign-in."""

    @staff_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not services.can_write_lessons(request.user):  # type: ignore[arg-type]
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def _lesson(request: HttpRequest, pk: int) -> Module:
    return get_object_or_404(selectors.staff_lessons(request.user), pk=pk)


def _save(request: HttpRequest, form: LessonForm, module: Module | None) -> Module | None:
    """Call the one writer; a refusal lands on the form, beside what was typed."""
    data = form.cleaned_data
    try:
        return services.module_save(
            by=request.user,  # type: ignore[arg-type]
            module=module,
            title=data["title"],
            body=data["body"],
            province=data["province"],
            market=data["market"],
            order=data["order"],
            pictogram=data["pictogram"],
            image_alt=data["image_alt"],
            image=data["image"],
            remove_image=data["remove_image"],
            questions=data["questions"],
            reason=data["reason"],
        )
    except ValidationError as error:
        form.add_error(None, error)
    except PermissionDenied:
        form.add_error("province", _("You can write lessons for your own province only."))
    return None


@lesson_writer_required
@require_GET
def staff_list(request: HttpRequest) -> HttpResponse:
    lessons = selectors.staff_lessons(request.user)
    return render(request, "orientation/staff/list.html", {"lessons": lessons})


@lesson_writer_required
@require_http_methods(["GET", "POST"])
def staff_create(request: HttpRequest) -> HttpResponse:
    form = LessonForm(request.POST or None, request.FILES or None, user=request.user)
    if not request.POST:
        form.initial.setdefault("order", 100)
    if request.method == "POST" and form.is_valid():
        module = _save(request, form, None)
        if module is not None:
            messages.success(request, _("Draft saved. Look at the preview, then publish it."))
            return redirect("orientation:staff_edit", pk=module.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "orientation/staff/form.html", {"form": form}, status=status)


def _edit_page(
    request: HttpRequest, module: Module, form: LessonForm, status: int = 200
) -> HttpResponse:
    questions = list(module.questions.all())
    return render(
        request,
        "orientation/staff/edit.html",
        {
            "module": module,
            "form": form,
            "body_html": render_markdown(module.body),
            "questions": questions,
            "events": module.events.select_related("by"),
            "reason_form": ReasonForm(),
        },
        status=status,
    )


@lesson_writer_required
@require_http_methods(["GET", "POST"])
def staff_edit(request: HttpRequest, pk: int) -> HttpResponse:
    module = _lesson(request, pk)
    if request.method == "POST":
        form = LessonForm(request.POST, request.FILES, user=request.user, module=module)
        if form.is_valid() and _save(request, form, module) is not None:
            messages.success(request, _("Lesson saved."))
            return redirect("orientation:staff_edit", pk=module.pk)
        return _edit_page(request, module, form, status=400)
    form = LessonForm(initial=LessonForm.initial_for(module), user=request.user, module=module)
    return _edit_page(request, module, form)


def _transition(
    service: Callable[..., Module], done: StrPromise
) -> Callable[[HttpRequest, int], HttpResponse]:
    """One POST view per transition: parse the note, call the service, say what happened."""

    @lesson_writer_required
    @require_POST
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        module = _lesson(request, pk)
        form = ReasonForm(request.POST)
        reason = form.cleaned_data["reason"] if form.is_valid() else ""
        try:
            service(module=module, actor=request.user, reason=reason)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, done)
        return redirect("orientation:staff_edit", pk=module.pk)

    return view


staff_publish = _transition(
    services.module_publish,
    gettext_lazy("Published: the lesson is on the public pages; its audio follows."),
)
staff_unpublish = _transition(
    services.module_unpublish, gettext_lazy("Taken off the public pages.")
)
