# pluggy-go: every tool the targets need is installed by the targets themselves.
GO ?= go
STATICCHECK_VERSION ?= v0.7.0
BIN := $(CURDIR)/.bin
STATICCHECK := $(BIN)/staticcheck
PKGS := ./...
# Every module of the repository (the root and each directory with a go.mod,
# such as ./sqltest); vet, staticcheck and the tests run in each.
MODULES := $(patsubst %/go.mod,%,$(shell find . -name go.mod -not -path './.bin/*' | sort))

.PHONY: test lint fmt-check vet staticcheck unit bench cover examples fuzz

## test: everything CI checks: formatting, vet, staticcheck and the race-enabled tests.
test: fmt-check vet staticcheck unit

fmt-check:
	@out="$$(gofmt -l .)"; if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	@set -e; for m in $(MODULES); do echo "go vet $$m"; (cd $$m && $(GO) vet $(PKGS)); done

$(STATICCHECK):
	GOBIN=$(BIN) $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)

staticcheck: $(STATICCHECK)
	@set -e; for m in $(MODULES); do echo "staticcheck $$m"; (cd $$m && $(STATICCHECK) $(PKGS)); done

lint: fmt-check vet staticcheck

unit:
	@set -e; for m in $(MODULES); do echo "go test $$m"; (cd $$m && $(GO) test -race -count=1 $(PKGS)); done

## bench: the benchmarks, with allocations.
bench:
	$(GO) test -run '^$$' -bench . -benchmem $(PKGS)

## cover: test coverage per package and a total.
cover:
	$(GO) test -count=1 -coverprofile=coverage.out $(PKGS)
	$(GO) tool cover -func=coverage.out | tail -1

## examples: build every example and run each against the built-in fake API.
examples:
	$(GO) build ./examples/...
	$(GO) run ./examples/quickstart
	$(GO) run ./examples/connect </dev/null
	$(GO) run ./examples/webhook-server
	$(GO) run ./examples/pix-payment
	cd examples/otel && $(GO) run .

## fuzz: fuzz every parser of what a server or a sender can send, one target
## after the other, for FUZZTIME each (a duration, or a count such as
## 1000000x); FUZZFLAGS adds flags (-parallel=1). Each target's seed corpus
## (f.Add seeds and testdata/fuzz) also runs in `make test`.
FUZZTIME ?= 30s
FUZZFLAGS ?=
FUZZ = $(GO) test -run '^$$' -fuzztime $(FUZZTIME) $(FUZZFLAGS) -fuzz
fuzz:
	$(FUZZ) '^FuzzParseWebhookEvent$$' .
	$(FUZZ) '^FuzzWebhookHandler$$' .
	$(FUZZ) '^FuzzParseError$$' .
	$(FUZZ) '^FuzzParse$$' ./internal/jwtexp
	$(FUZZ) '^FuzzDecimal$$' .
	$(FUZZ) '^FuzzDate$$' .
	$(FUZZ) '^FuzzTimestamp$$' .
	$(FUZZ) '^FuzzItem$$' .
	$(FUZZ) '^FuzzParameter$$' .
	$(FUZZ) '^FuzzPaymentRequest$$' .
	$(FUZZ) '^FuzzPaymentIntent$$' .
