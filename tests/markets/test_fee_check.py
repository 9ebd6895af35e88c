import pytest
from django.urls import reverse

from tests.mrc.test_pages import assert_self_contained

pytestmark = pytest.mark.django_db


def check(client, programme, address: str = "127.0.0.1", **typed):  # type: ignore[no-untyped-def]
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
