#!/usr/bin/env python3
"""What PRAGMA secure_delete costs SQLite on the webhook inbox's pattern (docs/data-subject-requests.md,
"What remains on disk"): compressed status posts of 5.4 kB inserted four to a commit and deleted ten at
a time, as the intake and the expansion do; WAL, synchronous=FULL, as Kabar runs. Prints seconds per
phase with secure_delete off and on, twice, alternating.

    python3 bench/sqlite/secure_delete.py [ROWS]
"""
import os
import sqlite3
import sys
import tempfile
import time


def run(secure: bool, rows: int) -> tuple[float, float, float]:
    folder = tempfile.mkdtemp(prefix="kabar-secure-delete-")
    path = os.path.join(folder, "bench.db")
    c = sqlite3.connect(path, isolation_level=None)
    c.execute("PRAGMA journal_mode=WAL")
    c.execute("PRAGMA synchronous=FULL")
    c.execute(f"PRAGMA secure_delete={'ON' if secure else 'OFF'}")
    c.execute("CREATE TABLE inbox(id INTEGER PRIMARY KEY, body BLOB)")

    def insert_four():
        for _ in range(4):
            c.execute("INSERT INTO inbox(body) VALUES (?)", (os.urandom(5400),))

    t = time.perf_counter()
    for _ in range(0, rows, 4):
        c.execute("BEGIN")
        insert_four()
        c.execute("COMMIT")
    inserted = time.perf_counter() - t

    t = time.perf_counter()
    for i in range(1, rows + 1, 10):
        c.execute("BEGIN")
        c.execute("DELETE FROM inbox WHERE id >= ? AND id < ?", (i, i + 10))
        c.execute("COMMIT")
    deleted = time.perf_counter() - t

    # Steady state: posts arrive while earlier ones are expanded and deleted; freed pages are reused.
    t = time.perf_counter()
    for i in range(rows, 2 * rows, 4):
        c.execute("BEGIN")
        insert_four()
        c.execute("DELETE FROM inbox WHERE id <= ?", (i - 40,))
        c.execute("COMMIT")
    steady = time.perf_counter() - t
    c.close()
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    os.rmdir(folder)
    return inserted, deleted, steady


rows = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
print(f"SQLite {sqlite3.sqlite_version}, {rows} posts of 5.4 kB")
for _ in range(2):
    for secure in (False, True):
        inserted, deleted, steady = run(secure, rows)
        print(f"secure_delete {'ON ' if secure else 'OFF'}: insert {inserted:.2f} s, delete {deleted:.2f} s, "
              f"insert and delete together {steady:.2f} s")
