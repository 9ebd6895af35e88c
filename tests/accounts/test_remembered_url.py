"""{% url %} remembered per process (accounts/templatetags/remembered_url.py) gives what
Django's tag gives, whatever was asked before it."""

import pytest
from django.template import Context, Engine, Template, TemplateSyntaxError
from django.test import RequestFactory
from django.urls import NoReverseMatch, clear_script_prefix, reverse, set_script_prefix
from django.utils import translation

from accounts.templatetags import remembered_url


def render(text: str, **context: object) -> str:
    return Template("{% load i18n %}" + text).render(Context(context))


def django_render(text: str, **context: object) -> str:
    """The same template drawn by Django's own tag."""
    engine = Engine(builtins=[])  # Django's builtins only
    return engine.from_string(text).render(Context(context))


@pytest.fixture(autouse=True)
def _forgotten():
    remembered_url._reverse.cache_clear()
    yield
    remembered_url._reverse.cache_clear()
    clear_script_prefix()


@pytest.mark.parametrize(
    "text",
    [
        "{% url 'home' %}",
        "{% url 'workers:caseload' %}",
        "{% url 'workers:staff_worker' pk %}",
        "{% url 'workers:staff_step' pk 'identity' %}",
        "{% url 'workers:staff_worker' pk=pk %}",
        "{% url 'workers:staff_worker' pk as link %}[{{ link }}]",
        "{% url 'workers:no_such_page' as link %}[{{ link }}]",
        "{% url name pk %}",
    ],
)
def test_each_link_is_django_s_the_first_time_and_after(text):
    context = {"pk": 7, "name": "workers:staff_worker"}
    expected = django_render(text, **context)
    assert render(text, **context) == expected
    assert render(text, **context) == expected  # now from memory
    assert remembered_url._reverse.cache_info().hits >= (0 if "no_such" in text else 1)


def test_the_arguments_are_part_of_the_key_and_true_is_not_one():
    text = "{% url 'workers:staff_worker' pk %}"
    assert render(text, pk=1) == reverse("workers:staff_worker", args=[1])
    assert render(text, pk=2) == reverse("workers:staff_worker", args=[2])
    assert render(text, pk="3") == reverse("workers:staff_worker", args=["3"])
    # True == 1 and hashes alike: it is worked out afresh (and fails, as Django's tag
    # does), never answered with the link remembered for 1.
    with pytest.raises(NoReverseMatch):
        render(text, pk=True)


def test_a_missing_link_fails_as_django_s_does_and_is_not_remembered():
    with pytest.raises(NoReverseMatch):
        render("{% url 'workers:no_such_page' %}")
    with pytest.raises(NoReverseMatch):
        render("{% url 'workers:no_such_page' %}")
    assert remembered_url._reverse.cache_info().currsize == 0
    with pytest.raises(TemplateSyntaxError):
        render("{% url %}")


def test_a_link_under_another_script_prefix_or_language_is_worked_out_for_it():
    text = "{% url 'workers:caseload' %}"
    plain = render(text)
    set_script_prefix("/tinh/")
    assert render(text) == "/tinh" + plain
    clear_script_prefix()
    assert render(text) == plain
    with translation.override("en"):
        assert render(text) == plain
    assert remembered_url._reverse.cache_info().currsize == 3


def test_a_page_s_links_are_escaped_as_django_s(client):
    request = RequestFactory().get("/", {"x": "1"})
    text = "{% url 'workers:caseload' %}?{{ q }}"
    assert Template(text).render(Context({"request": request, "q": "a&b"})) == (
        reverse("workers:caseload") + "?a&amp;b"
    )


def test_every_template_uses_it():
    from django.template import engines

    engine = engines["django"].engine
    node = engine.from_string("{% url 'home' %}").nodelist[0]
    assert isinstance(node, remembered_url.RememberedURLNode)
