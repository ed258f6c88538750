"""The cache without Redis counts its files once a second, and still keeps to its size."""

from nlu import file_cache
from nlu.file_cache import FileCache


def files_in(folder) -> int:
    return len(list(folder.glob("*.djcache")))


def small_cache(folder) -> FileCache:
    return FileCache(str(folder), {"OPTIONS": {"MAX_ENTRIES": 10, "CULL_FREQUENCY": 2}})


def test_writes_within_a_second_list_the_folder_once(tmp_path, monkeypatch):
    monkeypatch.setattr(file_cache.time, "monotonic", lambda: 1000.0)  # however slow the machine
    cache = small_cache(tmp_path)
    listings = []
    listed = cache._list_cache_files
    monkeypatch.setattr(cache, "_list_cache_files", lambda: listings.append(1) or listed())
    for n in range(50):
        cache.set(f"key{n}", n)
    assert len(listings) == 1
    assert cache.get("key49") == 49


def test_a_cache_over_its_size_is_culled_at_the_next_count(tmp_path, monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(file_cache.time, "monotonic", lambda: clock[0])
    cache = small_cache(tmp_path)
    for n in range(30):
        cache.set(f"key{n}", n)
    assert files_in(tmp_path) == 30  # the first set counted an empty folder: nothing culled since

    clock[0] += FileCache.CULL_EVERY_SECONDS
    cache.set("one-more", 1)
    assert files_in(tmp_path) == 30 - 30 // 2 + 1  # half culled at random, then the new entry
    assert cache.get("one-more") == 1
