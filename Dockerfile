# mockroom: two stages. The first resolves the locked dependencies with uv; the second is a
# slim, non-root runtime with only the virtual environment.
FROM python:3.11-slim AS build
RUN pip install --no-cache-dir uv
ENV UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy UV_PYTHON_DOWNLOADS=never
WORKDIR /app
# Dependencies first, so that a code change does not reinstall them.
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --frozen --no-dev --no-install-project
COPY bot ./bot
COPY interviewer ./interviewer
COPY prompts ./prompts
COPY storage ./storage
RUN uv sync --frozen --no-dev --no-editable

FROM python:3.11-slim AS runtime
RUN groupadd --system mockroom && useradd --system --gid mockroom --home-dir /app mockroom
WORKDIR /app
COPY --from=build --chown=mockroom:mockroom /app/.venv /app/.venv
ENV PATH="/app/.venv/bin:$PATH" \
    PYTHONUNBUFFERED=1 \
    MPLCONFIGDIR=/tmp/matplotlib \
    MOCKROOM_HEALTH_PORT=9100
USER mockroom
EXPOSE 3000 8080 9100
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('MOCKROOM_HEALTH_PORT', '9100'), timeout=4)"]
CMD ["mockroom", "serve", "all"]
