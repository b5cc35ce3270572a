#!/usr/bin/env python3
"""Seeds a data directory's SQLite database with a city's unit tree, as
bench/units-scale measures it: 5 levels and 3,000 units (1 city, 12
districts, 96 streets, 1,440 communities, 1,451 grids), a screen group in
every community and grid with 30,000 screens among them, and 100,000 items
(200 of the city, 50 of each district, 20 of each street, the rest shared
among the communities and grids; one in ten a draft, the others on
screens). The items are copies of the database's first slide, which must
exist (made through the API, so its stored form is the server's own), with
titles of their own. Written in one transaction; prints the ids the bench
signs staff into.

  seed_units.py DATA_DIR
"""
import datetime
import hashlib
import json
import os
import sqlite3
import sys

DISTRICTS, STREETS, COMMUNITIES, GRIDS = 12, 8, 15, 1451
SCREENS, ITEMS = 30000, 100000


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    db = sqlite3.connect(os.path.join(sys.argv[1], "signage.db"))
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    template = db.execute(
        "SELECT json, author_id, updated_by, reviewer_id FROM slides ORDER BY id LIMIT 1").fetchone()
    if template is None:
        sys.exit("seed_units.py: the database has no slide to copy")
    slide, author, updater, reviewer = json.loads(template[0]), template[1], template[2], template[3]
    with db:
        units = []  # (id, depth)
        next_id = db.execute("SELECT MAX(id) FROM units").fetchone()[0] + 1

        def add(name, parent_id, parent_path, depth):
            nonlocal next_id
            uid = next_id
            next_id += 1
            path = f"{parent_path}{uid}/"
            db.execute("INSERT INTO units(id, name, parent_id, path, settings, created_at) "
                       "VALUES (?, ?, ?, ?, '{}', ?)", (uid, name, parent_id, path, now))
            units.append((uid, depth, path))
            return uid, path

        communities = []
        for d in range(1, DISTRICTS + 1):
            did, dpath = add(f"第{d}区", 1, "/1/", 1)
            for s in range(1, STREETS + 1):
                sid, spath = add(f"第{d}区第{s}街道", did, dpath, 2)
                for c in range(1, COMMUNITIES + 1):
                    communities.append(add(f"第{d}区第{s}街道第{c}社区", sid, spath, 3))
        for g in range(GRIDS):
            cid, cpath = communities[g % len(communities)]
            add(f"网格{g + 1}", cid, cpath, 4)
        # The tree changed: its version moves on, as the server's own changes do.
        db.execute("INSERT INTO settings(key, value) VALUES ('units_version', '1') ON CONFLICT(key) "
                   "DO UPDATE SET value = CAST(CAST(settings.value AS BIGINT) + 1 AS TEXT)")

        # A group in every community and grid; screens spread over them.
        low = [u for u in units if u[1] >= 3]
        groups = []
        for uid, depth, _ in low:
            cur = db.execute("INSERT INTO groups(name, created_at, unit_id) VALUES (?, ?, ?)",
                             (f"g-{uid}", now, uid))
            groups.append(cur.lastrowid)
        for i in range(SCREENS):
            token_hash = hashlib.sha256(os.urandom(32)).hexdigest()
            db.execute("INSERT INTO screens(name, group_id, token_hash, created_at) VALUES (?, ?, ?, ?)",
                       (f"scale-{i:05d}", groups[i % len(groups)], token_hash, now))

        # Items: the upper levels' first, then the rest round the lower units.
        owners = [1] * 200
        for uid, depth, _ in units:
            if depth == 1:
                owners += [uid] * 50
            elif depth == 2:
                owners += [uid] * 20
        i = 0
        while len(owners) < ITEMS - 1:  # the template is one
            owners.append(low[i % len(low)][0])
            i += 1
        rows = []
        for n, unit in enumerate(owners):
            slide["title"] = f"规模测试 {n + 1}"
            text = json.dumps(slide, ensure_ascii=False, separators=(",", ":"))
            draft = n % 10 == 9
            rows.append((text, None if draft else text, None if draft else text,
                         "draft" if draft else "published", author, updater,
                         None if draft else reviewer, now, now, "" if draft else now, unit))
        db.executemany(
            "INSERT INTO slides(json, approved_json, published_json, status, author_id, updated_by, "
            "reviewer_id, reject_reason, created_at, updated_at, reviewed_at, editors, unit_id) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, '', ?, ?, ?, '[]', ?)", rows)
    # A community of the deepest street of the last district, and its district.
    community = communities[-1][0]
    district = [u for u in units if u[1] == 1][-1][0]
    # The figures as the database holds them.
    count = lambda table: db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
    print(json.dumps({"units": count("units"), "groups": count("groups"), "screens": count("screens"),
                      "items": count("slides"), "community": community, "district": district,
                      "community_group": f"g-{community}"}))


if __name__ == "__main__":
    main()
