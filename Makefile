GO      ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)

.PHONY: build test fmt-check vet bench demo man

## build: compile bin/soratui (stamped with the commit when git is there)
build:
	$(GO) build -buildvcs=auto -ldflags "$(LDFLAGS)" -o bin/soratui .

## man: the manual page, man/soratui.1, from the commands' help
man:
	@mkdir -p man
	$(GO) run . man > man/soratui.1

# The go command writes each test binary to its work folder and runs it from
# there; on a disk-backed /tmp those writes cost seconds of a run. A memory
# folder takes them when it is writable, allows running programs and has
# 1 GiB free (a run keeps ~60 MB there at most). GOTMPDIR set by you wins.
GOTMPDIR ?= $(shell d=/dev/shm; f=$$(mktemp -p $$d soratui-exec.XXXXXX 2>/dev/null) || exit 0; \
	printf '#!/bin/sh\n' >$$f; chmod +x $$f; \
	if $$f 2>/dev/null && [ "$$(df -Pk $$d | awk 'NR==2{print $$4}')" -ge 1048576 ]; then echo $$d; fi; \
	rm -f $$f)

## test: formatting, vet, and every test with the race detector
test: fmt-check vet
	GOTMPDIR=$(GOTMPDIR) $(GO) test -race -count=1 ./...

fmt-check:
	@out="$$(gofmt -l .)"; if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

## bench: the performance figures of SPEC §5, as one table (a few minutes)
bench:
	GO=$(GO) $(GO) run ./internal/benchreport $(BENCHFLAGS)

## demo: the app against the built-in simulator, no key needed
demo:
	$(GO) run -ldflags "$(LDFLAGS)" . --demo
