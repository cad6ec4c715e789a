# threadsim: options --max-output 1M
# threadsim: exit 4
# expect: x
while True:
    print("x")
