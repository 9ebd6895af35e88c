from __future__ import annotations

import os
import shutil

import pytest


@pytest.fixture
def speech_tools() -> None:
    """espeak-ng and opusenc: CI installs them (.ci/run) and must run these tests."""
    if shutil.which("espeak-ng") and shutil.which("opusenc"):
        return
    if os.environ.get("CI"):
        pytest.fail("espeak-ng and opus-tools are not installed: .ci/run installs them with apt")
    pytest.skip("espeak-ng or opusenc missing (apt-get install -y espeak-ng opus-tools)")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
