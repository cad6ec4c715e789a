# corpus: f-strings with format specs ({x:>8.3f}, {n:,}, {p:.1%}, alignment, fill, =, !r, nested widths) in a report built by threads
import threading
from statistics import mean

SALES = {
    "North": [1200.5, 980.25, 1430.0, 1010.75],
    "South": [310.0, 295.5, 402.25],
    "East": [12050.0, 9800.0, 11230.4, 10400.0, 9999.99],
    "West": [77.7],
}
stats = {}
lock = threading.Lock()


def summarize(region, values):
    summary = {
        "count": len(values),
        "total": sum(values),
        "mean": mean(values),
        "best": max(values),
    }
    with lock:
        stats[region] = summary


threads = [threading.Thread(target=summarize, args=item) for item in SALES.items()]
for t in threads:
    t.start()
for t in threads:
    t.join()

grand = sum(s["total"] for s in stats.values())
width = max(len(r) for r in stats) + 2
print(f"{'Region':<{width}}|{'n':>3} |{'total':>12} |{'mean':>10} |{'share':>7}")
print(f"{'':-<{width}}+{'':->4}+{'':->13}+{'':->11}+{'':->7}")
for region in sorted(stats, key=lambda r: stats[r]["total"], reverse=True):
    s = stats[region]
    print(f"{region:<{width}}|{s['count']:>3} |{s['total']:>12,.2f} |{s['mean']:>10.3f} |{s['total'] / grand:>7.1%}")
print(f"{'TOTAL':>{width}} {sum(s['count'] for s in stats.values()):>4} {grand:>13,.2f}")
print()
best_region = max(stats, key=lambda r: stats[r]["best"])
units = 1234567
print(f"{best_region=} {units:,} units, {units:_} {units:e} {units:#x} {units:010d}")
print(f"[{best_region:^11}] [{best_region:*^11}] [{best_region!r:>10}] [{3.14159:+.2f}] [{-42:=+6d}]")
print(f"{0.000123:.2e} {1e6:,.0f} {255:08b} {7/3:.4g} {True!s:>6} {None!r}")
