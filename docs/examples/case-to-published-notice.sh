#!/usr/bin/env bash
# A whole case over the JSON API, from the report to the published public notice: what a
# ticketing or security system does to drive BreachDesk. Needs curl and python3 (for reading
# JSON), a running server, and two bearer tokens of the `case_handling` scope:
#
#   BASE=http://127.0.0.1:8080 ORG=uni \
#   HANDLER_TOKEN=… DPO_TOKEN=… docs/examples/case-to-published-notice.sh
#
# HANDLER_TOKEN: someone of the organisation's privacy team (or security team, security manager);
# DPO_TOKEN: the organisation's DPO, who sets the clock, decides, records the notification and
# approves the notice. Make them with `breachdesk token create --email … --scope case_handling`
# or on the desk at /desk/tokens. Every call is checked and audited as on the desk.
set -euo pipefail
BASE=${BASE:-http://127.0.0.1:8080}
ORG=${ORG:-uni}
: "${HANDLER_TOKEN:?a case_handling token of a handler}"
: "${DPO_TOKEN:?a case_handling token of the DPO}"

# call METHOD PATH TOKEN [JSON]: prints the body; stops the script on any answer but 2xx.
call() {
  local method=$1 path=$2 token=$3 body=${4:-}
  local out status
  out=$(mktemp)
  if [ -n "$body" ]; then
    status=$(curl -sS -o "$out" -w '%{http_code}' -X "$method" "$BASE$path" \
      -H "authorization: Bearer $token" -H 'content-type: application/json' --data-binary "$body")
  else
    status=$(curl -sS -o "$out" -w '%{http_code}' -X "$method" "$BASE$path" \
      -H "authorization: Bearer $token")
  fi
  if [ "${status:0:1}" != 2 ]; then
    echo "$method $path: HTTP $status" >&2
    cat "$out" >&2
    echo >&2
    rm -f "$out"
    exit 1
  fi
  cat "$out"
  rm -f "$out"
}
field() { python3 -c "import json,sys; v=json.load(sys.stdin)$1; print(v if isinstance(v,str) else json.dumps(v))"; }

# NOW: the time the script acts at (default: the current time, RFC 3339 UTC).
now=${NOW:-$(date -u +%Y-%m-%dT%H:%M:%SZ)}
today=${now:0:10}

echo "1. The report (public intake: no token)"
report=$(curl -sS -X POST "$BASE/api/v1/orgs/$ORG/reports" -H 'content-type: application/json' --data-binary @- <<JSON
{"kind": "breach", "language": "en",
 "noticed_at": "$now",
 "how_noticed": "A student told the service desk",
 "what_happened": "The grade list of one course was e-mailed to the whole faculty mailing list",
 "system": "Student register"}
JSON
)
case_id=$(echo "$report" | field '["case_id"]')
echo "   case $(echo "$report" | field '["reference"]') ($case_id)"
c=/api/v1/cases/$case_id

echo "2. Triage, the awareness time (the 72 hours start), investigation"
call POST "$c/status" "$HANDLER_TOKEN" '{"to": "triage"}' >/dev/null
call PUT "$c/awareness" "$DPO_TOKEN" "{\"at\": \"$now\"}" >/dev/null
call POST "$c/status" "$HANDLER_TOKEN" '{"to": "investigating"}' >/dev/null

echo "3. The scope and the assessment"
call PUT "$c/scope" "$HANDLER_TOKEN" '{
  "nature": ["confidentiality"], "confidentiality_type": "disclosed", "unintelligible": "no",
  "affected": ["person_name", "education"], "not_affected": ["email"],
  "subject_categories": ["students"], "subjects": "exact", "subjects_value": 48,
  "records": "exact", "records_value": 48, "cause": "internal_non_malicious",
  "systems": "Student register"}' >/dev/null
call PUT "$c/assessment/answers" "$HANDLER_TOKEN" '{
  "acting_as": "controller", "recipients": "known_many", "containment": "none",
  "identification": "maximum", "sector": "school", "vulnerable_people": "no",
  "subsequent_measures_remove_high_risk": "no", "disproportionate_effort": "no",
  "joint_controllers": "no", "at_processor": "no"}' >/dev/null
call POST "$c/assessment/decision" "$DPO_TOKEN" '{"decision": "accept"}' >/dev/null
call POST "$c/status" "$DPO_TOKEN" '{"to": "assessed"}' >/dev/null

echo "4. The authority notified (its reference recorded)"
call POST "$c/notified" "$DPO_TOKEN" "{\"at\": \"$now\", \"reference\": \"TSV/EXAMPLE\"}" >/dev/null

echo "5. The facts of the notices, each text in Finnish, Swedish and English"
call PUT "$c/notices/facts" "$HANDLER_TOKEN" "{
  \"progress\": \"resolved\", \"fixed_on\": \"$today\", \"must_act\": false, \"reach\": \"part\",
  \"cause\": {\"fi\": \"Arvosanalista lähetettiin vahingossa koko tiedekunnan postituslistalle.\",
            \"sv\": \"Betygslistan skickades av misstag till hela fakultetens sändlista.\",
            \"en\": \"The grade list was sent by mistake to the whole faculty mailing list.\"},
  \"not_reached\": {\"fi\": \"Opiskelijarekisteriin ei päästy käsiksi.\",
                  \"sv\": \"Studentregistret nåddes inte.\",
                  \"en\": \"The student register itself was not reached.\"},
  \"categories\": [{\"category\": \"education\", \"count\": 48,
                   \"caveat\": {\"fi\": \"vain yhden kurssin arvosanat\", \"sv\": \"endast betygen i en kurs\",
                               \"en\": \"only the grades of one course\"}}],
  \"never_collected\": [\"national_id\"], \"misuse\": \"none_seen\",
  \"service_contact\": \"study-services@$ORG.example\",
  \"service_hours\": {\"fi\": \"arkisin 9–15\", \"sv\": \"vardagar 9–15\", \"en\": \"weekdays 9–15\"},
  \"media_contact\": \"Communications, press@$ORG.example\"}" >/dev/null

echo "6. The public notice drafted from the facts, saved as it stands, approved by the DPO"
notice=$(call GET "$c/notices/public" "$HANDLER_TOKEN")
problems=$(echo "$notice" | field '["draft_problems"]')
if [ "$problems" != "[]" ]; then
  echo "   the draft still has problems: $problems" >&2
  exit 1
fi
draft=$(echo "$notice" | field '["draft"]')
number=$(call POST "$c/notices/public/versions" "$HANDLER_TOKEN" "$draft" | field '["number"]')
address=$(call POST "$c/notices/public/versions/$number/approve" "$DPO_TOKEN" | field '["address"]')
echo "   published at $BASE$address"
