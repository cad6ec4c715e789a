# threadsim: options --timeout 2
# threadsim: exit 124
# expect: computing
print("computing", flush=True)
print(sum(range(10**13)))
