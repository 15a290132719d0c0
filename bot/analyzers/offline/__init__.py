"""The offline analyzer: rules and lexicons, no network and no downloaded models."""

from bot.analyzers.offline.analyzer import OfflineAnalyzer

__all__ = ["OfflineAnalyzer"]
