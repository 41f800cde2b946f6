package docfile

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/doc"
	"go/parser"
	"go/printer"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
)

// Markers delimit the generated reference of a component page; the prose
// around them is written by hand.
const (
	Begin = "<!-- BEGIN GENERATED from the package's godoc by make docs; edit the Go doc comments, not this block -->"
	End   = "<!-- END GENERATED -->"
)

// Reference renders a component package's reference from its source: its
// type tokens (exported string constants ending in Type whose value starts
// with "mlplatform:"), every exported ...Args struct with each field's type
// and doc comment, and every component's registered outputs (fields with a
// pulumi:"..." tag of a struct embedding pulumi.ResourceState).
func Reference(dir, importPath string) (string, error) {
	fset := token.NewFileSet()
	entries, err := os.ReadDir(dir)
	if err != nil {
		return "", err
	}
	var files []*ast.File
	for _, e := range entries {
		n := e.Name()
		if !strings.HasSuffix(n, ".go") || strings.HasSuffix(n, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, n), nil, parser.ParseComments)
		if err != nil {
			return "", err
		}
		files = append(files, f)
	}
	pkg, err := doc.NewFromFiles(fset, files, importPath)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString(Begin + "\n\n## Reference\n\nPackage `" + importPath + "`.\n")
	if tokens := typeTokens(pkg); len(tokens) > 0 {
		b.WriteString("\n### Type tokens\n\n| constant | token |\n|---|---|\n")
		for _, t := range tokens {
			fmt.Fprintf(&b, "| `%s` | `%s` |\n", t[0], t[1])
		}
	}
	var ctors []string
	for _, t := range pkg.Types {
		for _, f := range t.Funcs {
			if strings.HasPrefix(f.Name, "New") {
				ctors = append(ctors, "func "+f.Name+strings.TrimPrefix(expr(fset, f.Decl.Type), "func"))
			}
		}
	}
	if len(ctors) > 0 {
		b.WriteString("\n### Constructors\n\n```go\n" + strings.Join(ctors, "\n") + "\n```\n")
	}
	// Struct types an Args field uses (node pool specs, models, scale
	// sets) are arguments too.
	argTypes := map[string]bool{}
	for _, t := range pkg.Types {
		if strings.HasSuffix(t.Name, "Args") {
			argTypes[t.Name] = true
		}
	}
	for grew := true; grew; {
		grew = false
		for _, t := range pkg.Types {
			st := structOf(t)
			if st == nil || !argTypes[t.Name] {
				continue
			}
			ast.Inspect(st, func(n ast.Node) bool {
				if id, ok := n.(*ast.Ident); ok && id.IsExported() && !argTypes[id.Name] {
					argTypes[id.Name], grew = true, true
				}
				return true
			})
		}
	}
	for _, t := range pkg.Types {
		st := structOf(t)
		if st == nil {
			continue
		}
		switch {
		case argTypes[t.Name] && !embedsResourceState(st):
			fmt.Fprintf(&b, "\n### `%s`\n\n%s\n| field | type | what it does |\n|---|---|---|\n", t.Name, paragraph(t.Doc))
			for _, f := range st.Fields.List {
				if len(f.Names) == 0 || !f.Names[0].IsExported() {
					continue
				}
				fmt.Fprintf(&b, "| %s | `%s` | %s |\n", names(f), expr(fset, f.Type), cell(f.Doc.Text()))
			}
		case embedsResourceState(st):
			var rows []string
			for _, f := range st.Fields.List {
				if f.Tag == nil || len(f.Names) == 0 {
					continue
				}
				tag, _ := strconv.Unquote(f.Tag.Value)
				out := reflect.StructTag(tag).Get("pulumi")
				if out == "" {
					continue
				}
				rows = append(rows, fmt.Sprintf("| `%s` | `%s` | `%s` | %s |\n", names(f)[1:len(names(f))-1], out, expr(fset, f.Type), cell(f.Doc.Text())))
			}
			if len(rows) == 0 {
				continue
			}
			fmt.Fprintf(&b, "\n### Outputs of `%s`\n\n| field | output | type | meaning |\n|---|---|---|---|\n%s", t.Name, strings.Join(rows, ""))
		}
	}
	b.WriteString("\n" + End)
	return b.String(), nil
}

func typeTokens(pkg *doc.Package) [][2]string {
	var out [][2]string
	consts := append([]*doc.Value{}, pkg.Consts...)
	for _, t := range pkg.Types {
		consts = append(consts, t.Consts...)
	}
	for _, c := range consts {
		for _, spec := range c.Decl.Specs {
			vs := spec.(*ast.ValueSpec)
			for i, n := range vs.Names {
				if !n.IsExported() || !strings.HasSuffix(n.Name, "Type") || i >= len(vs.Values) {
					continue
				}
				lit, ok := vs.Values[i].(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					continue
				}
				v, _ := strconv.Unquote(lit.Value)
				if strings.HasPrefix(v, "mlplatform:") {
					out = append(out, [2]string{n.Name, v})
				}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i][0] < out[j][0] })
	return out
}

func structOf(t *doc.Type) *ast.StructType {
	for _, spec := range t.Decl.Specs {
		if ts, ok := spec.(*ast.TypeSpec); ok && ts.Name.Name == t.Name {
			st, _ := ts.Type.(*ast.StructType)
			return st
		}
	}
	return nil
}

func embedsResourceState(st *ast.StructType) bool {
	for _, f := range st.Fields.List {
		if sel, ok := f.Type.(*ast.SelectorExpr); ok && len(f.Names) == 0 && sel.Sel.Name == "ResourceState" {
			return true
		}
	}
	return false
}

func names(f *ast.Field) string {
	var out []string
	for _, n := range f.Names {
		out = append(out, n.Name)
	}
	return "`" + strings.Join(out, "`, `") + "`"
}

func expr(fset *token.FileSet, e ast.Expr) string {
	var buf bytes.Buffer
	_ = printer.Fprint(&buf, fset, e)
	return buf.String()
}

// cell puts a doc comment on one table line.
func cell(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	return strings.ReplaceAll(s, "|", `\|`)
}

// paragraph is a type's doc comment as a paragraph, or nothing.
func paragraph(s string) string {
	if s = cell(s); s == "" {
		return ""
	}
	return s + "\n"
}
