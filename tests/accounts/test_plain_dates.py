"""|date written out for the portal's formats (accounts/templatetags/plain_dates.py) gives
what Django's filter gives, for any date, format and language."""

import datetime
import zoneinfo

from django.template import Context, Engine, Template
from django.utils import timezone, translation
from hypothesis import given, settings
from hypothesis import strategies as st

from accounts.templatetags import plain_dates

ZONES = [zoneinfo.ZoneInfo(name) for name in ("Asia/Ho_Chi_Minh", "Asia/Seoul", "UTC")]
FORMATS = [
    "",  # DATE_FORMAT
    "SHORT_DATE_FORMAT",
    "SHORT_DATETIME_FORMAT",
    "DATETIME_FORMAT",
    "TIME_FORMAT",
    "d/m/Y",
    "H:i d/m/Y",
    "Y-m-d",
    "d.m.Y H:i",
    "j/n/Y",  # other letters: Django's
    "D d M Y",
    "\\d d",  # an escaped letter: Django's
    "{d}/m",  # braces are text
    "c",
]
TEXT = '"{{ value|date:format }}"'


def ours(value: object, format_string: str) -> str:
    return Template(TEXT).render(Context({"value": value, "format": format_string}))


def djangos(value: object, format_string: str) -> str:
    engine = Engine(builtins=[])  # Django's builtins only
    return engine.from_string(TEXT).render(Context({"value": value, "format": format_string}))


def outcome(draw, value: object, format_string: str) -> tuple[str, str]:
    """What is written, or the error raised (Django refuses a time of a date alone)."""
    try:
        return "written", draw(value, format_string)
    except TypeError as error:
        return "refused", str(error)


@settings(max_examples=300, deadline=None)
@given(
    value=st.one_of(
        st.datetimes(
            min_value=datetime.datetime(1, 1, 1, 0, 0),
            max_value=datetime.datetime(9998, 12, 31),
            timezones=st.sampled_from(ZONES),
        ),
        st.datetimes(
            min_value=datetime.datetime(1, 1, 1), max_value=datetime.datetime(9998, 12, 31)
        ),
        st.dates(),
        st.times(),
        st.sampled_from([None, "", "not a date", 0]),
    ),
    format_string=st.sampled_from(FORMATS),
    language=st.sampled_from(["vi", "en"]),
)
def test_every_date_reads_as_django_writes_it(value, format_string, language):
    with translation.override(language):
        assert outcome(ours, value, format_string) == outcome(djangos, value, format_string)


def test_the_portal_s_dates_are_written_out_in_the_local_time():
    moment = datetime.datetime(2026, 3, 5, 23, 30, tzinfo=datetime.UTC)  # 06:30 next day here
    with timezone.override("Asia/Ho_Chi_Minh"), translation.override("vi"):
        assert ours(moment, "SHORT_DATETIME_FORMAT") == '"06:30 06/03/2026"'
        assert ours(moment.date(), "SHORT_DATE_FORMAT") == '"05/03/2026"'
        assert outcome(ours, moment.date(), "H:i")[0] == "refused"  # as Django's
    assert plain_dates._written("H:i d/m/Y") == (
        "{0.hour:02d}:{0.minute:02d} {0.day:02d}/{0.month:02d}/{0.year:04d}",
        True,
    )
    assert plain_dates._written("j/n/Y") is None


def test_every_template_uses_it():
    from django.template import engines

    engine = engines["django"].engine
    assert engine.from_string("{{ x|date }}").nodelist[0].filter_expression.filters[0][0] is (
        plain_dates.date
    )
