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

## test: formatting, vet, and every test with the race detector
test: fmt-check vet
	$(GO) test -race -count=1 ./...

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
