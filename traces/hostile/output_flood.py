# threadsim: options --max-output 1M
# threadsim: exit 124
# expect: x
while True:
    print("x")
