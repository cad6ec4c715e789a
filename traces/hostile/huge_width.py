# threadsim: exit 0
# expect: MemoryError
for expr in ("'x'.center(2**63-1)", "'%2147483647d' % 1", "len(range(-1, 2**63-1))", "'a' * 2**62"):
    try:
        eval(expr)
        print("no error", expr)
    except (OverflowError, MemoryError) as e:
        print(type(e).__name__)
