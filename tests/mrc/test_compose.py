"""Docker does not run on the development machines, so the compose file is checked by reading it."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_runs_the_five_services():
    assert set(compose()["services"]) == {"db", "redis", "web", "worker", "beat"}


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
    for name in ["web", "worker", "beat"]:
        service = services[name]
        assert service["image"] == "mrc-portal:latest", name
        assert service["environment"]["DATABASE_URL"].startswith("postgresql://"), name
        assert service["environment"]["REDIS_URL"].startswith("redis://redis:"), name
        assert service["depends_on"]["db"]["condition"] == "service_healthy", name
        assert service["depends_on"]["redis"]["condition"] == "service_healthy", name


def test_web_migrates_collects_static_and_serves_with_gunicorn_behind_a_health_check():
    web = compose()["services"]["web"]

    assert "migrate --noinput" in web["command"]
    assert "collectstatic --noinput" in web["command"]
    assert "gunicorn mrc.wsgi:application" in web["command"]
    assert "/healthz" in " ".join(web["healthcheck"]["test"])


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
