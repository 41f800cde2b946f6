package docfile

import (
	"os"
	"path/filepath"
	"testing"
)

// TestReference renders a small component package and asserts every line.
func TestReference(t *testing.T) {
	dir := t.TempDir()
	src := `package widget

import "github.com/pulumi/pulumi/sdk/v3/go/pulumi"

// WidgetType is the component's type token.
const WidgetType = "mlplatform:test:Widget"

// WidgetArgs configure a Widget.
type WidgetArgs struct {
	// Size is how big | wide. Required.
	Size int
	// Parts are the widget's parts.
	Parts []Part
	hidden string
}

// Part is one part.
type Part struct {
	// Name names it.
	Name string
}

// Widget is a widget.
type Widget struct {
	pulumi.ResourceState

	// ID is the widget's id.
	ID pulumi.StringOutput ` + "`pulumi:\"id\"`" + `
	// Note is not an output.
	Note string
}

// NewWidget creates a widget.
func NewWidget(ctx *pulumi.Context, name string, args *WidgetArgs, opts ...pulumi.ResourceOption) (*Widget, error) {
	return nil, nil
}
`
	if err := os.WriteFile(filepath.Join(dir, "widget.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := Reference(dir, "example.com/widget")
	if err != nil {
		t.Fatal(err)
	}
	want := Begin + "\n\n## Reference\n\nPackage `example.com/widget`.\n" +
		"\n### Type tokens\n\n| constant | token |\n|---|---|\n| `WidgetType` | `mlplatform:test:Widget` |\n" +
		"\n### Constructors\n\n```go\nfunc NewWidget(ctx *pulumi.Context, name string, args *WidgetArgs, opts ...pulumi.ResourceOption) (*Widget, error)\n```\n" +
		"\n### `Part`\n\nPart is one part.\n\n| field | type | what it does |\n|---|---|---|\n| `Name` | `string` | Name names it. |\n" +
		"\n### Outputs of `Widget`\n\n| field | output | type | meaning |\n|---|---|---|---|\n| `ID` | `id` | `pulumi.StringOutput` | ID is the widget's id. |\n" +
		"\n### `WidgetArgs`\n\nWidgetArgs configure a Widget.\n\n| field | type | what it does |\n|---|---|---|\n| `Size` | `int` | Size is how big \\| wide. Required. |\n| `Parts` | `[]Part` | Parts are the widget's parts. |\n" +
		"\n" + End
	if got != want {
		t.Errorf("Reference =\n%s\nwant\n%s", got, want)
	}
}
