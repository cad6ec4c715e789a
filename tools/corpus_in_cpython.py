"""Is every threadsim output of the corpus one that CPython produces?

    python3 tools/corpus_in_cpython.py [CORPUS_DIR]

For each traces/corpus/NAME.py with an expected output NAME.out (what
threadsim prints, checked byte for byte by `threadsim check traces/corpus`),
looks the output up among the distinct outputs real CPython 3.11 printed in
traces/corpus/cpython/NAME.txt (tools/cpython_outcomes.sh: many runs, output
buffered in program order as threadsim's output view shows it). Prints one
line per program (in / NOT in CPython's N outcomes) and a closing
`N passed, N failed` line; exits 1 if any output is not among CPython's.
Programs listed in traces/corpus/NOT_CPYTHON.md (with the reason) are
reported but not counted as failures.
"""
import os
import re
import sys


def outcomes(path):
    """The distinct outputs recorded for one program: [(count, exit, bytes)]."""
    data = open(path, "rb").read()
    res = []
    for m in re.finditer(rb"(?m)^=== count (\d+)([^\n]*)\n", data):
        res.append([int(m.group(1)), m.group(2), m.end()])
    out = []
    for i, (count, flags, start) in enumerate(res):
        end = len(data) if i + 1 == len(res) else data.rfind(b"=== count", 0, res[i + 1][2])
        body = data[start:end]
        if b"noeol" in flags and body.endswith(b"\n"):
            body = body[:-1]
        ex = re.search(rb"exit (\d+)", flags)
        out.append((count, int(ex.group(1)) if ex else 0, body))
    return out


def main():
    corpus = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "traces", "corpus")
    allowed = set()
    notes = os.path.join(corpus, "NOT_CPYTHON.md")
    if os.path.exists(notes):
        allowed = set(re.findall(r"(?m)^- `([\w]+)\.py`", open(notes).read()))
    passed = failed = 0
    for name in sorted(os.listdir(corpus)):
        if not name.endswith(".py"):
            continue
        base = name[:-3]
        exp = os.path.join(corpus, base + ".out")
        rec = os.path.join(corpus, "cpython", base + ".txt")
        if not os.path.exists(exp) or not os.path.exists(rec):
            print(f"{base}: missing {'.out' if not os.path.exists(exp) else 'CPython outcomes'}")
            failed += 1
            continue
        # threadsim's goldens are made from the repository's root (check
        # traces/corpus); CPython's outcomes from the corpus folder
        mine = open(exp, "rb").read().replace(b'File "traces/corpus/', b'File "')
        oc = outcomes(rec)
        hits = [c for c, _, body in oc if body == mine]
        total = sum(c for c, _, _ in oc)
        if hits:
            print(f"{base}: in CPython's outcomes ({hits[0]} of {total} runs, {len(oc)} distinct)")
            passed += 1
        elif base in allowed:
            print(f"{base}: not among CPython's {len(oc)} outcomes (explained in NOT_CPYTHON.md)")
            passed += 1
        else:
            print(f"{base}: NOT among CPython's {len(oc)} outcomes")
            failed += 1
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
