// Command mlplatform is the Pulumi program; see stacks.Program.
package main

import "github.com/pangea-ai/mlplatform/stacks"

func main() { stacks.Main() }
