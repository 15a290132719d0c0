# One image for every process: the Slack app (default command) and the queue workers.
#   docker build -t factcheck .
#   docker run --env-file .env -p 3000:3000 factcheck              # factcheck serve
#   docker run --env-file .env factcheck factcheck worker          # a worker (set REDIS_URL for both)
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Dependencies first, from the lock (a layer that changes only when the lock does), then the package.
COPY requirements.lock ./
RUN pip install -r requirements.lock
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY prompts ./prompts
RUN pip install --no-deps . && rm -rf /app/bot /app/prompts

RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin factcheck
USER factcheck
# With REDIS_URL unset, the embedded Redis keeps its data here (one container, no setup).
ENV XDG_CACHE_HOME=/home/factcheck/.cache \
    PORT=3000
EXPOSE 3000

# No curl in the slim image: python's urllib asks the app's own /healthz (503 while Redis is down or no worker is alive).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('PORT', '3000') + '/healthz', timeout=4)"]

# SIGTERM: the app stops accepting, finishes requests and jobs in hand, then exits.
STOPSIGNAL SIGTERM
CMD ["factcheck", "serve"]
