# threadsim: options --max-memory 64M
# threadsim: exit 0
# expect: MemoryError after
xs = []
try:
    while True:
        xs.append(bytearray(10**6))
except MemoryError:
    n = len(xs)
    xs = None
    print("MemoryError after", n // 10 * 10, "MB or so")
