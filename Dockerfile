# baocao: the bot, its scheduler and its web endpoint (/healthz) in one process.
#   docker compose up -d          (see compose.yaml and the README, "Docker")
FROM python:3.11-slim

# pg_dump/pg_restore for `baocao backup` and `baocao restore` on PostgreSQL.
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client \
    && rm -rf /var/lib/apt/lists/*

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1

WORKDIR /app
# The pinned, hash-checked runtime dependencies first (not the test and lint tools of
# requirements.lock): this layer is reused until the lock changes.
COPY requirements-runtime.lock pyproject.toml README.md ./
RUN pip install --require-hashes -r requirements-runtime.lock
COPY bot ./bot
COPY handlers ./handlers
COPY scheduler ./scheduler
COPY storage ./storage
RUN pip install --no-deps .

# A user without a login or root rights; the database (SQLite) and stored files live in the
# volume /app/data, owned by that user.
RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin baocao \
    && mkdir -p /app/data \
    && chown baocao:baocao /app/data
USER baocao
VOLUME ["/app/data"]

# Inside the container the web endpoint must listen beyond loopback to be published.
ENV BAOCAO_HTTP_LISTEN=0.0.0.0
EXPOSE 8080

# `baocao status` reads the heartbeats the running bot writes to the database: exit 1 when the
# database is unreachable, the scheduler has stopped ticking or a channel stopped polling.
HEALTHCHECK --interval=60s --timeout=20s --start-period=90s --retries=3 \
    CMD ["baocao", "status"]

ENTRYPOINT ["baocao"]
CMD ["run"]
