# Leertafels: the app (target "app", the default) and nginx with the static files (target "web").
# The install steps are CI's (tests/test_wheel.py): build the wheel, install it with [scale] into a fresh
# environment, run it as an unprivileged user from outside the package.

FROM python:3.12-slim AS build
WORKDIR /src
COPY pyproject.toml setup.py MANIFEST.in README.md LICENSE CHANGELOG.md babel.cfg app.py ./
COPY facilitation facilitation
COPY templates templates
COPY static static
COPY sessions sessions
RUN pip wheel --no-deps --wheel-dir /wheels . \
 && python -m venv /opt/leertafels \
 && /opt/leertafels/bin/pip install --no-cache-dir "$(ls /wheels/facilitation-*.whl)[scale]"

FROM nginx:1.27-alpine AS web
COPY --from=build /src/static /usr/share/leertafels/static
COPY deploy/nginx-compose.conf /etc/nginx/conf.d/default.conf

FROM python:3.12-slim AS app
RUN useradd --system --user-group --home-dir /var/lib/leertafels --create-home --shell /usr/sbin/nologin leertafels
COPY --from=build /opt/leertafels /opt/leertafels
ENV PATH=/opt/leertafels/bin:$PATH \
    FACILITATION_INSTANCE=/var/lib/leertafels \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1
USER leertafels
WORKDIR /var/lib/leertafels
VOLUME /var/lib/leertafels
EXPOSE 8001 8002
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s \
  CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8001/healthz', timeout=4)"
ENTRYPOINT ["leertafels"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8001", "--workers", "2", "--behind-proxy"]
