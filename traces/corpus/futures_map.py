# corpus: ThreadPoolExecutor.map downloading pages with simulated latency; results come back in input order
import time
from concurrent.futures import ThreadPoolExecutor

URLS = [
    "https://example.com/",
    "https://example.org/about",
    "https://example.net/blog/2023/threads",
    "https://python.org/",
    "https://docs.python.org/3/library/threading.html",
]


def fetch(url):
    """Pretend to download url; longer URLs take longer."""
    time.sleep(0.1 * (len(url) // 10))
    body = url.encode() * 40
    return url, len(body)


def main():
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=3) as executor:
        for url, size in executor.map(fetch, URLS):
            print(f"{url:<50} {size:>6} bytes")
    elapsed = time.perf_counter() - start
    print(f"Downloaded {len(URLS)} pages in {elapsed:.1f} seconds")


if __name__ == "__main__":
    main()
