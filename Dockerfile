# The portal's image: one for web, worker and beat; docker-compose.yml runs them.
FROM python:3.13-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    DEBUG=0 VAR_DIR=/var/lib/mrc

# Orientation lessons are spoken offline (espeak-ng, then Opus through opusenc, and MP3
# through lame for Safari before 17, which plays no Opus).
RUN apt-get update && apt-get install -y --no-install-recommends espeak-ng opus-tools lame \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system mrc && useradd --system --gid mrc --home /app mrc \
    && mkdir -p /var/lib/mrc/media /var/lib/mrc/staticfiles /var/lib/mrc/beat && chown -R mrc:mrc /var/lib/mrc

WORKDIR /app
COPY pyproject.toml README.md ./
RUN pip install --upgrade pip && pip install .
COPY . .
# Static files go into the image, so every web container has the same hashed names and no
# start-up step writes them.
RUN SECRET_KEY=collectstatic-only ALLOWED_HOSTS=build python manage.py collectstatic --noinput -v0

USER mrc
EXPOSE 8000
CMD ["gunicorn", "mrc.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", \
     "--access-logfile", "-", "--max-requests", "2000", "--max-requests-jitter", "200"]
