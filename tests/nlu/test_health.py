"""/healthz: what load balancers and monitoring see."""

import pytest
import requests

UNREACHABLE_BROKER = "amqp://guest:guest@127.0.0.1:1//"


@pytest.fixture
def broker_down(settings):
    settings.CELERY_BROKER_URL = UNREACHABLE_BROKER
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}


def test_healthy_when_database_cache_and_broker_answer(client, db):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "ok"
    assert body["failing"] == []
    assert body["checks"] == {"database": "ok", "cache": "ok", "broker": "ok"}


def test_unreachable_broker_gives_503_naming_it(client, db, broker_down):
    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["failing"] == ["broker"]
    assert body["checks"]["database"] == body["checks"]["cache"] == "ok"
    assert body["checks"]["broker"] != "ok"


def test_file_system_broker_without_its_folder_gives_503(client, db, settings, tmp_path):
    """Nothing can be queued into a folder that is not there: monitoring must see it."""
    missing = str(tmp_path / "no-such-folder")
    settings.CELERY_BROKER_URL = "filesystem://localhost/"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"data_folder_in": missing, "data_folder_out": missing}

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["failing"] == ["broker"]


def test_health_is_never_cached(client, db):
    assert "no-cache" in client.get("/healthz")["Cache-Control"]


# Over real HTTP the test is transactional; like every transactional test here it restores what the
# migrations created, so that the flush's re-created content types never clash with a later restore.
def test_health_over_real_http(live_server, django_db_serialized_rollback):
    response = requests.get(f"{live_server.url}/healthz", timeout=30)

    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "cache": "ok", "broker": "ok"}


def test_unreachable_broker_over_real_http(live_server, django_db_serialized_rollback, broker_down):
    response = requests.get(f"{live_server.url}/healthz", timeout=30)

    assert response.status_code == 503
    assert response.json()["failing"] == ["broker"]
