"""Where RQ finds jobs queued before the pipeline moved to ``bot.jobs``: they name ``bot.worker.perform``.

Jobs wait in Redis across deploys (and retries are scheduled under the same name), so the old name must
keep working until the queues hold none of them; then this module can go.
"""

from bot.jobs.worker import perform

__all__ = ["perform"]
