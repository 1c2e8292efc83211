package history

import (
	"encoding/json"
	"testing"
)

// BenchmarkUnmarshalJob decodes one Export line the way Import does and
// the way encoding/json does: the gap is what each import pass saves.
func BenchmarkUnmarshalJob(b *testing.B) {
	line := []byte(exportLine(b))
	for _, d := range []struct {
		name   string
		decode func([]byte, *Job) error
	}{
		{"import", unmarshalJob},
		{"encoding-json", func(b []byte, j *Job) error { return json.Unmarshal(b, j) }},
	} {
		b.Run(d.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				var j Job
				if err := d.decode(line, &j); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
