"""Prior fact-checks: published ClaimReview verdicts under the claims they match (Google's claims:search).

Entry point: ``find_prior_checks(checklist, settings, redis_client=...)`` (see ``step.py``).
"""

from bot.claimreview.step import find_prior_checks

__all__ = ["find_prior_checks"]
