import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from markets import selectors, services
from markets.models import Enterprise, EnterpriseEvent, LicenceStatus
from markets.staff_views import IMPORT_SESSION_KEY
from tests.conftest import login_staff
from tests.markets.factories import MarketFactory, enterprise
from tests.mrc.test_pages import assert_self_contained

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 1)


@pytest.fixture
def register(db):
    return {
        "hoang_lien": enterprise(
            licence_number="901/LĐTBXH-GP", name="Công ty CP Nhân lực Hoàng Liên"
        ),
        "dao_tao": enterprise(
            licence_number="902/LĐTBXH-GP", name="Công ty TNHH Đào tạo Đông Á Xanh"
        ),
        "suspended": enterprise(
            licence_number="903/LĐTBXH-GP",
            name="Công ty CP Bắc Hà Toàn Cầu",
            status=LicenceStatus.SUSPENDED,
            suspended_from=TODAY - datetime.timedelta(days=10),
            suspended_until=TODAY + datetime.timedelta(days=10),
        ),
        "revoked": enterprise(
            licence_number="904/LĐTBXH-GP",
            name="Công ty TNHH Hồng Hà",
            status=LicenceStatus.REVOKED,
            revoked_on=TODAY - datetime.timedelta(days=100),
        ),
    }


def search(client, query):
    return client.get(reverse("markets:enterprise_list"), {"q": query})


def names(response) -> list[str]:
    return [e.name for e, _may in response.context["rows"]]


# --- Search ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query", ["Hoàng Liên", "hoang lien", "HOANG LIEN", "nhan luc hoang", "901/lđtbxh"]
)
def test_search_finds_a_company_with_or_without_diacritics_or_by_licence(client, register, query):
    assert names(search(client, query)) == ["Công ty CP Nhân lực Hoàng Liên"]


def test_search_turns_the_vietnamese_d_bar_into_d(client, register):
    assert names(search(client, "dao tao dong a")) == ["Công ty TNHH Đào tạo Đông Á Xanh"]
    assert names(search(client, "ĐÀO TẠO")) == ["Công ty TNHH Đào tạo Đông Á Xanh"]


def test_a_name_that_looks_like_a_licensed_one_gets_a_warning(english, register):
    response = search(english, "Công ty TNHH Nhân lực Hoàng Liên Xanh")

    assert names(response) == []
    assert [item.key for item in response.context["look_alikes"]] == [register["hoang_lien"].pk]
    assert 'id="look-alike"' in response.text
    assert "Scammers often use a name close to a real company" in response.text
    assert_self_contained(response.text)


@pytest.mark.parametrize(
    "query",
    [
        "Cong ty TNHH Nhan luc Hoang Lien",
        "Công ty TNHH Nhân lực Hoàng Liên",
        "Hoang Lien Group",
        "HOÀNG LIÊN JSC",
        "Công ty Cổ phần Xuất khẩu lao động Quốc tế Hoàng Liên",
    ],
)
def test_a_changed_legal_form_or_an_added_suffix_is_warned_about(english, register, query):
    response = search(english, query)

    assert names(response) == []
    assert [item.key for item in response.context["look_alikes"]] == [register["hoang_lien"].pk]
    assert 'id="look-alike"' in response.text


def test_a_name_sharing_one_common_word_gets_no_warning(client, register):
    response = search(client, "Công ty TNHH Hồng Phúc Thịnh")

    assert response.context["look_alikes"] == []


def test_the_look_alike_index_follows_a_renamed_enterprise(client, register):
    company = register["hoang_lien"]
    company.name = "Công ty CP Nhân lực Sa Pa Xanh"
    services.enterprise_save(enterprise=company, by=None)

    assert search(client, "Hoang Lien Group").context["look_alikes"] == []
    assert [i.key for i in search(client, "Sa Pa Xanh Group").context["look_alikes"]] == [
        company.pk
    ]


def test_the_look_alike_search_reads_no_more_rows_as_the_register_grows(
    client, register, django_assert_max_num_queries
):
    for n in range(300):
        enterprise(licence_number=f"L{n}/GP", name=f"Công ty TNHH Nhân lực Tên Riêng {n} Phú")
    with django_assert_max_num_queries(12) as queries:
        response = search(client, "Hoang Lien Group")

    assert [item.key for item in response.context["look_alikes"]] == [register["hoang_lien"].pk]
    look_alike_sql = [
        q["sql"] for q in queries.captured_queries if "enterprisenametoken" in q["sql"]
    ]
    assert len(look_alike_sql) == 1


def test_the_real_name_gets_no_look_alike_warning(client, register):
    response = search(client, "Nhân lực Hoàng Liên")

    assert names(response) == ["Công ty CP Nhân lực Hoàng Liên"]
    assert response.context["look_alikes"] == []
    assert 'id="look-alike"' not in response.text


def test_the_list_says_which_companies_may_recruit_today(client, register, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)

    rows = {
        e.name: may for e, may in client.get(reverse("markets:enterprise_list")).context["rows"]
    }

    assert rows["Công ty CP Nhân lực Hoàng Liên"] is True
    assert rows["Công ty CP Bắc Hà Toàn Cầu"] is False
    assert rows["Công ty TNHH Hồng Hà"] is False


def test_the_enterprise_list_query_count_does_not_grow_with_rows(
    client, django_assert_max_num_queries
):
    japan, taiwan = MarketFactory(code="japan"), MarketFactory(code="taiwan")
    for _ in range(3):
        enterprise(markets=[japan, taiwan])
    with django_assert_max_num_queries(10) as few:
        client.get(reverse("markets:enterprise_list"))

    for _ in range(25):
        enterprise(markets=[japan, taiwan])
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("markets:enterprise_list"))
    assert response.context["page"].paginator.count == 28
    with django_assert_max_num_queries(len(few.captured_queries) + 1):  # + the look-alike read
        search(client, "nhan luc")


# --- May recruit ----------------------------------------------------------------------


def test_the_selectors_agree_with_the_rule_on_who_may_recruit(register):
    licensed = set(selectors.licensed_enterprises_on(TODAY))

    for company in register.values():
        assert selectors.enterprise_may_recruit(company, TODAY) == (company in licensed)
    assert licensed == {register["hoang_lien"], register["dao_tao"]}
    after_suspension = TODAY + datetime.timedelta(days=11)
    assert register["suspended"] in selectors.licensed_enterprises_on(after_suspension)
    assert selectors.enterprise_may_recruit(register["suspended"], after_suspension)


def test_an_enterprise_page_says_in_one_line_whether_it_may_recruit_today(
    english, register, monkeypatch
):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)

    good = english.get(reverse("markets:enterprise", args=[register["hoang_lien"].pk]))
    bad = english.get(reverse("markets:enterprise", args=[register["revoked"].pk]))

    assert 'data-may-recruit="yes"' in good.text
    assert "may recruit workers today (01/03/2026)" in good.text
    assert 'data-may-recruit="no"' in bad.text
    assert "may NOT recruit workers today (01/03/2026): licence Revoked" in bad.text
    assert_self_contained(good.text)


# --- Saving ---------------------------------------------------------------------------


def test_saving_fills_the_search_columns_and_records_a_status_change(register, admin_user):
    company = register["hoang_lien"]
    company.status = LicenceStatus.SUSPENDED
    company.suspended_from = TODAY
    company.decision_reference = "QĐ 1/2026"

    services.enterprise_save(enterprise=company, by=admin_user, reason="Vi phạm")

    assert "nhan luc hoang lien" in company.search_text
    event = EnterpriseEvent.objects.filter(enterprise=company).last()
    assert (event.by, event.from_status, event.to_status, event.decision_reference) == (
        admin_user,
        "active",
        "suspended",
        "QĐ 1/2026",
    )


def test_a_revoked_licence_cannot_become_active_again(register):
    company = register["revoked"]
    company.status = LicenceStatus.ACTIVE

    with pytest.raises(ValidationError):
        services.enterprise_save(enterprise=company, by=None)


# --- Import ---------------------------------------------------------------------------

HEADER = "licence_number,name,short_name,status,licence_issued_on,markets\n"


def upload(client, text: str):
    file = SimpleUploadedFile("register.csv", text.encode(), content_type="text/csv")
    return client.post(reverse("markets:enterprise_import"), {"file": file})


@pytest.fixture
def admin_client(english, admin_user):
    login_staff(english, admin_user)
    MarketFactory(code="japan")
    MarketFactory(code="taiwan")
    return english


def test_an_import_is_previewed_then_written_whole(admin_client, register):
    text = HEADER + (
        "950/LĐTBXH-GP,Công ty CP Mới Một,MOI1,active,01/02/2024,japan;taiwan\n"
        "901/LĐTBXH-GP,Công ty CP Nhân lực Hoàng Liên,HL,suspended,,japan\n"
    )

    preview = upload(admin_client, text)

    assert preview.status_code == 200
    assert not Enterprise.objects.filter(licence_number="950/LĐTBXH-GP").exists()
    digest = preview.context["digest"]
    done = admin_client.post(reverse("markets:enterprise_import"), {"confirm": digest})

    assert done.status_code == 302
    new = Enterprise.objects.get(licence_number="950/LĐTBXH-GP")
    assert sorted(new.markets.values_list("code", flat=True)) == ["japan", "taiwan"]
    assert new.search_text.startswith("cong ty cp moi mot")
    register["hoang_lien"].refresh_from_db()
    assert register["hoang_lien"].status == LicenceStatus.SUSPENDED
    assert IMPORT_SESSION_KEY not in admin_client.session


def test_an_import_with_a_duplicate_licence_number_names_the_rows(admin_client):
    text = HEADER + (
        "960/LĐTBXH-GP,Công ty A,,active,,japan\n"
        "961/LĐTBXH-GP,Công ty B,,active,,japan\n"
        "960/lđtbxh-gp ,Công ty C,,active,,japan\n"
    )

    response = upload(admin_client, text)

    assert response.status_code == 400
    assert "Licence number 960/LĐTBXH-GP appears on rows 2, 4." in response.text
    assert "digest" not in response.context
    assert not Enterprise.objects.exists()


def test_an_import_with_bad_rows_names_each_and_writes_nothing(admin_client):
    text = HEADER + (
        "970/LĐTBXH-GP,Công ty A,,active,31/02/2024,japan\n"
        ",Công ty B,,paused,,mars\n"
        "971/LĐTBXH-GP,Công ty C,,active,,japan\n"
    )

    response = upload(admin_client, text)

    problems = [(p.line, p.message) for p in response.context["preview"].problems]
    assert response.status_code == 400
    assert [line for line, _m in problems] == [2, 3, 3, 3]
    assert "not a date" in problems[0][1]
    assert not Enterprise.objects.exists()


def test_an_import_that_fails_while_writing_is_rolled_back_entirely(admin_client, register):
    # Row 3 would bring a revoked licence back to active: the whole file is refused.
    text = HEADER + (
        "980/LĐTBXH-GP,Công ty Mới,,active,,japan\n"
        "904/LĐTBXH-GP,Công ty TNHH Hồng Hà,,active,,japan\n"
    )
    digest = upload(admin_client, text).context["digest"]

    response = admin_client.post(reverse("markets:enterprise_import"), {"confirm": digest})

    assert response.status_code == 400
    assert "Row 3" in response.text
    assert not Enterprise.objects.filter(licence_number="980/LĐTBXH-GP").exists()


def test_only_admins_import(client, counsellor):
    anonymous = client.get(reverse("markets:enterprise_import"))
    login_staff(client, counsellor)

    assert anonymous.status_code == 302
    assert client.get(reverse("markets:enterprise_import")).status_code == 404


def test_an_excel_file_is_imported_like_a_csv(admin_client):
    import io

    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["licence_number", "name", "status", "licence_issued_on", "markets"])
    sheet.append(
        ["990/LĐTBXH-GP", "Công ty Bảng Tính", "active", datetime.date(2024, 5, 6), "japan"]
    )
    sheet.append([991, "Công ty Số", "suspended", None, ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    file = SimpleUploadedFile("register.xlsx", buffer.getvalue())

    preview = admin_client.post(reverse("markets:enterprise_import"), {"file": file})
    done = admin_client.post(
        reverse("markets:enterprise_import"), {"confirm": preview.context["digest"]}
    )

    assert done.status_code == 302
    sheet_row = Enterprise.objects.get(licence_number="990/LĐTBXH-GP")
    assert sheet_row.licence_issued_on == datetime.date(2024, 5, 6)
    assert Enterprise.objects.get(licence_number="991").status == LicenceStatus.SUSPENDED
