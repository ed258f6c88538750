"""Enrolment mails: in the member's language, after commit, once per event."""

import datetime

import pytest
from celery.exceptions import Retry
from django.core import mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from courses.models import Enrolment, EnrolmentEvent
from courses.notifications import enrolment_event_mail, enrolment_events_mail_pending
from courses.services import enrolment_create, enrolment_withdraw
from courses.tasks import send_enrolment_event_mail
from suite.links import absolute_url
from tests.factories import UserFactory

from .conftest import page_url

pytestmark = pytest.mark.django_db


def mails_to(user):
    return [message for message in mail.outbox if message.to == [user.email]]


def test_confirmed_mail_is_sent_after_commit(make_module, member, django_capture_on_commit_callbacks):
    module = make_module(title="Organising online")
    with django_capture_on_commit_callbacks(execute=True):
        enrolment_create(module=module, member=member)
        assert mail.outbox == []  # not before the enrolment is committed
    [message] = mail.outbox
    assert message.to == [member.email]
    assert message.subject == "You are enrolled: Organising online"
    assert "You are enrolled in “Organising online”" in message.body


def test_no_mail_when_the_transaction_rolls_back(make_module, member, django_capture_on_commit_callbacks):
    module = make_module()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            enrolment_create(module=module, member=member)
            raise RuntimeError("the request failed after enrolling")
    assert callbacks == []
    assert mail.outbox == []


def test_waitlisted_mail_gives_the_position(make_module, django_capture_on_commit_callbacks):
    module = make_module(capacity=1)
    first, second, third = UserFactory.create_batch(3, language="en")
    with django_capture_on_commit_callbacks(execute=True):
        for each in (first, second, third):
            enrolment_create(module=module, member=each)
    [to_second] = mails_to(second)
    [to_third] = mails_to(third)
    assert to_second.subject.startswith("You are on the waitlist:")
    assert "at position 1." in to_second.body
    assert "at position 2." in to_third.body


def test_withdrawal_mails_the_member_and_promotes_the_first_waiting(make_module, django_capture_on_commit_callbacks):
    module = make_module(capacity=1, title="Organising online")
    holder, waiting = UserFactory.create_batch(2, language="en")
    enrolment_create(module=module, member=holder)
    enrolment_create(module=module, member=waiting)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        enrolment_withdraw(module=module, member=holder)
    assert [m.subject for m in mails_to(holder)] == ["You have withdrawn: Organising online"]
    assert [m.subject for m in mails_to(waiting)] == ["A place is yours: Organising online"]
    assert "it is yours: you are now enrolled" in mails_to(waiting)[0].body


@pytest.mark.parametrize(
    ("msgid", "build"),
    [
        ("You are enrolled: %(module)s", lambda module, member: enrolment_create(module=module, member=member)),
        (
            "You are on the waitlist: %(module)s",
            lambda module, member: (
                enrolment_create(module=module, member=UserFactory()),
                enrolment_create(module=module, member=member),
            ),
        ),
    ],
)
def test_mail_is_in_the_members_language(make_module, django_capture_on_commit_callbacks, msgid, build):
    module = make_module(capacity=1, title="Organising online", title_tr="Çevrimiçi örgütlenme")
    member = UserFactory(language="tr")
    with django_capture_on_commit_callbacks(execute=True):
        build(module, member)
    [message] = mails_to(member)
    with translation.override("tr"):
        expected = gettext(msgid) % {"module": "Çevrimiçi örgütlenme"}
    assert message.subject == expected
    assert message.subject != msgid % {"module": "Organising online"}
    assert "Çevrimiçi örgütlenme" in message.body
    assert "Organising online" not in message.body
    assert absolute_url(page_url(module, "tr")) in message.body


def test_the_mail_links_the_module_at_the_sites_address(
    make_module, member, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://learn.example.org"
    module = make_module()
    with django_capture_on_commit_callbacks(execute=True):
        enrolment_create(module=module, member=member)
    [message] = mails_to(member)
    assert f"\nhttps://learn.example.org{page_url(module)}\n" in message.body


def test_an_event_is_never_mailed_twice(make_module, member, django_capture_on_commit_callbacks):
    module = make_module()
    with django_capture_on_commit_callbacks(execute=True):
        enrolment_create(module=module, member=member)
    assert len(mail.outbox) == 1
    event = EnrolmentEvent.objects.get(enrolment__member=member)
    assert event.mailed_at is not None

    assert enrolment_event_mail(event_id=event.id) is False
    send_enrolment_event_mail.delay(event_id=event.id)  # a redelivered task
    assert len(mail.outbox) == 1


def test_turkish_waitlist_mail_gives_the_position(make_module, django_capture_on_commit_callbacks):
    module = make_module(capacity=1, title_tr="Çevrimiçi örgütlenme")
    member = UserFactory(language="tr")
    with django_capture_on_commit_callbacks(execute=True):
        for each in UserFactory.create_batch(2) + [member]:
            enrolment_create(module=module, member=each)
    [message] = mails_to(member)
    with translation.override("tr"):
        expected = gettext(
            "“%(module)s” is full, so you are on its waitlist, at position %(position)s. "
            "When a place frees up, the first person waiting gets it and is told by e-mail."
        ) % {"module": "Çevrimiçi örgütlenme", "position": 2}
    assert expected in message.body


def test_a_mail_server_outage_loses_nothing(make_module, member, settings, django_capture_on_commit_callbacks):
    module = make_module()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2  # nothing listens
    # Eager Celery surfaces the task's scheduled retry as an exception.
    with pytest.raises((OSError, Retry)), django_capture_on_commit_callbacks(execute=True):
        enrolment_create(module=module, member=member)
    assert Enrolment.objects.get(module=module, member=member).status == Enrolment.Status.ACTIVE
    event = EnrolmentEvent.objects.get(enrolment__member=member)
    assert event.mailed_at is None

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    EnrolmentEvent.objects.filter(pk=event.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=5))
    assert enrolment_events_mail_pending() == 1
    assert enrolment_events_mail_pending() == 0
    assert [m.to for m in mail.outbox] == [[member.email]]


def test_the_module_start_is_written_in_each_recipient_s_language_and_zone(
    make_module, django_capture_on_commit_callbacks
):
    # Midnight of Thursday 7 January 2027 in Istanbul is 21:00 on Wednesday in UTC.
    module = make_module(start_date=datetime.date(2027, 1, 7), timezone="Europe/Istanbul")
    english = UserFactory(language="en", timezone="Europe/Istanbul")
    turkish = UserFactory(language="tr", timezone="Europe/Istanbul")
    elsewhere = UserFactory(language="en", timezone="UTC")
    with django_capture_on_commit_callbacks(execute=True):
        for each in (english, turkish, elsewhere):
            enrolment_create(module=module, member=each)
    assert "The module starts on Thu 7 Jan 2027, 00:00 (Europe/Istanbul) and runs" in mails_to(english)[0].body
    assert "7 Oca 2027 Prş, 00:00 (Europe/Istanbul)" in mails_to(turkish)[0].body
    assert "Thu 7 Jan" not in mails_to(turkish)[0].body
    assert "The module starts on Wed 6 Jan 2027, 21:00 (UTC)" in mails_to(elsewhere)[0].body
