"""bench/run's "Give hours" load: members chosen so no limit is met, requests the real form accepts.

The benchmark counts an answer as a success only by its status and Location, so these check that
what it posts is what the view pays for, and that a redirect elsewhere is not counted.
"""

import http.server
import threading

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from bench import load, probe
from timebank.models import Transfer
from timebank.services import account_for

pytestmark = pytest.mark.django_db

MEMBERS = probe.GIFT_GIVERS + probe.GIFT_PAYEES + 2


@pytest.fixture
def members():
    users = get_user_model().objects.bulk_create(
        get_user_model()(username=f"member{number:06d}", email=f"member{number:06d}@example.org")
        for number in range(MEMBERS)
    )
    return sorted(users, key=lambda user: user.username)


def test_members_without_room_are_passed_over(members):
    poor, full = members[0], members[probe.GIFT_GIVERS + 1]
    account = account_for(poor)
    account.__class__.objects.filter(pk=account.pk).update(balance=account.min_balance + 99)
    account = account_for(full)
    account.__class__.objects.filter(pk=account.pk).update(balance=account.max_balance - 19)

    spec = probe.gift_spec(members)

    assert len(spec["givers"]) == len(spec["sessions"]) == probe.GIFT_GIVERS
    assert poor.username not in spec["givers"]
    assert len(spec["payees"]) == probe.GIFT_PAYEES
    assert poor.username not in spec["payees"] and full.username not in spec["payees"]
    assert spec["location"] == "/en/timebank/"


def test_every_gift_is_a_form_the_view_pays_once(members):
    spec = {**probe.gift_spec(members), "gifts_per_giver": 5}
    lanes = load.gift_lanes(spec, probe.CSRF_SECRET)
    bodies = [body for lane in lanes for _path, body, _headers in lane]
    assert len(set(bodies)) == len(bodies)  # a token of its own each

    path, body, headers = lanes[1][0]
    client = Client(enforce_csrf_checks=True, HTTP_COOKIE=headers["Cookie"])
    answer = client.post(path, body, content_type=headers["Content-Type"])

    assert answer.status_code == 302 and answer["Location"] == spec["location"]
    gift = Transfer.objects.get(memo=probe.GIFT_MEMO)
    assert gift.payer.member.username == spec["givers"][1] and gift.minutes == probe.GIFT_MINUTES
    assert client.post(path, body, content_type=headers["Content-Type"]).status_code == 409  # sent again
    assert Transfer.objects.filter(memo=probe.GIFT_MEMO).count() == 1


class _ToLogin(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(302)
        self.send_header("Location", "/en/accounts/login/?next=/en/timebank/give/")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def test_a_redirect_elsewhere_is_an_error():
    server = http.server.HTTPServer(("127.0.0.1", 0), _ToLogin)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        job = ("/en/timebank/give/", b"a=1", {"Content-Type": "application/x-www-form-urlencoded"})
        result = load.post_lanes(server.server_address[1], [[job]], expect=302, location="/en/timebank/")
    finally:
        server.shutdown()
        server.server_close()
    assert result["done"] == 0 and result["errors"] == 1
    assert result["statuses"] == {"302 to /en/accounts/login/?next=/en/timebank/give/": 1}
