"""What a recheck carries over, on the real offline engine."""

from __future__ import annotations

from bot.slack.records import ItemStatus
from bot.slack.state import carry_statuses
from standins.slack_driver import ARTICLE, EDITOR, Bot


def test_carry_statuses_maps_by_quote_and_kind(bot: Bot) -> None:
    engine = bot.services.engine
    old = engine.check(ARTICLE)
    new = engine.check("Intro: the mayor said 12 roads will close.\n\n" + ARTICLE)
    first = old.items[0]
    carried = carry_statuses(old, {first.number: ItemStatus(status="flagged", by=EDITOR)}, new)
    (number,) = carried
    assert new.item(number).quote == first.quote and carried[number].status == "flagged"
