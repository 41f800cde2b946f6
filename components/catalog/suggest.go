package catalog

import "strings"

// maxSuggestDistance is how many single-character edits a misspelling may be
// from a known name and still be suggested; more than that is a different name.
const maxSuggestDistance = 2

// Suggest returns the catalogue name closest to a misspelt one, or "" when none
// is close enough to be a plausible typo.
func (c *Catalog) Suggest(cloud Cloud, name string) string {
	return ClosestOf(name, c.Names(cloud))
}

// ClosestOf returns the candidate closest to s within maxSuggestDistance, or "".
// The environment loader uses it to suggest field names for unknown keys.
func ClosestOf(s string, candidates []string) string {
	best, bestDist := "", maxSuggestDistance+1
	for _, c := range candidates {
		if d := editDistance(strings.ToLower(s), strings.ToLower(c)); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

// Nearest returns the candidate closest to s however far it is (the first
// in order among equals), or "" when there are none: for messages that name
// the nearest real key even when it is no plausible typo.
func Nearest(s string, candidates []string) string {
	best, bestDist := "", -1
	for _, c := range candidates {
		if d := editDistance(strings.ToLower(s), strings.ToLower(c)); bestDist < 0 || d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, by rune.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
