#!/usr/bin/env python3
"""Writes the Activity Log of a synthetic tenant in every shape `scopedown import` reads.

    activity_shapes.py TENANT OUT

TENANT is a `scopedown synth --activity-shape both` (or `az`) tenant; its az arrays
(`activity/az/<subscription>/<day>.json`, one compact record per line) are re-written as:

  OUT/az-pretty/<sub>/<day>.json   the same array indented by 2, as the az CLI prints it
  OUT/az-one.json                  every az record in one array (one large document)
  OUT/rest/<sub>/<day>-<n>.json    ARM REST pages: {"value":[200 records],"nextLink":...}, compact
  OUT/azureactivity.csv            a Log Analytics AzureActivity export (RFC 4180, one row a record)
  OUT/usage.csv                    the usage aggregate (queries/usage-aggregate.kql's columns)
  OUT/archive-one.json             the diagnostic archive's PT1H.json blobs in one JSON Lines file

Standard library only; deterministic (files and records in sorted order).
"""
import csv
import json
import os
import sys


def az_files(tenant):
    root = os.path.join(tenant, "activity", "az")
    for sub in sorted(os.listdir(root)):
        for name in sorted(os.listdir(os.path.join(root, sub))):
            yield sub, name, os.path.join(root, sub, name)


def compact(value):
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def main():
    tenant, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    rows = []
    usage = {}
    with open(os.path.join(out, "az-one.json"), "w", encoding="utf-8") as one:
        one.write("[\n")
        first = True
        for sub, name, path in az_files(tenant):
            with open(path, "rb") as f:
                raw = f.read()
            records = json.loads(raw)
            # az-one: the records' bytes as synth wrote them, one array
            body = raw.strip()[1:-1].strip()
            if body:
                if not first:
                    one.write(",\n")
                one.write(body.decode("utf-8"))
                first = False
            d = os.path.join(out, "az-pretty", sub)
            os.makedirs(d, exist_ok=True)
            with open(os.path.join(d, name), "w", encoding="utf-8") as f:
                f.write(json.dumps(records, indent=2, ensure_ascii=False) + "\n")
            d = os.path.join(out, "rest", sub)
            os.makedirs(d, exist_ok=True)
            day = name[:-5]
            for n in range(0, max(1, len(records)), 200):
                page = records[n:n + 200]
                more = n + 200 < len(records)
                link = (f"https://management.azure.com/subscriptions/{sub}/providers/microsoft.insights/eventtypes/"
                        f"management/values?api-version=2015-04-01&$filter=eventTimestamp%20ge%20%27{day}%27"
                        f"&$skipToken={n + 200}") if more else None
                with open(os.path.join(d, f"{day}-{n // 200:03d}.json"), "w", encoding="utf-8") as f:
                    f.write(compact({"value": page, "nextLink": link}))
            for r in records:
                rows.append(csv_row(r))
                aggregate(usage, r)
        one.write("\n]\n")
    columns = ["TenantId", "SourceSystem", "CallerIpAddress", "CategoryValue", "CorrelationId", "Authorization",
               "Authorization_d", "Claims", "Claims_d", "Level", "OperationNameValue", "Properties", "Properties_d",
               "Caller", "EventDataId", "EventSubmissionTimestamp", "HTTPRequest", "OperationId", "ResourceGroup",
               "ResourceProviderValue", "ActivityStatusValue", "ActivitySubstatusValue", "Hierarchy",
               "TimeGenerated [UTC]", "SubscriptionId", "ResourceId", "Type"]
    with open(os.path.join(out, "azureactivity.csv"), "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(columns)
        w.writerows(rows)
    with open(os.path.join(out, "usage.csv"), "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["principalId", "caller", "action", "scope", "day", "uses", "deniedAttempts", "firstSeen",
                    "lastSeen", "roleAssignmentId"])
        for k in sorted(usage):
            v = usage[k]
            w.writerow([k[0], k[1], k[2], k[3], k[4], v[0], v[1], v[2], v[3], k[5]])
    archive = os.path.join(tenant, "activity", "insights-activity-logs")
    if os.path.isdir(archive):
        blobs = sorted(os.path.join(d, n) for d, _, names in os.walk(archive) for n in names if n == "PT1H.json")
        with open(os.path.join(out, "archive-one.json"), "wb") as one:
            for b in blobs:
                with open(b, "rb") as f:
                    one.write(f.read())


def value(v):
    return v.get("value", "") if isinstance(v, dict) else (v or "")


def oid(r):
    c = r.get("claims") or {}
    return c.get("http://schemas.microsoft.com/identity/claims/objectidentifier", "")


def csv_row(r):
    a = r.get("authorization") or {}
    auth = compact(a)
    claims = compact(r.get("claims") or {})
    props = compact(r.get("properties") or {})
    return [r.get("tenantId", ""), "Azure", (r.get("httpRequest") or {}).get("clientIpAddress", ""),
            value(r.get("category")), r.get("correlationId", ""), auth, auth, claims, claims, r.get("level", ""),
            value(r.get("operationName")).upper(), props, props, r.get("caller", ""), r.get("eventDataId", ""),
            r.get("submissionTimestamp", ""), compact(r.get("httpRequest") or {}), r.get("operationId", ""),
            r.get("resourceGroupName", ""), value(r.get("resourceProviderName")), value(r.get("status")),
            value(r.get("subStatus")), (r.get("properties") or {}).get("hierarchy", ""),
            r.get("eventTimestamp", ""), r.get("subscriptionId", ""), r.get("resourceId", ""), "AzureActivity"]


def aggregate(usage, r):
    a = r.get("authorization") or {}
    action, scope = a.get("action", ""), a.get("scope", "")
    status = value(r.get("status"))
    if not action or status not in ("Succeeded", "Failed"):
        return
    t = r.get("eventTimestamp", "")
    denied = status == "Failed" and value(r.get("subStatus")) == "Forbidden"
    key = (oid(r), r.get("caller", ""), action, scope, t[:10], "")
    v = usage.setdefault(key, [0, 0, t, t])
    if denied:
        v[1] += 1
    elif status == "Succeeded":
        v[0] += 1
    v[2] = min(v[2], t)
    v[3] = max(v[3], t)


if __name__ == "__main__":
    main()
