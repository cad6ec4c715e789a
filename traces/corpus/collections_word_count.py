# corpus: collections (Counter, defaultdict, deque, namedtuple) used by threads counting words in chunks of a text
import threading
from collections import Counter, defaultdict, deque, namedtuple

TEXT = """\
the quick brown fox jumps over the lazy dog
the dog barks and the fox runs
a quick brown dog jumps over a lazy fox
threads share the counter but each chunk is counted alone
the end of the text is near the end of the file"""

ChunkResult = namedtuple("ChunkResult", ["index", "words", "longest"])

totals = Counter()
by_letter = defaultdict(set)
recent = deque(maxlen=3)  # the last three chunks that finished
results = []
lock = threading.Lock()


def count_chunk(index, line):
    words = line.split()
    local = Counter(words)
    longest = max(words, key=len)
    with lock:
        totals.update(local)
        for word in local:
            by_letter[word[0]].add(word)
        recent.append(index)
        results.append(ChunkResult(index, len(words), longest))


threads = [
    threading.Thread(target=count_chunk, args=(i, line))
    for i, line in enumerate(TEXT.splitlines())
]
for t in threads:
    t.start()
for t in threads:
    t.join()

print("most common:", totals.most_common(4))
print("distinct words:", len(totals), "total words:", totals.total())
print("words starting with 't':", sorted(by_letter["t"]))
print("letters:", "".join(sorted(by_letter)))
print("last finished chunks:", list(recent))
for r in sorted(results):
    print(r)
best = max(results, key=lambda r: r.words)
print(f"biggest chunk: #{best.index} with {best.words} words, longest word {best.longest!r}")
print(best._asdict())
print(totals["fox"], totals["cat"], "cat" in totals)
backlog = deque(range(5))
backlog.rotate(2)
print("rotated:", backlog)
first, last = backlog.popleft(), backlog.pop()
print(f"popleft={first} pop={last} left={list(backlog)}")
