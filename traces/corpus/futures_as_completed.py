# corpus: ThreadPoolExecutor.submit + as_completed, results gathered into a dict and printed sorted
import concurrent.futures
import hashlib
import time

FILES = {
    "report.pdf": 0.30,
    "photo.jpg": 0.10,
    "notes.txt": 0.05,
    "backup.tar": 0.40,
    "song.mp3": 0.20,
}


def checksum(name, seconds):
    time.sleep(seconds)  # reading the file from a slow disk
    return hashlib.sha256(name.encode()).hexdigest()[:12]


with concurrent.futures.ThreadPoolExecutor(max_workers=5) as executor:
    future_to_name = {
        executor.submit(checksum, name, seconds): name
        for name, seconds in FILES.items()
    }
    results = {}
    for future in concurrent.futures.as_completed(future_to_name):
        name = future_to_name[future]
        try:
            results[name] = future.result()
        except Exception as exc:
            print(f"{name} generated an exception: {exc}")
        else:
            print(f"finished {name} ({len(results)}/{len(FILES)})")

print()
for name in sorted(results):
    print(f"{name:<12} {results[name]}")
