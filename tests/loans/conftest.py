from __future__ import annotations

import pytest

from loans.models import SupportProgramme
from tests.loans.factories import grant_programme, worker_profile
from workers.models import WorkerProfile


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def grant(lao_cai) -> SupportProgramme:
    """A Lào Cai grant for poor and ethnic-minority workers, 100 M VND budget this year."""
    return grant_programme(province=lao_cai)


@pytest.fixture
def profile(worker, lao_cai) -> WorkerProfile:
    """A poor-household worker living in Lào Cai, aged 27."""
    return worker_profile(lao_cai, groups=["poor"], user=worker)
