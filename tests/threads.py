"""Concurrency in tests: calls started together in threads, each with its own database connections."""

import threading

from django.db import connections


def in_threads(call, n: int) -> list:
    """`call(i)` for i in 0..n-1, in n threads started together (a barrier): their results, or the exceptions they
    raised, in that order; each thread closes its database connections."""
    results, barrier = [None] * n, threading.Barrier(n)

    def run(i):
        try:
            barrier.wait(timeout=10)
            results[i] = call(i)
        except Exception as error:  # noqa: BLE001 - the test reads what each call gave
            results[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results
