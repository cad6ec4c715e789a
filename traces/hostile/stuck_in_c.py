# threadsim: options --timeout 2
# threadsim: exit 4
# expect: computing
print("computing", flush=True)
print(sum(range(10**13)))
