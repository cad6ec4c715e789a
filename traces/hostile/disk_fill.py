# threadsim: options --sandbox
# threadsim: exit 0
# expect: OSError
try:
    with open("big.bin", "wb") as f:
        while True:
            f.write(b"\0" * (1 << 20))
except OSError as e:
    print("OSError", e.errno)
