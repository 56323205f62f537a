# syntax=docker/dockerfile:1
#
# Stepscope's image: daphne serving the Django app (the default command), or a Celery worker
# (`celery -A config worker`), from the same image. docker-compose.yml runs both, with PostgreSQL
# and Redis.
#
# On its own, with SQLite in /app/var and everything in one process:
#   docker build -t stepscope .
#   docker run --rm -p 8000:8000 -e DJANGO_SECRET_KEY=... stepscope sh -c \
#     "python manage.py migrate && python manage.py bootstrap && exec daphne -b 0.0.0.0 -p 8000 config.asgi:application"
#
# Stage 1 installs the project and its dependencies into a virtualenv at /opt/venv.
# Stage 2 is the slim runtime: that virtualenv, the source in /app, Debian's graphviz, and a
# non-root user. Both stages use the same base image, so compiled wheels match.

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# ------------------------------------------------------------------------------------- builder
FROM ${PYTHON_IMAGE} AS builder

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1

RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH

WORKDIR /build

# Dependencies first, read from pyproject.toml, so this layer is reused until they change.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > requirements.txt \
    && pip install --upgrade pip \
    && pip install -r requirements.txt

# Then the project itself (this gives the `stepscope` console script).
COPY stepscope ./stepscope
COPY apps ./apps
COPY config ./config
RUN pip install --no-deps .

# ------------------------------------------------------------------------------------- runtime
FROM ${PYTHON_IMAGE} AS runtime

# graphviz provides `dot`, which lays out and draws every state machine graph.
RUN apt-get update \
    && apt-get install --yes --no-install-recommends graphviz \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 stepscope \
    && useradd --system --uid 10001 --gid stepscope --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin stepscope

# PYTHONPATH=/app makes /app's source win over the copy installed in the virtualenv, so Django's
# BASE_DIR is /app (templates/, static/ and fixtures/ live there) for daphne and celery too.
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONPATH=/app \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=config.settings \
    DJANGO_DEBUG=0 \
    STEPSCOPE_VAR_DIR=/app/var

COPY --from=builder /opt/venv /opt/venv

WORKDIR /app
COPY manage.py pyproject.toml ./
COPY config ./config
COPY apps ./apps
COPY stepscope ./stepscope
COPY templates ./templates
COPY static ./static
COPY fixtures ./fixtures

# Static files are collected into the image (whitenoise serves them). The secret key here is a
# throwaway for this one build step; the container refuses to start without a real one.
RUN DJANGO_SECRET_KEY=collectstatic-at-build-time-only python manage.py collectstatic --noinput \
    && mkdir -p /app/var \
    && chown stepscope:stepscope /app/var

USER stepscope

EXPOSE 8000

# /healthz answers 200 while daphne serves (its body says whether PostgreSQL and Redis answer).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]

CMD ["daphne", "-b", "0.0.0.0", "-p", "8000", "config.asgi:application"]
