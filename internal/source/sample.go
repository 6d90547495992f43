package source

// Sample reads up to n data records' cells, for a look at the values (the
// mapping proposal reads them); a record with its own fault is read as far
// as it goes, and the first error ends the sample.
func (r *Reader) Sample(n int) [][]string {
	var sample [][]string
	for len(sample) < n {
		rec, err := r.Next()
		if err != nil {
			break
		}
		sample = append(sample, rec.Fields)
	}
	return sample
}
