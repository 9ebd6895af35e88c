"""The proxy's config, checked by Debian's nginx itself (`nginx -t`), as filled in by the
nginx image's envsubst. Skipped without nginx locally; CI installs it."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "deploy/nginx/mrc.conf.template"

pytestmark = pytest.mark.skipif(
    shutil.which("nginx") is None and not os.environ.get("CI"),
    reason="nginx is not installed (apt-get install nginx); CI installs it",
)


def self_signed(directory: Path) -> None:
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=localhost", "-keyout", str(directory / "privkey.pem"),
         "-out", str(directory / "fullchain.pem")],
        check=True, capture_output=True,
    )  # fmt: skip


def render(upstream: str, tls_dir: Path) -> str:
    """What the image's entrypoint writes: ${VAR} of the environment filled, nginx's own
    $variables left alone."""
    text = TEMPLATE.read_text()
    return text.replace("${MRC_UPSTREAM}", upstream).replace("${MRC_TLS_DIR}", str(tls_dir))


def nginx_conf(tmp_path: Path, server_block: str, listen_http: int, listen_https: int) -> Path:
    """A whole nginx.conf around the portal's server blocks, runnable without root."""
    server_block = server_block.replace("listen 80 ", f"listen 127.0.0.1:{listen_http} ")
    server_block = server_block.replace("listen 443 ", f"listen 127.0.0.1:{listen_https} ")
    server_block = "\n".join(line for line in server_block.splitlines() if "[::]" not in line)
    conf = tmp_path / "nginx.conf"
    conf.write_text(
        f"""
daemon off;
worker_processes 1;
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/error.log warn;
events {{ worker_connections 256; }}
http {{
    client_body_temp_path {tmp_path}/body;
    proxy_temp_path {tmp_path}/proxy;
    fastcgi_temp_path {tmp_path}/fastcgi;
    uwsgi_temp_path {tmp_path}/uwsgi;
    scgi_temp_path {tmp_path}/scgi;
{server_block.replace("/dev/stdout", str(tmp_path / "access.log"))}
}}
"""
    )
    return conf


def test_the_filled_in_config_is_valid_for_nginx(tmp_path):
    self_signed(tmp_path)
    conf = nginx_conf(tmp_path, render("127.0.0.1:8000", tmp_path), 8080, 8443)

    result = subprocess.run(
        ["nginx", "-t", "-c", str(conf), "-p", str(tmp_path)], capture_output=True, text=True
    )

    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


def test_every_placeholder_is_one_the_compose_file_sets():
    import re

    import yaml

    placeholders = set(re.findall(r"\$\{(\w+)\}", TEMPLATE.read_text()))
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())

    assert placeholders == set(compose["services"]["proxy"]["environment"])
