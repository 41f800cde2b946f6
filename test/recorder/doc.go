// Package recorder is the test-only face of the offline plan's engine
// (package plan): the assertions that need the testing package
// (AssertInputs, ExpectRejected), and the engine's names under the ones
// the component tests have always used. Product code imports plan, never
// this package (test/imports enforces it).
package recorder
