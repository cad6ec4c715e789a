# threadsim: exit 0
# expect: RecursionError maximum recursion depth exceeded in comparison
x = []
for i in range(500000):
    x = [x]
try:
    print(x == x[0])
except RecursionError as e:
    print("RecursionError", e)
