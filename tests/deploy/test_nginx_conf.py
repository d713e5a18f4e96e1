"""deploy/nginx.conf: nginx accepts it, with a throwaway certificate in place of the real one."""
import re
import shutil
import subprocess

from tests.conftest import missing_service
from tests.deploy.kit import DEPLOY

# nginx -t opens the access log and creates these folders: here, not under /var/log/nginx and /var/lib/nginx.
TEMP_PATHS = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")


def test_nginx_accepts_the_reverse_proxy_example(tmp_path):
    for program in ("nginx", "openssl"):
        if not shutil.which(program):
            missing_service(f"{program} (checking deploy/nginx.conf takes `nginx -t` and a throwaway certificate: "
                            "apt-get install nginx-light openssl)")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                    "-keyout", str(tmp_path / "key.pem"), "-out", str(tmp_path / "cert.pem")],
                   check=True, capture_output=True)
    site = DEPLOY.joinpath("nginx.conf").read_text()
    site = re.sub(r"ssl_certificate \S+;", f"ssl_certificate {tmp_path / 'cert.pem'};", site)
    site = re.sub(r"ssl_certificate_key \S+;", f"ssl_certificate_key {tmp_path / 'key.pem'};", site)
    (tmp_path / "site.conf").write_text(site)
    paths = "".join(f"    {name}_temp_path {tmp_path / name};\n" for name in TEMP_PATHS)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path / 'nginx.pid'};\nevents {{}}\nhttp {{\n{paths}    access_log {tmp_path / 'access.log'};\n"
        f"    include {tmp_path / 'site.conf'};\n}}\n")
    result = subprocess.run(["nginx", "-t", "-p", str(tmp_path), "-e", str(tmp_path / "error.log"),
                             "-c", str(tmp_path / "nginx.conf")], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "[warn]" not in result.stderr, result.stderr
