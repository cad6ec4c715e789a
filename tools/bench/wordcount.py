# CPU: a dict word count over 2 million words.
words = ("alpha beta gamma delta epsilon zeta eta theta iota kappa " * 200000).split()
counts = {}
for w in words:
    counts[w] = counts.get(w, 0) + 1
print(len(words), sorted(counts.items())[:3])
