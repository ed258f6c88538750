"""The spaces app's settings, each with its default; read at every use, so a host's value and override_settings win."""

from suite.conf import AppSettings

app_settings = AppSettings(
    "SPACES_",
    # A permission ("app_label.codename") a member needs to start a space; None: anyone signed in may.
    START_PERMISSION=None,
    # Rows on a page of a list: spaces, members, activity.
    PAGE_SIZE=30,
    # Days an invitation link stays valid.
    INVITATION_DAYS=14,
    # The largest file a member may upload to a space, in bytes.
    MAX_FILE_BYTES=20 * 1024 * 1024,
    # The file name extensions a space accepts (lower case, without the dot).
    FILE_EXTENSIONS=("pdf", "odt", "ods", "odp", "docx", "xlsx", "pptx", "txt", "md", "csv", "png", "jpg", "jpeg"),
)
