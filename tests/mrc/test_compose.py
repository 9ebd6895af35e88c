"""Docker does not run on the development machines, so the compose file is checked by reading it."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_runs_the_services_with_a_proxy_in_front_and_migrations_as_a_step():
    assert set(compose()["services"]) == {
        "db", "redis", "migrate", "web", "proxy", "worker", "beat"
    }  # fmt: skip


def test_database_is_postgresql_17_with_a_volume_and_a_health_check():
    db = compose()["services"]["db"]

    assert db["image"] == "postgres:17"
    assert any(v.startswith("pgdata:") for v in db["volumes"])
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])


def test_redis_has_a_health_check():
    redis = compose()["services"]["redis"]

    assert redis["image"].startswith("redis:")
    assert "ping" in redis["healthcheck"]["test"]


def test_app_services_share_one_image_and_wait_for_healthy_db_and_redis():
    services = compose()["services"]
    for name in ["migrate", "web", "worker", "beat"]:
        service = services[name]
        assert service["image"] == "mrc-portal:latest", name
        assert service["environment"]["DATABASE_URL"].startswith("postgresql://"), name
        assert service["environment"]["REDIS_URL"].startswith("redis://redis:"), name
        assert service["depends_on"]["db"]["condition"] == "service_healthy", name
        assert service["depends_on"]["redis"]["condition"] == "service_healthy", name


def test_migrations_run_once_before_web_worker_and_beat_start():
    services = compose()["services"]

    assert "migrate_locked" in services["migrate"]["command"]
    assert services["migrate"]["restart"] == "no"
    for name in ["web", "worker", "beat"]:
        assert "migrate" not in str(services[name].get("command")), name
        assert services[name]["depends_on"]["migrate"] == {
            "condition": "service_completed_successfully"
        }, name


def test_web_serves_with_gunicorn_behind_a_health_check_and_is_not_published():
    web = compose()["services"]["web"]

    assert "gunicorn mrc.wsgi:application" in web["command"]
    assert "/healthz" in " ".join(web["healthcheck"]["test"])
    assert "ports" not in web  # only the proxy reaches gunicorn
    assert web["expose"] == ["8000"]
    assert "--graceful-timeout" in web["command"]


def test_static_files_are_collected_into_the_image():
    assert "collectstatic --noinput" in (ROOT / "Dockerfile").read_text()


def test_the_proxy_is_nginx_with_its_config_from_the_repository_and_drains_on_stop():
    services = compose()["services"]
    proxy = services["proxy"]

    assert proxy["image"].startswith("nginx:")
    assert sorted(proxy["ports"]) == ["443:443", "80:80"]
    [template] = [v for v in proxy["volumes"] if "templates/" in v]
    assert (ROOT / template.split(":")[0]).exists()
    assert proxy["environment"]["MRC_UPSTREAM"] == "web:8000"
    assert proxy["depends_on"]["web"]["condition"] == "service_healthy"
    assert proxy["stop_signal"] == "SIGQUIT"


def test_the_app_reads_the_visitors_address_from_the_one_proxy():
    app = compose()["services"]["web"]["environment"]

    assert app["TRUSTED_PROXY_COUNT"] == "${TRUSTED_PROXY_COUNT:-1}"
    assert app["BEHIND_TLS_PROXY"] == "1"


def test_the_proxy_limits_bodies_buffers_slow_clients_and_forwards_the_address():
    conf = (ROOT / "deploy/nginx/mrc.conf.template").read_text()

    for directive in [
        "client_max_body_size 12m;",
        "client_body_timeout 60s;",
        "proxy_request_buffering on;",
        "proxy_buffering on;",
        "proxy_read_timeout 60s;",
        "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
        "proxy_set_header X-Forwarded-Proto $scheme;",
        "gzip on;",
        "listen 443 ssl",
    ]:
        assert directive in conf, directive


def test_the_image_leaves_out_secrets_and_local_data():
    ignored = (ROOT / ".dockerignore").read_text().split()

    for path in [".env", ".venv", ".git", "var/", "deploy/tls/"]:
        assert path in ignored, path


def test_worker_and_exactly_one_beat_run_celery():
    services = compose()["services"]

    assert services["worker"]["command"][:4] == ["celery", "-A", "mrc", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "mrc", "beat"]
    assert services["beat"]["deploy"]["replicas"] == 1
    assert "beat" not in " ".join(services["worker"]["command"])


def test_env_example_lists_what_production_needs():
    example = (ROOT / ".env.example").read_text()

    for variable in ["DEBUG=0", "SECRET_KEY=", "ALLOWED_HOSTS=", "POSTGRES_PASSWORD="]:
        assert variable in example


def procfile() -> dict[str, str]:
    lines = (ROOT / "Procfile").read_text().splitlines()
    return dict(line.split(": ", 1) for line in lines if line.strip() and not line.startswith("#"))


def test_without_docker_the_procfile_runs_the_same_three_processes():
    processes = procfile()
    services = compose()["services"]

    assert set(processes) == {"web", "worker", "beat"}
    assert "gunicorn mrc.wsgi:application" in processes["web"]
    assert "--graceful-timeout" in processes["web"]
    assert "celery -A mrc worker" in processes["worker"]
    assert "celery -A mrc beat" in processes["beat"]
    assert " ".join(services["worker"]["command"][:4]) in processes["worker"]
    assert " ".join(services["beat"]["command"][:4]) in processes["beat"]


def test_make_up_migrates_once_then_starts_the_procfile():
    makefile = (ROOT / "Makefile").read_text()
    recipe = makefile.split("\nup:", 1)[1].split("\n\n", 1)[0]

    assert recipe.index("migrate_locked") < recipe.index("honcho start -f Procfile")
    assert "storage_prepare" in recipe
