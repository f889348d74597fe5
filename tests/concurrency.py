"""Running calls at the same moment, for the tests of rules that must hold under concurrency."""
from __future__ import annotations

import threading
from collections.abc import Callable


def at_once(calls: list[Callable[[], object]]) -> list:
    """Start every call together (a barrier), each in its own thread, and return their results
    in the order of ``calls``; an exception in any thread fails the test with that exception."""
    start = threading.Barrier(len(calls))
    results: list = [None] * len(calls)
    errors: list[BaseException] = []

    def run(index: int, call: Callable[[], object]) -> None:
        try:
            start.wait()
            results[index] = call()
        except BaseException as error:  # noqa: BLE001 - raised in the test's thread below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return results
