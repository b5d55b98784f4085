#!/usr/bin/env bash
# Counts the statements PostgreSQL itself logs for each kind of SCIM request (log_statement = all), on a
# project-local cluster of its own. Usage: tests/ScimServer.Benchmarks/statement-log.sh [checkout]  (default: this one)
# Prints one line per request: the statements PostgreSQL ran for it, BEGIN and COMMIT included (VERBOSE=1: each one).
set -euo pipefail
dir=$(cd "${1:-$(dirname "$0")/../..}" && pwd)
port=55610 http=5610
data="$dir/.data-statements"
base="http://127.0.0.1:$http/scim/v2"
psql_() { psql -h 127.0.0.1 -p $port -U postgres -d scim -qAtc "$1"; }
export PGCONNECT_TIMEOUT=5

rm -rf "$data"
out=$(mktemp)
( cd "$dir" && exec dotnet run --project src/ScimServer -- --urls "http://127.0.0.1:$http" \
    --Database:LocalPort=$port --Database:LocalDataDirectory="$data/postgres" ) > "$out" 2>&1 &
server=$!
pg_ctl=$(ls /usr/lib/postgresql/*/bin/pg_ctl | tail -1)
stop() {
  kill $server 2>/dev/null; wait $server 2>/dev/null || true
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$pg_ctl" -D "$data/postgres" -m fast stop >/dev/null 2>&1 || true
  else "$pg_ctl" -D "$data/postgres" -m fast stop >/dev/null 2>&1 || true; fi
  rm -rf "$data" "$out"
}
trap stop EXIT
for _ in $(seq 1 120); do grep -q "Bearer token" "$out" && break; sleep 1; done
token=$(grep -o 'scim_[A-Za-z0-9_-]*' "$out" | head -1)
[ -n "$token" ] || { cat "$out"; exit 1; }
H=(-H "Authorization: Bearer $token" -H "Content-Type: application/scim+json")
log="$data/postgres/server.log"
psql_ "ALTER SYSTEM SET log_statement = 'all'" && psql_ "SELECT pg_reload_conf()" >/dev/null
sleep 1

# Runs one request and prints how many statements PostgreSQL logged while it ran (psql's own marker excluded).
count() {
  local name=$1; shift
  local before; before=$(wc -l < "$log")
  curl -s -o /tmp/statement-log.body -w '%{http_code}' "${H[@]}" "$@" > /tmp/statement-log.status
  sleep 0.3
  local n; n=$(tail -n +"$((before + 1))" "$log" | grep -cE 'LOG:  (statement|execute)')
  printf '%-44s %s  %2d statements\n' "$name" "$(cat /tmp/statement-log.status)" "$n"
  if [ -n "${VERBOSE:-}" ]; then
    tail -n +"$((before + 1))" "$log" | grep -E 'LOG:  (statement|execute)' | sed -E 's/^.*LOG:  /      /' | cut -c1-150
  fi
}

user='{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"stmt@example.com","name":{"givenName":"S","familyName":"T"},"emails":[{"value":"stmt@example.com","type":"work","primary":true}]}'
count "POST /Users" -X POST "$base/Users" -d "$user"
id=$(grep -o '"id":"[^"]*"' /tmp/statement-log.body | head -1 | cut -d'"' -f4)
count "GET /Users/{id}" "$base/Users/$id"
count "GET /Users?filter=userName eq" "$base/Users?filter=userName%20eq%20%22stmt@example.com%22"
count "GET /Users (page)" "$base/Users?count=10"
count "PATCH /Users/{id} active false" -X PATCH "$base/Users/$id" -d '{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"active","value":false}]}'
count "PATCH /Users/{id} active true" -X PATCH "$base/Users/$id" -d '{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"active","value":true}]}'
count "PATCH /Users/{id} displayName" -X PATCH "$base/Users/$id" -d '{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"displayName","value":"Stat"}]}'
count "PUT /Users/{id}" -X PUT "$base/Users/$id" -d "$user"
count "POST /Groups" -X POST "$base/Groups" -d '{"displayName":"Statements"}'
gid=$(grep -o '"id":"[^"]*"' /tmp/statement-log.body | head -1 | cut -d'"' -f4)
count "PATCH /Groups/{id} add member" -X PATCH "$base/Groups/$gid" -d "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],\"Operations\":[{\"op\":\"add\",\"path\":\"members\",\"value\":[{\"value\":\"$id\"}]}]}"
count "GET /Groups/{id}" "$base/Groups/$gid"
count "PATCH /Groups/{id} remove member" -X PATCH "$base/Groups/$gid" -d "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],\"Operations\":[{\"op\":\"remove\",\"path\":\"members[value eq \\\"$id\\\"]\"}]}"
count "DELETE /Groups/{id}" -X DELETE "$base/Groups/$gid"
count "DELETE /Users/{id}" -X DELETE "$base/Users/$id"
count "GET /Users?filter=externalId eq" "$base/Users?filter=externalId%20eq%20%22none%22"
bulk='{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":[
  {"method":"POST","path":"/Users","bulkId":"a","data":{"userName":"bulk-a@example.com"}},
  {"method":"POST","path":"/Users","bulkId":"b","data":{"userName":"bulk-b@example.com"}},
  {"method":"POST","path":"/Groups","bulkId":"g","data":{"displayName":"Bulk","members":[{"value":"bulkId:a"},{"value":"bulkId:b"}]}}]}'
count "POST /Bulk (2 users, 1 group with both)" -X POST "$base/Bulk" -d "$bulk"
count "GET /Users?cursor=&count=1 (first page)" "$base/Users?cursor=&count=1"
next=$(grep -o '"nextCursor":"[^"]*"' /tmp/statement-log.body | cut -d'"' -f4)
count "GET /Users?cursor=…&count=1 (next page)" "$base/Users?cursor=$next&count=1"
count "GET /Users?cursor=&count=1&sortBy=userName" "$base/Users?cursor=&count=1&sortBy=userName"
next=$(grep -o '"nextCursor":"[^"]*"' /tmp/statement-log.body | cut -d'"' -f4)
count "GET /Users?cursor=…&count=1&sortBy=userName" "$base/Users?cursor=$next&count=1&sortBy=userName"
