# The production image: the ASGI app served by uvicorn, static files collected and hashed.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY pyproject.toml README.md requirements.lock ./
COPY portal ./portal
COPY agencies ./agencies
COPY activity ./activity
COPY cases ./cases
COPY meetings ./meetings
COPY frontend ./frontend
COPY manage.py ./
RUN pip install --no-cache-dir -c requirements.lock . \
    && DJANGO_DEBUG=false DJANGO_SECRET_KEY=collectstatic-only \
       python manage.py collectstatic --noinput \
    && useradd --system --uid 10001 crossroads
USER crossroads

EXPOSE 8000
# Several workers share nothing but PostgreSQL and Redis. --proxy-headers makes the client
# address in the audit trail the one the proxy saw; list the proxy's address in
# FORWARDED_ALLOW_IPS.
CMD ["sh", "-c", "uvicorn portal.asgi:application --host 0.0.0.0 --port 8000 --workers ${WEB_WORKERS:-4} --lifespan off --timeout-graceful-shutdown 10 --proxy-headers --forwarded-allow-ips ${FORWARDED_ALLOW_IPS:-127.0.0.1}"]
