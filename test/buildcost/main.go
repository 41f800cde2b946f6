// Command buildcost reads the action graph a `go build
// -debug-actiongraph=<file>` run wrote and prints, as Markdown, where the
// build's time went: compile time per module, the costliest packages and the
// link, with the wall time from the first action's start to the last one's end.
//
// Usage:
//
//	go run ./test/buildcost --graph ag.json [--top 25] [--binary bin/mlplat]
//
// The graph records, for each action, when it started and finished and the
// compiler's user and system CPU; a package found in the build cache has no
// command and costs nothing, so a graph from a warm cache shows only what was
// rebuilt. `make build-cost` runs a cold build with an empty cache and this
// program on its graph.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sort"
	"strings"
	"time"
)

// action is the part of one action-graph entry this program reads (the JSON
// cmd/go writes for -debug-actiongraph, cmd/go/internal/work/action.go,
// actionJSON).
type action struct {
	Mode      string
	Package   string
	TimeStart time.Time
	TimeDone  time.Time
	CmdReal   time.Duration
	CmdUser   time.Duration
	CmdSys    time.Duration
}

func main() {
	graph := flag.String("graph", "", "action graph written by go build -debug-actiongraph (required)")
	top := flag.Int("top", 25, "how many of the costliest packages to list")
	binary := flag.String("binary", "", "the built binary, to report its size")
	flag.Parse()
	if *graph == "" {
		fmt.Fprintln(os.Stderr, "buildcost: --graph is required")
		os.Exit(2)
	}
	b, err := os.ReadFile(*graph)
	if err != nil {
		fmt.Fprintln(os.Stderr, "buildcost:", err)
		os.Exit(1)
	}
	var actions []action
	if err := json.Unmarshal(b, &actions); err != nil {
		fmt.Fprintf(os.Stderr, "buildcost: reading %s: %v\n", *graph, err)
		os.Exit(1)
	}
	modules, err := moduleOf(packagesOf(actions))
	if err != nil {
		fmt.Fprintln(os.Stderr, "buildcost:", err)
		os.Exit(1)
	}
	r := summarize(actions, modules)
	if *binary != "" {
		st, err := os.Stat(*binary)
		if err != nil {
			fmt.Fprintln(os.Stderr, "buildcost:", err)
			os.Exit(1)
		}
		r.BinaryBytes = st.Size()
	}
	r.write(os.Stdout, *top)
}

// packagesOf lists the packages the graph compiled.
func packagesOf(actions []action) []string {
	var out []string
	seen := map[string]bool{}
	for _, a := range actions {
		if a.Mode == "build" && a.Package != "" && !seen[a.Package] {
			seen[a.Package] = true
			out = append(out, a.Package)
		}
	}
	sort.Strings(out)
	return out
}

// moduleOf maps each package to its module ("std" for the standard library)
// with `go list`, run from the current directory's module.
func moduleOf(pkgs []string) (map[string]string, error) {
	out := map[string]string{}
	if len(pkgs) == 0 {
		return out, nil
	}
	args := append([]string{"list", "-e", "-f", "{{.ImportPath}} {{if .Module}}{{.Module.Path}}{{else}}std{{end}}"}, pkgs...)
	b, err := exec.Command("go", args...).Output()
	if err != nil {
		return nil, fmt.Errorf("go list of the graph's packages: %w", err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if f := strings.Fields(line); len(f) == 2 {
			out[f[0]] = f[1]
		}
	}
	return out, nil
}

// cost is the time one package or module took.
type cost struct {
	Name     string
	Packages int
	// CPU is the compiler's user and system time; Wall its elapsed time.
	CPU, Wall time.Duration
}

// report is what one graph shows.
type report struct {
	Wall, CPU, Link time.Duration
	Compiled        int
	Packages        []cost
	Modules         []cost
	BinaryBytes     int64
}

func summarize(actions []action, modules map[string]string) report {
	var r report
	var first, last time.Time
	byModule := map[string]*cost{}
	for _, a := range actions {
		if a.TimeStart.IsZero() || a.TimeDone.IsZero() {
			continue
		}
		if first.IsZero() || a.TimeStart.Before(first) {
			first = a.TimeStart
		}
		if a.TimeDone.After(last) {
			last = a.TimeDone
		}
		cpu := a.CmdUser + a.CmdSys
		r.CPU += cpu
		switch {
		case a.Mode == "link":
			r.Link += a.TimeDone.Sub(a.TimeStart)
		case a.Mode == "build" && a.CmdReal > 0:
			r.Compiled++
			wall := a.TimeDone.Sub(a.TimeStart)
			r.Packages = append(r.Packages, cost{Name: a.Package, Packages: 1, CPU: cpu, Wall: wall})
			m := modules[a.Package]
			if m == "" {
				m = "(unknown)"
			}
			c := byModule[m]
			if c == nil {
				c = &cost{Name: m}
				byModule[m] = c
			}
			c.Packages++
			c.CPU += cpu
			c.Wall += wall
		}
	}
	if !first.IsZero() {
		r.Wall = last.Sub(first)
	}
	for _, c := range byModule {
		r.Modules = append(r.Modules, *c)
	}
	byCPU := func(s []cost) {
		sort.Slice(s, func(i, j int) bool {
			if s[i].CPU != s[j].CPU {
				return s[i].CPU > s[j].CPU
			}
			return s[i].Name < s[j].Name
		})
	}
	byCPU(r.Packages)
	byCPU(r.Modules)
	return r
}

func (r report) write(w io.Writer, top int) {
	fmt.Fprintf(w, "Wall time %s, compiler and linker CPU %s, %d packages compiled, link %s",
		round(r.Wall), round(r.CPU), r.Compiled, round(r.Link))
	if r.BinaryBytes > 0 {
		fmt.Fprintf(w, ", binary %.0f MB", float64(r.BinaryBytes)/1e6)
	}
	fmt.Fprintln(w, ".")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| module | packages | CPU | share |")
	fmt.Fprintln(w, "|---|---:|---:|---:|")
	for _, m := range r.Modules {
		fmt.Fprintf(w, "| %s | %d | %s | %s |\n", m.Name, m.Packages, round(m.CPU), share(m.CPU, r.CPU))
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| package | CPU | wall |")
	fmt.Fprintln(w, "|---|---:|---:|")
	for i, p := range r.Packages {
		if i == top {
			break
		}
		fmt.Fprintf(w, "| %s | %s | %s |\n", p.Name, round(p.CPU), round(p.Wall))
	}
}

func round(d time.Duration) time.Duration {
	if d >= time.Minute {
		return d.Round(time.Second)
	}
	return d.Round(100 * time.Millisecond)
}

func share(part, whole time.Duration) string {
	if whole == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f%%", 100*float64(part)/float64(whole))
}
