package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/pangea-ai/mlplatform/plan/estimate"
)

// writeCostTable prints the cost estimate as an aligned table: one line per
// component with its hourly cost at the node groups' min, desired and max
// sizes and its monthly cost at desired sizes, then the total, where the
// prices come from and the notes. The detail goes last, so long details do
// not push the figures apart.
func writeCostTable(w io.Writer, c estimate.Cost) {
	fmt.Fprintf(w, "\nCost estimate (%s, %g h/month): prices: %s as of %s\n\n", c.Currency, c.HoursPerMonth, c.PriceRegion, c.PriceAsOf)
	header := []string{"component", "$/h min", "$/h desired", "$/h max", "$/month desired", "detail"}
	rows := [][]string{header}
	for _, l := range c.Components {
		rows = append(rows, []string{l.Component, hourly(l.Hourly.Min), hourly(l.Hourly.Desired), hourly(l.Hourly.Max), monthly(l.Monthly.Desired), l.Detail})
	}
	h := estimate.Range{Min: c.Total.Min / c.HoursPerMonth, Desired: c.Total.Desired / c.HoursPerMonth, Max: c.Total.Max / c.HoursPerMonth}
	if c.HoursPerMonth == 0 {
		h = estimate.Range{}
	}
	total := []string{"total", hourly(h.Min), hourly(h.Desired), hourly(h.Max), monthly(c.Total.Desired),
		fmt.Sprintf("%s to %s a month between min and max sizes", monthly(c.Total.Min), monthly(c.Total.Max))}
	rows = append(rows, total)

	width := make([]int, len(header))
	for _, r := range rows {
		for i, cell := range r {
			if n := len([]rune(cell)); n > width[i] {
				width[i] = n
			}
		}
	}
	for i, r := range rows {
		if i == len(rows)-1 {
			fmt.Fprintf(w, "  %s\n", strings.Repeat("-", width[0]+2+width[1]+2+width[2]+2+width[3]+2+width[4]))
		}
		var b strings.Builder
		for j, cell := range r {
			pad := strings.Repeat(" ", width[j]-len([]rune(cell)))
			switch {
			case j == 0:
				b.WriteString(cell + pad)
			case j == len(r)-1:
				b.WriteString(cell)
			default:
				b.WriteString(pad + cell) // figures align right
			}
			if j < len(r)-1 {
				b.WriteString("  ")
			}
		}
		fmt.Fprintf(w, "  %s\n", strings.TrimRight(b.String(), " "))
	}
	if len(c.Notes) > 0 {
		fmt.Fprintf(w, "\nCost notes:\n")
		for _, n := range c.Notes {
			fmt.Fprintf(w, "  - %s\n", n)
		}
	}
}

// hourly prints an hourly figure to a hundredth of a cent: hourly prices
// such as $0.005 for a public IP would vanish at cents.
func hourly(v float64) string { return fmt.Sprintf("%.4f", v) }

// monthly prints a monthly figure in cents, with thousands separators.
func monthly(v float64) string { return money(v) }

// money prints v in dollars and cents with thousands separators: "1,234.50".
func money(v float64) string {
	s := fmt.Sprintf("%.2f", v)
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	whole, cents := s[:len(s)-3], s[len(s)-3:]
	var b strings.Builder
	for i, d := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(d)
	}
	return sign + b.String() + cents
}
