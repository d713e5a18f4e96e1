"""Settings for `make run` on a developer's machine: SQLite under var/, debug on unless DEBUG says no."""
from .base import *  # noqa: F401,F403
from .env import env_bool

DEBUG = env_bool("DEBUG", True)
