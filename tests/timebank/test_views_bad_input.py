"""Bad input over HTTP (issue #6): each gets a 4xx, a clear message in the member's language, and writes nothing."""

import pytest

from tests.factories import UserFactory
from timebank.models import ExchangeRequest, Transfer
from timebank.services import account_close, account_for, exchange_decline, exchange_request_create, transfer_reverse

from .conftest import grant
from .pages import errors, nothing_written, parse, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def ayse(db):
    """A member with 5 hours, signed in in the tests that use ``client``."""
    user = UserFactory(username="ayse")
    grant(account_for(user), 300)
    return user


@pytest.fixture
def berk(db):
    user = UserFactory(username="berk")
    account_for(user)
    return user


def token(client, url: str) -> str:
    return parse(client.get(url)).select_one("input[name=form_token]")["value"]


def refused(client, url: str, data: dict, *, status: int) -> list[str]:
    """POST ``data``; the page comes back with ``status`` and its errors, and nothing was written."""
    with nothing_written():
        page = parse(client.post(url, data), status=status)
    return errors(page)


def exchange(client, language: str, **fields) -> dict:
    url = f"/{language}/timebank/record/"
    return {"debtor": "berk", "hours": "1", "minutes": "0", "memo": "Help", "form_token": token(client, url)} | fields


def gift(client, language: str, **fields) -> dict:
    url = f"/{language}/timebank/give/"
    data = {"recipient": "member", "member": "berk", "hours": "1", "minutes": "0", "form_token": token(client, url)}
    return data | fields


# --- Amounts ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "fields", "message"),
    [
        ("en", {"hours": "0", "minutes": "0"}, "Give at least one minute."),
        ("tr", {"hours": "0", "minutes": "0"}, "En az bir dakika girin."),
        ("en", {"hours": "-1"}, "Ensure this value is greater than or equal to 0."),
        ("tr", {"minutes": "-30"}, "Bu değerin 0 değerinden büyük veya eşit olduğuna emin olun."),
        ("en", {"hours": "1.5"}, "Enter a whole number."),
        ("tr", {"minutes": "0.5"}, "Tam bir sayı girin."),
        ("en", {"minutes": "75"}, "Ensure this value is less than or equal to 59."),
        ("en", {"hours": "99999999999"}, "Ensure this value is less than or equal to 16666."),
        ("en", {"hours": ""}, "This field is required."),
    ],
)
@pytest.mark.parametrize("form", ["record", "give"])
def test_an_amount_that_is_not_a_positive_whole_number_of_minutes_is_refused(
    client, ayse, berk, form, language, fields, message
):
    client.force_login(ayse)
    data = (exchange if form == "record" else gift)(client, language, **fields)

    assert refused(client, f"/{language}/timebank/{form}/", data, status=400) == [message]


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "Not enough credit: ayse has 5 h and may not go below −10 h."),
        ("tr", "Yetersiz kredi: ayse hesabında 5 sa var; bakiye en az −10 sa olabilir."),
    ],
)
def test_giving_more_than_the_limits_allow_is_refused(client, ayse, berk, language, message):
    client.force_login(ayse)

    assert refused(client, f"/{language}/timebank/give/", gift(client, language, hours="16"), status=409) == [message]


def test_asking_for_more_than_the_debtor_could_pay_is_refused_without_telling_their_balance(client, ayse, berk):
    client.force_login(ayse)

    assert refused(client, "/en/timebank/record/", exchange(client, "en", hours="11"), status=409) == [
        "berk cannot pay 11 h now: it would take their account below its limit. Ask for less, or ask again later."
    ]


def test_a_refused_gift_to_a_member_without_an_account_opens_none(client, ayse):
    UserFactory(username="cem")  # no account yet
    client.force_login(ayse)

    messages = refused(client, "/en/timebank/give/", gift(client, "en", member="cem", hours="200"), status=409)

    assert messages[0].startswith("Not enough credit")


# --- Who is paid -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "form", "message"),
    [
        ("en", "give", "You cannot pay your own account."),
        ("tr", "give", "Kendi hesabınıza ödeme yapamazsınız."),
        ("en", "record", "You cannot ask yourself for hours."),
        ("tr", "record", "Kendinizden saat isteyemezsiniz."),
    ],
)
def test_paying_oneself_is_refused(client, ayse, language, form, message):
    client.force_login(ayse)
    data = gift(client, language, member="AYSE") if form == "give" else exchange(client, language, debtor="ayse")

    assert refused(client, f"/{language}/timebank/{form}/", data, status=400) == [message]


@pytest.mark.parametrize(
    ("language", "message"), [("en", "The account of berk is closed."), ("tr", "berk hesabı kapalı.")]
)
@pytest.mark.parametrize("form", ["give", "record"])
def test_paying_a_closed_account_is_refused(client, ayse, berk, coordinator, form, language, message):
    account_close(account=account_for(berk), by=coordinator)
    client.force_login(ayse)
    data = (gift if form == "give" else exchange)(client, language)

    assert refused(client, f"/{language}/timebank/{form}/", data, status=409) == [message]


@pytest.mark.parametrize(
    ("language", "message"),
    [("en", "No member has the username ghost."), ("tr", "ghost kullanıcı adına sahip bir üye yok.")],
)
def test_a_member_who_does_not_exist_is_refused(client, ayse, language, message):
    client.force_login(ayse)

    assert refused(client, f"/{language}/timebank/give/", gift(client, language, member="ghost"), status=400) == [
        message
    ]


def test_giving_to_a_member_without_naming_one_is_refused(client, ayse):
    client.force_login(ayse)

    assert refused(client, "/en/timebank/give/", gift(client, "en", member=""), status=400) == [
        "Give the username of the member."
    ]


def test_a_memo_over_500_characters_is_refused(client, ayse, berk):
    client.force_login(ayse)

    messages = refused(client, "/en/timebank/record/", exchange(client, "en", memo="x" * 501), status=400)

    assert messages == ["Ensure this value has at most 500 characters (it has 501)."]


# --- Forms sent again, or tampered with -------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "This form was already sent; the hours were given once."),
        ("tr", "Bu form zaten gönderilmişti; saatler yalnızca bir kez verildi."),
    ],
)
def test_a_stale_gift_form_sent_again_gives_once(client, ayse, berk, language, message):
    client.force_login(ayse)
    data = gift(client, language, hours="2")
    assert client.post(f"/{language}/timebank/give/", data).status_code == 302

    assert refused(client, f"/{language}/timebank/give/", data, status=409) == [message]
    assert Transfer.objects.filter(kind="gift").count() == 1
    assert account_for(berk).balance == 120


def test_a_stale_exchange_form_sent_again_asks_once(client, ayse, berk):
    client.force_login(ayse)
    data = exchange(client, "en")
    assert client.post("/en/timebank/record/", data).status_code == 302

    assert refused(client, "/en/timebank/record/", data, status=409) == [
        "You had already sent this request; it was sent once."
    ]
    assert ExchangeRequest.objects.count() == 1


def test_a_stale_grant_form_sent_again_grants_once(client, coordinator, berk):
    client.force_login(coordinator)
    data = {
        "member": "berk",
        "hours": "1",
        "minutes": "0",
        "memo": "Interpreting",
        "form_token": token(client, "/en/timebank/coordinate/grant/"),
    }
    assert client.post("/en/timebank/coordinate/grant/", data).status_code == 302

    assert refused(client, "/en/timebank/coordinate/grant/", data, status=409) == [
        "This form was already sent; the credit was granted once."
    ]
    assert Transfer.objects.filter(kind="grant").count() == 1


@pytest.mark.parametrize(
    ("form_token", "message"), [("", "This field is required."), ("not-a-token", "Enter a valid UUID.")]
)
def test_a_form_without_its_token_is_refused(client, ayse, berk, form_token, message):
    client.force_login(ayse)

    assert refused(client, "/en/timebank/give/", gift(client, "en", form_token=form_token), status=400) == [message]


# --- Other people's requests, and answering twice ----------------------------------------------------


@pytest.fixture
def request_to_berk(ayse, berk):
    return exchange_request_create(creditor_member=ayse, debtor_member=berk, minutes=60, memo="Leaflet")


@pytest.mark.parametrize("action", ["confirm", "decline"])
def test_only_the_member_asked_to_pay_can_answer_a_request(client, ayse, request_to_berk, action):
    stranger = UserFactory()

    for user in (stranger, ayse):  # someone else, and the member who asked
        client.force_login(user)
        with nothing_written():
            assert client.post(f"/en/timebank/requests/{request_to_berk.pk}/{action}/").status_code == 404


def test_only_the_member_who_asked_can_withdraw_a_request(client, berk, request_to_berk):
    client.force_login(berk)

    with nothing_written():
        assert client.post(f"/en/timebank/requests/{request_to_berk.pk}/cancel/").status_code == 404


@pytest.mark.parametrize(
    ("language", "message"),
    [("en", "This request was declined."), ("tr", "Bu talep reddedildi.")],
)
def test_confirming_a_declined_request_is_refused(client, berk, request_to_berk, language, message):
    exchange_decline(request=request_to_berk, by=berk)
    client.force_login(berk)

    with nothing_written():
        page = parse(client.post(f"/{language}/timebank/requests/{request_to_berk.pk}/confirm/"), status=409)

    assert errors(page) == [message]


def test_confirming_twice_pays_once(client, berk, request_to_berk):
    client.force_login(berk)
    assert client.post(f"/en/timebank/requests/{request_to_berk.pk}/confirm/").status_code == 302

    with nothing_written():
        page = parse(client.post(f"/en/timebank/requests/{request_to_berk.pk}/confirm/"), status=409)

    assert errors(page) == ["You had already confirmed this request; it was paid once."]
    assert Transfer.objects.filter(kind="exchange").count() == 1


def test_answering_is_a_post_only(client, berk, request_to_berk):
    client.force_login(berk)

    for action in ("confirm", "decline"):
        assert client.get(f"/en/timebank/requests/{request_to_berk.pk}/{action}/").status_code == 405


# --- Reversals -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "message"),
    [("en", "This transfer has already been reversed."), ("tr", "Bu aktarım zaten geri alındı.")],
)
def test_reversing_twice_is_a_409_with_a_clear_message(client, coordinator, ayse, language, message):
    transfer = Transfer.objects.get()
    url = f"/{language}/timebank/coordinate/transfers/{transfer.pk}/reverse/"
    client.force_login(coordinator)
    assert client.post(url, {"reason": "Granted by mistake"}).status_code == 302

    assert refused(client, url, {"reason": "Again"}, status=409) == [message]
    assert Transfer.objects.filter(kind="reversal").count() == 1


def test_a_reversal_cannot_be_reversed(client, coordinator, ayse):
    reversal = transfer_reverse(transfer=Transfer.objects.get(), reason="Mistake", recorded_by=coordinator)
    client.force_login(coordinator)

    assert refused(
        client, f"/en/timebank/coordinate/transfers/{reversal.pk}/reverse/", {"reason": "x"}, status=409
    ) == ["A reversal cannot be reversed; record a new transfer instead."]


def test_a_reversal_without_a_reason_is_refused(client, coordinator, ayse):
    client.force_login(coordinator)
    url = f"/tr/timebank/coordinate/transfers/{Transfer.objects.get().pk}/reverse/"

    assert refused(client, url, {"reason": "   "}, status=400) == ["Bu alan zorunludur."]


def test_reversing_a_transfer_that_does_not_exist_is_a_404(client, coordinator):
    client.force_login(coordinator)

    assert client.post("/en/timebank/coordinate/transfers/999999/reverse/", {"reason": "x"}).status_code == 404


def test_a_link_to_an_offer_that_does_not_exist_is_a_404(client, ayse):
    client.force_login(ayse)

    assert client.get("/en/timebank/record/?offer=999999").status_code == 404
    assert client.get("/en/timebank/record/?offer=abc").status_code == 404


def test_the_page_number_of_a_statement_never_fails(client, ayse):
    client.force_login(ayse)

    for page in ("abc", "-1", "99999", "1e9"):
        assert client.get(f"/en/timebank/?page={page}").status_code == 200
    assert text(parse(client.get("/en/timebank/?page=abc")).h1) == "My hours"
