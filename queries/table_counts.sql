-- Rows per inventory collection, for import and demo summaries.
SELECT 'roleDefinitions', count(*) FROM role_definitions
UNION ALL SELECT 'roleAssignments', count(*) FROM role_assignments WHERE state = 'active'
UNION ALL SELECT 'eligibleAssignments', count(*) FROM role_assignments WHERE state = 'eligible'
UNION ALL SELECT 'denyAssignments', count(*) FROM deny_assignments
UNION ALL SELECT 'principals', count(*) FROM principals
UNION ALL SELECT 'memberships', count(*) FROM group_memberships
UNION ALL SELECT 'managementGroups', count(*) FROM management_groups
UNION ALL SELECT 'subscriptions', count(*) FROM subscriptions
UNION ALL SELECT 'resources', count(*) FROM resources
UNION ALL SELECT 'operations', count(*) FROM operations
UNION ALL SELECT 'imports', count(*) FROM imports;
