"""`{% url %}`, remembered: the same link is worked out once per process, not on each page.

Django's tag walks the URL patterns on every use (about 15 µs each; a counsellor's page
has thirty to forty links: the menu alone has twenty). The answer depends only on what
the key holds: the URL configuration and script prefix in force, the language, the
name, the current application's namespace and the arguments. It is kept only for
arguments that are whole numbers or text (ids, codes), in a bounded store
(least recently used first out). A link that does not exist is never remembered, and
fails as Django's tag does.

A builtin (settings.TEMPLATES), so it stands for Django's `{% url %}` in every template.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django import template
from django.core.signals import setting_changed
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as django_url
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape
from django.utils.translation import get_language

register = template.Library()

#: Links kept per process (a case page's links with ids add about ten a case).
REMEMBERED = 4096


def _plain(value: object) -> bool:
    # Not a bool: True would find the link remembered for 1.
    return type(value) is int or isinstance(value, str)


@lru_cache(maxsize=REMEMBERED)
def _reverse(
    urlconf: str | None,
    prefix: str,
    language: str | None,
    view_name: str,
    current_app: str | None,
    args: tuple[Any, ...],
    kwargs: tuple[tuple[str, Any], ...],
) -> str:
    # The prefix and language are read by reverse() itself: they are in the key only so
    # that a link worked out under one is never given under another.
    return reverse(
        view_name, urlconf=urlconf, args=args, kwargs=dict(kwargs), current_app=current_app
    )


def remembered_reverse(
    view_name: str, args: list[Any], kwargs: dict[str, Any], current_app: str | None
) -> str:
    """As reverse(); remembered when every argument is a whole number or text."""
    if all(map(_plain, args)) and all(map(_plain, kwargs.values())):
        return _reverse(
            get_urlconf(),
            get_script_prefix(),
            get_language(),
            view_name,
            current_app,
            tuple(args),
            tuple(sorted(kwargs.items())),
        )
    return reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)


class RememberedURLNode(URLNode):
    def render(self, context: template.Context) -> str:
        # As Django's URLNode.render, with remembered_reverse for reverse.
        args = [arg.resolve(context) for arg in self.args]
        kwargs = {k: v.resolve(context) for k, v in self.kwargs.items()}
        view_name = self.view_name.resolve(context)
        try:
            current_app = context.request.current_app  # type: ignore[attr-defined]
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace  # type: ignore[attr-defined]
            except AttributeError:
                current_app = None
        url = ""
        try:
            url = remembered_reverse(view_name, args, kwargs, current_app)
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser: template.base.Parser, token: template.base.Token) -> RememberedURLNode:
    """Django's `{% url %}` (same syntax, same errors), remembered."""
    node = django_url(parser, token)
    return RememberedURLNode(node.view_name, node.args, node.kwargs, node.asvar)


def _forget(**kwargs: Any) -> None:
    # Tests change the URL configuration and the script prefix's setting.
    _reverse.cache_clear()


setting_changed.connect(_forget, dispatch_uid="remembered_url_forget")
