"""What a host relies on (docs/plugins.md): the layout, the settings and their defaults, refusals with a
code, the models' names in both languages, the deployment check."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.checks import run_checks
from django.utils import translation

from seminars import services
from seminars.bbb import BBBClient
from seminars.conf import DEV_SECRET
from seminars.errors import JoinError, ScheduleError, SeminarError
from seminars.models import Attendance, CalendarFeed, Notice, Recording, Webinar
from suite.errors import Refusal

pytestmark = pytest.mark.django_db

LAYOUT = (
    "<title>{% block title %}{% endblock %}</title>{% block extra_css %}{% endblock %}"
    '<main id="host-layout">{% block content %}{% endblock %}</main>{% block extra_js %}{% endblock %}'
)


@pytest.fixture
def host_layout(settings, tmp_path):
    """The host's own base template, named by SUITE_BASE_TEMPLATE, with only the four blocks of the contract."""
    (tmp_path / "host_layout.html").write_text(LAYOUT)
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [tmp_path, *engine["DIRS"]]}]
    settings.SUITE_BASE_TEMPLATE = "host_layout.html"


def test_every_page_is_in_the_hosts_layout(host_layout, as_role, weekly, module_1):
    tutor = as_role("tutor")
    pages = {
        "/en/sessions/": "Live sessions",
        f"/en/sessions/{weekly.pk}/": weekly.title,
        f"/en/sessions/{weekly.pk}/wait/": weekly.title,
        f"/en/sessions/{weekly.pk}/edit/": "Change the time or co-tutors",
        f"/en/sessions/{weekly.pk}/attendance/": "Attendance",
        f"/en/sessions/new/?module={module_1.pk}": "Schedule a session",
        "/en/sessions/calendar/": "Your calendar",
    }
    for url, title in pages.items():
        html = tutor.get(url).content.decode()
        assert html.startswith(f"<title>{title}"), url
        assert '<main id="host-layout">' in html, url
    # The waiting page's script goes to the end of the body.
    assert (
        tutor.get(f"/en/sessions/{weekly.pk}/wait/")
        .content.decode()
        .endswith('</main><script src="/static/seminars/wait.js" defer></script>')
    )


@pytest.mark.parametrize(
    ("model", "singular", "plural"),
    [
        (Webinar, "canlı oturum", "canlı oturumlar"),
        (Attendance, "katılım", "katılımlar"),
        (Recording, "kayıt", "kayıtlar"),
        (Notice, "oturum bildirimi", "oturum bildirimleri"),
        (CalendarFeed, "takvim beslemesi", "takvim beslemeleri"),
    ],
)
def test_every_model_is_named_in_turkish(model, singular, plural):
    with translation.override("tr"):
        assert (str(model._meta.verbose_name), str(model._meta.verbose_name_plural)) == (singular, plural)


def test_the_bbb_settings_default_to_the_stand_in(settings):
    for name in ("BBB_URL", "BBB_SECRET", "BBB_CHECKSUM", "BBB_TIMEOUT"):
        delattr(settings, name)
    client = BBBClient.from_settings()
    assert (client.base_url, client.secret, client.algorithm, client.timeout) == (
        "http://127.0.0.1:8090/bigbluebutton/api/",
        DEV_SECRET,
        "sha256",
        5.0,
    )
    settings.BBB_TIMEOUT = 0.5  # read at each use, not at import
    assert BBBClient.from_settings().timeout == 0.5


def test_deployment_check_warns_while_the_secret_is_the_stand_ins(settings):
    del settings.BBB_SECRET
    assert [message.id for message in run_checks(include_deployment_checks=True)].count("seminars.W001") == 1
    settings.BBB_SECRET = "the-bbb-servers-own-secret"
    assert "seminars.W001" not in [message.id for message in run_checks(include_deployment_checks=True)]


def test_without_settlement_hooks_a_session_is_settled_with_none(settings, drop_in):
    del settings.SEMINARS_SETTLEMENT_HOOKS
    Webinar.objects.filter(pk=drop_in.pk).update(status=Webinar.Status.ENDED)
    assert services.webinar_settle(webinar_id=drop_in.pk) is True
    assert Webinar.objects.get(pk=drop_in.pk).settled_at is not None


def refusal_of(call) -> SeminarError:
    with pytest.raises(SeminarError) as caught:
        call()
    return caught.value


def test_refusals_carry_a_code_and_a_message_and_no_status(drop_in, people):
    """The views decide the status from the code (seminars/views.py)."""
    refusals = {
        "no_name": lambda: services.webinar_join(webinar=drop_in, user=AnonymousUser(), guest_name="   "),
        "forbidden": lambda: services.webinar_join(webinar=drop_in, user=people["outsider"]),
        "waiting": lambda: services.webinar_join(webinar=drop_in, user=people["enrolled"]),
        "unknown_zone": lambda: services.local_to_utc(datetime.datetime(2027, 1, 1, 16), "Mars/Olympus_Mons"),
        "bad_series": lambda: services.webinar_schedule(
            title="x",
            start_local=datetime.datetime(2027, 1, 1, 16),
            timezone_name="UTC",
            duration_minutes=60,
            tutors=[],
            created_by=None,
            occurrences=0,
        ),
    }
    for code, call in refusals.items():
        error = refusal_of(call)
        assert isinstance(error, Refusal) and error.code == code and str(error.message)
        assert isinstance(error, JoinError if code in ("no_name", "forbidden", "waiting") else ScheduleError)
        assert not hasattr(error, "status")


def test_consent_is_asked_before_a_recorded_session_is_entered(drop_in, people):
    Webinar.objects.filter(pk=drop_in.pk).update(record=True)
    assert refusal_of(lambda: services.webinar_join(webinar=drop_in, user=people["enrolled"])).code == "no_consent"
    # With consent the next rule speaks: the tutor has not started yet.
    assert refusal_of(lambda: services.webinar_join(webinar=drop_in, user=people["enrolled"], consent=True)).code == (
        "waiting"
    )
