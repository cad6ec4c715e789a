"""tests/explore_replays.py THREADSIM PROGRAM [CHOICES] < REPORT.json

For each outcome of an explorer's --json report, replay its token in the
stepper (step --choices CHOICES --replay TOKEN --commands continue; CHOICES
as the exploration's, default program) and compare the output
the stepper shows with the outcome's, byte for byte. Prints
"replayed K of N" and, for each that differs, both outputs; exit 1 if any
differs or the report has no outcome. (test_explore.c runs it.)"""
import json
import subprocess
import sys


def stepper_output(ts, token, choices):
    r = subprocess.run([ts, "step", "--choices", choices, "--replay", token, "--no-db",
                        "--commands", "continue"],
                       capture_output=True, text=True, check=False)
    # the last "output" block: "  |     LINE" per line
    lines = r.stdout.split("\n")
    start = max(i for i, l in enumerate(lines) if l.startswith("output "))
    out = []
    for l in lines[start + 1:]:
        if not l.startswith("  |     "):
            break
        out.append(l[len("  |     "):])
    return "".join(s + "\n" for s in out)


def main():
    ts = sys.argv[1]
    choices = sys.argv[3] if len(sys.argv) > 3 else "program"
    report = json.load(sys.stdin)
    outs = report["outcomes"]
    same = 0
    for o in outs:
        got = stepper_output(ts, o["token"], choices)
        if got == o["output"]:
            same += 1
        else:
            print("token %s:\nexplored %r\nreplayed %r" % (o["token"], o["output"], got))
    print("replayed %d of %d" % (same, len(outs)))
    return 0 if outs and same == len(outs) else 1


sys.exit(main())
