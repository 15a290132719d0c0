"""The intake mover: hands the jobs acks pushed onto the intake (``bot.jobs.queue``) over to RQ.

Jobs reach RQ once the acks pause: each admitted ack marks the queue as *acking* for
``ACKS_QUIET_MS``, and a mover holding an entry waits for that mark to lapse (at most
``MAX_DEFER_SECONDS``), so that on a machine the web process shares, a burst of acks is not slowed by
the checks it starts.

One runs beside every worker loop (``factcheck worker`` processes, the in-process worker threads), so
RQ's job records are built by the workers, never by the web process while it acks.

An entry is never lost between the two lists: ``BLMOVE`` takes it from the intake onto the queue's
*moving* list, ``submit`` enqueues it in RQ, and only then is it removed from *moving*. A mover that
lost Redis between the two hands its entry over itself as soon as Redis answers again. An entry left
on *moving* by a mover that died (a killed process) is handed over again by any mover that finds it
there at two sweeps in a row (``SWEEP_SECONDS`` apart, far longer than a live mover holds one: at
most ``MAX_DEFER_SECONDS`` and one ``submit``); handing a job over twice is harmless, because RQ keeps
one job per id (``submit`` ignores a duplicate).

An entry that is not a job (a newer or broken producer) is moved to the *rejected* list and logged
with its length only (it may hold article text); nothing else is done with it.
"""

from __future__ import annotations

import logging
import threading
import time

import redis
from pydantic import ValidationError

from bot import metrics
from bot.jobs.model import Job
from bot.jobs.queue import RQJobQueue
from bot.jobs.reconnect import wait_for_redis

log = logging.getLogger(__name__)

BLOCK_SECONDS = 1  # an idle mover comes up this often: a stop takes effect within about this long
SWEEP_SECONDS = 10  # entries on *moving* at two sweeps this far apart were left by a mover that died
MAX_DEFER_SECONDS = 2.0  # a job waits at most this long for the acks to pause (see let_acks_go_first)


def moving_key(queue: RQJobQueue) -> str:
    return f"{queue.intake_key}:moving"


def rejected_key(queue: RQJobQueue) -> str:
    return f"{queue.intake_key}:rejected"


class IntakeMover:
    """Moves intake entries into RQ until ``stop`` is set; ``drain`` moves what waits now and returns."""

    def __init__(
        self,
        queue: RQJobQueue,
        stop: threading.Event,
        *,
        sweep_seconds: float = SWEEP_SECONDS,
        max_defer_seconds: float = MAX_DEFER_SECONDS,
    ) -> None:
        self.queue = queue
        self.max_defer_seconds = max_defer_seconds
        self.client = queue.redis
        self.stop = stop
        self.sweep_seconds = sweep_seconds
        self._seen_moving: set[bytes] = set()
        self._in_hand: bytes | None = None  # taken onto *moving*, not yet handed over (kept through an outage)
        self._next_sweep = 0.0
        self._thread: threading.Thread | None = None

    # -- one entry ---------------------------------------------------------------------------------------
    def hand_over(self, raw: bytes) -> None:
        """Enqueue one entry already on *moving*, then take it off."""
        try:
            job = Job.model_validate_json(raw)
        except ValidationError:
            metrics.count_error("intake_rejected")
            log.error("intake: an entry of %d bytes is not a job; moved to %s", len(raw), rejected_key(self.queue))
            with self.client.pipeline(transaction=True) as pipe:
                pipe.lpush(rejected_key(self.queue), raw)
                pipe.lrem(moving_key(self.queue), 1, raw)
                pipe.execute()
            return
        self.queue.submit(job)
        self.client.lrem(moving_key(self.queue), 1, raw)

    def take_one(self, block_seconds: float) -> bool:
        """Hand over the oldest intake entry, waiting up to ``block_seconds`` for one (0: not at all)."""
        intake, moving = self.queue.intake_key, moving_key(self.queue)
        if block_seconds > 0:
            raw = self.client.blmove(intake, moving, block_seconds, "RIGHT", "LEFT")
        else:
            raw = self.client.lmove(intake, moving, "RIGHT", "LEFT")
        if raw is None:
            return False
        self._in_hand = raw
        if block_seconds > 0:
            self.let_acks_go_first()
        self.hand_over(raw)
        self._in_hand = None
        return True

    def finish_in_hand(self) -> bool:
        """Hand over the entry this mover took before it lost Redis (it is still on *moving*)."""
        if self._in_hand is None:
            return False
        log.warning("intake: the job in hand when Redis was lost is handed over now")
        self.hand_over(self._in_hand)
        self._in_hand = None
        return True

    def let_acks_go_first(self) -> float:
        """Wait while acks stream in (the admission marks each for ``ACKS_QUIET_MS``), at most
        ``max_defer_seconds``: on a machine shared with the web process, the jobs' work would take the
        cores the acks need, and an ack has 3 s while a check may start a moment later. Returns the wait."""
        waited, deadline = 0.0, time.monotonic() + self.max_defer_seconds
        while (left_ms := self.client.pttl(self.queue.acking_key)) > 0 and not self.stop.is_set():
            pause = min(left_ms / 1000, deadline - time.monotonic())
            if pause <= 0:
                break
            self.stop.wait(pause)
            waited += pause
        return waited

    def drain(self) -> int:
        """Hand over every entry waiting now (``factcheck worker --burst`` does this first)."""
        moved = 0
        while self.take_one(0):
            moved += 1
        return moved

    def sweep(self) -> int:
        """Hand over again the entries that sat on *moving* since the last sweep: their mover died."""
        now = set(self.client.lrange(moving_key(self.queue), 0, -1))
        stale = now & self._seen_moving
        for raw in stale:
            log.warning("intake: a job left half-moved by a stopped worker is handed over again")
            self.hand_over(raw)
        self._seen_moving = now - stale
        return len(stale)

    # -- the loop ------------------------------------------------------------------------------------------
    def run(self) -> None:
        """Until ``stop``: move entries as they come, sweep now and then, and outlive Redis outages."""
        while not self.stop.is_set():
            try:
                self.finish_in_hand()
                if time.monotonic() >= self._next_sweep:
                    self.sweep()
                    self._next_sweep = time.monotonic() + self.sweep_seconds
                self.take_one(BLOCK_SECONDS)
            except (redis.ConnectionError, redis.TimeoutError, OSError) as exc:
                log.error("intake mover lost Redis (%s)", type(exc).__name__)
                wait_for_redis(self.client, self.stop, "intake mover")
            except Exception:  # a bug: never silent; the entry stays on *moving* for a later sweep
                self._in_hand = None
                log.exception("intake mover: could not hand a job over; trying again shortly")
                metrics.count_error("intake_mover")
                self.stop.wait(BLOCK_SECONDS)

    def start(self) -> IntakeMover:
        self._thread = threading.Thread(target=self.run, name="fc-intake-mover", daemon=True)
        self._thread.start()
        return self

    def join(self, timeout: float | None = None) -> None:
        if self._thread is not None:
            self._thread.join(timeout)

    def is_alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()
