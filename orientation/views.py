"""Orientation pages: readable by anyone; progress kept for signed-in workers only."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_cache_control

from accounts.files import ranged_file_response
from markets.text import render_markdown
from orientation import selectors, services
from orientation.forms import QuizForm
from orientation.models import Module, Progress, Question


def module_list(request: HttpRequest) -> HttpResponse:
    modules = list(selectors.modules_for(request.user))
    general = [m for m in modules if m.market_id is None]
    return render(
        request,
        "orientation/list.html",
        {
            "modules": general,
            "by_country": [m for m in modules if m.market_id is not None],
            "passed": sum(1 for m in general if getattr(m, "passed", False)),
            "is_worker": request.user.is_authenticated and not request.user.is_staff_member,
        },
    )


def _module(request: HttpRequest, pk: int) -> Module:
    return get_object_or_404(
        Module.objects.visible_to(request.user).prefetch_related("questions"), pk=pk
    )


def _readable(request: HttpRequest, pk: int) -> Module:
    """A published lesson the visitor may read, or a draft its writer is previewing."""
    visible = Module.objects.visible_to(request.user).filter(pk=pk).first()
    if visible is not None:
        return visible
    if services.can_write_lessons(request.user):  # type: ignore[arg-type]
        return get_object_or_404(Module.objects.for_user(request.user), pk=pk)
    raise Http404


def module_detail(request: HttpRequest, pk: int) -> HttpResponse:
    module = _module(request, pk)
    questions = list(module.questions.all())
    form = QuizForm(questions=questions)
    outcome = None
    if request.method == "POST":
        form = QuizForm(request.POST, questions=questions)
        if form.is_valid():
            outcome = services.quiz_submit(
                module=module,
                user=request.user if request.user.is_authenticated else None,
                chosen=form.chosen(),
            )
    progress = None
    if request.user.is_authenticated and outcome is None:
        progress = Progress.objects.filter(worker=request.user, module=module).first()
    results = []
    if outcome is not None:
        by_id = {a.question_id: a for a in outcome.score.answers}
        results = [{"question": q, "answer": by_id[q.pk]} for q in questions]
    status = 400 if request.method == "POST" and not form.is_valid() else 200
    return render(
        request,
        "orientation/detail.html",
        {
            "module": module,
            "body_html": render_markdown(module.body),
            "form": form,
            "quiz_fields": list(zip(form, questions, strict=True)),
            "outcome": outcome,
            "results": results,
            "progress": progress,
            "is_worker": request.user.is_authenticated and not request.user.is_staff_member,
        },
        status=status,
    )


def _file(field: FieldFile, content_type: str) -> FileResponse:
    if not field:
        raise Http404
    try:
        handle = field.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    return FileResponse(handle, content_type=content_type)


def _recording(request: HttpRequest, field: FieldFile, content_type: str) -> HttpResponseBase:
    # Byte ranges: the player reads an Ogg file's length from its end (accounts.files).
    return ranged_file_response(request, field, content_type=content_type)


def _question(module: Module, question_pk: int) -> Question:
    return get_object_or_404(Question.objects.filter(module=module), pk=question_pk)


# The page links each file with its text's (or picture's) hash (?v=...): a changed text is
# a new URL, so phones may keep a file a long time and never replay an old one. Drafts are
# not public: their files are never cached by shared caches.
def _cached(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        # A part of the file (206) or a range past its end (416) is never for shared
        # caches: one that stored it could hand it to a request for the whole file.
        if getattr(response, "public", False) and response.status_code == 200:
            patch_cache_control(response, public=True, max_age=30 * 86400)
        else:
            patch_cache_control(response, private=True, max_age=0)
        return response

    return wrapper


def _served(module: Module, response: HttpResponseBase) -> HttpResponseBase:
    response.public = module.is_published  # type: ignore[attr-defined]
    return response


@_cached
def module_audio(request: HttpRequest, pk: int) -> HttpResponseBase:
    module = _readable(request, pk)
    return _served(module, _recording(request, module.audio, "audio/ogg"))


@_cached
def module_audio_mp3(request: HttpRequest, pk: int) -> HttpResponseBase:
    module = _readable(request, pk)
    return _served(module, _recording(request, module.audio_mp3, "audio/mpeg"))


@_cached
def question_audio(request: HttpRequest, pk: int, question_pk: int) -> HttpResponseBase:
    module = _readable(request, pk)
    return _served(module, _recording(request, _question(module, question_pk).audio, "audio/ogg"))


@_cached
def question_audio_mp3(request: HttpRequest, pk: int, question_pk: int) -> HttpResponseBase:
    module = _readable(request, pk)
    return _served(
        module, _recording(request, _question(module, question_pk).audio_mp3, "audio/mpeg")
    )


@_cached
def module_image(request: HttpRequest, pk: int) -> HttpResponseBase:
    module = _readable(request, pk)
    return _served(module, _file(module.image, "image/webp"))


@_cached
def question_image(request: HttpRequest, pk: int, question_pk: int) -> HttpResponseBase:
    module = _readable(request, pk)
    return _served(module, _file(_question(module, question_pk).image, "image/webp"))
