#!/usr/bin/env bash
# The deployment check (docs/deploying.md): Kabar published in Release, two instances on a
# throwaway PostgreSQL, settings from deploy/kabar.env.example, started through deploy/kabar, behind
# Debian's nginx running deploy/nginx/kabar.conf over TLS; then real clients on different loopback
# addresses go through the proxy and the checks below are counted. CI runs it after the tests.
# Needs root (PostgreSQL runs as the postgres user), nginx, openssl, curl and the PostgreSQL server
# binaries. Prints `ok - ...` or `FAIL - ...` per check and `N passed, M failed`; exit 1 on any failure.
# Everything it starts is stopped and everything it writes is removed, also on failure or Ctrl-C.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
repo=$PWD
started_at=$SECONDS

passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok - $*"; }
fail() { failed=$((failed + 1)); echo "FAIL - $*"; }
note() { echo "# $*"; }
summary() { echo "$passed passed, $failed failed ($((SECONDS - started_at)) s)"; }
# A step the remaining checks cannot do without: report it, show the log, stop.
abort() {
  fail "$1"
  if [ -n "${2:-}" ] && [ -f "$2" ]; then sed 's/^/#   /' "$2" | tail -n 30; fi
  summary
  exit 1
}
# check NAME EXPECTED GOT [DETAIL]: one line, ok when GOT equals EXPECTED.
check() {
  if [ "$3" = "$2" ]; then ok "$1"; else fail "$1: expected $2, got $3${4:+ ($4)}"; fi
}

if [ "$(id -u)" != 0 ]; then
  echo "deploy-check: run as root (PostgreSQL is started as the postgres user)" >&2
  exit 2
fi
pg_bin=$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
for tool in dotnet openssl curl runuser; do
  command -v "$tool" >/dev/null || { echo "deploy-check: $tool is missing" >&2; exit 2; }
done
nginx=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$nginx" ] || { echo "deploy-check: nginx is missing" >&2; exit 2; }
[ -x "$pg_bin/initdb" ] || { echo "deploy-check: PostgreSQL server binaries are missing" >&2; exit 2; }

tmp=$(mktemp -d /tmp/kabar-deploy-check.XXXXXX)
pg_dir=$(mktemp -d /tmp/kabar-deploy-check-pg.XXXXXX)
chown postgres:postgres "$pg_dir"
declare -A pid=()
nginx_pid=""
pg_started=""

stop_pid() { # PID SECONDS: SIGTERM, then SIGKILL when it has not ended in time
  local p=$1 limit=$2 waited=0
  kill -TERM "$p" 2>/dev/null || return 0
  while kill -0 "$p" 2>/dev/null && [ "$waited" -lt $((limit * 10)) ]; do
    sleep 0.1
    waited=$((waited + 1))
  done
  kill -KILL "$p" 2>/dev/null
  wait "$p" 2>/dev/null
  return 0
}
cleanup() {
  local n
  for n in "${!pid[@]}"; do [ -n "${pid[$n]}" ] && stop_pid "${pid[$n]}" 20; done
  if [ -n "$nginx_pid" ]; then stop_pid "$nginx_pid" 10; fi
  if [ -n "$pg_started" ]; then
    (cd / && runuser -u postgres -- "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate -w stop >/dev/null 2>&1)
  fi
  rm -rf "$tmp" "$pg_dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Ports below Linux's ephemeral range (32768+), so an outgoing connection cannot take one meanwhile.
chosen=" "
free_port() { # sets found
  local p
  for _ in $(seq 1 200); do
    p=$((20000 + RANDOM % 12000))
    [[ $chosen == *" $p "* ]] && continue
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      chosen+="$p "
      found=$p
      return 0
    fi
  done
  abort "no free port on 127.0.0.1"
}
free_port && port1=$found
free_port && port2=$found
free_port && tls_port=$found
free_port && http_port=$found
free_port && pg_port=$found
host=kabar.test
public="https://$host:$tls_port"
note "instances on 127.0.0.1:$port1 and :$port2, nginx on 127.0.0.1:$tls_port (https) and :$http_port (http), PostgreSQL on :$pg_port"

# --- Publish ------------------------------------------------------------------------------------
publish=$tmp/publish
t0=$SECONDS
if ! dotnet publish src/Kabar -c Release -o "$publish" -nologo -v quiet >"$tmp/publish.log" 2>&1; then
  abort "dotnet publish src/Kabar -c Release" "$tmp/publish.log"
fi
note "published in $((SECONDS - t0)) s: $(du -sh "$publish" | cut -f1)"

# --- PostgreSQL -------------------------------------------------------------------------------------
pg() { (cd / && runuser -u postgres -- "$@"); }
if ! pg "$pg_bin/initdb" -D "$pg_dir/data" -U postgres -E UTF8 --auth-local=trust --auth-host=scram-sha-256 \
  >"$pg_dir/initdb.log" 2>&1; then
  abort "initdb" "$pg_dir/initdb.log"
fi
if ! pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -p $pg_port -c unix_socket_directories=$pg_dir -c fsync=off" start >/dev/null 2>&1; then
  abort "pg_ctl start" "$pg_dir/server.log"
fi
pg_started=1
db_password=$(openssl rand -hex 16)
# The role and database as docs/deploying.md creates them.
if ! pg "$pg_bin/psql" -h "$pg_dir" -p "$pg_port" -U postgres -v ON_ERROR_STOP=1 -q \
  -c "CREATE ROLE kabar LOGIN PASSWORD '$db_password'" -c "CREATE DATABASE kabar OWNER kabar" >"$tmp/psql.log" 2>&1; then
  abort "create the kabar role and database" "$tmp/psql.log"
fi

# --- The env file, from the kit's example ---------------------------------------------------------
# Every line of deploy/kabar.env.example is kept as it is, except the values this check must set
# and the live channels (WhatsApp number, SMS gateway, SMTP), which it leaves out: the instances
# run in sandbox mode, with an explicit app secret. A placeholder left over fails the check.
app_secret=$(openssl rand -hex 32)
api_key=kabar_deploycheck_$(openssl rand -hex 16)
form_limit=3
declare -A set_to=(
  [Kabar__PublicBaseUrl]=$public
  [Kabar__Office__Name]="DPMPTSP Kabupaten Uji"
  [Kabar__DataPath]=$tmp/data
  [ConnectionStrings__Kabar]="Host=127.0.0.1;Port=$pg_port;Database=kabar;Username=kabar;Password=$db_password"
  [Kabar__WhatsApp__AppSecret]=$app_secret
  [Kabar__WhatsApp__VerifyToken]=$(openssl rand -hex 16)
  [Kabar__DataProtection__Key]=$(openssl rand -base64 32)
)
live_only='^(Kabar__WhatsApp__(WabaId|Numbers__.*)|Kabar__Sms__.*|Kabar__Email__.*)$'
example=deploy/kabar.env.example
env_file=$tmp/kabar.env
kept=0 replaced=0 left_out=0
for key in "${!set_to[@]}"; do
  grep -q "^$key=" "$example" || abort "$example has no line $key= (the check sets it)"
done
while IFS= read -r line || [ -n "$line" ]; do
  case $line in '' | '#'*) continue ;; esac
  key=${line%%=*}
  if [ -n "${set_to[$key]+set}" ]; then
    echo "$key=${set_to[$key]}"
    replaced=$((replaced + 1))
  elif [[ $key =~ $live_only ]]; then
    left_out=$((left_out + 1))
  else
    echo "$line"
    kept=$((kept + 1))
  fi
done <"$example" >"$env_file"
{
  echo "Kabar__Api__Keys__0=$api_key"
  echo "Kabar__Citizens__FormPostsPerIp=$form_limit"
} >>"$env_file"
chmod 0600 "$env_file"
if grep -n 'CHANGE_ME\|example\.go\.id' "$env_file" >"$tmp/leftover"; then
  abort "placeholders left in the env file built from $example" "$tmp/leftover"
fi
note "env file: $kept settings kept from $example, $replaced set for this check, $left_out live-channel settings left out, 2 added (API key, form-post limit $form_limit)"
grep -q '^Kabar__Database__Provider=Postgres$' "$env_file" || abort "$example does not choose PostgreSQL"
grep -q '^Kabar__Network__KnownProxies__0=127.0.0.1$' "$env_file" || abort "$example does not trust the proxy on 127.0.0.1"

# Kabar through the kit's own command wrapper, with this check's env file, from a working directory
# that is not the published folder.
kabar_in() { # WORKDIR: sets kabar_cmd, the command line of deploy/kabar run from WORKDIR
  mkdir -p "$1"
  kabar_cmd=(env -i PATH="$PATH" HOME="$1" ${DOTNET_ROOT:+DOTNET_ROOT="$DOTNET_ROOT"}
    KABAR_ENV_FILE="$env_file" KABAR_APP="$publish/kabar.dll" KABAR_USER="$(id -un)" KABAR_WORKDIR="$1"
    bash "$repo/deploy/kabar")
}
kabar() { # WORKDIR ARGS...
  kabar_in "$1"
  shift
  "${kabar_cmd[@]}" "$@"
}

if ! kabar "$tmp/cli" migrate >"$tmp/migrate.log" 2>&1; then abort "kabar migrate" "$tmp/migrate.log"; fi
# The first migrate on a new database asks for a history table that is not there yet: expected, not an error.
check "kabar migrate on a new database printed no error line" 0 "$(grep -c -E '^(fail|crit): ' "$tmp/migrate.log")"
admin_email=it@kabar.test
admin_password=$(openssl rand -hex 12)
if ! printf '%s\n' "$admin_password" | kabar "$tmp/cli" admin add "$admin_email" --role admin --password-stdin >"$tmp/admin.log" 2>&1; then
  abort "kabar admin add --password-stdin" "$tmp/admin.log"
fi

# --- Two instances ------------------------------------------------------------------------------------
declare -A port=([1]=$port1 [2]=$port2) started=()
start_instance() { # N: in the background; the wrapper ends in exec, so the pid is Kabar's own
  local n=$1
  kabar_in "$tmp/work$n"
  "${kabar_cmd[@]}" --urls "http://127.0.0.1:${port[$n]}" >>"$tmp/kabar$n.log" 2>&1 &
  pid[$n]=$!
  started[$n]=$SECONDS
}
wait_ready() { # N: until /readyz answers 200 (ready_after: seconds since its start), or abort
  local n=$1
  while [ $((SECONDS - started[$n])) -lt 120 ]; do
    if ! kill -0 "${pid[$n]}" 2>/dev/null; then abort "instance $n exited while starting" "$tmp/kabar$n.log"; fi
    if [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:${port[$n]}/readyz")" = 200 ]; then
      ready_after=$((SECONDS - started[$n]))
      return 0
    fi
    sleep 0.2
  done
  abort "instance $n not ready within 120 s" "$tmp/kabar$n.log"
}
stop_instance() { # N: SIGTERM, then report how it ended
  local n=$1 t=$SECONDS code p
  p=${pid[$n]}
  kill -TERM "$p"
  while kill -0 "$p" 2>/dev/null && [ $((SECONDS - t)) -lt 30 ]; do sleep 0.1; done
  if kill -0 "$p" 2>/dev/null; then
    stop_pid "$p" 0
    fail "instance $n stops on SIGTERM: still running after 30 s, killed"
  else
    wait "$p"
    code=$?
    check "instance $n stops on SIGTERM within 30 s with exit code 0 (took $((SECONDS - t)) s)" 0 "$code"
  fi
  pid[$n]=""
}
start_instance 1
start_instance 2
wait_ready 1
r1=$ready_after
wait_ready 2
note "instances ready (/readyz 200) $r1 s and $ready_after s after their start, working directories $tmp/work1 and $tmp/work2"

# --- nginx with the kit's site --------------------------------------------------------------------
# Only the listen addresses and ports, the upstream ports, the server name and the certificate
# paths are changed; every other line is the kit's.
mkdir -p "$tmp/nginx/logs" "$tmp/tls"
if ! openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=$host" -addext "subjectAltName=DNS:$host" \
  -keyout "$tmp/tls/key.pem" -out "$tmp/tls/cert.pem" >"$tmp/tls/openssl.log" 2>&1; then
  abort "openssl: self-signed certificate for $host" "$tmp/tls/openssl.log"
fi
site=deploy/nginx/kabar.conf
sed -e "s|^\(    listen \)443 |\1127.0.0.1:$tls_port |" \
  -e "s|^\(    listen \)80;|\1127.0.0.1:$http_port;|" \
  -e "s|server 127.0.0.1:5081|server 127.0.0.1:$port1|" \
  -e "s|server 127.0.0.1:5082|server 127.0.0.1:$port2|" \
  -e "s|server_name kabar.example.go.id;|server_name $host;|" \
  -e "s|ssl_certificate /etc/letsencrypt/live/kabar.example.go.id/fullchain.pem;|ssl_certificate $tmp/tls/cert.pem;|" \
  -e "s|ssl_certificate_key /etc/letsencrypt/live/kabar.example.go.id/privkey.pem;|ssl_certificate_key $tmp/tls/key.pem;|" \
  "$site" >"$tmp/nginx/kabar.conf"
if grep -v '^\s*#' "$tmp/nginx/kabar.conf" | grep -n -E 'example\.go\.id|:508[12]|listen (80|443)[ ;]' >"$tmp/nginx/leftover"; then
  abort "$site changed shape: these lines were not adapted" "$tmp/nginx/leftover"
fi
cat >"$tmp/nginx/nginx.conf" <<EOF
user root;
worker_processes 1;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/logs/error.log warn;
daemon off;
events { worker_connections 256; }
http {
    log_format check '\$remote_addr "\$request" \$status \$upstream_addr \$upstream_status';
    access_log $tmp/nginx/logs/access.log check;
    client_body_temp_path $tmp/nginx/body;
    proxy_temp_path $tmp/nginx/proxy;
    fastcgi_temp_path $tmp/nginx/fastcgi;
    uwsgi_temp_path $tmp/nginx/uwsgi;
    scgi_temp_path $tmp/nginx/scgi;
    include $tmp/nginx/kabar.conf;
}
EOF
if ! "$nginx" -t -q -e "$tmp/nginx/logs/error.log" -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" >"$tmp/nginx/test.log" 2>&1; then
  abort "nginx -t with $site" "$tmp/nginx/test.log"
fi
"$nginx" -e "$tmp/nginx/logs/error.log" -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" >"$tmp/nginx/stdout.log" 2>&1 &
nginx_pid=$!
t=$SECONDS
until curl -s -o /dev/null --max-time 2 --resolve "$host:$tls_port:127.0.0.1" --cacert "$tmp/tls/cert.pem" "$public/healthz"; do
  kill -0 "$nginx_pid" 2>/dev/null || abort "nginx exited" "$tmp/nginx/logs/error.log"
  [ $((SECONDS - t)) -lt 20 ] || abort "nginx not answering within 20 s" "$tmp/nginx/logs/error.log"
  sleep 0.1
done

# --- Clients ------------------------------------------------------------------------------------------
# Each client has its own loopback source address; nginx sees it as the client's address.
client() { # FROM CURL-ARGS...: a request through the proxy, over HTTPS, from address FROM
  local from=$1
  shift
  curl -sS --max-time 20 --interface "$from" --resolve "$host:$tls_port:127.0.0.1" --cacert "$tmp/tls/cert.pem" "$@"
}
status() { # FROM PATH [CURL-ARGS...]: the status code through the proxy
  local from=$1 path=$2
  shift 2
  client "$from" -o /dev/null -w '%{http_code}' "$@" "$public$path" 2>/dev/null
}
direct() { # PORT PATH [CURL-ARGS...]: the status code of a request straight to an instance
  local p=$1 path=$2
  shift 2
  curl -s --max-time 20 -o /dev/null -w '%{http_code}' "$@" "http://127.0.0.1:$p$path"
}
permit_system=127.0.0.5
api() { # METHOD PATH [JSON]: the API through the proxy, as the office's permit system
  if [ $# -ge 3 ]; then
    client "$permit_system" -X "$1" -H "Authorization: Bearer $api_key" -H 'Content-Type: application/json' -d "$3" "$public$2"
  else
    client "$permit_system" -X "$1" -H "Authorization: Bearer $api_key" "$public$2"
  fi
}
json() { # FIELD: the first string value of FIELD in the JSON on stdin
  grep -o "\"$1\":\"[^\"]*\"" | head -n 1 | sed 's/.*:"\(.*\)"$/\1/'
}
token_of() { sed -n 's/.*name="__RequestVerificationToken" type="hidden" value="\([^"]*\)".*/\1/p' | head -n 1; }
new_phone() { printf '+62812%08d' $(((RANDOM * 32768 + RANDOM) % 100000000)); }
consent_ips() { # PHONE: the ip of each consent event of the contact with PHONE
  local id
  id=$(api GET "/api/contacts?phone=%2B${1#+}" | json id)
  [ -n "$id" ] && api GET "/api/contacts/$id/consent" | grep -o '"ip":"[^"]*"' | sed 's/"ip":"\(.*\)"/\1/' | tr '\n' ' ' | sed 's/ $//'
}
register() { # FROM JAR PHONE [CURL-ARGS...]: the /daftar form with its token and cookie; prints the status
  local from=$1 jar=$2 phone=$3 token
  shift 3
  token=$(client "$from" -c "$jar" -b "$jar" "$public/daftar" | token_of)
  client "$from" -c "$jar" -b "$jar" -o "$jar.html" -w '%{http_code}' "$@" \
    --data-urlencode "__RequestVerificationToken=$token" --data-urlencode "Input.Name=Warga Uji Coba" \
    --data-urlencode "Input.Phone=$phone" --data-urlencode "Input.PermitType=Izin Reklame" \
    --data-urlencode "Input.WhatsAppConsent=true" "$public/daftar"
}

# 1. Consent evidence records the client's own address, not the proxy's.
phone_a=$(new_phone)
code=$(register 127.0.0.2 "$tmp/a.jar" "$phone_a")
if [ "$code" = 200 ] && grep -q 'data-testid="reference"' "$tmp/a.jar.html"; then
  ok "registration on /daftar through the proxy (antiforgery token and kabar-af cookie): 200 with a registration number"
else
  fail "registration on /daftar through the proxy: expected 200 with a registration number, got $code"
fi
check "the registration's consent evidence (read back through the API) is the client's address 127.0.0.2" "127.0.0.2" "$(consent_ips "$phone_a")"

# 2. The per-address limit: one client is stopped, the other is not.
token=$(client 127.0.0.2 -c "$tmp/a.jar" -b "$tmp/a.jar" "$public/daftar" | token_of)
codes=""
for _ in $(seq 1 $((2 * form_limit + 2))); do
  codes+="$(client 127.0.0.2 -c "$tmp/a.jar" -b "$tmp/a.jar" -o /dev/null -w '%{http_code}' \
    --data-urlencode "__RequestVerificationToken=$token" --data-urlencode "Input.Name=" "$public/daftar") "
done
codes=${codes% }
if [[ $codes == *429\ 429 ]]; then
  ok "127.0.0.2 reaches the form-post limit ($form_limit per instance): $codes"
else
  fail "127.0.0.2 reaches the form-post limit: expected its last two of $((2 * form_limit + 2)) posts to get 429, got $codes"
fi
# 127.0.0.3 also claims another address in X-Forwarded-For: nginx must overwrite it.
phone_b=$(new_phone)
code=$(register 127.0.0.3 "$tmp/b.jar" "$phone_b" -H 'X-Forwarded-For: 203.0.113.9')
code2=$(client 127.0.0.3 -c "$tmp/b.jar" -b "$tmp/b.jar" -o /dev/null -w '%{http_code}' \
  --data-urlencode "__RequestVerificationToken=$(client 127.0.0.3 -c "$tmp/b.jar" -b "$tmp/b.jar" "$public/daftar" | token_of)" \
  --data-urlencode "Input.Name=" "$public/daftar")
check "127.0.0.3 is not blocked by 127.0.0.2's limit: its registration answered 200, its next post 422" "200 422" "$code $code2"
check "a client's own X-Forwarded-For is overwritten by nginx: evidence 127.0.0.3, not 203.0.113.9" "127.0.0.3" "$(consent_ips "$phone_b")"

# 3. The console over HTTPS.
headers=$(client 127.0.0.4 -o /dev/null -D - "$public/admin" | tr -d '\r')
location=$(grep -i '^location:' <<<"$headers" | sed 's/^[^:]*: *//')
code=$(head -n 1 <<<"$headers" | cut -d' ' -f2)
# The public port (not 443 here) survives the proxy: a redirect without it would lead nowhere.
if [ "$code" = 302 ] && [[ $location == "https://$host:$tls_port/admin/login?"* ]]; then
  ok "an unauthenticated /admin redirects to the https:// login URL on the public port ($location)"
else
  fail "an unauthenticated /admin redirects to https://$host:$tls_port/admin/login: got $code to '$location'"
fi
token=$(client 127.0.0.4 -c "$tmp/admin.jar" -b "$tmp/admin.jar" "$public/admin/login" | token_of)
headers=$(client 127.0.0.4 -c "$tmp/admin.jar" -b "$tmp/admin.jar" -o /dev/null -D - \
  --data-urlencode "__RequestVerificationToken=$token" --data-urlencode "Email=$admin_email" \
  --data-urlencode "Password=$admin_password" "$public/admin/login" | tr -d '\r')
code=$(head -n 1 <<<"$headers" | cut -d' ' -f2)
cookie=$(grep -i '^set-cookie: __Host-kabar-admin=' <<<"$headers" | sed 's/=[^;]*;/=…;/')
if [ "$code" = 302 ] && grep -qi '; *secure' <<<"$cookie"; then
  ok "an admin signs in over HTTPS: 302 and ${cookie#*: }"
else
  fail "an admin signs in over HTTPS: expected 302 and a __Host-kabar-admin cookie with Secure, got $code and '${cookie:-no cookie}'"
fi
headers=$(client 127.0.0.4 -c "$tmp/admin.jar" -b "$tmp/admin.jar" -o /dev/null -D - "$public/admin" | tr -d '\r')
check "/admin answers 200 with that session cookie" 200 "$(head -n 1 <<<"$headers" | cut -d' ' -f2)"
hsts=$(grep -i '^strict-transport-security:' <<<"$headers" | sed 's/^[^:]*: *//')
if [ -n "$hsts" ]; then ok "HTTPS answers carry Strict-Transport-Security: $hsts"; else fail "HTTPS answers carry Strict-Transport-Security: none on /admin"; fi
headers=$(curl -s --max-time 10 --interface 127.0.0.2 -o /dev/null -D - --resolve "$host:$http_port:127.0.0.1" "http://$host:$http_port/daftar?x=1" | tr -d '\r')
location=$(grep -i '^location:' <<<"$headers" | sed 's/^[^:]*: *//')
check "plain http:// is sent to https:// (301)" "301 https://$host/daftar?x=1" "$(head -n 1 <<<"$headers" | cut -d' ' -f2) $location"

# 4. The sandbox, the simulator and the metrics: this machine only.
for path in /sandbox /sandbox/ /Sandbox /simulator/_control/messages /SIMULATOR/_control/messages /metrics /METRICS /metrics/; do
  code=$(status 127.0.0.2 "$path")
  if [ "$code" != 200 ] && [ "$code" != 000 ]; then ok "$path through the proxy is refused ($code)"; else fail "$path through the proxy: expected a refusal, got $code"; fi
done
check "/metrics straight from this machine answers 200" 200 "$(direct "$port1" /metrics)"
check "/sandbox straight from this machine answers 200" 200 "$(direct "$port1" /sandbox)"
check "/simulator/_control/messages straight from this machine answers 200" 200 "$(direct "$port2" /simulator/_control/messages)"
check "Kabar itself refuses /metrics to a direct request carrying X-Forwarded-For" 403 "$(direct "$port1" /metrics -H 'X-Forwarded-For: 127.0.0.1')"
check "Kabar itself refuses /sandbox to a direct request carrying X-Forwarded-For" 403 "$(direct "$port2" /sandbox -H 'X-Forwarded-For: 127.0.0.1')"
check "Kabar itself refuses /metrics to a direct request carrying Forwarded" 403 "$(direct "$port1" /metrics -H 'Forwarded: for=127.0.0.1')"

# 5. Host names.
check "a foreign Host through the proxy gets 400" 400 "$(status 127.0.0.2 /daftar -H 'Host: evil.example')"
check "a foreign Host straight to an instance gets 400" 400 "$(direct "$port1" /healthz -H 'Host: evil.example')"

# 6. WhatsApp webhooks through the proxy.
body='{"object":"whatsapp_business_account","entry":[]}'
signature=$(printf '%s' "$body" | openssl dgst -sha256 -hmac "$app_secret" | awk '{print $NF}')
check "a webhook signed with the app secret is accepted through the proxy" 200 \
  "$(status 127.0.0.6 /webhooks/whatsapp -X POST -H 'Content-Type: application/json' -H "X-Hub-Signature-256: sha256=$signature" --data-binary "$body")"
check "an unsigned webhook is refused" 401 \
  "$(status 127.0.0.6 /webhooks/whatsapp -X POST -H 'Content-Type: application/json' --data-binary "$body")"
check "a webhook signed with another secret is refused" 401 \
  "$(status 127.0.0.6 /webhooks/whatsapp -X POST -H 'Content-Type: application/json' \
    -H "X-Hub-Signature-256: sha256=$(printf '%s' "$body" | openssl dgst -sha256 -hmac wrong-secret | awk '{print $NF}')" --data-binary "$body")"

# 7. Notifications go out, also with one instance stopped.
notify() { # LABEL: a contact with WhatsApp consent and a permit_ready notice, through the proxy; wait until it left
  local label=$1 phone id state="" t=$SECONDS
  phone=$(new_phone)
  api POST /api/contacts "{\"phone\":\"$phone\",\"name\":\"Warga Uji\",\"consent\":{\"scope\":\"whatsapp\",\"granted\":true,\"source\":\"registration_form\",\"textVersion\":\"daftar-v1\",\"ip\":\"203.0.113.7\",\"userAgent\":\"deploy-check\"}}" >/dev/null
  id=$(api POST /api/notifications "{\"type\":\"permit_ready\",\"phone\":\"$phone\",\"params\":{\"partner_name\":\"Warga Uji\",\"permit_type\":\"Izin Reklame\",\"permit_number\":\"503/$RANDOM/IR/2026\",\"issue_date\":\"05-12-2026\",\"download_link\":\"https://perizinan.example.id/izin/$RANDOM\"}}" | json id)
  if [ -z "$id" ]; then
    fail "$label: POST /api/notifications through the proxy gave no id"
    return
  fi
  while [ $((SECONDS - t)) -lt 60 ]; do
    state=$(api GET "/api/notifications/$id" | json state)
    case $state in sent | delivered | read) break ;; failed | skipped | cancelled) break ;; esac
    sleep 0.3
  done
  case $state in
    sent | delivered | read) ok "$label: a notification posted through the proxy goes out ($state in $((SECONDS - t)) s)" ;;
    *) fail "$label: a notification posted through the proxy: expected sent, delivered or read within 60 s, got '${state:-no answer}'" ;;
  esac
}
pages_answer() { # LABEL: /daftar and /healthz through the proxy, four times each
  local label=$1 codes="" path
  for path in /daftar /healthz /daftar /healthz /daftar /healthz /daftar /healthz; do codes+="$(status 127.0.0.3 "$path") "; done
  check "$label: /daftar and /healthz answer through the proxy (8 requests)" "200 200 200 200 200 200 200 200" "${codes% }"
}
notify "both instances"
stop_instance 1
pages_answer "instance 1 stopped"
notify "instance 1 stopped"
start_instance 1
wait_ready 1
note "instance 1 ready again $ready_after s after its start"
stop_instance 2
pages_answer "instance 2 stopped"
notify "instance 2 stopped"
start_instance 2
wait_ready 2
note "instance 2 ready again $ready_after s after its start"
pages_answer "both instances back"
version=$(client 127.0.0.2 "$public/healthz" | json version)
note "version through the proxy: $version"

# Both instances served traffic through the proxy (nginx's access log, upstream per request).
served1=$(grep -c " 127.0.0.1:$port1 " "$tmp/nginx/logs/access.log")
served2=$(grep -c " 127.0.0.1:$port2 " "$tmp/nginx/logs/access.log")
if [ "$served1" -gt 0 ] && [ "$served2" -gt 0 ]; then
  ok "nginx spread the requests over both instances ($served1 and $served2)"
else
  fail "nginx spread the requests over both instances: $served1 and $served2"
fi
# A request nginx first tried on a stopped instance names both upstreams ("A, B").
passed_on=$(grep -c ':[0-9]*, 127\.0\.0\.1:' "$tmp/nginx/logs/access.log")
passed_on_posts=$(grep '"POST ' "$tmp/nginx/logs/access.log" | grep -c ':[0-9]*, 127\.0\.0\.1:')
note "$passed_on request(s) ($passed_on_posts of them POSTs) found an instance stopped and were passed on to the other"
# No request through the proxy failed with a 502/504 from nginx itself.
bad=$(grep -c '" 50[24] ' "$tmp/nginx/logs/access.log")
check "no request through the proxy got 502 or 504 during the restarts" 0 "$bad"
# Nothing went wrong, so an operator reading the logs must find no error: not when both instances
# start together on a new database (they race for the same job, sender and key rows, and the loser
# reads the winner's), not when one stops and comes back.
for n in 1 2; do
  errors=$(grep -c -E '^(fail|crit): ' "$tmp/kabar$n.log")
  check "instance $n logged no error line" 0 "$errors"
  if [ "$errors" -gt 0 ]; then
    grep -o -E '[A-Za-z.]+Exception( \(0x[0-9A-F]+\))?: .*' "$tmp/kabar$n.log" | sort | uniq -c | head -n 5 | sed 's/^ */#   /'
  fi
done

# Secrets at rest: both instances share the env file's key-encryption key; the database holds the
# Data Protection keys only encrypted with it, and no instance warned of unencrypted keys.
dp_keys() { # SQL condition: how many Data Protection keys match it
  pg "$pg_bin/psql" -h "$pg_dir" -p "$pg_port" -U postgres -d kabar -tA \
    -c "SELECT count(*) FROM \"DataProtectionKeys\" WHERE $1" 2>>"$tmp/psql.log"
}
check "the database holds no Data Protection key in plain XML" 0 "$(dp_keys "\"Xml\" LIKE '%<masterKey%'")"
check "the database holds its Data Protection keys encrypted (at least one)" 1 "$(( $(dp_keys "\"Xml\" LIKE '%encryptedSecret%'") > 0 ? 1 : 0 ))"
check "no instance warned of unencrypted Data Protection keys" 0 "$(cat "$tmp/kabar1.log" "$tmp/kabar2.log" | grep -c 'No XML encryptor configured')"

summary
[ "$failed" -eq 0 ]
