#!/usr/bin/env bash
# conf/cluster.sh: make cluster, cluster-stop and test-cluster. On
# loopback: a primary and a hot standby fed by streaming replication
# (pg_basebackup), two Kore nodes reading from the standby
# (DATABASE_READ_URL), and haproxy in front of them (README, "Running
# more than one node").
set -euo pipefail

# tm.sh's functions (sourcing it runs nothing).
# shellcheck source=conf/tm.sh
source "$(dirname "${BASH_SOURCE[0]}")/tm.sh"

CLUSTER_DIR=$ROOT/var/cluster
NODES=2

cluster_deps() {
	installed haproxy && return 0
	echo "installing packages: haproxy"
	apt_get install haproxy || { apt_get update && apt_get install haproxy; }
}

# standby_init DIR PRIMARY: a base backup of PRIMARY's cluster in
# DIR/standby, which follows it (standby.signal, primary_conninfo).
standby_init() {
	local dir=$1 primary=$2 home
	rm -rf "$dir/pgdata" "$dir/sock" "$dir/pg.log"
	mkdir -p "$dir"
	home=$(db_home "$dir")
	mkdir -m 700 "$home/pgdata"
	mkdir "$home/sock"
	(umask 077 && touch "$home/pg.log")
	give_to_pg "$home/pgdata" "$home/sock" "$home/pg.log"
	as_pg "$PGBIN/pg_basebackup" -h "$(readlink -f "$primary/sock")" \
	    -U techmarket -D "$home/pgdata" -R -X stream -c fast \
	    >"$dir/basebackup.log" 2>&1 ||
	    { cat "$dir/basebackup.log" >&2; die "pg_basebackup failed"; }
}

# standby_start DIR: the standby's own socket and settings (the backup
# copied the primary's), then started; TM_STANDBY_DELAY (e.g. 2s) makes
# it replay late on purpose (recovery_min_apply_delay), for the tests.
standby_start() {
	local dir=$1 conf
	db_settings "$dir" "${2:-durable}"
	conf=$(db_data "$dir")/techmarket.conf
	printf '%s\n' "hot_standby = on" \
	    "recovery_min_apply_delay = '${TM_STANDBY_DELAY:-0}'" >>"$conf"
	db_log_private "$dir"
	pg_ctl start -w -s -D "$(db_data "$dir")" \
	    -l "$(readlink -f "$dir/pg.log")" ||
	    { tail -n 20 "$dir/pg.log" >&2; die "the standby did not start in $dir"; }
}

# haproxy_conf OUT PORT NODE_PORT...: round robin over the nodes, each
# checked by /readyz (HTTP/1.1: Kore refuses a request without Host); a
# request whose node refused the connection is sent to the other one.
haproxy_conf() {
	local out=$1 port=$2 i=0 p
	shift 2
	{
		cat <<-EOF
			global
			    maxconn 4096
			defaults
			    mode http
			    timeout connect 2s
			    timeout client 30s
			    timeout server 30s
			    retries 2
			    option redispatch
			    option forwardfor
			frontend market
			    bind 127.0.0.1:$port
			    default_backend nodes
			backend nodes
			    balance roundrobin
			    option httpchk
			    http-check send meth GET uri /readyz ver HTTP/1.1 hdr Host localhost
			    http-check expect status 200
			    default-server inter 500ms fall 2 rise 2
		EOF
		for p in "$@"; do
			i=$((i + 1))
			echo "    server node$i 127.0.0.1:$p check"
		done
	} >"$out"
}

# node_start DIR N PORT URL READ_URL: Kore node N in DIR/nodeN.
node_start() {
	local dir=$1 n=$2 port=$3 url=$4 read_url=$5 nd
	nd=$dir/node$n
	mkdir -p "$nd"
	chmod 755 "$nd"
	write_conf "$port" "$nd/techmarket.conf"
	kore_ready "$nd" "$url"
	(cd "$nd" && exec env DATABASE_URL="$url" \
	    DATABASE_READ_URL="$read_url" "${KORE_ENV[@]}" setsid \
	    stdbuf -oL kore "$(kore_flags)" -c "$nd/techmarket.conf" \
	    >>"$nd/kore.log" 2>&1) &
	echo $! >"$nd/kore.pid"
	wait_ready "$port" "$(cat "$nd/kore.pid")" ||
	    { tail -n 20 "$nd/kore.log" >&2; die "node $n did not become ready"; }
}

# cluster_start DIR PORT KIND DEMO: everything, in DIR; the nodes on
# the next ports after PORT (or free ones for a throwaway cluster).
cluster_start() {
	local dir=$1 port=$2 kind=$3 demo=$4 url read_url n p ports=()
	mkdir -p "$dir"
	chmod 755 "$dir"
	cluster_deps
	[ -f "$MODULE" ] || die "$MODULE is missing: run make build"
	echo "primary: $dir/primary"
	db_init_start "$dir/primary" "$kind"
	url=$(db_url "$dir/primary")
	if [ "$demo" = 1 ]; then
		migrate_steps "$url" demo
	else
		migrate_steps "$url"
	fi
	echo "standby: $dir/standby (pg_basebackup, streaming)"
	[ -e "$dir/standby/pgdata" ] || standby_init "$dir/standby" "$dir/primary"
	db_running "$dir/standby" || standby_start "$dir/standby" "$kind"
	read_url=$(db_url "$dir/standby")
	# One set of keys: a cursor or a signature from one node holds on
	# the other.
	export TM_SECRETS_DIR=${TM_SECRETS_DIR:-$dir/secrets}
	secrets_ready "$TM_SECRETS_DIR"
	# haproxy is the nodes' only client: its X-Forwarded-For names the
	# real one (sign-in throttling per address).
	export TM_TRUSTED_PROXIES=${TM_TRUSTED_PROXIES:-127.0.0.1}
	asset_env
	for ((n = 1; n <= NODES; n++)); do
		if [ "$kind" = throwaway ]; then
			p=$(free_port)
		else
			p=$((port + n))
		fi
		port_check 127.0.0.1 "$p" || exit 1
		node_start "$dir" "$n" "$p" "$url" "$read_url"
		ports+=("$p")
		echo "node $n: http://127.0.0.1:$p/"
	done
	haproxy_conf "$dir/haproxy.cfg" "$port" "${ports[@]}"
	haproxy -f "$dir/haproxy.cfg" -D -p "$dir/haproxy.pid" ||
	    die "haproxy did not start"
	echo "${ports[*]}" >"$dir/node-ports"
	until curl -fs -m 2 -o /dev/null "http://127.0.0.1:$port/readyz"; do
		sleep 0.2
	done
	echo "serving on http://127.0.0.1:$port/ (haproxy; make cluster-stop stops it all)"
}

# cluster_stop DIR: haproxy, the nodes, the standby, the primary.
cluster_stop() {
	local dir=$1 n pid
	if [ -f "$dir/haproxy.pid" ]; then
		kill "$(cat "$dir/haproxy.pid")" 2>/dev/null || true
		rm -f "$dir/haproxy.pid"
	fi
	for ((n = 1; n <= NODES; n++)); do
		if pid=$(kore_pid "$dir/node$n/kore.pid"); then
			kill_group "$pid" || true
		fi
		rm -f "$dir/node$n/kore.pid"
	done
	db_stop "$dir/standby"
	db_stop "$dir/primary"
}

cmd_cluster() {
	local port=${PORT:-8080}
	[[ $port =~ ^[0-9]{1,5}$ ]] && ((port >= 1 && port <= 65533)) ||
	    die "PORT must be a port number (1 to 65533), not '$port'"
	port_check 127.0.0.1 "$port" || exit 1
	[ -n "${DATABASE_URL:-}" ] &&
	    die "make cluster runs clusters of its own: unset DATABASE_URL"
	cluster_start "$CLUSTER_DIR" "$port" durable "$(run_demo)"
}

# A throwaway cluster on free ports, the tests in tests/cluster against
# it, everything removed after.
CLUSTER_TEST_DIR=

cluster_test_cleanup() {
	set +e
	[ -n "$CLUSTER_TEST_DIR" ] || return 0
	cluster_stop "$CLUSTER_TEST_DIR"
	db_remove "$CLUSTER_TEST_DIR/standby"
	db_remove "$CLUSTER_TEST_DIR/primary"
	rm -rf "$CLUSTER_TEST_DIR"
}

cmd_test_cluster() {
	local dir port rc=0
	trap cluster_test_cleanup EXIT
	trap 'exit 130' INT TERM
	dir=$(mktemp -d /tmp/techmarket-cluster.XXXXXX)
	CLUSTER_TEST_DIR=$dir
	port=$(free_port)
	# The standby replays a second late: reading one's own writes must
	# not depend on its being quick.
	TM_STANDBY_DELAY=${TM_STANDBY_DELAY:-1s} \
	    cluster_start "$dir" "$port" throwaway 0
	TM_BASE_URL=http://127.0.0.1:$port TM_CLUSTER_DIR=$dir \
	TM_DATABASE_URL=$(db_url "$dir/primary") \
	TM_STANDBY_URL=$(db_url "$dir/standby") \
	TM_PGCTL="${AS_PG[*]} $PGBIN/pg_ctl" \
	TM_STANDBY_DATA=$(db_data "$dir/standby") \
	PYTHONDONTWRITEBYTECODE=1 /usr/bin/python3 -m pytest -q \
	    -p no:cacheprovider "$ROOT/tests/cluster" "$@" || rc=1
	if [ $rc -ne 0 ]; then
		echo "--- last 30 lines of each node's log" >&2
		tail -n 30 "$dir"/node*/kore.log >&2
	fi
	return $rc
}

case ${1:-} in
cluster)	cd "$ROOT"; cmd_cluster ;;
cluster-stop)	cd "$ROOT"; cluster_stop "$CLUSTER_DIR" ;;
test-cluster)	shift; cd "$ROOT"; cmd_test_cluster "$@" ;;
*)		echo "usage: conf/cluster.sh cluster|cluster-stop|test-cluster [pytest args]" >&2
		exit 2 ;;
esac
