"""App Home for one user, gathered from the index (``index.py``) and each thread's state, then published."""

from __future__ import annotations

from bot.desk import PRIORITY_RANK, is_settled, progress
from bot.slack.index import Index
from bot.slack.links import thread_link
from bot.slack.records import ThreadRecord
from bot.slack.services import Services
from bot.slack.views import HOME_STORIES, HomeItem, HomeStory, home_view

MAX_CHANNELS = 5  # channel-level lists: the user's most recent channels


def _story(services: Services, record: ThreadRecord) -> HomeStory | None:
    checklist = services.state.get_checklist(record.checklist_id)
    if checklist is None:
        return None
    done = progress(checklist, services.state.statuses(record.checklist_id))
    link = thread_link(services, record.channel, record.thread_ts)
    return HomeStory(record.title, record.channel, link, done.line(), done.ready)


def gather(services: Services, user: str) -> tuple[list[HomeStory], list[HomeItem], list[HomeStory]]:
    state = services.state
    index = Index(services.redis, state.ttl)
    records: dict[str, ThreadRecord] = {}

    def record_of(cid: str) -> ThreadRecord | None:
        if cid not in records:
            found = state.get_record(cid)
            if found is None:
                index.forget(cid, user=user, channel=cid.split(":", 1)[0])
                return None
            records[cid] = found
        return records[cid]

    mine = [s for cid in index.started(user) if (r := record_of(cid)) and (s := _story(services, r))]
    assigned: list[HomeItem] = []
    channels: list[str] = []
    for cid in index.owned(user):
        record = record_of(cid)
        checklist = state.get_checklist(cid) if record else None
        if record is None or checklist is None:
            continue
        statuses = state.statuses(cid)
        link = thread_link(services, record.channel, record.thread_ts)
        for number, owner in sorted(state.owners(cid).items()):
            item = checklist.item(number)
            if owner == user and item is not None and not is_settled(statuses, number):
                status = statuses[number].status if number in statuses else "open"
                assigned.append(HomeItem(record.title, link, number, item.priority, item.quote, status))
    assigned.sort(key=lambda i: PRIORITY_RANK.get(i.priority, 3))  # stable: newest story first within a rank
    for record in records.values():
        if record.channel not in channels:
            channels.append(record.channel)
    channel_open: list[HomeStory] = []
    for channel in channels[:MAX_CHANNELS]:
        for cid in Index(services.redis, state.ttl).in_channel(channel)[: HOME_STORIES + 1]:
            record = record_of(cid)
            story = _story(services, record) if record else None
            if story is not None and not story.ready:
                channel_open.append(story)
    return mine, assigned, channel_open


def publish_home(services: Services, user: str) -> None:
    mine, assigned, channel_open = gather(services, user)
    services.client.views_publish(user_id=user, view=home_view(mine, assigned, channel_open))
