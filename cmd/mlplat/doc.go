// Command mlplat is the toolkit's command line.
//
//	mlplat plan --stack aws-dev [--format text|json] [--environment-file F]
//
// plan runs the real Pulumi program of a stack offline, under the recording
// mock monitor, and prints every resource it would register: a tree of
// components and resources with counts by type, or one JSON document
// {"stack", "environment", "resources", "violations", "cost", "deployTime",
// "placeholders"}, built by plan/offline. It needs no
// cloud credentials and no pulumi CLI. Exit codes: 0 the stack builds, 1 the
// program failed, 2 the environment file is invalid (every problem is
// printed), 64 the command line is wrong.
package main
