FROM python:3.12-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY domain domain
COPY service service
COPY schema schema
COPY projections projections
RUN pip install --no-cache-dir .
ENV KINERJA_HOST=0.0.0.0 KINERJA_PORT=8000 KINERJA_ENV=production
EXPOSE 8000
RUN mkdir -p /var/lib/kinerja && chown nobody /var/lib/kinerja
USER nobody
CMD ["kinerja", "serve"]
