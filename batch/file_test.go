package batch_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/soratui/soratui/apidot"
	"github.com/soratui/soratui/batch"
)

var defaults = batch.Defaults{Model: apidot.ModelStandard, Duration: 4, Resolution: "1080p"}

func TestParseReadsJSONLinesAndCSV(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, file string
		labels     []string // Shot.Label per shot
		estimates  []int
	}{
		{"json lines", `{"prompt":"a red fox","model":"pro","duration":8}
{"prompt":"a hare","compare":["standard","pro-720p"]}

{"prompt":"an owl","compare":"standard,pro-1024p","duration":"12","name":"owl"}
`, []string{"Pro 1080p, 8 s", "Standard 720p vs Pro 720p, 4 s", "Standard 720p vs Pro 1024p, 12 s"}, []int{896, 240, 1104}},
		{"csv", "prompt,model,duration,compare\n\"a fox, in snow\",pro,8,\nan owl,,,\"standard,pro-720p\"\n", []string{"Pro 1080p, 8 s", "Standard 720p vs Pro 720p, 4 s"}, []int{896, 240}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			shots, err := batch.Parse(context.Background(), strings.NewReader(tt.file), defaults, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(shots) != len(tt.labels) {
				t.Fatalf("%d shots, want %d", len(shots), len(tt.labels))
			}
			for i, s := range shots {
				if s.Label() != tt.labels[i] || s.Estimate() != tt.estimates[i] {
					t.Errorf("shot %d: %s, %d credits; want %s, %d", i, s.Label(), s.Estimate(), tt.labels[i], tt.estimates[i])
				}
			}
		})
	}
}

func TestParseNamesEveryBadLine(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, file string
		want       []string
	}{
		{"json lines", `{"prompt":"a fox"}
{"prompt":"a hare","duration":7}
{"model":"pro"}
{"prompt":"an owl","colour":"red"}
not json
{"prompt":"a lynx","model":"standard","resolution":"1080p"}
{"prompt":"a seal","compare":"standard,ultra"}
{"prompt":"an elk","image":"ftp://x/y.png"}
`, []string{"line 2: duration: 7 s is not offered", "line 3: prompt: missing", "line 4: unknown field \"colour\"",
			"line 5: not a JSON object", "line 6: resolution: Standard is always 720p", "line 7: compare: ", "line 8: image: "}},
		{"csv", "prompt,duration\na fox,4\n,8\na hare,seven\n", []string{"line 3: prompt: must not be empty", "line 4: duration: \"seven\""}},
		{"csv bad header", "prompt,colour\na fox,red\n", []string{"line 1: unknown column \"colour\""}},
		{"empty", "\n\n", []string{"no shots"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := batch.Parse(context.Background(), strings.NewReader(tt.file), defaults, nil)
			var inv *batch.InvalidError
			if !errors.As(err, &inv) {
				t.Fatalf("err = %v, want an InvalidError", err)
			}
			if len(inv.Lines) != len(tt.want) {
				t.Errorf("%d bad lines, want %d:\n%v", len(inv.Lines), len(tt.want), err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
		})
	}
}

func TestImageCheckedOncePerURL(t *testing.T) {
	t.Parallel()
	file := `{"prompt":"a","image":"https://x/a.png"}
{"prompt":"b","image":"https://x/a.png"}
{"prompt":"c","image":"https://x/gone.png"}
`
	calls := 0
	check := func(_ context.Context, url string) error {
		calls++
		if strings.Contains(url, "gone") {
			return errors.New("unreachable")
		}
		return nil
	}
	_, err := batch.Parse(context.Background(), strings.NewReader(file), defaults, check)
	if err == nil || !strings.Contains(err.Error(), "line 3: image: unreachable") || calls != 2 {
		t.Errorf("err %v after %d checks; want line 3 named after 2 checks", err, calls)
	}
}

func TestKeysAreStableAndPositional(t *testing.T) {
	t.Parallel()
	parse := func(file string) []batch.Shot {
		s, err := batch.Parse(context.Background(), strings.NewReader(file), defaults, nil)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	a := parse("{\"prompt\":\"a fox\"}\n{\"prompt\":\"a fox\"}\n")
	b := parse("\n{\"prompt\":\"a fox\"}\n\n{\"prompt\":\"a fox\"}\n{\"prompt\":\"an owl\"}\n")
	if a[0].Key == a[1].Key {
		t.Error("two identical lines share a key: the second would never be sent")
	}
	if a[0].Key != b[0].Key || a[1].Key != b[1].Key {
		t.Error("blank lines or an added line changed the keys of the lines before")
	}
}
