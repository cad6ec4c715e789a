# Two threads (asyncio.to_thread) and a coroutine each wait 0.1 s; python3
# prints any of them first (C1 first in 13 of 30 runs). On the virtual
# clock the loop's polls take their microsecond each, so the coroutine's
# wake-up comes a microsecond after the threads'; the explorer's default
# --jitter (1 us) lets events that close fire in either order, and finds
# "C1 done in loop" first too (with --jitter 0 it never did).
import asyncio
import time


def blocking(name):
    time.sleep(0.1)
    return name + " done in thread"


async def c1():
    await asyncio.sleep(0.1)
    return "C1 done in loop"


async def main():
    tasks = [asyncio.to_thread(blocking, "T1"), asyncio.to_thread(blocking, "T2"), c1()]
    for f in asyncio.as_completed(tasks):
        print(await f)


asyncio.run(main())
