"""Orientation pages: readable by anyone; progress kept for signed-in workers only."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import cache_control

from markets.text import render_markdown
from orientation import selectors, services
from orientation.forms import QuizForm
from orientation.models import Module, Progress


def module_list(request: HttpRequest) -> HttpResponse:
    modules = list(selectors.modules_for(request.user))
    return render(
        request,
        "orientation/list.html",
        {
            "modules": modules,
            "passed": sum(1 for m in modules if getattr(m, "passed", False)),
            "is_worker": request.user.is_authenticated and not request.user.is_staff_member,
        },
    )


def _module(request: HttpRequest, pk: int) -> Module:
    return get_object_or_404(
        Module.objects.visible_to(request.user).prefetch_related("questions"), pk=pk
    )


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
            "outcome": outcome,
            "results": results,
            "progress": progress,
            "is_worker": request.user.is_authenticated and not request.user.is_staff_member,
        },
        status=status,
    )


# The page links the file with its text's hash (?v=...): a changed text is a new URL, so
# phones may keep a recording a long time and never replay an old one.
@cache_control(public=True, max_age=30 * 86400)
def module_audio(request: HttpRequest, pk: int) -> FileResponse:
    module = _module(request, pk)
    if not module.audio:
        raise Http404
    try:
        handle = module.audio.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    return FileResponse(handle, content_type="audio/ogg")
