# The portal's image: one for web, worker and beat; docker-compose.yml runs them.
# Debian 13 (trixie): its own archive has the PostgreSQL 17 client, the major version of
# compose's database, so `make backup` (pg_dump) works inside the image with no third-party
# apt repository or key. (bookworm has only 15, which refuses to dump a 17 server.) When the
# database moves to another major version, change postgresql-client-NN with it:
# tests/mrc/test_image.py compares the two.
FROM python:3.13-slim-trixie

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    DEBUG=0 VAR_DIR=/var/lib/mrc PYTHONPATH=/app

# Orientation lessons are spoken offline (espeak-ng, then Opus through opusenc, and MP3
# through lame for Safari before 17, which plays no Opus); pg_dump and pg_restore for the
# backups.
RUN apt-get update && apt-get install -y --no-install-recommends espeak-ng opus-tools lame \
        postgresql-client-17 \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system mrc && useradd --system --gid mrc --home /app mrc \
    && mkdir -p /var/lib/mrc/media /var/lib/mrc/staticfiles /var/lib/mrc/beat /var/lib/mrc/backups && chown -R mrc:mrc /var/lib/mrc

WORKDIR /app
# Exactly the versions of requirements.lock (`make lock`), each file checked against its
# hash; nothing else is resolved or downloaded. The portal itself runs from /app.
COPY requirements.lock ./
RUN pip install --require-hashes --no-deps -r requirements.lock
COPY . .
# Static files go into the image, so every web container has the same hashed names and no
# start-up step writes them.
RUN SECRET_KEY=collectstatic-only ALLOWED_HOSTS=build python manage.py collectstatic --noinput -v0

USER mrc
EXPOSE 8000
CMD ["gunicorn", "mrc.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", \
     "--access-logfile", "-", "--max-requests", "2000", "--max-requests-jitter", "200"]
