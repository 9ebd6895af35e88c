"""Run every periodic job of the beat schedule once, here and now.

For the embedded default without Redis (no beat, no worker) a cron line does what beat
would do: ``* * * * * cd /srv/mrc && .venv/bin/python manage.py run_jobs``. Each job runs
in this process; a job that raises is reported and the others still run.
"""

from __future__ import annotations

from typing import Any

from celery import current_app
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Run each job of CELERY_BEAT_SCHEDULE once, in this process."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "jobs", nargs="*", metavar="JOB", help="names of beat entries (default: all)"
        )

    def handle(self, *args: Any, jobs: list[str], **options: Any) -> None:
        # The project's app (mrc/__init__.py makes it the current one); notifications does
        # not import mrc, which sits above it.
        app = current_app._get_current_object()
        schedule: dict[str, dict[str, Any]] = settings.CELERY_BEAT_SCHEDULE
        unknown = sorted(set(jobs) - set(schedule))
        if unknown:
            raise CommandError(f"No such job in CELERY_BEAT_SCHEDULE: {', '.join(unknown)}")
        app.loader.import_default_modules()
        failed: list[str] = []
        for name, entry in schedule.items():
            if jobs and name not in jobs:
                continue
            task_name = entry["task"]
            task = app.tasks.get(task_name)
            if task is None:
                failed.append(name)
                self.stdout.write(self.style.ERROR(f"FAILED {name} ({task_name}): no such task"))
                continue
            # throw=False: a failing job is reported, and the next one still runs.
            result = task.apply(
                args=entry.get("args", ()), kwargs=entry.get("kwargs", {}), throw=False
            )
            if result.failed():
                failed.append(name)
                error = result.result
                self.stdout.write(
                    self.style.ERROR(
                        f"FAILED {name} ({task_name}): {type(error).__name__}: {error}"
                    )
                )
            else:
                self.stdout.write(f"ok     {name} ({task_name}): {result.result!r}")
        if failed:
            raise CommandError(f"{len(failed)} job(s) failed: {', '.join(failed)}")
