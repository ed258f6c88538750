"""Many requests at once, in threads against the real database (SQLite or PostgreSQL).

Each thread has its own database connection, so the services' locks are what keeps the data
right. Tests using this need ``django_db(transaction=True)``: the threads must see committed rows.
"""

import threading

from django.db import connection


def at_once(work, items) -> list:
    """Run ``work(item)`` in one thread per item, all released together; the results in item order."""
    barrier = threading.Barrier(len(items))
    results = [None] * len(items)

    def run(i, item):
        try:
            barrier.wait(timeout=30)
            results[i] = work(item)
        except Exception as error:  # reported, not swallowed: the test asserts on it
            results[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, item)) for i, item in enumerate(items)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return results
