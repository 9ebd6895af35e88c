"""A request id on every log line (JSON when LOG_FORMAT=json), carried into Celery tasks."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
from celery import shared_task
from django.http import HttpResponse
from django.test import Client, RequestFactory

from mrc.request_log import (
    HEADER,
    JsonFormatter,
    RequestIdFilter,
    RequestIdMiddleware,
    _carry_request_id,
    request_id,
)
from tests.mrc.test_settings import run

log = logging.getLogger("mrc.test_request_log")
NGINX_ID = "5f2b0c1de8a94f6b9c3e7a1b2c3d4e5f"


@pytest.fixture
def lines() -> Iterator[io.StringIO]:
    """What the console handler writes with LOG_FORMAT=json."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    yield stream
    log.removeHandler(handler)


def entries(stream: io.StringIO) -> list[dict[str, str]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def view(request):
    log.info("handling %s", request.path)
    return HttpResponse("ok")


def test_the_proxys_request_id_is_on_every_line_and_sent_back(lines):
    response = RequestIdMiddleware(view)(RequestFactory().get("/x", HTTP_X_REQUEST_ID=NGINX_ID))
    log.info("after the request")

    assert response["X-Request-ID"] == NGINX_ID
    inside, after = entries(lines)
    assert inside["request_id"] == NGINX_ID
    assert inside["message"] == "handling /x"
    assert inside["level"] == "INFO" and inside["logger"] == "mrc.test_request_log"
    assert after["request_id"] == "-"


@pytest.mark.parametrize("typed", ["", "short", "x" * 65, "id with spaces", "a\nforged line"])
def test_an_id_a_visitor_could_use_to_forge_lines_is_replaced(lines, typed):
    response = RequestIdMiddleware(view)(RequestFactory().get("/", HTTP_X_REQUEST_ID=typed))

    made = response["X-Request-ID"]
    assert made != typed and len(made) == 32
    assert entries(lines)[0]["request_id"] == made


@pytest.mark.django_db
def test_every_page_answers_with_its_request_id():
    response = Client().get("/", HTTP_X_REQUEST_ID=NGINX_ID)

    assert response["X-Request-ID"] == NGINX_ID


def test_a_task_queued_by_a_request_carries_its_id_in_the_message_headers():
    headers: dict[str, str] = {}
    token = request_id.set(NGINX_ID)
    try:
        _carry_request_id(headers=headers)
    finally:
        request_id.reset(token)

    assert headers == {HEADER: NGINX_ID}


@shared_task
def _logs_something() -> str:
    log.info("inside the task")
    return request_id.get()


def test_the_worker_logs_a_task_under_the_id_it_carries(lines):
    seen = _logs_something.apply(headers={HEADER: NGINX_ID}).get()

    assert seen == NGINX_ID
    assert entries(lines)[0]["request_id"] == NGINX_ID
    assert request_id.get() == "-"  # not left behind for the next task


def test_log_format_json_is_read_and_a_wrong_one_stops_start_up():
    code = (
        "import django, logging; django.setup(); "
        "logging.getLogger('mrc').warning('hello %s', 'world')"
    )
    good = run(code, LOG_FORMAT="json")
    bad = run(code, LOG_FORMAT="xml")

    [line] = [json.loads(x) for x in good.stderr.splitlines() if x.startswith("{")]
    assert line["message"] == "hello world" and line["request_id"] == "-"
    assert bad.returncode != 0 and "LOG_FORMAT" in bad.stderr
