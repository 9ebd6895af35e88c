"""Words on Vietnamese pages (issue 15, point 16): one name for the office (never "Trung tâm
hỗ trợ...", which reads like COLAB, the state's Centre of Overseas Labour), one SMS prefix,
dates typed as "ngày/tháng/năm", and no bank abbreviation a worker cannot read."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "locale" / "vi" / "LC_MESSAGES" / "django.po"
#: Never on a Vietnamese page.
FORBIDDEN = ["Trung tâm hỗ trợ", "dd/mm/yyyy", "NHCSXH", "MTQG"]
SMS_PREFIX = "MRC: "
OFFICE = "Văn phòng thông tin, tư vấn và hỗ trợ người lao động đi làm việc ở nước ngoài"
# The English msgids of templates are not Vietnamese text: only what is outside them counts.
TRANSLATED = re.compile(
    r"{%\s*(?:translate|trans)\s+(['\"]).*?\1.*?%}"
    r"|{%\s*blocktrans(?:late)?\b.*?%}.*?{%\s*endblocktrans(?:late)?\s*%}",
    re.S,
)


def entries() -> list[tuple[str, str]]:
    """(msgid, msgstr) of every entry of the Vietnamese catalogue."""
    found: list[tuple[str, str]] = []
    msgid = msgstr = None
    part = ""
    for line in [*CATALOGUE.read_text(encoding="utf-8").splitlines(), ""]:
        if line.startswith("msgid "):
            if msgid is not None and msgstr is not None:
                found.append((msgid, msgstr))
            msgid, msgstr, part = ast.literal_eval(line[6:]), None, "id"
        elif line.startswith("msgstr "):
            msgstr, part = ast.literal_eval(line[7:]), "str"
        elif line.startswith('"'):
            if part == "id" and msgid is not None:
                msgid += ast.literal_eval(line)
            elif part == "str" and msgstr is not None:
                msgstr += ast.literal_eval(line)
        else:
            part = ""
    if msgid is not None and msgstr is not None:
        found.append((msgid, msgstr))
    return found


def test_the_catalogue_is_read():
    assert len(entries()) > 1000


@pytest.mark.parametrize("word", FORBIDDEN)
def test_the_vietnamese_catalogue_never_says(word):
    said = [msgid for msgid, msgstr in entries() if word in msgstr]
    assert said == []


@pytest.mark.parametrize("word", FORBIDDEN)
def test_no_template_shows_it_outside_a_translated_string(word):
    found = []
    for path in (ROOT / "templates").rglob("*.*"):
        if path.suffix not in {".html", ".txt"}:
            continue
        if word in TRANSLATED.sub("", path.read_text(encoding="utf-8")):
            found.append(str(path.relative_to(ROOT)))
    assert found == []


def test_no_vietnamese_demo_or_reference_data_calls_the_office_trung_tam_ho_tro():
    found = [
        str(path.relative_to(ROOT))
        for app in ["accounts", "workers", "markets", "loans", "fairs", "notifications", "mrc"]
        for path in (ROOT / app).rglob("*.py")
        if "Trung tâm hỗ trợ" in path.read_text(encoding="utf-8")
    ]
    assert found == []


def test_every_text_message_starts_with_the_one_prefix():
    sms = [(i, s) for i, s in entries() if i.startswith("MRC:") and s]
    assert len(sms) >= 8
    assert [i for i, s in sms if not s.startswith(SMS_PREFIX)] == []
    # and nothing else pretends to be one, with another name for the office
    assert [i for i, s in entries() if re.match(r"^(Trung tâm|Văn phòng)[^:]{0,40}: ", s)] == []


def test_the_office_has_its_own_full_name_where_it_is_named():
    named = [s for i, s in entries() if "Migrant Resource Centre" in i and s]
    assert named
    assert all(OFFICE in s or "MRC" in s for s in named), named


def test_date_hints_give_an_example():
    hints = [s for _i, s in entries() if "ngày/tháng/năm" in s]
    assert hints
    assert all("ví dụ 21/07/1995" in s for s in hints), hints
