from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import override

from orientation import rules


@dataclass
class FakeQuestion:
    pk: int
    choices: list[str]
    correct: int


QUESTIONS = [FakeQuestion(1, ["a", "b"], 0), FakeQuestion(2, ["a", "b", "c"], 2)]


def test_every_answer_right_passes() -> None:
    result = rules.score(QUESTIONS, {1: 0, 2: 2})
    assert (result.right, result.total, result.passed) == (2, 2, True)


def test_one_wrong_answer_does_not_pass_and_says_which() -> None:
    result = rules.score(QUESTIONS, {1: 0, 2: 1})
    assert (result.right, result.passed) == (1, False)
    assert [a.right for a in result.answers] == [True, False]


def test_a_module_with_two_questions_cannot_be_published() -> None:
    assert rules.publish_problems(QUESTIONS, "Text") != []


def test_a_question_whose_right_answer_is_not_a_choice_blocks_publishing() -> None:
    questions = [*QUESTIONS, FakeQuestion(3, ["a", "b"], 5)]
    with override("vi"):
        problems = rules.publish_problems(questions, "Text")
    assert "Câu hỏi 3: cần 2 đến 4 câu trả lời, trong đó có câu đúng." in problems


def test_three_sound_questions_and_text_can_be_published() -> None:
    questions = [*QUESTIONS, FakeQuestion(3, ["a", "b"], 1)]
    assert rules.publish_problems(questions, "Text") == []
