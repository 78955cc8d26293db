# parlance: build, test and demo. GNU make.
#   make deps     install missing Debian -dev packages (root) or print how
#   make          build bin/parlance
#   make check    build and run every test, then again under ASan+UBSan
#   make demo     run the main job on the shipped corpora

CC      ?= cc
PKGS    := libutf8proc jansson openblas libpcre2-8 yaml-0.1
DEBS    := libutf8proc-dev libjansson-dev libopenblas-dev libpcre2-dev \
           libyaml-dev pkg-config

BUILD   ?= build
CFLAGS  ?= -O2 -g
WARN    := -std=c11 -Wall -Wextra -Wshadow -Wstrict-prototypes -Wno-unused-parameter
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
ALL_CFLAGS = $(WARN) $(CFLAGS) -Iinclude -Itoolkit $(PKG_CFLAGS) -MMD -MP
LDLIBS  = $(PKG_LIBS) -lm

LIB_SRC  := $(sort $(wildcard toolkit/*.c))
CLI_SRC  := $(sort $(wildcard toolkit/cli/*.c))
TEST_SRC := $(sort $(wildcard tests/test_*.c))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/%.o)
TEST_BIN := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
REPLAY_BIN := $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/tests/%_replay)
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=build-fuzz/%)
FUZZ_SECONDS ?= 60
LIB      := $(BUILD)/libparlance.a
BIN      := $(BUILD)/parlance

SHARED_CORPORA ?= $(abspath ../shared/corpora)
export PARLANCE_CORPORA ?= $(SHARED_CORPORA)

.PHONY: all deps check check-plain check-san demo clean fuzz

all: deps-ok $(BIN) bin/parlance

deps:
	@sh tools/deps.sh $(DEBS)

# Every build first makes sure the libraries are there (installing them
# when run as root), so a fresh machine needs no separate step.
.PHONY: deps-ok
deps-ok:
	@pkg-config --exists $(PKGS) 2>/dev/null || sh tools/deps.sh $(DEBS)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(LIB): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BIN): $(CLI_OBJ) $(LIB)
	$(CC) $(ALL_CFLAGS) $(CLI_OBJ) $(LIB) $(LDLIBS) -o $@

bin/parlance: $(BIN)
	@mkdir -p bin
	@ln -sf ../$(BIN) bin/parlance

$(BUILD)/tests/%: tests/%.c $(LIB) tests/check.h
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests $< $(LIB) $(LDLIBS) -o $@

# Each fuzz target also links against a small driver that replays its seed
# folder tests/fuzz/seeds/<name>/, so the test command runs every seed.
$(BUILD)/tests/%_replay: tests/fuzz/%.c tests/fuzz/replay.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -DREPLAY_NAME='"$*"' $< tests/fuzz/replay.c $(LIB) $(LDLIBS) -o $@

FUZZ_FLAGS := -O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
fuzz: deps-ok
	@$(MAKE) --no-print-directory BUILD=build-fuzz CC=clang \
	    CFLAGS="$(FUZZ_FLAGS)" build-fuzz/libparlance.a
	@for f in $(FUZZ_SRC); do n=$$(basename $$f .c); \
	  clang $(WARN) -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -Iinclude -Itoolkit \
	    $(PKG_CFLAGS) $$f build-fuzz/libparlance.a $(LDLIBS) -o build-fuzz/$$n || exit 1; \
	  mkdir -p build-fuzz/corpus/$$n; \
	  echo "fuzzing $$n for $(FUZZ_SECONDS)s"; \
	  build-fuzz/$$n -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
	    build-fuzz/corpus/$$n tests/fuzz/seeds/$$n || exit 1; done

check: deps-ok
	@$(MAKE) --no-print-directory check-plain
	@$(MAKE) --no-print-directory check-san

check-plain: $(BIN) $(TEST_BIN) $(REPLAY_BIN)
	@sh tests/run.sh tests $(TEST_BIN) $(REPLAY_BIN)

SAN := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
check-san:
	@$(MAKE) --no-print-directory BUILD=build-san CFLAGS="-O1 -g $(SAN)" \
	    LDFLAGS="$(SAN)" check-plain-san

.PHONY: check-plain-san
check-plain-san: $(BIN) $(TEST_BIN) $(REPLAY_BIN)
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
	 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	 sh tests/run.sh sanitizers $(TEST_BIN) $(REPLAY_BIN)

demo: all
	@sh tools/demo.sh $(BIN)

clean:
	rm -rf build build-san build-fuzz bin

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(TEST_BIN:=.d) $(REPLAY_BIN:=.d)
