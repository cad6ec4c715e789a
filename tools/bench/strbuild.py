# CPU: string building, 1 million appends and a join.
def build(n):
    s = ""
    for i in range(n):
        s += "x"
    return s

print(len(build(1_000_000)), len("".join([str(i) for i in range(1_000_000)])))
