"""Bolt listeners, one module per kind of request; each exposes ``register(app, services)``."""

from __future__ import annotations

from slack_bolt import Ack


def ack_at_once(ack: Ack) -> None:
    """The ack of a listener whose work runs lazily, on the listener pool, after Slack has its answer."""
    ack()
