# The app env image: the API, the action server and the worker (one image, three commands).
#   docker build -f deploy/Dockerfile.app -t trolyao-app .
# Pinned by requirements/app.lock (hashes); non-root; no secret is baked in: every secret
# (EDGE_ENGINE_TOKEN, ACTION_SERVER_TOKEN, database passwords …) comes
# from the environment at run time (docs/deploy.md).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    UV_LINK_MODE=copy UV_COMPILE_BYTECODE=1 \
    RASA_TELEMETRY_ENABLED=false
RUN pip install --no-cache-dir uv==0.13.9 \
    && groupadd --system --gid 10001 trolyao \
    && useradd --system --uid 10001 --gid trolyao --home /app --shell /usr/sbin/nologin trolyao
WORKDIR /app
COPY requirements/app.lock requirements/app.lock
RUN uv pip sync --system --require-hashes requirements/app.lock
COPY pyproject.toml README.md ./
COPY trolyao trolyao
COPY vntext vntext
COPY api api
COPY bot bot
COPY edge edge
COPY actions actions
COPY rasa_ext rasa_ext
COPY cli cli
COPY migrations migrations
COPY domain.yml config.yml credentials.yml endpoints.yml ./
RUN uv pip install --system --no-deps . \
    && mkdir -p /app/var && chown -R trolyao:trolyao /app/var
USER 10001:10001
EXPOSE 8000 5055
# the API by default; the action server: python -m actions.server --port 5055;
# the worker: trolyao worker; migrations: trolyao db upgrade && trolyao kb seed
CMD ["trolyao", "api", "--host", "0.0.0.0", "--port", "8000"]
