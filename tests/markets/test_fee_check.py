import pytest
from django.urls import reverse

from tests.mrc.test_pages import assert_self_contained

pytestmark = pytest.mark.django_db


def check(client, programme, address: str = "127.0.0.1", **typed):
    data = {
        "programme": programme.pk,
        "contract_months": "36",
        "monthly_wage": "200.000",  # JPY: 34.000.000 ₫ a month
        "wage_currency": "local",
        "fee_currency": "VND",
        "service_fee": "",
        "brokerage": "",
        "deposit": "",
        "other": "",
    }
    data.update(typed)
    return client.get(reverse("markets:fee_check"), data, REMOTE_ADDR=address)


def test_a_fee_over_the_programme_cap_is_flagged_with_what_the_law_allows(english, japan_intern):
    response = check(english, japan_intern, service_fee="95.000.000")

    assert response.status_code == 200
    verdict = response.context["verdict"]
    assert not verdict.ok
    assert 'data-verdict="over"' in response.text
    assert "95.000.000 ₫" in response.text
    assert "3.600 USD" in response.text
    assert "90.000.000 ₫" in response.text  # the most allowed, in VND
    assert "above this programme&#x27;s cap" in response.text
    assert reverse("markets:report_fraud") in response.text
    assert_self_contained(response.text)


def test_a_brokerage_fee_is_flagged_whatever_its_size(english, japan_intern):
    response = check(english, japan_intern, service_fee="1.000.000", brokerage="500.000")

    assert 'data-verdict="over"' in response.text
    assert "Brokerage fee 500.000 ₫: not allowed" in response.text


def test_fees_within_the_limits_are_said_to_be_fine(english, japan_intern):
    response = check(english, japan_intern, service_fee="80.000.000", deposit="0")

    assert response.context["verdict"].ok
    assert 'data-verdict="ok"' in response.text
    assert "within what the law allows" in response.text


def test_a_wage_in_vnd_is_used_as_it_is(english, japan_intern):
    response = check(
        english,
        japan_intern,
        monthly_wage="10.000.000",
        wage_currency="VND",
        contract_months="12",
        service_fee="10.000.001",
    )

    assert response.context["verdict"].wage_rule_limit.amount == 10_000_000
    assert 'data-verdict="over"' in response.text


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("monthly_wage", "nhiều tiền", "Write a number"),
        ("service_fee", "-5.000.000", "cannot be negative"),
        ("contract_months", "ba năm", "number of months"),
        ("contract_months", "-3", "at least 1 month"),
    ],
)
def test_a_bad_amount_is_refused_and_what_was_typed_is_kept(
    english, japan_intern, field, typed, message
):
    response = check(english, japan_intern, **{field: typed})

    assert response.status_code == 400
    assert "verdict" not in response.context
    assert message in response.text
    assert f'value="{typed}"' in response.text
    if field != "monthly_wage":
        assert 'value="200.000"' in response.text


def test_the_form_opens_with_the_programme_chosen_from_a_market_page(client, japan_intern):
    response = client.get(reverse("markets:fee_check"), {"programme": japan_intern.pk})

    assert response.status_code == 200
    assert f'<option value="{japan_intern.pk}" selected>' in response.text
    assert "verdict" not in response.context
    assert_self_contained(response.text)


# --- Issue 15: the rule that decided, and bad input -------------------------------------


@pytest.fixture
def demo_programmes(db):
    from markets.demo import seed_reference_data
    from markets.models import Programme

    seed_reference_data()
    return {p.code: p for p in Programme.objects.all()}


def test_an_eps_service_fee_is_a_warning_naming_the_rule_and_listing_what_colab_collects(
    client, demo_programmes
):
    eps = demo_programmes["eps"]

    response = check(
        client, eps, monthly_wage="2.156.880", service_fee="100.000.000", contract_months="36"
    )

    assert response.status_code == 200
    assert 'data-verdict="over"' in response.text
    assert 'data-rule="service_fee_not_allowed"' in response.text
    assert "không doanh nghiệp nào được thu tiền dịch vụ của bạn" in response.text
    assert "Quy định: Chương trình EPS" in response.text
    assert "COLAB thu: tiền ký quỹ" in response.text
    assert "COLAB thu: lệ phí thi" in response.text
    assert reverse("markets:report_fraud") in response.text
    assert "1350" in response.text


def test_an_unconfirmed_cap_is_said_to_be_unconfirmed_and_not_used(client, demo_programmes):
    intern = demo_programmes["technical-intern"]

    # 100.000.000 ₫ is above the draft's USD 3.600 (94.680.000 ₫) but within 3 months' wage.
    response = check(client, intern, service_fee="100.000.000", contract_months="36")

    assert 'data-verdict="ok"' in response.text
    assert 'data-rule="long_contract"' in response.text
    assert "nhưng mức đó chưa được xác nhận nên không dùng để kết luận" in response.text
    assert "Chưa được xác nhận" in response.text


def test_a_60_month_contract_allows_three_months_of_wage_not_five(client, demo_programmes):
    response = check(
        client, demo_programmes["technical-intern"], contract_months="60", service_fee="172.000.000"
    )

    assert 'data-rule="service_fee_over_long_contract"' in response.text
    assert "103.200.000 ₫" in response.text
    assert "Điều 23" in response.text


@pytest.mark.parametrize(
    ("typed", "field", "message"),
    [
        # A VND wage typed with "the country's money" still chosen: 34 million yen a month.
        ({"monthly_wage": "34.000.000"}, "monthly_wage", "Mức lương này quá cao"),
        ({"monthly_wage": "500", "wage_currency": "VND"}, "monthly_wage", "quá thấp"),
        ({"monthly_wage": "0"}, "monthly_wage", "quá thấp"),
        ({"service_fee": "90.000.000.000"}, "service_fee", "Số tiền này quá lớn"),
        ({"deposit": "999.999.999.999"}, "deposit", "Số tiền này quá lớn"),
        ({"contract_months": "0"}, "contract_months", "ít nhất 1 tháng"),
        ({"contract_months": "500"}, "contract_months", "120 tháng"),
        ({"contract_months": "3 năm"}, "contract_months", "số tháng"),
        ({"other": "năm triệu"}, "other", "Hãy ghi bằng số"),
    ],
)
def test_nonsense_gets_a_plain_vietnamese_message_at_the_top_and_keeps_what_was_typed(
    client, demo_programmes, typed, field, message
):
    response = check(client, demo_programmes["technical-intern"], **typed)

    assert response.status_code == 400
    assert "verdict" not in response.context
    summary = response.text.split('id="form-problems"', 1)[1].split("</div>", 1)[0]
    assert message in summary
    assert f'href="#id_{field}"' in summary
    assert f'value="{typed[field]}"' in response.text
    assert 'value="36"' in response.text or field == "contract_months"


def test_every_nonsense_field_is_pointed_out_at_once(client, demo_programmes):
    response = check(
        client,
        demo_programmes["factory"],
        contract_months="0",
        monthly_wage="24.000.000",  # VND typed while "the country's money" is chosen
        service_fee="90.000.000.000",
    )

    assert response.status_code == 400
    summary = response.text.split('id="form-problems"', 1)[1].split("</div>", 1)[0]
    assert 'href="#id_contract_months"' in summary
    assert 'href="#id_monthly_wage"' in summary and "Mức lương này quá cao" in summary
    assert 'href="#id_service_fee"' in summary and "Số tiền này quá lớn" in summary
