# datetime is CPython's C module under threadsim too (the wall clock its
# now() reads in C is the virtual one during a run: model/cpy/cpy_io.c's
# clock_gettime); its errors are python3.11's (the .out is python3.11's).
import datetime
for args in [(2024, 2, 30), (2024, 13, 1), (0, 1, 1), (10000, 1, 1), (2024.0, 1, 1), ("2024", 1, 1)]:
    try: datetime.date(*args)
    except (ValueError, TypeError) as e: print(type(e).__name__, e)
for args in [(2024, 1, 1, 24), (2024, 1, 1, 0, 60), (2024, 1, 1, 0, 0, 60), (2024, 1, 1, 0, 0, 0, 10**6)]:
    try: datetime.datetime(*args)
    except ValueError as e: print(type(e).__name__, e)
try: datetime.datetime(2024, 1, 1, fold=2)
except ValueError as e: print(e)
try: datetime.time(25)
except ValueError as e: print(e)
try: datetime.datetime.strptime("2024-13-01", "%Y-%m-%d")
except ValueError as e: print(e)
try: datetime.date(2024, 1, 1).replace(day=40)
except ValueError as e: print(e)
