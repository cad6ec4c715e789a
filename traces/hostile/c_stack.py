# threadsim: exit 124
# expect: built
import sys
sys.setrecursionlimit(10**7)
x = []
for i in range(2_000_000):
    x = [x]
print("built")
print(len(repr(x)))
