# A quarter later: NEW.db from a copy of OLD.db, edited as a tenant changes in three months (see
# docs/performance.md, "`diff` and `report` made faster"). Usage: quarter_later.py OLD.db NEW.db [seed]
# About 1.5% of the assignments removed, 2% added (one in twenty Owner), 50 new users with an
# assignment each, 3 custom roles widened, 300 new group memberships. With --move, also 5
# subscriptions moved to other management groups and one management group to another parent.
import sqlite3, random, sys, uuid, shutil
move = "--move" in sys.argv
args = [a for a in sys.argv[1:] if a != "--move"]
old, new, seed = args[0], args[1], int(args[2]) if len(args) > 2 else 7
shutil.copyfile(old, new)
r = random.Random(seed)
def gid(): return str(uuid.UUID(int=r.getrandbits(128), version=4))
c = sqlite3.connect(new)
cols = [x[1] for x in c.execute("PRAGMA table_info(role_assignments)")]
rows = c.execute("SELECT * FROM role_assignments ORDER BY id").fetchall()
n = len(rows)
removed = r.sample(rows, n * 15 // 1000)
for row in removed:
    c.execute("DELETE FROM role_assignments WHERE id=? AND state=?", (row[0], row[1]))
roles = [x[0] for x in c.execute("SELECT id FROM role_definitions")]
owner = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"
principals = c.execute("SELECT DISTINCT principal_id, principal_type FROM role_assignments").fetchall()
ix = {k: i for i, k in enumerate(cols)}
def add(base, principal=None, role=None):
    row = list(base)
    row[ix["id"]] = gid()
    row[ix["resource_id"]] = row[ix["scope"]].rstrip("/") + "/providers/Microsoft.Authorization/roleAssignments/" + row[ix["id"]]
    if principal: row[ix["principal_id"]], row[ix["principal_type"]] = principal
    if role: row[ix["role_definition_id"]] = role
    row[ix["condition"]] = None; row[ix["condition_version"]] = None
    c.execute(f"INSERT INTO role_assignments({','.join(cols)}) VALUES({','.join('?'*len(cols))})", row)
for i in range(n * 2 // 100):
    add(r.choice(rows), r.choice(principals), owner if i % 20 == 0 else r.choice(roles))
# New principals (users) with assignments.
pcols = [x[1] for x in c.execute("PRAGMA table_info(principals)")]
prow = c.execute("SELECT * FROM principals WHERE kind='user' LIMIT 1").fetchone()
pix = {k: i for i, k in enumerate(pcols)}
for i in range(50):
    p = list(prow); p[pix["id"]] = gid(); p[pix["display_name"]] = f"Quarter User {i}"; p[pix["display_name_key"]] = f"quarter user {i}"
    if p[pix["user_principal_name"]]: p[pix["user_principal_name"]] = f"quarter.user{i}@example.com"; p[pix["upn_key"]] = f"quarter.user{i}@example.com"
    c.execute(f"INSERT INTO principals({','.join(pcols)}) VALUES({','.join('?'*len(pcols))})", p)
    add(r.choice(rows), (p[pix["id"]], "User"), r.choice(roles))
# Custom roles widened.
custom = [x[0] for x in c.execute("SELECT id FROM role_definitions WHERE is_custom=1 ORDER BY id")]
for rid in r.sample(custom, min(3, len(custom))):
    ordn = c.execute("SELECT coalesce(max(ordinal),-1)+1 FROM role_permission_patterns WHERE role_id=? AND block=0 AND list='actions'", (rid,)).fetchone()[0]
    c.execute("INSERT INTO role_permission_patterns VALUES(?,0,'actions',?,?,?)", (rid, ordn, "Microsoft.KeyVault/vaults/secrets/*", "microsoft.keyvault/vaults/secrets/*"))
# New group memberships.
groups = [x[0] for x in c.execute("SELECT id FROM principals WHERE kind='group'")]
users = [x[0] for x in c.execute("SELECT id FROM principals WHERE kind='user'")]
imp = c.execute("SELECT max(import_id) FROM group_memberships").fetchone()[0] or 1
added = 0
while groups and added < 300:
    g, u = r.choice(groups), r.choice(users)
    if c.execute("INSERT OR IGNORE INTO group_memberships VALUES(?,?,0,'user',?)", (g, u, imp)).rowcount: added += 1
moved = ""
if move:
    mgs = [x[0] for x in c.execute("SELECT id FROM management_groups ORDER BY id")]
    subs = c.execute("SELECT id, management_group_id FROM subscriptions ORDER BY id LIMIT 5").fetchall()
    for i, (sid, mg) in enumerate(subs):
        others = [m for m in mgs if m != mg]
        c.execute("UPDATE subscriptions SET management_group_id=? WHERE id=?", (others[i * 7 % len(others)], sid))
    row = c.execute("SELECT id, parent_id FROM management_groups WHERE parent_id IS NOT NULL ORDER BY id LIMIT 1 OFFSET 3").fetchone()
    if row:
        c.execute("UPDATE management_groups SET parent_id=? WHERE id=?", ([m for m in mgs if m not in row][0], row[0]))
    moved = f"; {len(subs)} subscriptions and 1 management group moved"
c.commit()
print(f"{n} assignments: removed {len(removed)}, added {n*2//100 + 50}; 3 roles widened; {added} memberships{moved}")
