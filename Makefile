# pluggy-go: every tool the targets need is installed by the targets themselves.
GO ?= go
STATICCHECK_VERSION ?= v0.7.0
BIN := $(CURDIR)/.bin
STATICCHECK := $(BIN)/staticcheck
PKGS := ./...
# Every module of the repository (the root and each directory with a go.mod:
# ./sqltest, ./redis, examples with their own); vet, staticcheck and the
# tests run in each.
MODULES := $(patsubst %/go.mod,%,$(shell find . -name go.mod -not -path './.bin/*' | sort))

.PHONY: test lint fmt-check vet staticcheck unit bench cover examples fuzz bench-decoders bench-sweep

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

## bench: the benchmarks, with allocations. Each comparison (BenchmarkGetVsPlain,
## BenchmarkSweepVsPlain, BenchmarkDecodeTransactionsPage) runs the SDK beside its
## plain baseline in one process against one server, in alternating blocks, and
## reports both sides' ns and allocations per op or per transaction and the
## ratios sdk/baseline (ratio-ns, ratio-allocs).
BENCH ?= .
BENCHTIME ?= 1s
bench:
	$(GO) test -run '^$$' -bench '$(BENCH)' -benchtime $(BENCHTIME) -benchmem $(PKGS)

## bench-decoders: the JSON decoders considered for transaction pages and the other
## hot answers (Item, Page[Account], Page[Investment], PaymentIntent, PaymentRequest),
## side by side (encoding/json, go-json-experiment, goccy/go-json, the client's own),
## in a module of their own so that none becomes a dependency of the client.
bench-decoders:
	cd internal/jsonbench && $(GO) test -run '^$$' -bench . -benchtime 0.3s -count 3 .

## bench-sweep: whole processes: a pluggytest server (rate limits off) in one, the
## client in another, sweeping SWEEP_N transactions of one account, the plain
## sequential net/http + encoding/json loop beside Transactions.All with NoLimit,
## SWEEP_RUNS runs each after a warm-up: min/median/max of wall, client CPU
## (user+sys) and peak RSS, and the ratios pair by pair.
SWEEP_N ?= 1000000
SWEEP_RUNS ?= 3
bench-sweep:
	$(GO) build -o $(BIN)/sweepbench ./internal/cmd/sweepbench
	$(BIN)/sweepbench compare -n 100000 -runs $(SWEEP_RUNS)
	$(BIN)/sweepbench compare -n $(SWEEP_N) -runs $(SWEEP_RUNS)

## cover: test coverage per package and a total.
cover:
	$(GO) test -count=1 -coverprofile=coverage.out $(PKGS)
	$(GO) tool cover -func=coverage.out | tail -1

## examples: build every example and run each against the built-in fake API
## (examples/fleet also needs Redis: REDIS_URL, or redis-server on PATH).
examples:
	$(GO) build ./examples/...
	$(GO) run ./examples/quickstart
	$(GO) run ./examples/connect </dev/null
	$(GO) run ./examples/webhook-server
	$(GO) run ./examples/pix-payment
	cd examples/otel && $(GO) run .
	cd examples/fleet && $(GO) run .

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
	$(FUZZ) '^FuzzFastDecoder$$' .
	$(FUZZ) '^FuzzPlanDecoder$$' .
	$(FUZZ) '^FuzzSkipStructure$$' .
