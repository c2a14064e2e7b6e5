# The production image: the runtime lock only (no embedded PostgreSQL, no dev tools).
# Python 3.11, the interpreter the lock files are compiled for.
FROM python:3.11-slim
WORKDIR /app
COPY requirements.lock ./
RUN pip install --no-cache-dir --disable-pip-version-check --require-hashes -r requirements.lock
COPY pyproject.toml README.md ./
COPY domain domain
COPY service service
COPY schema schema
COPY projections projections
RUN pip install --no-cache-dir --disable-pip-version-check --no-deps --no-build-isolation . \
    && rm -rf build *.egg-info
ENV KINERJA_HOST=0.0.0.0 KINERJA_PORT=8000 KINERJA_ENV=production KINERJA_LOG_FORMAT=json \
    KINERJA_DATA_DIR=/var/lib/kinerja PYTHONUNBUFFERED=1
EXPOSE 8000
RUN mkdir -p /var/lib/kinerja && chown nobody /var/lib/kinerja
USER nobody
# Liveness of the API; the projector's compose service replaces it with its heartbeat check.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2)"]
CMD ["kinerja", "serve"]
