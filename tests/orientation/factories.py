from __future__ import annotations

from typing import Any

import factory
from django.utils import timezone

from orientation.models import Module, Question
from tests.factories import ModelFactory


class ModuleFactory(ModelFactory[Module]):
    class Meta:
        model = Module
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Bài học {n:03d}")
    body = "Không ai được thu **phí môi giới** của bạn.\n\n- Đọc kỹ hợp đồng."
    order = factory.Sequence(lambda n: n)

    @factory.post_generation
    def questions(self: Any, create: bool, extracted: int | None, **kwargs: Any) -> None:
        # factory_boy calls a post-generation hook with the made module as `self`.
        count = 3 if extracted is None else extracted
        for i in range(count):
            Question.objects.create(
                module=self,
                order=i,
                text=f"Câu hỏi {i + 1} của {self.title}?",
                choices=["Đúng", "Sai", "Không biết"],
                correct=0,
                explanation=f"Giải thích {i + 1}: vì luật nói vậy.",
            )


class PublishedModuleFactory(ModuleFactory):
    published_at = factory.LazyFunction(timezone.now)


def right_answers(module: Module) -> dict[str, str]:
    return {f"q{q.pk}": str(q.correct) for q in module.questions.all()}


def wrong_answers(module: Module) -> dict[str, str]:
    return {f"q{q.pk}": str((q.correct + 1) % len(q.choices)) for q in module.questions.all()}
