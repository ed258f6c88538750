"""The seminars app's settings, each with its default; read at every use, so a host's value and override_settings win.

The BigBlueButton settings keep their public names (``BBB_URL``, ``BBB_SECRET``, ``BBB_CHECKSUM``,
``BBB_TIMEOUT``): they are this app's. Their defaults are those of the stand-in
(``manage.py bbb_devserver``), so a development site talks to it with no setting at all; a
deployment sets its own (``check --deploy`` warns while the secret is the stand-in's).
"""

from suite.conf import AppSettings

# The stand-in's secret: public, for development and tests only.
DEV_SECRET = "nlu-dev-bbb-secret-for-the-stand-in-only"

app_settings = AppSettings(
    "SEMINARS_",
    # Dotted paths of callables ``hook(*, webinar)`` run once when a session has ended (in its
    # transaction): tutor credits and the like, e.g. "timebank.services.tutoring_award".
    SETTLEMENT_HOOKS=(),
    # Dotted path of an instance of seminars.audiences.Audiences: who belongs to the groups whose
    # meetings are scheduled "for members of a group". None: the base class (no groups).
    AUDIENCES=None,
    # Dotted paths of callables ``hook(*, recording)`` run once when a recording is stored (in its
    # transaction), e.g. to note it in a group's activity.
    RECORDING_HOOKS=(),
)

bbb_settings = AppSettings(
    "BBB_",
    # The API base, ending in /bigbluebutton/api/ (or a Scalelite URL); by default the stand-in's.
    URL="http://127.0.0.1:8090/bigbluebutton/api/",
    # BBB's shared secret: signs every call and verifies the recording-ready callback (JWT HS256).
    SECRET=DEV_SECRET,
    # The checksum's hash: sha1, sha256, sha384 or sha512, as BBB is configured.
    CHECKSUM="sha256",
    # Seconds each call to BBB may take before it counts as unavailable.
    TIMEOUT=5.0,
)
