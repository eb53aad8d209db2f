# venvscope — plain Makefile. `make run` and `make test` are the two commands
# README promises; both install missing Debian packages first (make deps).

PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
MANDIR  ?= $(PREFIX)/share/man
DATADIR ?= $(PREFIX)/share/venvscope
# Where each shell looks for completions on its own (bash-completion's
# lazy loading, zsh's fpath, fish's vendor folder).
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR  ?= $(PREFIX)/share/zsh/site-functions
FISHCOMPDIR ?= $(PREFIX)/share/fish/vendor_completions.d
DESTDIR ?=

CC      ?= cc
PKGS    := ncursesw libgit2 libcjson
OPT     ?= -O2 -g
WARN    := -std=c11 -Wall -Wextra -Wshadow -Wstrict-prototypes
# One build folder per flavour, so a -Werror or sanitizer build never reuses
# objects made with other flags.
BUILD   ?= build/release
EXTRA_CFLAGS ?=
EXTRA_LDFLAGS ?=

PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# libgit2 is not linked: src/scan/git2_lazy.c loads it on first use (its
# dozen dependencies cost ~2.5 ms at every start), by the soname built against.
PKG_LIBS   = $(shell pkg-config --libs ncursesw libcjson 2>/dev/null) -ldl
GIT2_SONAME := $(shell readelf -d $$(pkg-config --variable=libdir libgit2 2>/dev/null)/libgit2.so 2>/dev/null \
	| sed -n 's/.*SONAME.*\[\(.*\)\].*/\1/p')
CMOCKA_CFLAGS = $(shell pkg-config --cflags cmocka 2>/dev/null)
CMOCKA_LIBS   = $(shell pkg-config --libs cmocka 2>/dev/null)
# Unit tests may build repositories with libgit2 directly.
GIT2_LIBS     = $(shell pkg-config --libs libgit2 2>/dev/null)

VERSION := $(shell cat VERSION 2>/dev/null || echo 0.0.0)
ALL_CFLAGS = $(WARN) $(OPT) -D_GNU_SOURCE -DVS_VERSION='"$(VERSION)"' -pthread \
	$(if $(GIT2_SONAME),-DVS_GIT2_SONAME='"$(GIT2_SONAME)"') \
	-MMD -MP $(PKG_CFLAGS) $(EXTRA_CFLAGS) $(CFLAGS)
ALL_LDFLAGS = -pthread $(EXTRA_LDFLAGS) $(LDFLAGS)

SRC      := $(sort $(wildcard src/*.c src/*/*.c))
LIB_SRC  := $(filter-out src/main.c,$(SRC))
THEMES   := $(sort $(wildcard themes/*))
GEN_OBJ  := $(BUILD)/gen/themes.o
OBJ      := $(SRC:%.c=$(BUILD)/%.o) $(GEN_OBJ)
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o) $(GEN_OBJ)
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/unit/%)
HELPER_SRC := $(sort $(wildcard tests/unit/helpers/*.c))
HELPER_OBJ := $(HELPER_SRC:%.c=$(BUILD)/%.o)

.SECONDARY:
.PHONY: all deps run test test-build check asan asan-build asan-ci fuzz bench screenshots install uninstall deb clean format

all: venvscope

venvscope: $(BUILD)/venvscope
	@cp $< $@.tmp && mv -f $@.tmp $@

$(BUILD)/venvscope: $(OBJ)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) -o $@ $(OBJ) $(ALL_LDFLAGS) $(PKG_LIBS)

# The theme files, built into the binary.
$(BUILD)/gen/themes.c: $(THEMES) scripts/embed-themes.sh
	@mkdir -p $(@D)
	$(Q)scripts/embed-themes.sh $(THEMES) > $@

$(BUILD)/gen/themes.o: $(BUILD)/gen/themes.c
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -Isrc -c -o $@ $<

# Quiet by default; `make V=1` shows every command.
Q := $(if $(V),,@)

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/tests/unit/%.o: tests/unit/%.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) $(CMOCKA_CFLAGS) -Isrc -c -o $@ $<

$(BUILD)/tests/unit/test_%: $(BUILD)/tests/unit/test_%.o $(LIB_OBJ) $(HELPER_OBJ)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) -o $@ $^ $(ALL_LDFLAGS) $(PKG_LIBS) $(GIT2_LIBS) $(CMOCKA_LIBS)

deps:
	@scripts/deps.sh

run: deps
	@$(MAKE) --no-print-directory all
	./venvscope

# Build everything with -Werror into its own folder, then run every test.
test-build:
	@$(MAKE) --no-print-directory BUILD=build/test EXTRA_CFLAGS=-Werror \
		build/test/venvscope $(UNIT_BIN:$(BUILD)/%=build/test/%)

test: deps
	@$(MAKE) --no-print-directory test-build
	@VENVSCOPE=build/test/venvscope UNIT_DIR=build/test/tests/unit tests/run.sh

check: test

ASAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
# Leaks are reported (detect_leaks=1); tests/lsan.supp names the only ones
# let through, which are third-party libraries' own.
ASAN_ENV := ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
	UBSAN_OPTIONS=print_stacktrace=1 \
	VENVSCOPE=build/asan/venvscope UNIT_DIR=build/asan/tests/unit

asan-build:
	@$(MAKE) --no-print-directory BUILD=build/asan OPT='-O1 -g' \
		EXTRA_CFLAGS='-Werror $(ASAN_FLAGS)' EXTRA_LDFLAGS='$(ASAN_FLAGS)' \
		build/asan/venvscope $(UNIT_BIN:$(BUILD)/%=build/asan/%)

# Every test under ASan+UBSan.
asan: deps
	@$(MAKE) --no-print-directory asan-build
	@$(ASAN_ENV) tests/run.sh

# CI's sanitizer pass: the unit tests and the command-line e2e tests, without
# the browser sessions in tmux (make test runs those), so it stays quick.
asan-ci: deps
	@$(MAKE) --no-print-directory asan-build
	@$(ASAN_ENV) E2E_NO_BROWSER=1 tests/run.sh

FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
fuzz: $(BUILD)/gen/themes.c
	@mkdir -p build/fuzz
	@for f in $(FUZZ_SRC); do \
		n=$$(basename $$f .c); \
		echo "clang -fsanitize=fuzzer,address,undefined $$f"; \
		clang -g -O1 -std=c11 -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined -Isrc \
			$(PKG_CFLAGS) -o build/fuzz/$$n $$f $(filter-out src/main.c,$(SRC)) $(BUILD)/gen/themes.c \
			$(PKG_LIBS) -pthread || exit 1; \
		build/fuzz/$$n -max_total_time=$${FUZZ_SECONDS:-20} -rss_limit_mb=1024 || exit 1; \
	done

bench: all
	@VS_EXTRA_PKGS='gdu ncdu fd-find' scripts/deps.sh
	@bench/run.sh

# Regenerates screenshots/*.png from real runs (needs tmux, aha, chromium).
screenshots: all
	@VS_EXTRA_PKGS='aha chromium' scripts/deps.sh
	@scripts/screenshots.sh

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(DATADIR)/themes \
		$(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR) $(DESTDIR)$(FISHCOMPDIR)
	install -m 755 venvscope $(DESTDIR)$(BINDIR)/venvscope
	install -m 644 doc/venvscope.1 $(DESTDIR)$(MANDIR)/man1/venvscope.1
	install -m 644 $(THEMES) $(DESTDIR)$(DATADIR)/themes/
	install -m 644 completions/venvscope.bash $(DESTDIR)$(BASHCOMPDIR)/venvscope
	install -m 644 completions/_venvscope $(DESTDIR)$(ZSHCOMPDIR)/_venvscope
	install -m 644 completions/venvscope.fish $(DESTDIR)$(FISHCOMPDIR)/venvscope.fish

# Removes what install put, file by file: the shared folders (bin, man1,
# the completion folders) stay; venvscope's own data folder goes when empty.
uninstall:
	rm -f $(DESTDIR)$(BINDIR)/venvscope $(DESTDIR)$(MANDIR)/man1/venvscope.1 \
		$(THEMES:themes/%=$(DESTDIR)$(DATADIR)/themes/%) \
		$(DESTDIR)$(BASHCOMPDIR)/venvscope $(DESTDIR)$(ZSHCOMPDIR)/_venvscope \
		$(DESTDIR)$(FISHCOMPDIR)/venvscope.fish
	rmdir $(DESTDIR)$(DATADIR)/themes $(DESTDIR)$(DATADIR) 2>/dev/null || true

# build/venvscope_VERSION_ARCH.deb: a stripped release build with Debian's
# hardening flags in its own folder, then scripts/make-deb.sh (dpkg-deb,
# dpkg-shlibdeps; lintian checks it). Installs dpkg-dev first if needed.
DEB_BUILD := build/deb-obj
deb: export DEB_BUILD_MAINT_OPTIONS = hardening=+all
deb:
	@VS_EXTRA_PKGS='dpkg-dev' scripts/deps.sh
	@# Objects made with other flags are not reused: the folder starts over.
	@f="$$(dpkg-buildflags --get CFLAGS; dpkg-buildflags --get CPPFLAGS; dpkg-buildflags --get LDFLAGS)"; \
	if [ "$$f" != "$$(cat $(DEB_BUILD)/flags 2>/dev/null)" ]; then \
		rm -rf $(DEB_BUILD) && mkdir -p $(DEB_BUILD) && printf '%s\n' "$$f" > $(DEB_BUILD)/flags; fi
	@$(MAKE) --no-print-directory BUILD=$(DEB_BUILD) OPT='' \
		CFLAGS="$$(dpkg-buildflags --get CFLAGS)" \
		EXTRA_CFLAGS="$$(dpkg-buildflags --get CPPFLAGS)" \
		EXTRA_LDFLAGS="$$(dpkg-buildflags --get LDFLAGS)" $(DEB_BUILD)/venvscope
	@scripts/make-deb.sh $(DEB_BUILD)/venvscope $(GIT2_SONAME)

# Every C file of ours, headers too: src/, the unit tests and their helpers,
# the fuzz targets (not build/, which is generated). Style: .clang-format.
FORMAT_FILES := $(sort $(wildcard src/*.[ch] src/*/*.[ch] tests/unit/*.[ch] \
	tests/unit/helpers/*.[ch] tests/fuzz/*.[ch]))
format:
	clang-format -i $(FORMAT_FILES)

clean:
	rm -rf build venvscope

-include $(OBJ:.o=.d) $(UNIT_BIN:=.d)
