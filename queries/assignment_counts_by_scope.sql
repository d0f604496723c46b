-- Role assignments (active and PIM-eligible) per scope, for the inventory tree.
SELECT scope_key, min(scope) AS scope, count(*) AS assignments
  FROM role_assignments
 GROUP BY scope_key
 ORDER BY scope_key;
