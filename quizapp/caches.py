"""Bounded caches: what a worker keeps of the work it has done (pages, skeletons, fields, views) has a ceiling,
so a worker that has served every page in every language holds a few MB of it, not everything it ever made.
"""

from collections import OrderedDict
from threading import Lock


class LRU:
    """A bounded, thread-safe map that drops the least recently used entry, counting hits and misses: the
    page cache, the finished responses FastPath replays, the lesson and quiz views (content/repository.py)."""

    def __init__(self, size: int):
        self.size = size
        self._items: OrderedDict = OrderedDict()
        self._lock = Lock()
        self.hits = self.misses = 0

    def get(self, key):
        with self._lock:
            item = self._items.get(key)
            if item is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return item

    def put(self, key, item) -> None:
        with self._lock:
            self._items[key] = item
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


class SourcedLRU(LRU):
    """An LRU whose keys hold the ids of the objects an entry was made from (the course files, a catalog):
    each entry keeps those objects, so a key whose ids were reused by new objects (a reloaded library or
    catalog) is never mistaken for it. The field fragments and the page skeletons."""

    def get(self, key, sources):
        item = super().get(key)
        if item is None:
            return None
        if any(a is not b for a, b in zip(item[0], sources, strict=True)):
            self.hits, self.misses = self.hits - 1, self.misses + 1  # a stale entry: a miss, made again
            return None
        return item[1]

    def put(self, key, sources, value) -> None:
        super().put(key, (sources, value))
