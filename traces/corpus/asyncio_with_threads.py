# corpus: asyncio beside threads: run_in_executor and to_thread for blocking work, call_soon_threadsafe and run_coroutine_threadsafe from other threads, wait_for timeouts, an asyncio.Queue
import asyncio
import threading
import time


def blocking_io(n):
    time.sleep(0.1 * n)
    return f"io {n} on {threading.current_thread().name.split('_')[0]}"


async def ticker(name, period, count):
    for i in range(count):
        await asyncio.sleep(period)
        print(f"{name} tick {i} at {asyncio.get_running_loop().time() - start:.1f}")


async def producer(q):
    for i in range(3):
        await asyncio.sleep(0.05)
        await q.put(i)
    await q.put(None)


async def consumer(q):
    total = 0
    while (item := await q.get()) is not None:
        total += item
    return total


async def main():
    global start
    loop = asyncio.get_running_loop()
    start = loop.time()
    results = await asyncio.gather(
        loop.run_in_executor(None, blocking_io, 3),
        asyncio.to_thread(blocking_io, 1),
        ticker("fast", 0.1, 3),
    )
    print("gather:", results[:2])

    # a plain thread hands a result to the loop
    fut = loop.create_future()
    def worker():
        time.sleep(0.2)
        loop.call_soon_threadsafe(fut.set_result, "from a thread")
    threading.Thread(target=worker).start()
    print("future:", await fut)

    try:
        await asyncio.wait_for(asyncio.sleep(1), timeout=0.25)
    except asyncio.TimeoutError:
        print("wait_for timed out at", round(loop.time() - start, 1))

    q = asyncio.Queue()
    total = (await asyncio.gather(producer(q), consumer(q)))[1]
    print("queue total:", total)


start = 0.0
asyncio.run(main())

# a loop running in its own thread, fed from the main thread
loop = asyncio.new_event_loop()
t = threading.Thread(target=loop.run_forever, name="loop-thread")
t.start()


async def square(x):
    await asyncio.sleep(0.1)
    return x * x, threading.current_thread().name


cf = asyncio.run_coroutine_threadsafe(square(7), loop)
print("threadsafe:", cf.result(timeout=2))
loop.call_soon_threadsafe(loop.stop)
t.join()
loop.close()
print("done")
