"""A lesson's recording answers byte ranges: Chrome reads an Ogg Opus file's length from its
end, and without ranges shows "Infinity" until the recording has played through."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from tests.orientation.factories import ModuleFactory, PublishedModuleFactory

pytestmark = pytest.mark.django_db

AUDIO = bytes(range(256)) * 4  # 1024 bytes, each position readable


@pytest.fixture
def audio_url(media) -> str:
    module = PublishedModuleFactory(questions=0)
    module.audio.save("x.opus", ContentFile(AUDIO), save=True)
    return reverse("orientation:audio", args=[module.pk]) + "?v=0123456789ab"


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_the_whole_file_says_ranges_are_accepted(client, audio_url):
    response = client.get(audio_url)

    assert response.status_code == 200 and body(response) == AUDIO
    assert response["Accept-Ranges"] == "bytes" and response["Content-Length"] == "1024"
    assert "public" in response["Cache-Control"]


@pytest.mark.parametrize(
    ("asked", "first", "last"),
    [("bytes=0-9", 0, 9), ("bytes=1000-", 1000, 1023), ("bytes=-24", 1000, 1023),
     ("bytes=1020-5000", 1020, 1023), ("bytes=0-", 0, 1023)],
)  # fmt: skip
def test_a_single_range_gets_206_with_just_those_bytes(client, audio_url, asked, first, last):
    response = client.get(audio_url, HTTP_RANGE=asked)

    assert response.status_code == 206
    assert body(response) == AUDIO[first : last + 1]
    assert response["Content-Range"] == f"bytes {first}-{last}/1024"
    assert response["Content-Length"] == str(last - first + 1)
    assert response["Content-Type"] == "audio/ogg"
    assert "public" not in response["Cache-Control"]  # a part is never for shared caches


def test_a_range_past_the_end_gets_416_with_the_size(client, audio_url):
    response = client.get(audio_url, HTTP_RANGE="bytes=1024-")

    assert response.status_code == 416 and response["Content-Range"] == "bytes */1024"
    assert "public" not in response["Cache-Control"]


@pytest.mark.parametrize("asked", ["bytes=0-1,5-9", "bytes=9-1", "items=0-9", "bytes=-"])
def test_what_is_not_one_readable_range_gets_the_whole_file(client, audio_url, asked):
    response = client.get(audio_url, HTTP_RANGE=asked)

    assert response.status_code == 200 and body(response) == AUDIO


def test_if_range_gets_the_whole_file(client, audio_url):
    response = client.get(audio_url, HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE='"x"')

    assert response.status_code == 200 and body(response) == AUDIO


def test_a_draft_recording_stays_hidden_with_a_range(client, media):
    draft = ModuleFactory(questions=0)
    draft.audio.save("x.opus", ContentFile(AUDIO), save=True)

    response = client.get(reverse("orientation:audio", args=[draft.pk]), HTTP_RANGE="bytes=0-9")

    assert response.status_code == 404
