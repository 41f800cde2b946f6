// Command policies is the mlplatform Pulumi policy pack:
//
//	pulumi preview --policy-pack policies
//
// The rules live in policies/rules; policies/pack serves them.
package main

import (
	"fmt"
	"os"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/policyx"

	"github.com/pangea-ai/mlplatform/policies/pack"
)

func main() {
	err := policyx.Main(func(*pulumi.Context) (policyx.PolicyPack, error) {
		return pack.New(pack.Options{Log: func(s string) { fmt.Fprintln(os.Stderr, s) }})
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
