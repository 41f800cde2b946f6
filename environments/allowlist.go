package environments

import (
	"fmt"
	"net/netip"
	"sort"
)

// noRepeats reports every entry of a list that repeats an earlier one.
func (v *validator) noRepeats(path string, entries []string, fix string) {
	first := map[string]int{}
	for i, e := range entries {
		if j, ok := first[e]; ok {
			v.ps.add(fmt.Sprintf("%s[%d]", path, i), q(e), fmt.Sprintf("repeats %s[%d]", path, j), fix)
			continue
		}
		first[e] = i
	}
}

// allowList checks an IP allow-list as a whole, after its entries one by
// one: an entry that repeats or lies inside an earlier one is a mistake
// (an edit that meant to change it changed nothing), and entries that
// together cover every IPv4 address open the service to the whole
// internet as surely as 0.0.0.0/0 (0.0.0.0/1 plus 128.0.0.0/1). An entry
// no request to a public endpoint can come from (a private or reserved
// range) admits nobody, and a list longer than the cloud takes is refused
// by it half-way through an update.
func (v *validator) allowList(path string, entries []string, service string, limits ...listLimit) {
	for _, l := range limits {
		if len(entries) > l.max {
			v.ps.add(path, fmt.Sprintf("%d entries", len(entries)), fmt.Sprintf("%s allows at most %d", l.whose, l.max), "merge adjacent ranges into wider ones")
		}
	}
	type entry struct {
		i int
		p netip.Prefix
	}
	var valid []entry
	for i, s := range entries {
		p, err := netip.ParsePrefix(s)
		if err != nil || !p.Addr().Is4() || p.Masked() != p {
			continue // reported by the entry's own check
		}
		if what := unreachableRange(p); what != "" {
			v.ps.add(fmt.Sprintf("%s[%d]", path, i), q(s), fmt.Sprintf("is a %s range: no request to %s comes from it, so it admits nobody", what, service),
				"list the public egress CIDRs of the office and CI")
		}
		for _, e := range valid {
			if covers(e.p, p) {
				rule := fmt.Sprintf("repeats %s[%d]", path, e.i)
				if e.p != p {
					rule = fmt.Sprintf("lies inside %s[%d] (%s): it adds nothing", path, e.i, e.p)
				}
				v.ps.add(fmt.Sprintf("%s[%d]", path, i), q(s), rule, "remove it, or correct the one you meant to change")
				break
			}
		}
		valid = append(valid, entry{i, p})
	}
	if len(valid) < 2 {
		return // a single /0 is the entry check's finding
	}
	// Merge the ranges and see whether they leave any address out.
	type span struct{ lo, hi uint64 }
	spans := make([]span, 0, len(valid))
	for _, e := range valid {
		a := e.p.Addr().As4()
		lo := uint64(a[0])<<24 | uint64(a[1])<<16 | uint64(a[2])<<8 | uint64(a[3])
		spans = append(spans, span{lo, lo + (uint64(1) << (32 - e.p.Bits())) - 1})
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].lo < spans[j].lo })
	var next uint64
	for _, s := range spans {
		if s.lo > next {
			return
		}
		next = max(next, s.hi+1)
	}
	if next == 1<<32 {
		v.ps.add(path, fmt.Sprintf("%d entries", len(entries)), "together they cover every IPv4 address: "+service+" would be open to the whole internet", "list the office and CI egress CIDRs only")
	}
}
