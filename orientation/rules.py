"""Quiz scoring and publishing checks: pure functions, no database writes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from django.utils.translation import gettext as _

MIN_QUESTIONS = 3
MAX_QUESTIONS = 5


class QuestionLike(Protocol):
    pk: int
    choices: list[str]
    correct: int


@dataclass(frozen=True)
class Answer:
    question_id: int
    chosen: int
    right: bool


@dataclass(frozen=True)
class Score:
    answers: tuple[Answer, ...]

    @property
    def right(self) -> int:
        return sum(a.right for a in self.answers)

    @property
    def total(self) -> int:
        return len(self.answers)

    @property
    def passed(self) -> bool:
        # Every answer right: the quizzes are short, the explanations follow at once and a
        # second try is free; a module on fees is not "learnt" with one fee answer wrong.
        return self.total > 0 and self.right == self.total


def score(questions: Sequence[QuestionLike], chosen: Mapping[int, int]) -> Score:
    """Score a complete set of answers (question id -> index of the chosen answer)."""
    return Score(
        tuple(
            Answer(question_id=q.pk, chosen=chosen[q.pk], right=chosen[q.pk] == q.correct)
            for q in questions
        )
    )


def publish_problems(questions: Sequence[QuestionLike], body: str) -> list[str]:
    """Why a module cannot be published yet (empty when it can)."""
    problems = []
    if not body.strip():
        problems.append(_("The lesson has no text."))
    if not MIN_QUESTIONS <= len(questions) <= MAX_QUESTIONS:
        problems.append(
            _("A lesson needs %(min)s to %(max)s quiz questions.")
            % {"min": MIN_QUESTIONS, "max": MAX_QUESTIONS}
        )
    for number, q in enumerate(questions, start=1):
        if not 2 <= len(q.choices) <= 4 or not 0 <= q.correct < len(q.choices):
            problems.append(
                _("Question %(n)s: 2 to 4 choices, and the right answer among them.")
                % {"n": number}
            )
    return problems
