"""Running the project in processes of its own, as a fresh machine would."""

import os
import subprocess
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
# DESIGN §5: every setting read from the environment, dropped so the defaults are what is tested.
OUR_VARIABLES = (
    "DJANGO_SETTINGS_MODULE",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "REDIS_URL",
    "CELERY_BROKER_URL",
    "BBB_URL",
    "BBB_SECRET",
    "BBB_CHECKSUM",
    "EMAIL_URL",
    "LANGUAGES",
    "SITE_URL",
    "TIME_ZONE",
)


def fresh_environ(var_dir: Path, settings_module: str = "nlu.settings.dev") -> dict[str, str]:
    """This process's environment without any setting of ours, with a private var/ folder."""
    env = {name: value for name, value in os.environ.items() if name not in OUR_VARIABLES}
    return {**env, "DJANGO_SETTINGS_MODULE": settings_module, "NLU_VAR_DIR": str(var_dir)}


def run(args: list[str], env: dict[str, str], cwd: Path = PROJECT_ROOT) -> subprocess.CompletedProcess:
    """``python <args>`` in the project folder, its output captured as text."""
    return subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def run_django(code: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """Run ``code`` after ``django.setup()``, in a process of its own."""
    return run(["-c", f"import django\ndjango.setup()\n{code}"], env)
