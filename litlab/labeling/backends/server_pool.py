"""The servers of one served run and their health: which one takes the next request, and
how long a failing one rests (a back-off that doubles with each failure, capped)."""
from __future__ import annotations

import time
from dataclasses import dataclass, field

MAX_BACKOFF_S = 30.0


def backoff_s(failures: int) -> float:
    """1, 2, 4 ... seconds up to MAX_BACKOFF_S (the exponent capped: a server down for
    hours fails thousands of times)."""
    return min(2.0 ** min(failures - 1, 16), MAX_BACKOFF_S)


@dataclass
class Server:
    url: str
    in_flight: int = 0
    done: int = 0
    failures: int = 0  # consecutive; reset by a success
    down_until: float = 0.0
    last_error: str = ""
    last_answer: float = 0.0  # any HTTP answer, or the moment it was given work while idle
    posts: set = field(default_factory=set)  # its requests on the wire (the watchdog's)


class ServerPool:
    """The servers of one run and their health. Used from the event loop's thread only."""

    def __init__(self, urls: list[str]):
        self.servers = [Server(u.rstrip("/")) for u in urls]

    def pick(self, avoid: set[str]) -> Server | None:
        """The least busy server that is up; one that failed takes one request at a time
        until it answers again. ``avoid``: servers this request already failed on."""
        now = time.monotonic()
        up = [s for s in self.servers if s.down_until <= now and not (s.failures and s.in_flight)]
        fresh = [s for s in up if s.url not in avoid] or up
        return min(fresh, key=lambda s: (s.in_flight, s.done)) if fresh else None

    def wait_s(self) -> float:
        """Seconds until some server may be tried again."""
        now = time.monotonic()
        return max(0.05, min(s.down_until for s in self.servers) - now)

    def failed(self, server: Server, error: str) -> None:
        server.failures += 1
        server.last_error = error
        server.down_until = time.monotonic() + backoff_s(server.failures)

    def succeeded(self, server: Server) -> None:
        server.failures, server.down_until = 0, 0.0
        server.done += 1
