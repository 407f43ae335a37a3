# Technology Market: build the Kore module and drive the two commands.
# conf/tm.sh does the work that is not compiling (packages, the private
# PostgreSQL cluster, migrations, starting Kore, tests, benchmarks).

CC		?= cc
BUILD		:= var/build
FEATURES	:= $(shell cat /usr/share/kore/features 2>/dev/null)
CFLAGS		+= -std=c11 -D_GNU_SOURCE -O2 -g -fPIC \
		   -Wall -Wextra -Werror -Iapp $(FEATURES)
# ICU: the NFC length of what clients send (app/utf8.c); PostgreSQL
# links the same library.
LDLIBS		:= -lpq -lsodium -lyajl -licuuc

# make test SAN=1: the module, tmctl and the unit tests built with ASan
# and UBSan, in a directory of their own so that the two builds never
# mix; conf/tm.sh preloads the runtime into Kore, which is not built
# with it, and fails the run on any report. Undefined behaviour stops
# the program: a report from the unit tests goes to stderr, not to the
# report files, and would otherwise pass unnoticed.
ifeq ($(SAN),1)
BUILD		:= var/build-san
SANFLAGS	:= -fsanitize=address,undefined -fno-omit-frame-pointer \
		   -fno-sanitize-recover=undefined
CFLAGS		+= $(SANFLAGS)
LDFLAGS		+= $(SANFLAGS)
endif

# Modules with no Kore runtime underneath: the unit tests link them
# with Kore's own buf.c and mem.c (problem.c with tests/unit/http_stub.c
# standing in for Kore's HTTP calls and the database step).
PURE		:= json.c validate.c email.c cursor.c crypto.c signkey.c utf8.c \
		   query.c messages.c router.c problem.c etag.c cors.c \
		   encoding.c csv.c client.c
PURE		+= auditchain.c html.c pagecache.c standby.c
# tmctl's own files are not the module's.
TOOL		:= app/tmctl.c app/migrate.c
SRC		:= $(filter-out $(TOOL),$(wildcard app/*.c))
OBJ		:= $(SRC:app/%.c=$(BUILD)/%.o)
MODULE		:= $(BUILD)/techmarket.so
UNIT		:= $(BUILD)/unit
TMCTL		:= $(BUILD)/tmctl
KORESRC		:= /usr/share/kore/src

.PHONY: all build deps run stop test unit lint bench bench-data admin \
		demo-accounts rotate-key backup restore clean fuzz fuzz-build \
		cluster cluster-stop test-cluster

all: build

# The web catalogue's text files, each gzipped beside the build.
WEB		:= $(wildcard assets/web/*)
WEBGZ		:= $(patsubst assets/web/%,$(BUILD)/web/%.gz, \
		   $(filter %.html %.js %.css %.svg %.json %.txt,$(WEB)))

build: $(MODULE) $(TMCTL) $(BUILD)/openapi.json.gz $(WEBGZ)

deps:
	@conf/tm.sh deps

$(BUILD):
	@mkdir -p $(BUILD)

$(BUILD)/%.o: app/%.c app/app.h app/queries.def | $(BUILD)
	$(CC) $(CFLAGS) -c -o $@ $<

# Linked aside and renamed: a running server has the old file mapped.
$(MODULE): $(OBJ)
	$(CC) -shared $(LDFLAGS) -o $@.tmp $(OBJ) $(LDLIBS)
	mv -f $@.tmp $@

# Compressed once here, so the server never compresses per request.
$(BUILD)/openapi.json.gz: assets/openapi.json | $(BUILD)
	gzip -9 -n -c assets/openapi.json >$@.tmp
	mv -f $@.tmp $@

$(BUILD)/web/%.gz: assets/web/%
	@mkdir -p $(BUILD)/web
	gzip -9 -n -c $< >$@.tmp
	mv -f $@.tmp $@

$(TMCTL): $(TOOL) app/crypto.c app/signkey.c app/email.c app/app.h | $(BUILD)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(TOOL) app/crypto.c app/signkey.c \
	    app/email.c $(LDLIBS)

$(UNIT): tests/unit/*.c tests/unit/*.h $(addprefix app/,$(PURE)) app/app.h \
    app/queries.def \
    | $(BUILD)
	$(CC) $(CFLAGS) $(LDFLAGS) -Wno-unused-function -Itests/unit \
	    -I/usr/include/kore -o $@ \
	    tests/unit/*.c $(addprefix app/,$(PURE)) \
	    $(KORESRC)/buf.c $(KORESRC)/mem.c $(LDLIBS)

unit: $(UNIT)
	./$(UNIT)

# libFuzzer harnesses of the parsers (tests/fuzz), built by clang with
# ASan and UBSan over the files that need no Kore runtime; tests/fuzz/
# shim.c allocates exact sizes where Kore's mem.c would round them up
# and hide an overflow. routes.c comes with a stub of every handler and
# body it names (taken from its undefined symbols), so the router is
# fuzzed over the real table.
FUZZCC		?= clang
FUZZBUILD	:= var/build-fuzz
FUZZ_SECONDS	?= 60
FUZZ_TARGETS	?= $(patsubst tests/fuzz/fuzz_%.c,%, \
		   $(wildcard tests/fuzz/fuzz_*.c))
FUZZSAN		:= -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZCFLAGS	:= -std=c11 -D_GNU_SOURCE -O1 -g -Wall -Wextra -Werror \
		   -Iapp -Itests/fuzz $(FEATURES)
FUZZPURE	:= json.c validate.c email.c cursor.c crypto.c utf8.c \
		   query.c router.c etag.c routes.c encoding.c cors.c \
		   client.c
FUZZOBJ		:= $(FUZZPURE:%.c=$(FUZZBUILD)/%.o) $(FUZZBUILD)/shim.o \
		   $(FUZZBUILD)/route_stubs.o
FUZZBIN		:= $(FUZZ_TARGETS:%=$(FUZZBUILD)/fuzz_%)

$(FUZZBUILD):
	@mkdir -p $(FUZZBUILD)

# fuzzer-no-link: instrumented, without libFuzzer's main(); undefined
# behaviour stops the run like a memory error.
$(FUZZBUILD)/%.o: app/%.c app/app.h app/queries.def | $(FUZZBUILD)
	$(FUZZCC) $(FUZZCFLAGS) $(FUZZSAN) \
	    -fsanitize=fuzzer-no-link,address,undefined -c -o $@ $<

$(FUZZBUILD)/%.o: tests/fuzz/%.c tests/fuzz/fuzz.h app/app.h | $(FUZZBUILD)
	$(FUZZCC) $(FUZZCFLAGS) $(FUZZSAN) \
	    -fsanitize=fuzzer-no-link,address,undefined -c -o $@ $<

# Of the names routes.c leaves undefined, an empty field list for each
# *_body and a handler that does nothing for every other.
$(FUZZBUILD)/route_stubs.c: app/routes.c app/app.h | $(FUZZBUILD)
	$(FUZZCC) $(FUZZCFLAGS) -c -o $(FUZZBUILD)/routes-plain.o app/routes.c
	{ echo '#include "app.h"'; nm -u $(FUZZBUILD)/routes-plain.o | \
	    awk '$$2 ~ /_body$$/ { print "const struct field " $$2 \
	    "[] = { FIELD_END };"; next } $$2 !~ /^_/ { print "int " $$2 \
	    "(struct rq *r) { (void)r; return (RQ_DONE); }" }'; } >$@.tmp
	mv -f $@.tmp $@

$(FUZZBUILD)/route_stubs.o: $(FUZZBUILD)/route_stubs.c
	$(FUZZCC) $(FUZZCFLAGS) -c -o $@ $<

$(FUZZBUILD)/fuzz_%: $(FUZZBUILD)/fuzz_%.o $(FUZZOBJ)
	$(FUZZCC) $(FUZZSAN) -fsanitize=fuzzer,address,undefined -o $@ \
	    $< $(FUZZOBJ) $(LDLIBS)

# Kept, so that a second make builds nothing.
.SECONDARY: $(FUZZOBJ) $(FUZZ_TARGETS:%=$(FUZZBUILD)/fuzz_%.o)

fuzz-build: $(FUZZBIN)

# make fuzz FUZZ_SECONDS=300 FUZZ_TARGETS=json: each target in turn.
fuzz:
	@conf/tm.sh deps
	@conf/tm.sh fuzz "$(FUZZ_SECONDS)" $(FUZZ_TARGETS)

run:
	@conf/tm.sh deps
	@$(MAKE) --no-print-directory build
	@conf/tm.sh run

stop:
	@conf/tm.sh stop

# A primary, a streaming standby, two Kore nodes and haproxy on PORT
# (conf/cluster.sh; README, "Running more than one node").
cluster:
	@conf/tm.sh deps
	@$(MAKE) --no-print-directory build
	@conf/cluster.sh cluster

cluster-stop:
	@conf/cluster.sh cluster-stop

test-cluster:
	@conf/tm.sh deps
	@$(MAKE) --no-print-directory build
	@conf/cluster.sh test-cluster

test:
	@conf/tm.sh deps
	@$(MAKE) --no-print-directory build $(UNIT)
	@TM_BUILD=$(abspath $(BUILD)) TM_SAN=$(SAN) conf/tm.sh test

# Redocly and Spectral on assets/openapi.json (make test runs it too).
lint:
	@conf/tm.sh lint

bench:
	@conf/tm.sh deps
	@$(MAKE) --no-print-directory build
	@conf/tm.sh bench

bench-data:
	@conf/tm.sh deps
	@$(MAKE) --no-print-directory build
	@conf/tm.sh bench-data "$(N)" "$(GEN)"

admin:
	@conf/tm.sh deps
	@$(MAKE) --no-print-directory build
	@conf/tm.sh admin "$(EMAIL)"

# PORT, HOST, DEMO, FORCE and DATABASE_URL reach conf/tm.sh from the
# command line (make exports them) or the environment.
demo-accounts:
	@conf/tm.sh deps
	@$(MAKE) --no-print-directory build
	@conf/tm.sh demo-accounts

rotate-key: build
	@conf/tm.sh rotate-key

# A pg_dump of the database make run uses, in var/backups (BACKUP_DIR=
# elsewhere); make restore FILE=... loads one into an empty database
# and migrates it (README, "Backups").
backup:
	@conf/tm.sh deps
	@conf/tm.sh backup

restore:
	@conf/tm.sh deps
	@$(MAKE) --no-print-directory build
	@conf/tm.sh restore "$(FILE)"

clean:
	rm -rf var/build var/build-san var/build-fuzz
