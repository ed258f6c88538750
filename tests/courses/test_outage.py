"""Outside services down: the member's enrolment still goes through, with no error page."""

import pytest
from celery import current_app

from courses.models import Enrolment, EnrolmentEvent

from .conftest import page_url


def forget_broker_connections():
    """Make the app build its connection pools anew from the broker settings.

    kombu keeps the pools in a registry shared with other tests, so none is closed here."""
    current_app._pool = None
    current_app.amqp._producer_pool = None


@pytest.fixture
def broker_down():
    """Tasks really go to a broker, and the broker is unreachable."""
    conf = current_app.conf
    saved = conf.task_always_eager, conf.broker_url, conf.broker_transport_options
    conf.task_always_eager, conf.broker_url = False, "redis://127.0.0.1:1/0"  # nothing listens there
    conf.broker_transport_options = {}
    forget_broker_connections()
    yield
    conf.task_always_eager, conf.broker_url, conf.broker_transport_options = saved
    forget_broker_connections()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_enrol_while_the_broker_is_down(client, make_module, member, broker_down):
    module = make_module()
    client.raise_request_exception = False
    client.force_login(member)
    response = client.post(page_url(module, suffix="enrol/"))
    assert Enrolment.objects.get(module=module, member=member).status == Enrolment.Status.ACTIVE
    assert EnrolmentEvent.objects.get(enrolment__member=member).mailed_at is None  # for the sweep
    assert response.status_code == 302  # the member is told they are enrolled, not shown an error page
    assert response.url == page_url(module)
