// Package plan is the offline plan's engine: it runs a Pulumi program under the SDK's mock monitor and
// records every resource it registers: type, name, parent, inputs and options.
// Resource is the one planned-resource type: the plan document prints it,
// the estimators (plan/estimate) price it and the policy rules build their
// view from it (rules.FromPlan). Its inputs are plain values (plan/props).
//
// It is the engine of `mlplat plan` and, through the test-only package
// test/recorder, the harness of every component test,
// so the tests and the plan see exactly the same resources. Computed outputs
// (ids, ARNs, endpoints, the OIDC issuer) are made up plausibly and
// deterministically from each resource's URN, so plans and golden files are
// stable; every invoke the toolkit makes is answered, and an unknown invoke is
// an error rather than a silent empty answer.
//
// What a recording does not prove: that a cloud accepts the inputs, that
// computed values look like the real ones in every detail, or that anything
// deploys. Those are the integration tests' job (build tag integration).
package plan
