"""Atom feeds of published notices: one national, one per province (national included)."""

from __future__ import annotations

import datetime

from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from accounts.models import Province
from markets import selectors
from markets.models import Notice

FEED_SIZE = 30


class NoticeFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request: HttpRequest, code: int | None = None) -> Province | None:
        if code is None:
            return None
        return get_object_or_404(Province, code=code)

    def title(self, province: Province | None) -> str:
        if province is None:
            return _("Notices for the whole country · Migrant Resource Centre")
        return _("Notices for %(province)s · Migrant Resource Centre") % {
            "province": province.short_name
        }

    def link(self, province: Province | None) -> str:
        url = reverse("markets:notice_list")
        return f"{url}?province={province.code}" if province else f"{url}?province=national"

    def subtitle(self, province: Province | None) -> str:
        return _("Market updates, fraud warnings, job fairs and policy news.")

    def items(self, province: Province | None) -> list[Notice]:
        notices = selectors.public_notices(province_id=province.pk if province else None)
        return list(notices[:FEED_SIZE])

    def item_title(self, item: Notice) -> str:
        return item.title

    def item_description(self, item: Notice) -> str:
        return item.body_html

    def item_link(self, item: Notice) -> str:
        return reverse("markets:notice", args=[item.pk])

    def item_pubdate(self, item: Notice) -> datetime.datetime | None:
        return item.publish_at

    def item_updateddate(self, item: Notice) -> datetime.datetime:
        return item.updated_at

    def item_categories(self, item: Notice) -> list[str]:
        return [str(item.get_category_display())]
