"""Markdown written by staff, rendered to HTML that cannot carry script."""

from __future__ import annotations

import markdown
import nh3

# What a notice may contain. No images: every image would be a request to another host,
# which the pages promise never to make (and the Content Security Policy would block).
_TAGS = frozenset(
    {"p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "a", "blockquote", "code", "pre"}
    | {"h2", "h3", "h4", "hr", "table", "thead", "tbody", "tr", "th", "td"}
)
_ATTRIBUTES = {"a": {"href", "title"}}
_URL_SCHEMES = frozenset({"https", "http", "mailto", "tel"})


def render_markdown(text: str) -> str:
    """Markdown to sanitised HTML: allowed tags only, no event handlers, no javascript: URLs."""
    html = markdown.markdown(text or "", extensions=["sane_lists", "tables"], output_format="html")
    return nh3.clean(
        html,
        tags=set(_TAGS),
        clean_content_tags={"script", "style"},
        attributes={tag: set(names) for tag, names in _ATTRIBUTES.items()},
        url_schemes=set(_URL_SCHEMES),
        link_rel="noopener noreferrer nofollow",
    )
