#!/usr/bin/env python3
"""Writes a vtebench-style terminal stream: dense 256/truecolour cells, scrolling, cursor motion.
Deterministic (seeded). Usage: gen_stream.py OUT [megabytes]"""
import random, sys

out, mb = sys.argv[1], float(sys.argv[2]) if len(sys.argv) > 2 else 32
rnd = random.Random(42)
target = int(mb * 1024 * 1024)
parts, size = [], 0
ROWS, COLS = 40, 120
words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet"]

def emit(s):
    global size
    b = s.encode()
    parts.append(b)
    size += len(b)

while size < target:
    kind = rnd.randrange(4)
    if kind == 0:   # dense 256-colour cells, scrolling
        for _ in range(40):
            emit("".join(f"\x1b[38;5;{rnd.randrange(256)};48;5;{rnd.randrange(256)}m{chr(33 + rnd.randrange(90))}" for _ in range(COLS - 1)) + "\x1b[0m\r\n")
    elif kind == 1: # truecolour runs with attributes
        for _ in range(40):
            line = []
            for _ in range(12):
                r, g, b = rnd.randrange(256), rnd.randrange(256), rnd.randrange(256)
                attr = rnd.choice(["1", "3", "4", "7", "22;23;24;27"])
                line.append(f"\x1b[{attr};38;2;{r};{g};{b}m{rnd.choice(words):<9}")
            emit("".join(line) + "\x1b[0m\r\n")
    elif kind == 2: # cursor motion: random positions, short writes, erase
        for _ in range(400):
            emit(f"\x1b[{1 + rnd.randrange(ROWS)};{1 + rnd.randrange(COLS - 10)}H\x1b[3{rnd.randrange(8)}m{rnd.choice(words)}")
        emit("\x1b[0m\x1b[H\x1b[2J")
    else:           # plain scrolling text (like `cat` of a log)
        for i in range(200):
            emit(f"{i:6d}  " + " ".join(rnd.choice(words) for _ in range(14)) + "\r\n")

with open(out, "wb") as f:
    f.write(b"".join(parts))
print(f"wrote {size} bytes to {out}")
