package mapping

// ProposeValues returns the value lines the proposal would write for the
// distinct values of a column feeding field (a status or a country): an
// ATS's status translated to Comeet's, a close spelling of a country.
// Values the field takes by itself, and those the proposal cannot place,
// get none, and so do fields of no closed set. It serves a person who chose the column's field after the
// proposal (the page).
func ProposeValues(field, column string, values []string) []ValueMap {
	t, err := parseField(field)
	if err != nil || autoValue(t.kind) == nil {
		return nil // not a field of a closed set of values
	}
	vs := make([]distinctValue, len(values))
	for i, v := range values {
		vs[i] = distinctValue{text: v, count: 1}
	}
	pr := &Proposal{Mapping: &Mapping{}}
	pr.proposeValues(t, column, vs)
	return pr.Mapping.Values
}
