# corpus: an exception raised inside a ThreadPoolExecutor worker is re-raised by Future.result()
from concurrent.futures import ThreadPoolExecutor, wait
import time
import traceback

LINES = ["port = 8080", "workers=4", "debug", "timeout= 30", "retries=three"]


def parse_setting(line):
    time.sleep(0.01)
    key, sep, value = line.partition("=")
    if not sep:
        raise ValueError(f"missing '=' in {line!r}")
    return key.strip(), int(value)


with ThreadPoolExecutor(max_workers=2) as pool:
    futures = [pool.submit(parse_setting, line) for line in LINES]
    done, not_done = wait(futures)
    print(f"{len(done)} done, {len(not_done)} pending")

settings = {}
for line, future in zip(LINES, futures):
    try:
        key, value = future.result()
    except ValueError as exc:
        print(f"bad line {line!r}: {type(exc).__name__}: {exc}")
    else:
        settings[key] = value
print("settings:", settings)

# exception() hands back the exception object instead of raising it
print("futures[2].exception() ->", repr(futures[2].exception()))
print("futures[0].exception() ->", futures[0].exception())


def average(values):
    return sum(values) / len(values)


with ThreadPoolExecutor() as pool:
    future = pool.submit(average, [])
try:
    future.result()
except ZeroDivisionError as exc:
    print("worker raised:", repr(exc))
    frame = traceback.extract_tb(exc.__traceback__)[-1]
    print(f"raised in {frame.name}() at line {frame.lineno}: {frame.line}")
