"""Sign-up with e-mail verification, sign-in by username or e-mail, sign-out (allauth)."""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from tests.factories import PASSWORD, UserFactory
from tests.nlu.screen import html_lang, messages_shown, parse, shows_current_time_in


def sign_up(client, capture_on_commit, *, language="en", username="ayse", email="ayse@example.org"):
    """Fill in the sign-up form; the verification mail is sent once the transaction commits."""
    with capture_on_commit(execute=True):
        return client.post(
            f"/{language}/accounts/signup/",
            {"email": email, "username": username, "password1": PASSWORD, "password2": PASSWORD},
        )


def confirmation_link(message) -> str:
    match = re.search(r"https?://\S+/accounts/confirm-email/\S+/", message.body)
    assert match, f"no confirmation link in the mail:\n{message.body}"
    return match.group(0)


def sign_in(client, login, language="en"):
    return client.post(f"/{language}/accounts/login/", {"login": login, "password": PASSWORD})


def is_signed_in(client) -> bool:
    return client.get("/en/profile/").status_code == 200


def test_sign_up_mails_a_link_that_verifies_the_address(client, demo, django_capture_on_commit_callbacks):
    response = sign_up(client, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert [message.to for message in mail.outbox] == [["ayse@example.org"]]
    link = confirmation_link(mail.outbox[0])
    assert link.startswith("http://testserver/en/accounts/confirm-email/")

    confirm_page = client.get(link)
    assert confirm_page.status_code == 200
    assert client.post(link).status_code == 302
    assert is_signed_in(client)


def test_turkish_sign_up_mails_in_turkish_and_keeps_the_member_in_turkish(
    client, demo, django_capture_on_commit_callbacks, django_user_model
):
    sign_up(client, django_capture_on_commit_callbacks, language="tr")

    with translation.override("tr"):
        turkish_subject = translation.gettext("Please Confirm Your Email Address")
    assert turkish_subject in mail.outbox[0].subject
    assert confirmation_link(mail.outbox[0]).startswith("http://testserver/tr/accounts/confirm-email/")
    assert django_user_model.objects.get(username="ayse").language == "tr"


def test_full_journey_sign_up_verify_sign_in_and_choose_turkish_and_istanbul(
    client, demo, django_capture_on_commit_callbacks
):
    sign_up(client, django_capture_on_commit_callbacks)
    client.post(confirmation_link(mail.outbox[0]))
    client.post("/en/accounts/logout/")
    assert not is_signed_in(client)

    for login in ("ayse", "ayse@example.org"):
        response = sign_in(client, login)
        assert response.status_code == 302
        assert response["Location"] == "/en/profile/"
        assert is_signed_in(client)
        client.post("/en/accounts/logout/")

    sign_in(client, "ayse")
    since = timezone.now()
    response = client.post(
        "/en/profile/",
        {"display_name": "Ayşe", "timezone": "Europe/Istanbul", "language": "tr"},
        follow=True,
    )

    assert response.redirect_chain == [("/tr/profile/", 302)]
    page = parse(response)
    assert html_lang(page) == "tr"
    with translation.override("tr"):
        saved = translation.gettext("Your profile has been saved.")
    assert saved != "Your profile has been saved.", "the success message has no Turkish translation"
    assert saved in messages_shown(page)
    assert shows_current_time_in(page, "Europe/Istanbul", "tr", since)


def test_unverified_address_cannot_sign_in(client, demo, django_capture_on_commit_callbacks):
    sign_up(client, django_capture_on_commit_callbacks)
    client.logout()

    sign_in(client, "ayse")

    assert not is_signed_in(client)


@pytest.mark.parametrize("login", ["username", "email"])
def test_sign_in_by_username_or_email(client, db, login):
    member = UserFactory(language="en")

    response = sign_in(client, getattr(member, login))

    assert response.status_code == 302
    assert is_signed_in(client)


def test_wrong_password_is_refused(client, db):
    member = UserFactory()

    response = client.post("/en/accounts/login/", {"login": member.username, "password": "not-the-password"})

    assert response.status_code == 200
    assert not is_signed_in(client)


def test_member_who_prefers_turkish_continues_in_turkish_after_sign_in(client, demo):
    member = UserFactory(language="tr")

    response = sign_in(client, member.username)

    assert response["Location"] == "/tr/profile/"
    assert html_lang(parse(client.get(response["Location"]))) == "tr"


def test_sign_out_needs_a_post(client, db):
    client.force_login(UserFactory())

    client.get("/en/accounts/logout/")
    assert is_signed_in(client), "a link (GET) must not sign a member out"

    response = client.post("/en/accounts/logout/")
    assert response.status_code == 302
    assert not is_signed_in(client)


def test_a_session_is_read_from_the_cache_and_kept_in_the_database(client, db):
    """Signed in, a page reads no session row; an emptied cache signs no one out; sign-out is for good."""
    member = UserFactory()
    assert sign_in(client, member.username).status_code == 302
    with CaptureQueriesContext(connection) as queries:
        assert is_signed_in(client)
    assert not [query["sql"] for query in queries if "django_session" in query["sql"]]

    cache.clear()  # Redis restarted, or the file cache culled
    assert is_signed_in(client)

    kept_cookie = client.cookies["sessionid"].value
    client.post("/en/accounts/logout/")
    client.cookies["sessionid"] = kept_cookie  # the cookie of the closed session, sent again
    assert not is_signed_in(client)
