package history

import (
	"encoding/json"
	"strings"
	"testing"
)

// BenchmarkUnmarshalJob decodes one Export line the way Import does and
// the way encoding/json does: the gap is what each import pass saves. The
// long line's prompt has the ~1 KB of plain words real prompts have.
func BenchmarkUnmarshalJob(b *testing.B) {
	short := exportLine(b)
	long := strings.Replace(short, `"prompt":"`, `"prompt":"`+strings.Repeat("a slow dolly shot over the misty harbour ", 25), 1)
	for _, d := range []struct {
		name   string
		line   string
		decode func([]byte, *Job) error
	}{
		{"import", short, unmarshalJob},
		{"encoding-json", short, func(b []byte, j *Job) error { return json.Unmarshal(b, j) }},
		{"import-long", long, unmarshalJob},
		{"encoding-json-long", long, func(b []byte, j *Job) error { return json.Unmarshal(b, j) }},
	} {
		line := []byte(d.line)
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
