-- References whose target is not (yet) in the database: (kind, referenced key, referring row).
-- The store runs it after each import run and reports counts and a few examples as warnings.
SELECT 'roleDefinition' AS kind, ra.role_definition_id AS target, ra.id AS referrer
  FROM role_assignments ra
 WHERE NOT EXISTS (SELECT 1 FROM role_definitions rd WHERE rd.id = ra.role_definition_id)
UNION ALL
SELECT 'principal', ra.principal_id, ra.id
  FROM role_assignments ra
 WHERE NOT EXISTS (SELECT 1 FROM principals p WHERE p.id = ra.principal_id)
UNION ALL
SELECT 'group', gm.group_id, gm.member_id
  FROM group_memberships gm
 WHERE NOT EXISTS (SELECT 1 FROM principals p WHERE p.id = gm.group_id)
UNION ALL
SELECT 'managementGroup', s.management_group_id, s.id
  FROM subscriptions s
 WHERE s.management_group_id IS NOT NULL
   AND NOT EXISTS (SELECT 1 FROM management_groups m WHERE m.id = s.management_group_id)
UNION ALL
SELECT 'parentManagementGroup', m.parent_id, m.id
  FROM management_groups m
 WHERE m.parent_id IS NOT NULL
   AND NOT EXISTS (SELECT 1 FROM management_groups p WHERE p.id = m.parent_id)
ORDER BY 1, 2, 3;
