// Command fetch lays out the upstream facts the tests check the toolkit
// against, for a machine without shared/upstream: each pinned chart's
// archive from its own repository (values, schema, subcharts, the CRDs it
// ships as files, the versions the repository lists), and the DCGM
// exporter's default counters from its source at the pinned tag. `make
// upstream-fetch` runs it into .cache/upstream.
package main

import (
	"flag"
	"fmt"
	"net/http"
	"os"
	"time"

	"github.com/pangea-ai/mlplatform/components/k8s/charts"
	"github.com/pangea-ai/mlplatform/test/upstream"
)

func main() {
	dir := flag.String("dir", ".cache/upstream", "where to lay the facts out")
	flag.Parse()
	var pins []upstream.Pin
	for _, c := range charts.All() {
		pins = append(pins, upstream.Pin{Repo: c.Repo, Name: c.Name, Version: c.Version})
	}
	f := &upstream.Fetcher{Dir: *dir, Client: &http.Client{Timeout: 2 * time.Minute},
		Files: map[string]string{
			// NVIDIA/dcgm-exporter tag 4.5.3-4.8.2 is chart 4.8.2.
			"metrics/dcgm-exporter-4.8.2-default-counters.csv": "https://raw.githubusercontent.com/NVIDIA/dcgm-exporter/4.5.3-4.8.2/etc/default-counters.csv",
		}}
	if err := f.Fetch(pins); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("upstream facts for %d charts in %s\n", len(pins), *dir)
}
