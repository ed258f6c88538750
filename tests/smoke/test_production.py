"""The production shape at work: what members and BBB do over HTTPS, what the worker and beat do.

Every check of work done in the background reads the worker's log as well as the result: a task
run eagerly inside gunicorn would leave the result but no line in the worker's log.
"""

import datetime
import re
import zoneinfo

import requests
from bs4 import BeautifulSoup

from nlu.management.commands.load_demo import DEMO_PASSWORD

from .deployment import wait_for

ISTANBUL = zoneinfo.ZoneInfo("Europe/Istanbul")
MODULE_1 = "from courses.models import CourseModulePage; print(CourseModulePage.objects.get(slug_en='module-1').pk)"
TUTOR_BALANCE = (
    "from django.contrib.auth import get_user_model; from timebank.services import account_for; "
    "print(account_for(get_user_model().objects.get(username='tutor')).balance)"
)


def page(response: requests.Response) -> BeautifulSoup:
    assert response.status_code == 200, f"{response.status_code} from {response.url}"
    return BeautifulSoup(response.text, "html.parser")


def submit(browser: requests.Session, url: str, fields: dict, form: str = "main form[method=post]", **kwargs):
    """Fill in the ``form`` found at ``url`` and send it as a browser does: its CSRF token, a Referer."""
    found = page(browser.get(url)).select_one(form)
    assert found is not None, f"no {form} at {url}"
    token = found.find("input", {"name": "csrfmiddlewaretoken"})["value"]
    target = requests.compat.urljoin(url, found.get("action") or url)
    return browser.post(target, {"csrfmiddlewaretoken": token, **fields}, headers={"Referer": url}, **kwargs)


def sign_in(deployment, username: str) -> requests.Session:
    browser = deployment.browser()
    response = submit(
        browser,
        f"{deployment.site}/en/accounts/login/",
        {"login": username, "password": DEMO_PASSWORD},
        allow_redirects=False,
    )
    assert response.status_code == 302, f"{username} could not sign in ({response.status_code})"
    return browser


def task_succeeded(deployment, task: str) -> bool:
    return bool(re.search(rf"Task {re.escape(task)}\[[\w-]+\] succeeded", deployment.log("worker")))


def schedule(deployment, tutor: requests.Session, *, title: str, start: datetime.datetime, **fields) -> str:
    """The tutor's schedule form for Module 1; the new session's page URL."""
    module = deployment.django(MODULE_1)
    form = {
        "title_en": title,
        "title_tr": title,
        "start_date": start.date().isoformat(),
        "start_time": start.strftime("%H:%M"),
        "timezone": "Europe/Istanbul",
        "duration_minutes": 90,
        "audience": "enrolled",
        "max_participants": 0,
        "occurrences": 1,
        "every_weeks": 1,
        "module": module,
        **fields,
    }
    response = submit(tutor, f"{deployment.site}/en/sessions/new/?module={module}", form, allow_redirects=False)
    assert response.status_code == 302, f"{response.status_code}: {response.text[-2000:]}"
    return requests.compat.urljoin(deployment.site, response.headers["Location"])


def enter_room(deployment, browser: requests.Session, session_url: str) -> BeautifulSoup:
    """Press the session page's join button: the site redirects to BBB, which shows its room."""
    joined = submit(browser, session_url, {}, form="main form[action$='/join/']", allow_redirects=False)
    assert joined.status_code == 302, joined.text
    assert joined.headers["Location"].startswith(deployment.bbb_url + "join?")
    return page(browser.get(joined.headers["Location"]))


def test_served_over_https_only_and_healthy(deployment):
    browser = deployment.browser()
    health = browser.get(f"{deployment.site}/healthz")
    assert health.json()["checks"] == {"database": "ok", "cache": "ok", "broker": "ok"}

    home = browser.get(f"{deployment.site}/en/")
    assert home.status_code == 200
    assert home.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert home.headers["Content-Encoding"] == "gzip"  # through the proxy, as Django packed it
    stylesheet = page(home).find("link", rel="stylesheet")["href"]
    assert re.fullmatch(r"/static/nlu/nlu\.[0-9a-f]{12}\.css", stylesheet), stylesheet  # named by its content

    # What a phone gets: the stylesheet collected, brotli-compressed, and kept without asking again.
    css = browser.get(requests.compat.urljoin(home.url, stylesheet), headers={"Accept-Encoding": "br, gzip"})
    assert css.status_code == 200
    assert css.headers["Content-Encoding"] == "br"
    assert css.headers["Cache-Control"] == "max-age=315360000, public, immutable"
    assert "font-family" in css.text  # requests decoded the brotli: the CSS itself came
    assert browser.get(css.url, headers={"Accept-Encoding": "gzip"}).headers["Content-Encoding"] == "gzip"
    # Under its plain name the same file is kept only a minute: it may change under that name.
    plain_css = browser.get(f"{deployment.site}/static/nlu/nlu.css")
    assert plain_css.headers["Cache-Control"] == "max-age=60, public"

    # Past the proxy, plain HTTP is sent to HTTPS, but a load balancer may probe the health.
    plain = browser.get(f"{deployment.upstream}/en/", headers={"Host": "127.0.0.1"}, allow_redirects=False)
    assert plain.status_code == 301
    assert plain.headers["Location"] == "https://127.0.0.1/en/"
    assert browser.get(f"{deployment.upstream}/healthz", headers={"Host": "127.0.0.1"}).status_code == 200


def test_sign_up_mail_is_sent_by_the_worker_with_https_links(deployment):
    visitor = deployment.browser()
    address = "nurcan@example.org"
    fields = {"email": address, "username": "nurcan", "password1": "dayanisma-2026-sendika"}
    signed_up = submit(visitor, f"{deployment.site}/en/accounts/signup/", {**fields, "password2": fields["password1"]})
    assert signed_up.url == f"{deployment.site}/en/accounts/confirm-email/"
    assert {cookie.name: cookie.secure for cookie in visitor.cookies} == {"csrftoken": True, "sessionid": True}

    link = wait_for(
        lambda: re.search(rf"{re.escape(deployment.site)}/en/accounts/confirm-email/\S+/", deployment.mails())
    )
    assert link, f"no verification mail; the worker's log:\n{deployment.log('worker')[-3000:]}"
    assert task_succeeded(deployment, "nlu.tasks.send_outgoing_email")
    sent = (
        f"from nlu.models import OutgoingEmail; print(OutgoingEmail.objects.get(to=[{address!r}]).sent_at is not None)"
    )
    assert deployment.django(sent) == "True"

    confirmed = submit(visitor, link.group(0), {})
    assert confirmed.url == f"{deployment.site}/en/profile/"


def test_live_session_is_settled_by_the_worker(deployment):
    tutor, steward = sign_in(deployment, "tutor"), sign_in(deployment, "steward")
    balance_before = int(deployment.django(TUTOR_BALANCE))
    assert deployment.django("from nlu.celery import app; print(app.conf.task_always_eager)") == "False"

    now = datetime.datetime.now(ISTANBUL)
    session_url = schedule(deployment, tutor, title="Smoke: live session", start=now)
    policy = tutor.get(session_url).headers["Content-Security-Policy"]
    assert re.search(r"form-action 'self' " + re.escape(deployment.bbb_url.split("/bigbluebutton")[0]), policy)

    room = enter_room(deployment, tutor, session_url)
    assert "you are in as MODERATOR" in room.h1.get_text()
    assert "you are in as VIEWER" in enter_room(deployment, steward, session_url).h1.get_text()

    # "End meeting" in the room: BBB calls the site back through the proxy, the site enqueues settlement.
    end = room.find("form", action=re.compile(r"/end$"))
    fields = {field["name"]: field["value"] for field in end.find_all("input")}
    back = tutor.post(requests.compat.urljoin(deployment.bbb_url, end["action"]), fields)
    assert back.url == session_url

    settled = wait_for(lambda: int(deployment.django(TUTOR_BALANCE)) == balance_before + 90)
    assert settled, f"no tutoring credit; the worker's log:\n{deployment.log('worker')[-3000:]}"
    assert task_succeeded(deployment, "seminars.tasks.settle_webinar")
    attendance = tutor.get(f"{session_url}attendance/?format=csv").content.decode("utf-8-sig")
    assert "Giulia (tutor),MODERATOR" in attendance and "Ayşe (shop steward),VIEWER" in attendance


def test_reminder_is_sent_by_the_worker(deployment):
    """The 1-hour reminder of a session scheduled earlier, sent by the worker from the broker.

    A reminder goes only for a session scheduled before its lead time; rather than wait an hour,
    the session is dated back a day once scheduled. The task is queued as beat queues it every
    five minutes (beat's own hand-off is the next test).
    """
    tutor = sign_in(deployment, "tutor")
    title = "Smoke: reminded session"
    session_url = schedule(
        deployment, tutor, title=title, start=datetime.datetime.now(ISTANBUL) + datetime.timedelta(minutes=50)
    )
    webinar = int(session_url.rstrip("/").rsplit("/", 1)[1])
    deployment.django(
        "import datetime; from django.utils import timezone; from seminars.models import Webinar; "
        f"Webinar.objects.filter(pk={webinar}).update(created_at=timezone.now() - datetime.timedelta(days=1))"
    )

    deployment.celery("call", "seminars.tasks.send_due_reminders")

    def reminded() -> list[str]:
        mails = [mail for mail in deployment.mail_messages() if f"session-{webinar}.ics" in mail]
        return sorted(re.search(r"^To: (\S+)$", mail, re.MULTILINE).group(1) for mail in mails)

    assert wait_for(lambda: reminded() == ["steward@example.org", "tutor@example.org"]), reminded()
    assert f"Subject: In one hour: {title}" in deployment.mails()
    assert task_succeeded(deployment, "seminars.tasks.send_due_reminders")
    notices = (
        f"from seminars.models import Notice; print(Notice.objects.filter(webinar_id={webinar}, kind='1h@0').count())"
    )
    assert deployment.django(notices) == "2"


def test_beat_hands_its_schedule_to_the_worker(deployment):
    """Beat, a process of its own, sends the BBB poll every minute; the worker runs it."""
    sent = wait_for(lambda: "Sending due task seminars-poll-bbb" in deployment.log("beat"), timeout=90)
    assert sent, deployment.log("beat")
    assert wait_for(lambda: task_succeeded(deployment, "seminars.tasks.poll_bbb")), deployment.log("worker")[-3000:]
