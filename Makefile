# mlplatform: run `make` for the list of targets.
SHELL := /usr/bin/env bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

STACK ?= aws-dev
FORMAT ?= text
# How long each fuzz target runs. A count of inputs (Nx), not a duration: with
# a duration, go1.26's fuzz coordinator can fail a clean run with "context
# deadline exceeded" when the deadline fires while a worker is mid-call
# (golang/go#75804, fixed in go1.27). A count has no deadline to race. Each
# default is about ten seconds' worth on 2 cores; FUZZTIME=30s and the like
# still work, with that race.
FUZZ_PARSE_TIME ?= $(or $(FUZZTIME),30000x)
FUZZ_MUTATE_TIME ?= $(or $(FUZZTIME),4000x)
FUZZ_FILTER_TIME ?= $(or $(FUZZTIME),200000x)
GO ?= go
# No DWARF debug information, compiled or linked: a smaller binary, a shorter
# link, and about a tenth less compile CPU (docs/build-and-plan-cost.md);
# panics still print a stack trace with function names and lines.
# Every go command make runs shares these flags and so one build cache; a
# plain `go test` outside make builds its own (with DWARF) once.
export GOFLAGS := $(strip $(shell $(GO) env GOFLAGS) -gcflags=all=-dwarf=false -ldflags=-w)
BIN := bin
# The Pulumi program's prebuilt binary, named in Pulumi.yaml (see `program`).
PROGRAM := $(BIN)/mlplatform

PULUMI_MISSING := the pulumi CLI is not installed: install it (https://www.pulumi.com/docs/install/), run 'pulumi login', then retry. Offline, 'make plan STACK=$(STACK)' shows the same stack without it.

##@ General

.PHONY: help
help: ## Show this help.
	@awk 'BEGIN {FS = ":.*##"; printf "Usage: make <target> [STACK=aws-dev]\n"} \
		/^[a-zA-Z_-]+:.*?##/ { printf "  \033[36m%-18s\033[0m %s\n", $$1, $$2 } \
		/^##@/ { printf "\n\033[1m%s\033[0m\n", substr($$0, 5) }' $(MAKEFILE_LIST)

##@ Offline (no credentials, no pulumi CLI)

.PHONY: plan
plan: $(BIN)/mlplat ## Show every resource STACK would create (FORMAT=json for the JSON document).
	@$(BIN)/mlplat plan --stack $(STACK) --format $(FORMAT)

.PHONY: render
render: $(BIN)/mlplat ## Write STACK's Kubernetes objects and Helm releases as YAML into OUT (default out/<stack>).
	@$(BIN)/mlplat render --stack $(STACK) --out $(or $(OUT),out/$(STACK))

.PHONY: build
build: $(BIN)/mlplat $(PROGRAM) ## Build bin/mlplat and the Pulumi program's binary.

$(BIN)/mlplat: FORCE
	@mkdir -p $(BIN)
	@$(GO) build -o $@ ./cmd/mlplat

# The Pulumi program, prebuilt: Pulumi.yaml's runtime.options.binary names
# this file, so pulumi preview and up run it instead of compiling the
# program each time. Every target that runs pulumi rebuilds it first (a
# no-op when nothing changed, from the build cache); run `make program`
# before calling pulumi yourself (docs/build-and-plan-cost.md).

.PHONY: program
program: $(PROGRAM) ## Build the Pulumi program's binary, bin/mlplatform, that Pulumi.yaml runs.

$(PROGRAM): FORCE
	@mkdir -p $(BIN)
	@$(GO) build -o $@ .

.PHONY: FORCE
FORCE:

##@ Tests

.PHONY: test
test: verify lint-workflows vet-integration unit fuzz test-cluster ## Run every test: lint, workflows, unit, golden, plan, upstream checks, rule tests, a short fuzz run and the control-plane suite.

# Upstream facts: what the third-party projects ship at the pinned versions
# (released chart versions, values.yaml and schemas, CRDs, exporter metric
# lists). Looked for in $(MLPLAT_UPSTREAM), then ../shared/upstream (CI
# here), then .cache/upstream. Found, `make test` requires the checks that
# read them (MLPLAT_REQUIRE_UPSTREAM=1: a missing file fails); not found,
# those checks skip and `make upstream` says which and why.
UPSTREAM_DIR := $(firstword $(foreach d,$(MLPLAT_UPSTREAM) $(CURDIR)/../shared/upstream $(CURDIR)/.cache/upstream,$(if $(wildcard $(d)/releases.yaml),$(abspath $(d)))))
export MLPLAT_UPSTREAM := $(UPSTREAM_DIR)
export MLPLAT_REQUIRE_UPSTREAM := $(if $(UPSTREAM_DIR),1,0)

.PHONY: upstream
upstream: ## Say where the upstream facts come from, or which checks skip without them.
	@if [ -n "$(UPSTREAM_DIR)" ]; then echo "upstream facts: $(UPSTREAM_DIR)"; else \
	  echo "WARNING: no upstream facts (looked in MLPLAT_UPSTREAM, ../shared/upstream, .cache/upstream)."; \
	  echo "WARNING: these checks SKIP: TestPinsAreReleased, TestHelmValuesExistUpstream, TestCheckFindsUnknownValues, TestDCGMCatalogueMatchesTheExporter and the control-plane suite's CRDs;"; \
	  echo "WARNING: run 'make upstream-fetch' (it needs the charts' repositories on the network), or set MLPLAT_UPSTREAM."; fi

.PHONY: upstream-fetch
upstream-fetch: ## Fetch the pinned charts' facts from their repositories into .cache/upstream (for a machine without shared/upstream).
	$(GO) run ./test/upstream/fetch --dir $(CURDIR)/.cache/upstream

.PHONY: unit
unit: upstream prometheus-tools ## Run the unit, component, stack and plan tests, the upstream checks, the rule tests and the non-compliant policy fixture.
	MLPLAT_PROMETHEUS_TOOLS=$(PROMETHEUS_TOOLS) $(GO) test -count=1 ./... ./test/testdata/noncompliant

# promtool (and promql-names, this project's wrapper around Prometheus's
# PromQL parser) build from test/tools/prometheus into .cache/tools/<key>,
# keyed by that module's files; -tags remove_all_sd leaves out the service
# discovery plugins promtool's rule tests never use.
PROMETHEUS_KEY := $(shell cat test/tools/prometheus/go.mod test/tools/prometheus/go.sum test/tools/prometheus/promql-names/main.go 2>/dev/null | sha256sum | cut -c1-16)
PROMETHEUS_TOOLS := $(CURDIR)/.cache/tools/prometheus-$(PROMETHEUS_KEY)

.PHONY: prometheus-tools
prometheus-tools: $(PROMETHEUS_TOOLS)/.complete ## Build promtool and promql-names once (about 3 minutes cold on 2 cores).

$(PROMETHEUS_TOOLS)/.complete:
	@mkdir -p $(PROMETHEUS_TOOLS)
	cd test/tools/prometheus && $(GO) build -tags remove_all_sd -o $(PROMETHEUS_TOOLS)/ github.com/prometheus/prometheus/cmd/promtool ./promql-names
	@touch $@

# The control-plane binaries (etcd, kube-apiserver, kube-controller-manager,
# kube-scheduler, kubectl, kwok) build from the pinned modules under
# test/cluster/tools into .cache/cluster/<key>, keyed by those modules'
# go.mod and go.sum: a version change builds a new set, later runs reuse it.
CLUSTER_KEY := $(shell cat test/cluster/tools/kube/go.mod test/cluster/tools/kube/go.sum test/cluster/tools/kwok/go.mod test/cluster/tools/kwok/go.sum 2>/dev/null | sha256sum | cut -c1-16)
CLUSTER_BIN := $(CURDIR)/.cache/cluster/$(CLUSTER_KEY)

.PHONY: cluster-bins
cluster-bins: $(CLUSTER_BIN)/.complete ## Build the control-plane binaries once (about 12 minutes cold on 2 cores).

$(CLUSTER_BIN)/.complete:
	@mkdir -p $(CLUSTER_BIN)
	cd test/cluster/tools/kube && $(GO) build -o $(CLUSTER_BIN)/ go.etcd.io/etcd/server/v3 k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl
	mv $(CLUSTER_BIN)/server $(CLUSTER_BIN)/etcd
	cd test/cluster/tools/kwok && $(GO) build -o $(CLUSTER_BIN)/ sigs.k8s.io/kwok/cmd/kwok
	@touch $@

.PHONY: test-cluster
test-cluster: upstream cluster-bins ## Apply aws-dev and azure-dev, with the pinned charts' CRDs, to a real control plane with kwok nodes.
	MLPLAT_CLUSTER_BIN=$(CLUSTER_BIN) $(GO) test -tags cluster -count=1 -v -timeout 20m ./test/cluster

.PHONY: fuzz
fuzz: ## Fuzz the environment loader (arbitrary bytes, structural mutations of the committed files) and the payload filter (FUZZTIME=<N>x or a duration; default about 10 s each).
	$(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZ_PARSE_TIME) -fuzzminimizetime 1s ./environments
	$(GO) test -run '^$$' -fuzz '^FuzzMutate$$' -fuzztime $(FUZZ_MUTATE_TIME) -fuzzminimizetime 1s ./environments
	$(GO) test -run '^$$' -fuzz '^FuzzFilter$$' -fuzztime $(FUZZ_FILTER_TIME) -fuzzminimizetime 1s ./cmd/payload-filter/filter

.PHONY: fuzz-plan
fuzz-plan: ## Fuzz mlplat plan end to end with mutated environment files for FUZZTIME (its instrumented build takes about 15 min cold on 2 cores, so make test runs only its seeds and 200 fixed mutations).
	$(GO) test -run '^$$' -fuzz '^FuzzPlan$$' -fuzztime $(or $(FUZZTIME),2000x) -fuzzminimizetime 5s ./cmd/mlplat

.PHONY: vet-integration
vet-integration: ## Compile the integration tests (they need a cloud to run); TestOnlyTaggedPackagesCarryBuildTags keeps the list whole.
	$(GO) vet -tags integration ./test/integration/...
	$(GO) vet -tags cluster ./test/cluster

.PHONY: verify
verify: lint ## go vet, gofmt, the import rules (test/imports) and the generated docs' freshness.
	$(GO) test -count=1 ./test/imports ./components/names ./policies/rules ./test/docfile -run 'TestImportRules|TestRulesCatchWhatTheyForbid|TestOnlyTaggedPackagesCarryBuildTags|TestProductLinksNoTesting|DocIsCurrent|ComponentReferencesAreCurrent'

.PHONY: lint
lint: ## go vet and a gofmt check.
	$(GO) vet ./...
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt would change:"; echo "$$unformatted"; exit 1; fi

# actionlint builds from its pinned module under test/tools/actionlint into
# .cache/tools/<key>, keyed like the control-plane binaries.
ACTIONLINT_KEY := $(shell cat test/tools/actionlint/go.mod test/tools/actionlint/go.sum 2>/dev/null | sha256sum | cut -c1-16)
ACTIONLINT := $(CURDIR)/.cache/tools/$(ACTIONLINT_KEY)/actionlint

$(ACTIONLINT):
	@mkdir -p $(dir $@)
	cd test/tools/actionlint && $(GO) build -o $@ github.com/rhysd/actionlint/cmd/actionlint

.PHONY: lint-workflows
lint-workflows: $(ACTIONLINT) ## Check every GitHub Actions workflow with actionlint.
	$(ACTIONLINT) -no-color .github/workflows/*.yml

.PHONY: docs
docs: ## Regenerate docs/policies.md, docs/components/names.md and the reference blocks of docs/components/*.md.
	$(GO) test ./policies/rules -run PoliciesDoc -update
	$(GO) test ./components/names -run NamesDoc -update
	$(GO) test ./test/docfile -run ComponentReferences -update

.PHONY: build-cost
build-cost: ## Build bin/mlplat with an empty build cache and print where the time went, per module and package (about 10 min on 2 cores).
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	GOCACHE=$$tmp/cache $(GO) build -debug-actiongraph=$$tmp/graph.json -o $$tmp/mlplat ./cmd/mlplat && \
	$(GO) run ./test/buildcost --graph $$tmp/graph.json --binary $$tmp/mlplat

.PHONY: golden-update
golden-update: ## Rewrite test/golden (resource lists, rendered manifests) after a reviewed change.
	$(GO) test ./stacks -run Golden -update
	$(GO) test ./cmd/mlplat -run Rendered -update

.PHONY: test-integration
test-integration: $(PROGRAM) ## Deploy, check and destroy a real stack (needs pulumi, aws CLI, credentials, MLPLAT_IT_PUBLIC_CIDR).
	$(GO) test -tags integration -count=1 -timeout 150m -v ./test/integration/...

##@ Real deployments (pulumi CLI and cloud credentials)

.PHONY: preview
preview: require-pulumi $(PROGRAM) ## pulumi preview of STACK (shows the diff).
	pulumi preview --stack $(STACK) --diff

.PHONY: up
up: require-pulumi $(PROGRAM) ## pulumi up of STACK.
	pulumi up --stack $(STACK)

.PHONY: destroy
destroy: require-pulumi ## pulumi destroy of STACK.
	pulumi destroy --stack $(STACK)

.PHONY: require-pulumi
require-pulumi:
	@command -v pulumi >/dev/null 2>&1 || { echo "$(PULUMI_MISSING)" >&2; exit 1; }
