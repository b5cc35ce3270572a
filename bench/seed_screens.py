#!/usr/bin/env python3
"""Seeds a data directory's SQLite database with many screens, as a city's
installation has them: bench/console and the browser test's many-screens
case use it. The schema must exist (signage-server migrate --data DIR).

  seed_screens.py DATA_DIR COUNT [GROUPS]

Screens are named "screen-00001" ... in GROUPS groups ("district-01" ...);
two in three have a recent heartbeat (online), one in six an old one
(offline), the rest never connected. Their tokens are random and unknown
(nobody can play as them). Written in one transaction.
"""
import datetime
import hashlib
import json
import os
import sqlite3
import sys
import time


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    data, count = sys.argv[1], int(sys.argv[2])
    groups = int(sys.argv[3]) if len(sys.argv) > 3 else 20
    db = sqlite3.connect(os.path.join(data, "signage.db"))
    now = int(time.time())
    iso = lambda t: datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    with db:
        group_ids = []
        for g in range(1, groups + 1):
            name = f"district-{g:02d}"
            db.execute("INSERT OR IGNORE INTO groups(name, created_at) VALUES (?, ?)", (name, iso(now)))
            group_ids.append(db.execute("SELECT id FROM groups WHERE name = ?", (name,)).fetchone()[0])
        for i in range(1, count + 1):
            token_hash = hashlib.sha256(os.urandom(32)).hexdigest()
            kind = i % 6  # 0..3 online, 4 offline, 5 never
            seen = None if kind == 5 else iso(now - (30 if kind < 4 else 86400))
            cur = db.execute(
                "INSERT INTO screens(name, group_id, token_hash, created_at, last_seen) VALUES (?, ?, ?, ?, ?)",
                (f"screen-{i:05d}", group_ids[i % groups], token_hash, iso(now - 86400 * 30), seen))
            if kind == 5:
                continue
            at = now - (30 if kind < 4 else 86400)
            heartbeat = {
                "software_version": "0.1.0", "manifest_version": "v1", "item_id": "7",
                "item_title": "文明出行", "uptime_s": 3600, "rss_bytes": 52000000,
                "cache_bytes": 3000000, "free_disk_bytes": 9000000000, "last_sync_error": None,
                "clock_offset_ms": -42, "interval_s": 60, "sent_at": iso(at)}
            db.execute(
                "INSERT INTO screen_health(screen_id, received_at, received_unix, interval_s, heartbeat) "
                "VALUES (?, ?, ?, 60, ?)",
                (cur.lastrowid, iso(at), at, json.dumps(heartbeat, ensure_ascii=False)))
    print(f"seeded {count} screens in {groups} groups")


if __name__ == "__main__":
    main()
