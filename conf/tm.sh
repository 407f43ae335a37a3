#!/usr/bin/env bash
# conf/tm.sh: packages, private PostgreSQL, migrations, run/stop/test/admin.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
PGBIN=/usr/lib/postgresql/15/bin
# The Makefile names another build directory for make test SAN=1.
BUILD=${TM_BUILD:-$ROOT/var/build}
MODULE=$BUILD/techmarket.so
TMCTL=$BUILD/tmctl
RUNDIR=$ROOT/var/run
PACKAGES=(kore libpq-dev libsodium-dev libyajl-dev libicu-dev postgresql
	postgresql-contrib python3-pytest python3-requests python3-jsonschema
	openssl jq
	wrk curl
	gdb	# test_privsep.py: a real sandbox violation in a worker
	clang libclang-rt-14-dev)	# make fuzz: libFuzzer and its runtime

if [ "$(id -u)" -eq 0 ]; then
	SUDO=()
	# initdb refuses root, so clusters belong to postgres. env -C /
	# because PostgreSQL tools fail when they cannot read their cwd.
	AS_PG=(runuser -u postgres -- env -C /)
else
	SUDO=(sudo)
	AS_PG=()
fi

die() {
	echo "tm.sh: $*" >&2
	exit 1
}

# --- privileges -----------------------------------------------------
# Kore's workers parse what clients send. Run as root, Kore drops them
# to RUNAS (the config's runas), a system user made here if missing;
# run as anyone else, Kore cannot change users and refuses to start
# without -r, which then keeps the caller's (README, "Running it in
# production").
RUNAS=${TM_RUNAS:-techmarket}

is_root() {
	[ "$(id -u)" -eq 0 ]
}

runas_ready() {
	[[ $RUNAS =~ ^[a-z_][a-z0-9_-]{0,31}$ ]] ||
	    die "TM_RUNAS must be a user name, not '$RUNAS'"
	is_root || return 0
	getent passwd "$RUNAS" >/dev/null && return 0
	[ "$RUNAS" != root ] || die "TM_RUNAS=root would leave the workers root"
	echo "creating the system user $RUNAS (Kore's workers run as it)"
	# Another tm.sh may make it at the same moment: that one counts.
	useradd --system --user-group --no-create-home \
	    --home-dir /nonexistent --shell /usr/sbin/nologin "$RUNAS" \
	    2>/dev/null || getent passwd "$RUNAS" >/dev/null ||
	    die "cannot create the system user $RUNAS"
}

# Kore's flags: foreground, no chroot (-n: README), and -r only when
# not root.
kore_flags() {
	if is_root; then
		echo -fn
	else
		echo -fnr
	fi
}

# as_runas CMD...: CMD as the workers will run it.
as_runas() {
	if is_root; then
		runuser -u "$RUNAS" -- env -C / "$@"
	else
		"$@"
	fi
}

# runas_reads FILE...: die unless the workers' user reads every FILE
# (what the workers open after the privilege drop), with the reason.
runas_reads() {
	local f
	for f in "$@"; do
		as_runas test -r "$f" ||
		    die "the workers' user ($RUNAS) cannot read $f: a directory above it is closed to that user; put it (or the checkout) where $RUNAS can read it"
	done
}

# runas_owns DIR: DIR (the secrets directory) the workers' user's alone:
# owner, 0700, its files 0600.
runas_owns() {
	is_root || return 0
	chown -R "$RUNAS:" "$1"
	chmod -R go-rwx "$1"
	as_runas test -w "$1" ||
	    die "the workers' user ($RUNAS) cannot reach $1: a directory above it is closed to that user; set TM_SECRETS_DIR to a directory it can reach"
}

# --- packages -------------------------------------------------------

installed() {
	[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" = \
	    "install ok installed" ]
}

apt_get() {
	"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q -y "$@"
}

deps() {
	local missing=() p
	for p in "${PACKAGES[@]}"; do
		installed "$p" || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	echo "installing packages: ${missing[*]}"
	apt_get install "${missing[@]}" ||
	    { apt_get update && apt_get install "${missing[@]}"; }
}

# --- OpenAPI linters (make lint, and make test) ----------------------
# npm_ci WHAT DIR DEST: the npm packages at exactly the versions
# DIR/package-lock.json pins (npm ci), installed once per lock under
# DEST; scripts off, so installing runs no package code.
npm_ci() {
	local what=$1 lock=$2/package-lock.json dest=$3
	command -v npm >/dev/null || apt_get install nodejs npm ||
	    { apt_get update && apt_get install nodejs npm; }
	cmp -s "$lock" "$dest/installed.lock" && return 0
	echo "installing $what (npm ci in ${dest#"$ROOT"/})"
	rm -rf "$dest"
	mkdir -p "$dest"
	cp "$2/package.json" "$lock" "$dest/"
	(cd "$dest" && npm ci --no-audit --no-fund --ignore-scripts \
	    --loglevel=error) || die "npm ci of $what failed"
	# Written last: a broken install is retried, never taken as done.
	cp "$lock" "$dest/installed.lock"
}

# Redocly's and Spectral's linters (tests/lint), under var/lint.
LINT=$ROOT/var/lint

lint_deps() {
	npm_ci "the OpenAPI linters" "$ROOT/tests/lint" "$LINT"
}

# --- browser tests (make test, conf/tm.sh test tests/web) -------------
# Debian's Chromium, driven by playwright-core (which downloads no browser:
# the tests name /usr/bin/chromium), and axe-core, run inside the pages;
# the npm packages of tests/web under var/web, like the linters.
WEB=$ROOT/var/web

web_deps() {
	if ! installed chromium; then
		echo "installing Debian's chromium (for the browser tests)"
		# Another apt may hold the lock for a while: wait for it.
		apt_get -o DPkg::Lock::Timeout=600 install chromium ||
		    { apt_get update &&
		    apt_get -o DPkg::Lock::Timeout=600 install chromium; } ||
		    die "cannot install Debian's chromium"
	fi
	npm_ci "the browser tests' packages" "$ROOT/tests/web" "$WEB"
}

# web_test FILE...: node's test runner on the browser tests, against the
# server in TM_BASE_URL (and the environment cmd_test gives pytest). One
# file at a time where node can be told so: each starts a Chromium; and
# no test hangs make test: two minutes at most each (node 20.11+).
web_test() {
	local conc=()
	mkdir -p "$ROOT/var/screenshots"
	node --help 2>/dev/null | grep -q -- --test-concurrency &&
	    conc=(--test-concurrency=1)
	node --help 2>/dev/null | grep -q -- --test-timeout &&
	    conc+=(--test-timeout=120000)
	TM_WEB_MODULES=$WEB/node_modules TM_CHROMIUM=/usr/bin/chromium \
	TM_SCREENSHOTS=$ROOT/var/screenshots \
	    node --test "${conc[@]}" "$@"
}

# The browser test files among cmd_test's arguments, in WEB_ARGS (every
# *.test.mjs under a tests/web argument); the others, for pytest, in
# PY_ARGS. No argument: all of tests/integration and tests/web.
split_test_args() {
	local a f
	WEB_ARGS=()
	PY_ARGS=()
	if [ $# -eq 0 ]; then
		PY_ARGS=("$ROOT/tests/integration")
		set -- "$ROOT/tests/web"
	fi
	for a in "$@"; do
		if [ -d "$a" ] && [ "$(cd "$a" && pwd -P)" = "$ROOT/tests/web" ]; then
			for f in "$ROOT"/tests/web/*.test.mjs; do
				[ -e "$f" ] && WEB_ARGS+=("$f")
			done
		elif [[ $a == *.test.mjs ]]; then
			WEB_ARGS+=("$a")
		else
			PY_ARGS+=("$a")
		fi
	done
}

# Prometheus's promtool, to check /metrics (test_ops.py): taken out of
# Debian's prometheus package without installing it, which would start a
# Prometheus server. Once per checkout, into var/tools.
promtool_path() {
	local dir=$ROOT/var/tools
	if [ ! -x "$dir/promtool" ]; then
		rm -rf "$dir/deb"
		mkdir -p "$dir/deb"
		(cd "$dir/deb" && { apt-get download prometheus ||
		    { apt_get update && apt-get download prometheus; }; } \
		    >/dev/null 2>&1) || die "cannot download Debian's prometheus"
		dpkg-deb -x "$dir"/deb/prometheus_*.deb "$dir/deb/x"
		cp "$dir/deb/x/usr/bin/promtool" "$dir/promtool"
		rm -rf "$dir/deb"
	fi
	echo "$dir/promtool"
}

cmd_lint() {
	local doc=$ROOT/assets/openapi.json rc=0
	lint_deps
	echo "lint: redocly"
	REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true \
	    "$LINT/node_modules/.bin/redocly" lint --format=stylish \
	    --config "$ROOT/tests/lint/redocly.yaml" "$doc" || rc=1
	echo "lint: spectral"
	"$LINT/node_modules/.bin/spectral" lint --fail-severity=warn \
	    --ruleset "$ROOT/tests/lint/spectral.yaml" "$doc" || rc=1
	return $rc
}

# --- fuzzing (make fuzz, and make test briefly) ----------------------
# Each libFuzzer harness of tests/fuzz in turn for $1 seconds. What it
# finds new goes to var/fuzz/<target>/corpus, never to the seeds under
# tests/fuzz/corpus; a crash leaves its input in var/fuzz/<target>/ (a
# crash-<sha1> file to run the harness on again) and fails the run.
FUZZ=$ROOT/var/fuzz

fuzz_one() {
	local t=$1 secs=$2 dir=$FUZZ/$1 dict=() rc=0 runs eps
	mkdir -p "$dir/corpus"
	case $t in
	json|validate)	dict=(-dict="$ROOT/tests/fuzz/json.dict") ;;
	esac
	"$ROOT/var/build-fuzz/fuzz_$t" -max_total_time="$secs" \
	    -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 \
	    -artifact_prefix="$dir/" "${dict[@]}" "$dir/corpus" \
	    "$ROOT/tests/fuzz/corpus/$t" >"$dir/log" 2>&1 || rc=1
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log")
	eps=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$dir/log")
	if [ $rc -ne 0 ]; then
		echo "fuzz $t: FAILED after ${runs:-?} runs; log in ${dir#"$ROOT"/}/log" >&2
		grep -E -A 30 '^==[0-9]+==|runtime error|invariant broken' \
		    "$dir/log" | head -n 40 >&2
		ls "$dir"/crash-* "$dir"/leak-* "$dir"/timeout-* \
		    "$dir"/oom-* 2>/dev/null >&2
		return 1
	fi
	printf 'fuzz %-9s %9s runs in %ss, %7s exec/s, corpus %s\n' "$t" \
	    "$runs" "$secs" "$eps" "$(ls "$dir/corpus" | wc -l)"
}

# Every harness: tests/fuzz/fuzz_<target>.c.
fuzz_targets() {
	local f
	for f in "$ROOT"/tests/fuzz/fuzz_*.c; do
		f=${f##*/fuzz_}
		echo "${f%.c}"
	done
}

# cmd_fuzz SECONDS [TARGET...]: built first (clang, from deps); every
# target when none is named.
cmd_fuzz() {
	local secs=$1 t rc=0
	shift
	[ $# -gt 0 ] || set -- $(fuzz_targets)
	[[ $secs =~ ^[1-9][0-9]*$ ]] || die "FUZZ_SECONDS must be a number"
	command -v "${FUZZCC:-clang}" >/dev/null ||
	    { echo "tm.sh: no clang: conf/tm.sh deps installs it" >&2; return 1; }
	make -C "$ROOT" --no-print-directory fuzz-build >/dev/null ||
	    { echo "tm.sh: the fuzz harnesses do not build" >&2; return 1; }
	for t in "$@"; do
		fuzz_one "$t" "$secs" || rc=1
	done
	return $rc
}

# --- private clusters -----------------------------------------------
# A cluster in DIR keeps its data in DIR/pgdata, its socket in DIR/sock
# and its log in DIR/pg.log. Those may be symlinks into /var/tmp when
# the postgres user cannot reach DIR, so always resolve them.

as_pg() {
	"${AS_PG[@]}" "$@"
}

pg_ctl() {
	as_pg "$PGBIN/pg_ctl" "$@"
}

db_data() {
	readlink -f "$1/pgdata"
}

db_url() {
	echo "host=$(readlink -f "$1/sock") dbname=techmarket user=techmarket"
}

db_running() {
	[ -e "$1/pgdata" ] && pg_ctl status -D "$(db_data "$1")" >/dev/null 2>&1
}

give_to_pg() {
	[ ${#AS_PG[@]} -eq 0 ] || chown postgres: "$@"
}

# Where the server's files really go: DIR, or a /var/tmp directory
# (linked from DIR) when postgres cannot traverse DIR.
db_home() {
	local dir=$1 home
	if [ ${#AS_PG[@]} -eq 0 ] || as_pg test -x "$dir"; then
		echo "$dir"
		return
	fi
	home=/var/tmp/techmarket-$(printf %s "$dir" | sha256sum | cut -c1-12)
	if [ -e "$home/pgdata" ]; then	# left over from a deleted DIR
		pg_ctl stop -s -m immediate -D "$home/pgdata" >/dev/null 2>&1 || true
	fi
	rm -rf "$home"
	# 711: the workers' user (RUNAS) reaches the socket under it.
	mkdir -m 711 "$home"
	give_to_pg "$home"
	ln -s "$home/pgdata" "$dir/pgdata"
	ln -s "$home/sock" "$dir/sock"
	ln -s "$home/pg.log" "$dir/pg.log"
	echo "$home"
}

db_init() {
	local dir=$1 home
	rm -rf "$dir/pgdata" "$dir/sock" "$dir/pg.log"	# dangling links
	home=$(db_home "$dir")
	mkdir -m 700 "$home/pgdata"
	mkdir "$home/sock"
	(umask 077 && touch "$home/pg.log")
	give_to_pg "$home/pgdata" "$home/sock" "$home/pg.log"
	as_pg "$PGBIN/initdb" -D "$home/pgdata" -A trust -U techmarket \
	    -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
	    { cat "$dir/initdb.log" >&2; die "initdb failed in $dir"; }
	# Settings live in an included file, rewritten at every start, so
	# a plain pg_ctl restart (as the tests may do) keeps them.
	echo "include_if_exists = 'techmarket.conf'" >>"$home/pgdata/postgresql.conf"
}

# A quarter of the machine's memory for PostgreSQL's buffers, between
# 256 MB and 2 GB: at a million listings (3.5 GB with their indexes) a
# search that read its rows through 256 MB of buffers paid ~11 µs a row
# copying pages in from the kernel's cache, against ~2 µs from its own.
db_buffers_mb() {
	local kb
	kb=$(awk '/^MemTotal:/ { print $2 }' /proc/meminfo 2>/dev/null)
	kb=$((${kb:-0} / 4 / 1024))
	echo $((kb < 256 ? 256 : kb > 2048 ? 2048 : kb))
}

db_settings() {
	local dir=$1 kind=$2 conf
	conf=$(db_data "$dir")/techmarket.conf
	cat >"$conf" <<-EOF
		listen_addresses = ''
		unix_socket_directories = '$(readlink -f "$dir/sock")'
		port = 5432
		max_connections = 200
		shared_buffers = $(db_buffers_mb)MB
		# What the server's statements rely on; the server also sets
		# them on its connections, for databases it does not run.
		# rfc3339() reads timestamps as ISO text. A relevance page is
		# the first rows of an ordered union that a parallel plan could
		# interleave. JIT compiled a 1 ms search for 52 ms.
		datestyle = 'iso, ymd'
		max_parallel_workers_per_gather = 0
		jit = off
		# No DETAIL in the log: a failing CHECK's DETAIL quotes the
		# whole row, and a row of accounts holds a password hash.
		log_error_verbosity = terse
	EOF
	if [ "$kind" = throwaway ]; then
		printf '%s\n' "fsync = off" "synchronous_commit = off" \
		    "full_page_writes = off" >>"$conf"
	fi
	give_to_pg "$conf"
}

# The server's log quotes statements and errors: its owner's only, in a
# directory others may pass through (postgres must) but not list. Done
# at every start, for clusters made before this was.
db_log_private() {
	local log
	log=$(readlink -f "$1/pg.log")
	chmod 600 "$log"
	chmod go-r "$(dirname "$log")"
}

# db_init_start DIR [throwaway]: create (once) and start the cluster
# in DIR, and the techmarket database in it.
db_init_start() {
	local dir=$1 kind=${2:-durable} maint
	mkdir -p "$dir"
	[ -e "$dir/pgdata" ] || db_init "$dir"
	db_settings "$dir" "$kind"
	db_log_private "$dir"
	if db_running "$dir"; then
		# Settings written since it started (all but the socket and
		# memory ones) take effect now.
		pg_ctl reload -s -D "$(db_data "$dir")"
	else
		pg_ctl start -w -s -D "$(db_data "$dir")" \
		    -l "$(readlink -f "$dir/pg.log")" ||
		    { tail -n 20 "$dir/pg.log" >&2; die "PostgreSQL did not start in $dir"; }
	fi
	maint="host=$(readlink -f "$dir/sock") dbname=postgres user=techmarket"
	if [ -z "$(psql_q "$maint" -c "SELECT 1 FROM pg_database WHERE datname = 'techmarket'")" ]; then
		psql_q "$maint" -c "CREATE DATABASE techmarket" >/dev/null
	fi
}

db_stop() {
	local data pid
	db_running "$1" || return 0
	data=$(db_data "$1")
	# Another command may be stopping it at the same time (make stop
	# while make run ends): that one stopping it is success too.
	pid=$(head -n 1 "$data/postmaster.pid" 2>/dev/null) || return 0
	if ! pg_ctl stop -w -s -m fast -D "$data" 2>/dev/null; then
		! db_running "$1" || die "PostgreSQL in $1 did not stop"
	fi
	# pg_ctl returns once postmaster.pid is gone, a moment before the
	# postmaster itself.
	wait_gone "$pid" || true
}

# db_remove DIR: delete a stopped cluster's DIR and its /var/tmp home.
db_remove() {
	local data
	if [ -L "$1/pgdata" ]; then
		data=$(readlink "$1/pgdata")
		[[ $data == /var/tmp/techmarket-*/pgdata ]] && rm -rf "${data%/pgdata}"
	fi
	rm -rf "$1"
}

# --- the database ---------------------------------------------------

# psql for scripts: no psqlrc, stop at the first error, no NOTICEs
# ("already exists, skipping"), bare unaligned output.
psql_q() {
	local url=$1
	shift
	PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning" \
	    "$PGBIN/psql" -X -q -A -t -v ON_ERROR_STOP=1 -d "$url" "$@"
}

# migrate URL [demo]: tmctl migrate (app/migrate.c) brings the database
# to what sql/ says; with "demo", then (re)loads sql/demo/*.sql.
migrate() {
	local url=$1 demo=()
	[ "${2:-}" = demo ] && demo=(--demo)
	[ -x "$TMCTL" ] || die "$TMCTL is missing: run make build"
	"$TMCTL" migrate --sql "$ROOT/sql" "${demo[@]}" "$url" ||
	    die "migrate failed"
}

# migrate_steps URL [demo]: migrate, saying what it does in plain steps.
migrate_steps() {
	local out n
	echo "migrating the database..."
	out=$(migrate "$@") || exit 1
	n=$(grep -c '^migrated ' <<<"$out" || true)
	if [ "$n" -eq 0 ]; then
		echo "migrating: up to date (0 applied)"
	else
		echo "migrating: $n applied ($(sed -n 's/^migrated //p' <<<"$out" |
		    paste -sd ' '))"
	fi
	[ "${2:-}" = demo ] && echo "loading demo data (sql/demo/): done"
	return 0
}

# --- kore -----------------------------------------------------------

# write_conf PORT OUT [HOST]: fill in conf/techmarket.conf.in.
# The files Kore serves from memory, and the gzip copies the build made;
# absolute, since Kore runs in another directory.
asset_env() {
	export TM_OPENAPI=$ROOT/assets/openapi.json \
	    TM_OPENAPI_GZ=$BUILD/openapi.json.gz \
	    TM_WEB=$ROOT/assets/web TM_WEB_GZ=$BUILD/web
}

write_conf() {
	local t
	t=$(<"$ROOT/conf/techmarket.conf.in")
	t=${t//@HOST@/"${3:-127.0.0.1}"}
	t=${t//@PORT@/"$1"}
	t=${t//@RUNAS@/"$RUNAS"}
	t=${t//@ROOT@/"$(dirname "$2")"}
	t=${t//@WORKERS@/"$(nproc)"}
	t=${t//@MODULE@/"$MODULE"}
	t=${t//@BODY_MAX@/4194304}
	t=${t//@REQUEST_TIMEOUT@/"${TM_REQUEST_TIMEOUT:-20}"}
	printf '%s\n' "$t" >"$2"
}

# kore_ready DIR URL: what the workers open after the privilege drop
# readable by RUNAS: Kore's directory, the served files, the secrets
# (made theirs), the database's unix socket.
kore_ready() {
	local dir=$1 url=$2 sock
	runas_ready
	# Kore's directory is passed through, not listed: it may be the
	# cluster's, which others may not list (db_log_private).
	as_runas test -x "$dir" ||
	    die "the workers' user ($RUNAS) cannot enter $dir: a directory above it is closed to that user; put it (or the checkout) where $RUNAS can read it"
	runas_reads "$TM_OPENAPI" "$TM_OPENAPI_GZ" "$TM_WEB" "$TM_WEB_GZ"
	runas_owns "$TM_SECRETS_DIR"
	sock=$(sed -n 's/^host=\(\/[^ ]*\) .*/\1/p' <<<"$url")
	if [ -n "$sock" ] && ! as_runas test -w "$sock/.s.PGSQL.5432"; then
		die "the workers' user ($RUNAS) cannot reach PostgreSQL's socket in $sock"
	fi
}

# A zombie counts as dead: the test's kore is only reaped by `wait`.
alive() {
	local state
	state=$(sed -n 's/^State:[[:space:]]*\(.\).*/\1/p' "/proc/$1/status" 2>/dev/null) ||
	    return 1
	[ -n "$state" ] && [ "$state" != Z ]
}

# kore_pid PIDFILE: print the pid if it names a live kore.
kore_pid() {
	local pid
	pid=$(cat "$1" 2>/dev/null) || return 1
	[[ $pid =~ ^[0-9]+$ ]] && alive "$pid" &&
	    [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = kore ] && echo "$pid"
}

# wait_gone PID: up to 10 s.
wait_gone() {
	local i
	for ((i = 0; i < 100; i++)); do
		alive "$1" || return 0
		sleep 0.1
	done
	return 1
}

stop_kore() {
	local pid=$1 child
	kill -TERM "$pid" 2>/dev/null || return 0
	wait_gone "$pid" && return 0
	# shellcheck disable=SC2013 # the file holds space-separated pids
	for child in $(cat /proc/"$pid"/task/*/children 2>/dev/null); do
		kill -KILL "$child" 2>/dev/null || true
	done
	kill -KILL "$pid" 2>/dev/null || true
}

# --- commands -------------------------------------------------------

# port_check HOST PORT: 0 when Kore could bind there now, 1 (with one
# line on stderr) when something else holds it or HOST is no address
# of this machine. Binds the way Kore does, SO_REUSEADDR included.
port_check() {
	/usr/bin/python3 - "$1" "$2" <<-'EOF'
		import errno, socket, sys
		host, port = sys.argv[1], int(sys.argv[2])
		try:
		    info = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
		    s = socket.socket(info[0], socket.SOCK_STREAM)
		    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
		    s.bind(info[4])
		except socket.gaierror as e:
		    sys.exit(f"tm.sh: HOST={host} is not an address: {e.strerror}")
		except OSError as e:
		    if e.errno == errno.EADDRINUSE:
		        sys.exit(f"tm.sh: port {port} on {host} is taken by another "
		                 f"program: stop it, or choose another with PORT=")
		    sys.exit(f"tm.sh: cannot bind {host} port {port}: {e.strerror}")
	EOF
}

# http://HOST:PORT/ as a client reaches it (brackets for IPv6; the
# wildcard addresses through loopback).
serve_url() {
	local host=$1
	case $host in
	0.0.0.0) host=127.0.0.1 ;;
	::) host=::1 ;;
	esac
	[[ $host == *:* ]] && host="[$host]"
	echo "http://$host:$2/"
}

# Set by cmd_run, used by its EXIT trap.
RUN_KORE=
RUN_DB=

run_cleanup() {
	set +e
	if [ -n "$RUN_KORE" ]; then
		echo "stopping kore"
		stop_kore "$RUN_KORE"
		wait "$RUN_KORE" 2>/dev/null
		rm -f "$RUNDIR/kore.pid"
	fi
	if [ -n "$RUN_DB" ]; then
		echo "stopping PostgreSQL (var/pg)"
		db_stop "$RUN_DB"
	fi
}

# run_demo: whether make run loads the demo data. DEMO (make run DEMO=)
# or TM_DEMO; by default yes on the private cluster, no on DATABASE_URL:
# a real database never receives fictional companies unless asked to.
run_demo() {
	local demo=${DEMO:-${TM_DEMO:-}}
	if [ -z "$demo" ]; then
		[ -n "${DATABASE_URL:-}" ] && demo=0 || demo=1
	fi
	[[ $demo == [01] ]] || die "DEMO (or TM_DEMO) must be 0 or 1, not '$demo'"
	echo "$demo"
}

cmd_run() {
	local port=${PORT:-8080} host=${HOST:-127.0.0.1} url pid secrets demo
	local dir=$ROOT/var/pg rc=0 where external=
	[ -f "$MODULE" ] || die "$MODULE is missing: run make build"
	[[ $port =~ ^[0-9]{1,5}$ ]] && ((port >= 1 && port <= 65535)) ||
	    die "PORT must be a port number (1 to 65535), not '$port'"
	[[ $host =~ ^[A-Za-z0-9.:-]+$ ]] ||
	    die "HOST must be an address such as 127.0.0.1 or 0.0.0.0, not '$host'"
	demo=$(run_demo)
	if pid=$(kore_pid "$RUNDIR/kore.pid"); then
		die "kore is already running (pid $pid): make stop first"
	fi
	# Before anything starts: a taken port then leaves nothing to undo.
	port_check "$host" "$port" || exit 1
	trap run_cleanup EXIT
	trap 'exit 130' INT TERM
	if [ -n "${DATABASE_URL:-}" ]; then
		echo "using the database in DATABASE_URL (no private cluster)"
		external=1
		url=$DATABASE_URL
	else
		if [ ! -e "$dir/pgdata" ]; then
			echo "creating the PostgreSQL cluster in var/pg"
		fi
		if db_running "$dir"; then
			echo "using PostgreSQL in var/pg, already running (this run leaves it running)"
		else
			echo "starting PostgreSQL in var/pg"
			RUN_DB=$dir
		fi
		db_init_start "$dir"
		url=$(db_url "$dir")
	fi
	if [ "$demo" = 1 ]; then
		[ -z "${DATABASE_URL:-}" ] ||
		    echo "DEMO=1: loading the fictional demo companies into DATABASE_URL"
		migrate_steps "$url" demo
	else
		migrate_steps "$url"
		echo "demo data: skipped (DEMO=0)"
	fi
	secrets=$(secrets_dir)
	secrets_ready "$secrets"
	mkdir -p "$RUNDIR"
	echo "secrets in $secrets"
	write_conf "$port" "$RUNDIR/techmarket.conf" "$host"
	export DATABASE_URL=$url TM_SECRETS_DIR=$secrets
	asset_env
	kore_ready "$RUNDIR" "$url"
	if is_root; then
		echo "workers run as $RUNAS (Kore drops root's privileges)"
	else
		echo "workers run as $(id -un) (not root: Kore cannot change users)"
	fi
	# Again: the migration took time, and something may have taken it.
	port_check "$host" "$port" || exit 1
	echo "starting kore"
	# Kore writes (and on exit removes) kore.pid in its cwd: make that
	# our pidfile instead of a stray file in the checkout. stdbuf: see
	# cmd_test; it matters here when stdout is a pipe. In the background
	# and waited for, so that Ctrl-C reaches the trap, which stops Kore
	# and the cluster this run started.
	(cd "$RUNDIR" && exec stdbuf -oL kore "$(kore_flags)" \
	    -c "$RUNDIR/techmarket.conf") &
	RUN_KORE=$!
	echo "$RUN_KORE" >"$RUNDIR/kore.pid"
	where=$(serve_url "$host" "$port")
	# Any HTTP answer means the port is bound (/readyz would say 503 while
	# the database is away); a Kore that ends has said why on stdout.
	until curl -s -m 2 -o /dev/null "${where}healthz" 2>/dev/null; do
		if ! alive "$RUN_KORE"; then
			wait "$RUN_KORE" 2>/dev/null
			RUN_KORE=
			die "kore stopped before serving (see its messages above)"
		fi
		sleep 0.2
	done
	if [ -n "$RUN_DB" ]; then
		echo "serving on $where (Ctrl-C stops Kore and PostgreSQL)"
	elif [ -n "$external" ]; then
		echo "serving on $where (Ctrl-C stops Kore)"
	else
		echo "serving on $where (Ctrl-C stops Kore; PostgreSQL in var/pg was running before and stays running: make stop stops it)"
	fi
	wait "$RUN_KORE" || rc=$?
	RUN_KORE=
	return $rc
}

cmd_stop() {
	local pid
	if pid=$(kore_pid "$RUNDIR/kore.pid"); then
		stop_kore "$pid"
	fi
	rm -f "$RUNDIR/kore.pid"
	db_stop "$ROOT/var/pg"
}

free_port() {
	/usr/bin/python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

wait_ready() {
	local port=$1 pid=$2 deadline=$((SECONDS + 30))
	while ((SECONDS < deadline)); do
		curl -fsS -m 2 -o /dev/null "http://127.0.0.1:$port/readyz" 2>/dev/null &&
		    return 0
		alive "$pid" || return 1
		sleep 0.3
	done
	return 1
}

# Set by throwaway_server, used by the EXIT traps.
TEST_DIR=
TEST_KORE=
TEST_URL=
TEST_PORT=
# Variables for Kore's environment only (san_env).
KORE_ENV=()

# End a process started with setsid and everything in its group.
kill_group() {
	kill -TERM -- "-$1" 2>/dev/null
	wait_gone "$1"
	kill -KILL -- "-$1" 2>/dev/null
	wait "$1" 2>/dev/null
}

test_cleanup() {
	set +e
	# Kore runs in its own session: its group is kore and workers.
	[ -n "$TEST_KORE" ] && kill_group "$TEST_KORE"
	if [ -n "$TEST_DIR" ]; then
		db_stop "$TEST_DIR"
		db_remove "$TEST_DIR"
	fi
}

# A throwaway cluster and Kore on a free port for cmd_test and cmd_bench:
# sets TEST_DIR, TEST_URL, TEST_PORT and TEST_KORE; Kore's stdout goes
# to $1 and its stderr to $2 (under TEST_DIR; "-": with stdout), and
# $3 names the directory. 1 if Kore does not become ready.
throwaway_server() {
	TEST_DIR=$(mktemp -d "/tmp/techmarket-$3.XXXXXX")
	chmod 755 "$TEST_DIR"
	db_init_start "$TEST_DIR" throwaway
	TEST_URL=$(db_url "$TEST_DIR")
	migrate "$TEST_URL" >/dev/null
	TEST_PORT=$(free_port)
	mkdir -m 700 "$TEST_DIR/secrets"
	write_conf "$TEST_PORT" "$TEST_DIR/techmarket.conf"
	export DATABASE_URL=$TEST_URL TM_SECRETS_DIR=$TEST_DIR/secrets
	asset_env
	kore_ready "$TEST_DIR" "$TEST_URL"
	# setsid: a group of its own, so cleanup reaches every worker.
	# stdbuf: Kore logs with printf, which a file would hold back in a
	# buffer, out of reach of the tests and of the failure report.
	# Both appending: "2>/dev/stdout" opened the file a second time with
	# an offset of its own, and stderr's lines (libpq's) overwrote the
	# start of the log, where no test looked.
	local err=$TEST_DIR/$2
	[ "$2" = - ] && err=$TEST_DIR/$1
	(cd "$TEST_DIR" && exec env "${KORE_ENV[@]}" setsid stdbuf -oL kore \
	    "$(kore_flags)" -c "$TEST_DIR/techmarket.conf" \
	    >>"$TEST_DIR/$1" 2>>"$err") &
	TEST_KORE=$!
	if ! wait_ready "$TEST_PORT" "$TEST_KORE"; then
		echo "tm.sh: kore did not become ready on port $TEST_PORT" >&2
		return 1
	fi
}

# --- sanitizers (make test SAN=1) -------------------------------------

# SAN_OPTS for every sanitized program (the unit tests, tmctl, Kore) and
# KORE_ENV for Kore, with the runtime preloaded: Kore is not built with
# it and loads the module too late. Reports go to files in $1 rather
# than to stderr, where Kore's log would bury them.
SAN_OPTS=()

san_env() {
	local dir=$1 asan asan_opts
	asan=$(${CC:-cc} -print-file-name=libasan.so)
	[ -e "$asan" ] || die "no ASan runtime ($asan): is gcc installed?"
	mkdir -p "$dir"
	# The workers write their reports as RUNAS.
	runas_ready
	! is_root || chown "$RUNAS:" "$dir"
	asan_opts="log_path=$dir/asan:strict_string_checks=1"
	SAN_OPTS=(ASAN_OPTIONS="$asan_opts"
	    LSAN_OPTIONS="suppressions=$ROOT/tests/lsan.supp:print_suppressions=0"
	    UBSAN_OPTIONS="log_path=$dir/ubsan:print_stacktrace=1")
	# Each worker looks for leaks as it ends (app.c): at exit, Kore's
	# parent would report its own.
	KORE_ENV=(LD_PRELOAD="$asan" "${SAN_OPTS[@]}"
	    ASAN_OPTIONS="$asan_opts:leak_check_at_exit=0")
}

# 1 when a sanitizer reported anything in $1; the reports are shown and
# kept in var/san/.
san_reports() {
	local dir=$1 keep=$ROOT/var/san f found=0
	rm -rf "$keep"
	for f in "$dir"/*; do
		[ -s "$f" ] || continue
		found=1
		mkdir -p "$keep"
		cp "$f" "$keep/"
		echo "--- sanitizer report $(basename "$f")" >&2
		head -n 80 "$f" >&2
	done
	[ $found -eq 0 ] || { echo "tm.sh: sanitizer reports kept in $keep" >&2; return 1; }
	echo "sanitizers: no reports"
}

cmd_test() {
	local rc=0 pgctl=("${AS_PG[@]}" "$PGBIN/pg_ctl") san=
	trap test_cleanup EXIT
	trap 'exit 130' INT TERM
	# Quote expiries are swept every 60 s; the tests watch one happen.
	export TM_SWEEP_MS=500
	# One origin a browser client of an agency would have (test_ops.py).
	export TM_CORS_ORIGINS=https://agency.test.example
	# Audit checkpoints are looked for every 10 s; test_audit.py waits
	# for them.
	export TM_AUDIT_TICK_MS=300
	# The tests are all 127.0.0.1: each names the client address it
	# signs in from in X-Forwarded-For (conftest.py), believed only from
	# a trusted proxy, here loopback.
	export TM_TRUSTED_PROXIES=127.0.0.1,::1
	if [ "${TM_SAN:-}" = 1 ]; then
		san=$(mktemp -d /tmp/techmarket-san.XXXXXX)
		san_env "$san"
	fi
	# A whole run lints the contract and fuzzes each parser for a few
	# seconds too; a run of chosen tests does neither. The harnesses
	# always have the sanitizers: make test SAN=1 does not run them again.
	if [ $# -eq 0 ]; then
		cmd_lint || rc=1
		[ "${TM_SAN:-}" = 1 ] ||
		    cmd_fuzz "${TM_FUZZ_SMOKE_SECONDS:-4}" || rc=1
	fi
	split_test_args "$@"
	# Installed before the server starts, not while it waits.
	[ ${#WEB_ARGS[@]} -eq 0 ] || web_deps
	if ! throwaway_server kore.log - test; then
		rc=1
	else
		env "${SAN_OPTS[@]}" "$BUILD/unit" || rc=1
		[ ${#PY_ARGS[@]} -eq 0 ] || \
		TM_BASE_URL=http://127.0.0.1:$TEST_PORT TM_DATABASE_URL=$TEST_URL \
		TM_ROOT=$ROOT TM_KORE_LOG=$TEST_DIR/kore.log TM_PGDIR=$TEST_DIR \
		TM_PGCTL="${pgctl[*]}" TM_PGDATA=$(db_data "$TEST_DIR") \
		TM_TMCTL=$TMCTL TM_PROMTOOL=$(promtool_path) \
		PYTHONDONTWRITEBYTECODE=1 env "${SAN_OPTS[@]}" \
		    /usr/bin/python3 -m pytest -q -p no:cacheprovider \
		    "${PY_ARGS[@]}" || rc=1
		# The browser tests, after pytest, against the same server.
		[ ${#WEB_ARGS[@]} -eq 0 ] ||
		    TM_BASE_URL=http://127.0.0.1:$TEST_PORT \
		    TM_DATABASE_URL=$TEST_URL TM_ROOT=$ROOT TM_TMCTL=$TMCTL \
		    TM_PSQL=$PGBIN/psql web_test "${WEB_ARGS[@]}" || rc=1
	fi
	if [ $rc -ne 0 ]; then
		echo "--- last 60 lines of kore.log" >&2
		tail -n 60 "$TEST_DIR/kore.log" >&2
	fi
	if [ -n "$san" ]; then
		# Leaks are found as the workers exit.
		[ -z "$TEST_KORE" ] || kill_group "$TEST_KORE" || true
		TEST_KORE=
		san_reports "$san" || rc=1
		rm -rf "$san"
	fi
	return $rc
}

# Set by cmd_bench, used by its EXIT trap with TEST_DIR and TEST_KORE.
BENCH_DRIVER=

bench_cleanup() {
	set +e
	# Its own session too: the group holds its wrk and pgbench.
	[ -n "$BENCH_DRIVER" ] && kill_group "$BENCH_DRIVER"
	test_cleanup
}

# Like cmd_test, but Kore's stdout (the access log) goes to a file and
# tests/bench/bench.py drives wrk and pgbench; the table it prints is
# saved in var/bench/latest.txt. TM_DB_CONNS and BENCH_* pass through.
cmd_bench() {
	local rc=0
	trap bench_cleanup EXIT
	trap 'exit 130' INT TERM
	# The login storm is BENCH_STORM_CONNS right passwords at once, all
	# from loopback, which may land on one worker: the bench measures
	# GET /me beside them, so it lets every one queue for its hash
	# rather than have TM_HASH_QUEUE's default (16), or one address's
	# share of it (TM_HASH_PER_ADDR, 2), refuse some with 503.
	export TM_HASH_QUEUE=${TM_HASH_QUEUE:-64}
	export TM_HASH_PER_ADDR=${TM_HASH_PER_ADDR:-64}
	# All of its clients are one address, and one wrk run's connections
	# may still be open while the next run's 64 arrive: the abuse cap
	# on one address's connections is not what the bench measures.
	export TM_CONN_PER_ADDR=${TM_CONN_PER_ADDR:-0}
	if ! throwaway_server access.log kore.err bench; then
		tail -n 30 "$TEST_DIR/access.log" "$TEST_DIR/kore.err" >&2
		return 1
	fi
	# In the background and waited for, so a signal reaches the trap
	# at once rather than when the driver ends.
	(TM_ROOT=$ROOT TM_BASE_URL=http://127.0.0.1:$TEST_PORT \
	    TM_DATABASE_URL=$TEST_URL BENCH_DIR=$TEST_DIR PGBIN=$PGBIN \
	    TM_ACCESS_LOG=$TEST_DIR/access.log PYTHONDONTWRITEBYTECODE=1 \
	    exec setsid /usr/bin/python3 "$ROOT/tests/bench/bench.py") &
	BENCH_DRIVER=$!
	wait "$BENCH_DRIVER" || rc=$?
	BENCH_DRIVER=
	if [ $rc -ne 0 ]; then
		echo "--- kore's output, last lines" >&2
		tail -n 20 "$TEST_DIR/access.log" "$TEST_DIR/kore.err" >&2
	fi
	return $rc
}

read_password() {
	local pw=
	if [ -t 0 ]; then
		printf 'password: ' >&2
		IFS= read -rs pw || true
		echo >&2
	else
		IFS= read -r pw || true	# a last line without newline counts
	fi
	printf '%s' "$pw"
}

# Set by main_target when a command started the private cluster, and
# by cmd_backup while its dump is unfinished: tool_cleanup (the EXIT
# trap of those commands) stops the one and removes the other.
TOOL_DB=
TOOL_TMP=

tool_cleanup() {
	set +e
	[ -z "$TOOL_TMP" ] || rm -f "$TOOL_TMP"
	[ -z "$TOOL_DB" ] || db_stop "$TOOL_DB"
}

# main_target [create]: the database `make run` uses, in MAIN_URL, not
# migrated: DATABASE_URL, or the private cluster in var/pg, started for
# this command if it was not running and stopped again when the command
# exits. The cluster is made if missing only with "create".
main_target() {
	local dir=$ROOT/var/pg
	if [ -n "${DATABASE_URL:-}" ]; then
		MAIN_URL=$DATABASE_URL
		return
	fi
	[ -e "$dir/pgdata" ] || [ "${1:-}" = create ] ||
	    die "no private cluster in var/pg and no DATABASE_URL: no database to use (make run makes one)"
	if ! db_running "$dir"; then
		TOOL_DB=$dir
		trap tool_cleanup EXIT
	fi
	db_init_start "$dir"
	MAIN_URL=$(db_url "$dir")
}

# The database `make run` uses, migrated, in MAIN_URL (main_target,
# made if missing). main_db demo: with the demo data (only ever asked
# for on the private cluster).
main_db() {
	main_target create
	migrate "$MAIN_URL" "$@"
}

# psql_tool URL SETS SQL: run SQL with the psql \set lines SETS ahead of
# it on stdin, not on a command line, where `ps` would show the hashes.
# Its output in TOOL_OUT; on failure, 1 and psql's messages in TOOL_ERR
# (verbose: the ERROR line carries the SQLSTATE; show only tool_err's).
psql_tool() {
	local errf rc=0
	errf=$(mktemp)
	TOOL_OUT=$(printf '%s%s\n' "$2" "$3" |
	    psql_q "$1" -v VERBOSITY=verbose 2>"$errf") || rc=$?
	TOOL_ERR=$(<"$errf")
	rm -f "$errf"
	return $rc
}

# The first line of PostgreSQL's FIELD (ERROR, DETAIL) in TOOL_ERR.
tool_err() {
	sed -n "s/^.*$1: *//p" <<<"$TOOL_ERR" | head -n 1
}

cmd_admin() {
	local email=${1:-} pw hash force=false err
	if [ -z "$email" ]; then
		echo "usage: make admin EMAIL=you@example.com [FORCE=1]  (password on stdin, or asked for)" >&2
		exit 2
	fi
	[ -x "$TMCTL" ] || die "$TMCTL is missing: run make build"
	"$TMCTL" check-email "$email" 2>/dev/null ||
	    die "EMAIL='$email' is not an email address (name@domain.tld, ASCII): nothing done"
	case ${FORCE:-} in
	1) force=true ;;
	''|0) ;;
	*) die "FORCE must be 1 (or unset), not '$FORCE'" ;;
	esac
	pw=$(read_password)
	[ -n "$pw" ] ||
	    die "empty password: give the new admin's password on standard input (or type it when asked); nothing done"
	[ ${#pw} -ge 10 ] || die "the password must be at least 10 characters long"
	hash=$(printf '%s' "$pw" | "$TMCTL" hash) || die "tmctl hash failed"
	pw=
	main_db
	if ! psql_tool "$MAIN_URL" "\\set email '${email//\'/\'\'}'
\\set hash '$hash'
\\set force $force
" "SELECT admin_upsert(:'email', :'hash', :force);"; then
		err=$(tool_err ERROR)
		if [[ $err == TM409:* ]]; then
			die "$email is an existing $(tool_err DETAIL) account, not an admin: nothing done (FORCE=1 makes it an admin and ends its sessions)"
		fi
		# Never all of TOOL_ERR: a LINE quoting the statement would
		# show the hash.
		die "make admin failed: ${err:-$(head -n 1 <<<"$TOOL_ERR")}"
	fi
	echo "admin $email ready"
}

# A password for a demo account: 120 random bits, URL-safe.
demo_password() {
	head -c 15 /dev/urandom | base64 | tr '+/' '-_'
}

# Accounts that sign in, one per role, on the private demo cluster only,
# with fresh passwords shown once (sql/tools/demo_accounts.sql).
cmd_demo_accounts() {
	local key pw sets= rows email role org
	local -A pws=()
	[ -z "${DATABASE_URL:-}" ] ||
	    die "make demo-accounts works only on the private demo cluster (var/pg), and DATABASE_URL is set: a real database never gets accounts with printed passwords; nothing done"
	[ -x "$TMCTL" ] || die "$TMCTL is missing: run make build"
	for key in vendor enterprise dost doit admin; do
		pw=$(demo_password)
		pws[$key]=$pw
		sets+="\\set ${key}_hash '$(printf '%s' "$pw" | "$TMCTL" hash)'
"
	done
	main_db demo
	psql_tool "$MAIN_URL" "$sets" "$(<"$ROOT/sql/tools/demo_accounts.sql")" ||
	    die "make demo-accounts failed: $(tool_err ERROR)"
	rows=$TOOL_OUT
	echo "demo accounts on the private cluster (passwords shown once; run again to reset them):"
	while IFS='|' read -r key email role org; do
		[ -n "$key" ] || continue
		printf '  %-18s %-30s %s%s\n' "$role" "$email" "${pws[$key]}" \
		    "${org:+  ($org)}"
	done <<<"$rows"
}

# Server keys (the cursor MAC key, the signing key) live outside the
# checkout and the database, owner-only, in one directory per database
# served: TM_SECRETS_DIR, else $XDG_STATE_HOME/techmarket/db-<12 hex of
# SHA-256 of DATABASE_URL without its password>, or of this checkout's
# private cluster path when DATABASE_URL is unset. So two checkouts on
# one machine never share (and rotate) one key, and a key stays with
# the signatures it made, which sit in that database.
secrets_dir() {
	local id
	if [ -n "${TM_SECRETS_DIR:-}" ]; then
		echo "$TM_SECRETS_DIR"
		return
	fi
	if [ -n "${DATABASE_URL:-}" ]; then
		id="url:$(printf %s "$DATABASE_URL" | sed -E \
		    -e 's#(://[^:/@]*):[^@]*@#\1@#' \
		    -e 's/(^|[[:space:]])password=[^[:space:]]*//g')"
	else
		id="cluster:$ROOT/var/pg"
	fi
	echo "$(secrets_base)/db-$(printf %s "$id" | sha256sum | cut -c1-12)"
}

# Root's home is closed to the workers' user: run as root, the keys
# live in /var/lib/techmarket, a system service's state directory.
secrets_base() {
	if is_root && [ -z "${XDG_STATE_HOME:-}" ]; then
		echo /var/lib/techmarket
	else
		secrets_home
	fi
}

# Where the keys lived before the workers dropped root's privileges.
secrets_home() {
	echo "${XDG_STATE_HOME:-$HOME/.local/state}/techmarket"
}

# The secrets directory made if missing. Before directories were per
# database, every checkout shared secrets_base itself: a new default
# directory starts as a copy of those keys (mtimes kept, which date the
# old public keys in /keys), so signatures already in the database still
# verify against /keys, and from then on each rotates alone.
secrets_ready() {
	local dir=$1 old home
	old=$(secrets_home)
	home=$old/${dir##*/}
	# A root that ran before the privilege drop kept this database's
	# keys in its home: they move along, or its signatures would not
	# verify and its cursors would break.
	if [ ! -e "$dir" ] && [ -z "${TM_SECRETS_DIR:-}" ] &&
	    [ "$dir" != "$home" ] && [ -f "$home/signing.seed" ]; then
		mkdir -p "${dir%/*}"
		cp -Rp "$home" "$dir"
		echo "secrets: copied $home into $dir"
	fi
	if [ ! -e "$dir" ] && [ -z "${TM_SECRETS_DIR:-}" ] &&
	    [ -f "$old/signing.seed" ]; then
		mkdir -p -m 700 "$dir"
		cp -p "$old/signing.seed" "$dir/"
		[ ! -f "$old/cursor.key" ] || cp -p "$old/cursor.key" "$dir/"
		[ ! -d "$old/signing-keys" ] || cp -Rp "$old/signing-keys" "$dir/"
		echo "secrets: copied the shared keys of $old into $dir"
	fi
	mkdir -p "$dir"
	chmod 700 "$dir"
}

# A new signing key; the old public key stays published in /keys and a
# running server signs with the new one from its next signature.
cmd_rotate_key() {
	local dir
	dir=$(secrets_dir)
	[ -e "$dir/signing.seed" ] ||
	    die "no signing key in $dir (make run first, with the same DATABASE_URL)"
	echo "new signing key: $("$ROOT/var/build/tmctl" rotate-key "$dir")"
}

# N synthetic technologies in the database `make run` uses, from the
# generator GEN: bench (tests/bench/bench_data.sql, the default) or
# varied (tests/bench/bench_varied.sql).
cmd_bench_data() {
	local n=${1:-} gen=${2:-bench} file
	case $gen in
	bench)	file=bench_data.sql ;;
	varied)	file=bench_varied.sql ;;
	*)	file= ;;
	esac
	[[ $n =~ ^[1-9][0-9]{0,7}$ && -n $file ]] ||
	    die "usage: make bench-data N=100000 (1 to 99999999) [GEN=bench|varied]"
	main_db
	echo "loading $n technologies ($gen)"
	psql_q "$MAIN_URL" -v n="$n" -f "$ROOT/tests/bench/$file" >/dev/null
	echo "bench data ready: $n technologies ($gen)"
}

# --- backups ----------------------------------------------------------
# A logical dump (pg_dump -Fc): one consistent snapshot of the database,
# restorable into any PostgreSQL from 15 on; the README ("Backups") says
# why not pg_basebackup and WAL archiving yet. The secrets directory is
# never in it: the keys that sign stay out of the database and so out of
# its copies.

# make backup: the database `make run` uses, dumped into BACKUP_DIR
# (default var/backups, owner-only) as techmarket-<UTC time>.dump, mode
# 0600. Its path alone on stdout; the reminder about the secrets on
# stderr.
cmd_backup() {
	local dir=${BACKUP_DIR:-$ROOT/var/backups} file secrets
	trap tool_cleanup EXIT
	trap 'exit 130' INT TERM
	main_target
	umask 077
	mkdir -p "$dir" || die "cannot make $dir"
	chmod 700 "$dir"
	dir=$(cd "$dir" && pwd -P)
	file=$dir/techmarket-$(date -u +%Y%m%dT%H%M%SZ).dump
	[ ! -e "$file" ] || die "$file exists (a backup in this second): try again"
	TOOL_TMP=$file.partial
	# pg_dump reads every table in one REPEATABLE READ snapshot: what was
	# committed before it started is in, what commits later is not.
	"$PGBIN/pg_dump" -Fc -d "$MAIN_URL" -f "$TOOL_TMP" ||
	    die "pg_dump failed: no backup written"
	"$PGBIN/pg_restore" -l "$TOOL_TMP" >/dev/null ||
	    die "the dump does not read back: no backup written"
	mv "$TOOL_TMP" "$file"
	TOOL_TMP=
	echo "$file"
	secrets=$(secrets_dir)
	echo "backup: $(du -k "$file" | cut -f1) KB; not in it: the secrets directory $secrets (signing and cursor keys): back it up separately (README, \"Backups\")" >&2
}

# 0 when the database at $1 holds no table, view or sequence of its own.
db_empty() {
	[ "$(psql_q "$1" -c "SELECT count(*) FROM pg_class c
	    JOIN pg_namespace n ON n.oid = c.relnamespace
	    WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
	    AND n.nspname NOT LIKE 'pg\_toast%'
	    AND n.nspname NOT LIKE 'pg\_temp%'")" = 0 ]
}

# The dump's privileges name techmarket_app (sql/015_audit.sql), a role
# of the server rather than of the database, so never in a dump: made
# here as the migration makes it, if the restoring role may. 1 if the
# role is not there afterwards.
app_role() {
	psql_q "$1" <<-'EOF'
		DO $$
		BEGIN
			IF NOT EXISTS (SELECT 1 FROM pg_roles
			    WHERE rolname = 'techmarket_app') THEN
				IF NOT (SELECT rolsuper OR rolcreaterole
				    FROM pg_roles WHERE rolname = current_user) THEN
					RETURN;
				END IF;
				CREATE ROLE techmarket_app LOGIN;
			END IF;
			IF NOT pg_has_role(current_user, 'techmarket_app',
			    'MEMBER') THEN
				EXECUTE format('GRANT techmarket_app TO %I',
				    current_user);
			END IF;
		END $$;
	EOF
	[ "$(psql_q "$1" -c "SELECT count(*) FROM pg_roles
	    WHERE rolname = 'techmarket_app'")" = 1 ]
}

# Ids of the signing keys whose signatures the database at $1 holds:
# every key_id column of its tables (flags, decisions, checkpoints).
signing_key_ids() {
	psql_q "$1" <<-'EOF'
		SELECT coalesce(string_agg(format(
		    'SELECT key_id::text FROM public.%I WHERE key_id IS NOT NULL',
		    table_name), ' UNION '), 'SELECT NULL WHERE false')
		FROM information_schema.columns
		WHERE table_schema = 'public' AND column_name = 'key_id'
		\gexec
	EOF
}

# Says which signing keys of the restored data the secrets directory the
# server will use lacks: without them /keys cannot list them, so the
# signatures no longer verify for anyone, nor the checkpoints for
# GET /audit/verify.
restore_secrets_check() {
	local url=$1 secrets id missing=()
	secrets=$(secrets_dir)
	while IFS= read -r id; do
		[ -n "$id" ] || continue
		[ -f "$secrets/signing-keys/$id.pub" ] || missing+=("$id")
	done < <(signing_key_ids "$url" | sort -u)
	if [ -z "$(signing_key_ids "$url")" ]; then
		echo "secrets: no signature in this data; the server's keys will be in $secrets"
		return
	fi
	if [ ${#missing[@]} -eq 0 ]; then
		echo "secrets: $secrets holds every key that signed this data"
		return
	fi
	echo "tm.sh: warning: the secrets directory $secrets lacks the public key of ${missing[*]}, which signed rows of this backup: restore the backed-up secrets directory there (README, \"Backups\") before make run, or those signatures will not verify" >&2
}

# make restore FILE=...: FILE into the database `make run` uses, which
# must be empty (a new database, or a private cluster not made yet), then
# migrated, so an older dump meets newer code. Never over data: FORCE=1
# replaces the private cluster's database, and never a DATABASE_URL one.
cmd_restore() {
	local file=${1:-} dir=$ROOT/var/pg pid noacl=() maint
	[ -n "$file" ] ||
	    { echo "usage: make restore FILE=var/backups/techmarket-....dump [FORCE=1]" >&2; exit 2; }
	case ${FORCE:-} in
	1|''|0) ;;
	*) die "FORCE must be 1 (or unset), not '$FORCE'" ;;
	esac
	[[ -f $file && -r $file ]] || die "cannot read FILE='$file'"
	"$PGBIN/pg_restore" -l "$file" >/dev/null 2>&1 ||
	    die "FILE='$file' is not a dump that make backup (pg_dump -Fc) wrote: nothing done"
	[ -x "$TMCTL" ] || die "$TMCTL is missing: run make build"
	if [ -z "${DATABASE_URL:-}" ] && pid=$(kore_pid "$RUNDIR/kore.pid"); then
		die "kore is running on var/pg (pid $pid): make stop first; nothing done"
	fi
	trap tool_cleanup EXIT
	trap 'exit 130' INT TERM
	main_target create
	if ! db_empty "$MAIN_URL"; then
		if [ -n "${DATABASE_URL:-}" ]; then
			die "the database in DATABASE_URL is not empty: restore into a new one (createdb, then DATABASE_URL naming it); nothing done"
		fi
		[ "${FORCE:-}" = 1 ] ||
		    die "the private cluster's database (var/pg) is not empty: FORCE=1 replaces it with the backup; nothing done"
		echo "FORCE=1: dropping the private cluster's database"
		maint="host=$(readlink -f "$dir/sock") dbname=postgres user=techmarket"
		psql_q "$maint" -c "DROP DATABASE techmarket WITH (FORCE)"
		psql_q "$maint" -c "CREATE DATABASE techmarket"
	fi
	if ! app_role "$MAIN_URL"; then
		noacl=(--no-acl)
		echo "no role techmarket_app (this role may not make it): restoring without the grants to it, as the migration would have"
	fi
	echo "restoring $file"
	# One transaction: a restore that fails leaves the database empty.
	# --no-owner: the restoring role owns what it makes, as a migration's
	# objects belong to the role that ran it.
	"$PGBIN/pg_restore" --single-transaction --no-owner "${noacl[@]}" \
	    -d "$MAIN_URL" "$file" ||
	    die "pg_restore failed: nothing restored (see its messages above)"
	migrate_steps "$MAIN_URL"
	restore_secrets_check "$MAIN_URL"
	echo "restored: make run serves it"
}

usage() {
	echo "usage: conf/tm.sh deps|run|stop|test [pytest args, tests/web, tests/web/X.test.mjs]|lint|fuzz SECONDS [TARGET...]|admin EMAIL|demo-accounts|migrate URL|bench|bench-data N [bench|varied]|rotate-key|backup|restore FILE" >&2
	exit 2
}

main() {
	local cmd=${1:-}
	[ $# -gt 0 ] && shift
	cd "$ROOT"
	case $cmd in
	deps)		deps ;;
	run)		cmd_run ;;
	stop)		cmd_stop ;;
	test)		cmd_test "$@" ;;
	lint)		cmd_lint ;;
	fuzz)		[ $# -ge 1 ] || usage; cmd_fuzz "$@" ;;
	admin)		cmd_admin "$@" ;;
	demo-accounts)	cmd_demo_accounts ;;
	migrate)	[ $# -eq 1 ] || usage; migrate "$1" ;;
	bench)		cmd_bench ;;
	bench-data)	cmd_bench_data "$@" ;;
	rotate-key)	cmd_rotate_key ;;
	backup)		cmd_backup ;;
	restore)	cmd_restore "$@" ;;
	*)		usage ;;
	esac
}

# Sourcing the file (for its functions) does not run anything.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	main "$@"
fi
