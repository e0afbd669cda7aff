#!/usr/bin/env bash
# Starts everything for a local look: a private PostgreSQL cluster (kept in .data/), the mock NSO, RK, ESIA,
# Sferum and mail relay over a small demo region of each, then the gateway. Prints the URLs; Ctrl-C stops everything
# it started. Ports: HTTP_PORT (5080), GRPC_PORT (5081); the mocks take 5101-5106.
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

http_port=${HTTP_PORT:-5080}
grpc_port=${GRPC_PORT:-5081}
data=$PWD/.data/postgres
logs=$PWD/.data/logs
mkdir -p "$logs"

for port in 5101 5102 5103 5104 5105 5106 "$http_port" "$grpc_port"; do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && { echo "port $port is already in use: stop what holds it first" >&2; exit 1; }
done

scripts/postgres.sh install
pg_port=$(cat "$data/port" 2>/dev/null || scripts/postgres.sh free-port 5433)
scripts/postgres.sh start "$data" "$pg_port"
echo "$pg_port" >"$data/port"

pids=()
cleanup() {
  # Ignore further signals: a second one (timeout(1) signals the whole group) must not cut the cleanup short.
  trap '' INT TERM
  trap - EXIT
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  scripts/postgres.sh stop "$data"
  echo "stopped"
}
trap cleanup EXIT INT TERM

for project in mocks/MySchool.Integration.Mocks core/MySchool.Integration.Gateway; do
  dotnet build "$project" -c Release -v quiet -nologo >/dev/null
done

# Started from the build output, not `dotnet run`, so stopping the PID stops the program itself.
mocks_dir=mocks/MySchool.Integration.Mocks/bin/Release/net10.0
"$mocks_dir/MySchool.Integration.Mocks" >"$logs/mocks.log" 2>&1 &
pids+=($!)

gateway_dir=core/MySchool.Integration.Gateway/bin/Release/net10.0
(
  cd "$gateway_dir"
  # The Demo environment adds appsettings.Demo.json: the demo regions, pointed at the mocks.
  ASPNETCORE_ENVIRONMENT=Demo \
  ConnectionStrings__Federal="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=myschool" \
  Kestrel__Endpoints__Http__Url="http://localhost:$http_port" \
  Kestrel__Endpoints__Grpc__Url="http://localhost:$grpc_port" \
    exec dotnet MySchool.Integration.Gateway.dll
) >"$logs/gateway.log" 2>&1 &
pids+=($!)

for _ in $(seq 1 60); do
  curl -fsS "http://127.0.0.1:5104/admin/faults" >/dev/null 2>&1 && curl -fsS "http://localhost:$http_port/healthz" >/dev/null 2>&1 && break
  kill -0 "${pids[0]}" 2>/dev/null || { echo "the mocks failed to start:" >&2; tail -n 30 "$logs/mocks.log" >&2; exit 1; }
  kill -0 "${pids[1]}" 2>/dev/null || { echo "the gateway failed to start:" >&2; tail -n 30 "$logs/gateway.log" >&2; exit 1; }
  sleep 1
done

cat <<INFO

MySchool.Integration is running.
  dashboard   http://localhost:$http_port/   log in through the mock ESIA as one of the demo people, one a role:
                federal operator        «Оператор Федеральный»      oid 1000000100   every region and /hangfire
                regional coordinators   «Оператор Регион»           oid 1000000154   region 54 (and «Оператор Коми», 1000000111, region 11)
                municipal coordinator   «Координаторова Мария»      oid 1000000201   SNILS 112-233-446 96
                school administrator    «Администраторов Олег»      oid 1000000301   SNILS 112-233-447 97
              the first two come from configuration; appoint the other two at /appointments (as the coordinator
              of 54: choose the municipality or school, enter the SNILS), then log in as them
  families    http://localhost:$http_port/family   a parent or a student (the consent page lists some of each) sends a request to join a school;
              the school's operator decides it at /join-requests
  invitations POST /api/invitations {schoolId, teacherId, email} (operator's token): the link goes out by e-mail;
              the mock relay's inbox is http://localhost:5106/admin/mail
  health      http://localhost:$http_port/healthz
  metrics     http://localhost:$http_port/metrics
  token       curl -s -d grant_type=client_credentials -d client_id=operator -d client_secret=operator-demo-secret http://localhost:$http_port/connect/token
              demo clients: federal/federal-demo-secret, vendor-54/vendor54-demo-secret, vendor-11/vendor11-demo-secret, operator/operator-demo-secret
  sync API    curl -X POST -H "Authorization: Bearer \$TOKEN" http://localhost:$http_port/api/sync/54   (or /11)   then   GET /api/sync/runs   (operator's token)
  Hangfire    http://localhost:$http_port/hangfire   (federal operator; regions 54 and 11 also sync every 15 minutes)
  REST        http://localhost:$http_port/Schedule/{esiaId}?start=2023-11-06&end=2023-11-12, /Portfolio/{esiaId}   (federal's token)
  OpenAPI     http://localhost:$http_port/openapi/v1.json
  SOAP        http://localhost:$http_port/soap/exchange?wsdl   (vendor's token)
  gRPC        http://localhost:$grpc_port (HTTP/2 cleartext): myschool.exchange.v1.VendorExchange, myschool.federal.v1.FederalPull, reflection
  PostgreSQL  Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=myschool
  logs        $logs/

Mocks (admin: POST /admin/faults, POST /admin/changes, GET /admin/truth on each):
$(sed 's/^/  /' "$logs/mocks.log")
  ESIA test people: the consent page lists them; operator of region 54 is oid 1000000154

$(curl -fsS "http://localhost:$http_port/healthz")

Ctrl-C stops everything.
INFO
wait -n "${pids[@]}"
