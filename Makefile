GO      ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)

.PHONY: build test fmt-check vet bench demo

## build: compile bin/soratui
build:
	$(GO) build -ldflags "$(LDFLAGS)" -o bin/soratui .

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
