package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"text/template"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/itchyny/gojq"
	"github.com/spf13/cobra"

	"github.com/soratui/soratui/internal/inert"
)

// jsonOutput is the --json, --jq and --template trio of a command that can
// print JSON, shaped as gh shapes its output: add it with addJSONFlags,
// test enabled() to choose JSON over the human form, and print with write.
//
//	var o fooOptions // with a field  out *jsonOutput
//	o.out = addJSONFlags(cmd, "print the foo as JSON", a.env.Now)
//	...
//	if o.out.enabled() {
//		return o.out.write(a.env.Stdout, value)
//	}
//
// The expression and the template are compiled before the command runs, so
// a mistake in either exits 2 with nothing sent.
type jsonOutput struct {
	json     bool
	jq       string
	template string

	code *gojq.Code
	tmpl *template.Template
	// now is the clock of the template's timeago.
	now func() time.Time
}

// addJSONFlags registers --json (described by what), --jq and --template
// on cmd and checks --jq and --template before cmd's own PreRunE runs.
// now is the clock the template's timeago reads (nil: time.Now).
func addJSONFlags(cmd *cobra.Command, what string, now func() time.Time) *jsonOutput {
	o := &jsonOutput{now: now}
	f := cmd.Flags()
	f.BoolVar(&o.json, "json", false, what)
	f.StringVarP(&o.jq, "jq", "q", "", "filter the JSON with a jq expression, e.g. '.[].id' (implies --json)")
	f.StringVarP(&o.template, "template", "t", "", "format the JSON with a Go template, e.g. '{{range .}}{{.id}}{{\"\\n\"}}{{end}}' (implies --json)")
	next := cmd.PreRunE
	cmd.PreRunE = func(c *cobra.Command, args []string) error {
		if err := o.compile(); err != nil {
			return &UsageError{Err: err, Help: usageHelp(c)}
		}
		if next != nil {
			return next(c, args)
		}
		return nil
	}
	return o
}

// enabled reports whether the command prints JSON (or a shaping of it)
// rather than its human form.
func (o *jsonOutput) enabled() bool {
	return o != nil && (o.json || o.jq != "" || o.template != "")
}

// compile parses --jq and --template once.
func (o *jsonOutput) compile() error {
	if o.jq != "" && o.template != "" {
		return fmt.Errorf("give --jq or --template, not both")
	}
	if o.jq != "" {
		q, err := gojq.Parse(o.jq)
		if err != nil {
			return fmt.Errorf("--jq: %w", err)
		}
		if o.code, err = gojq.Compile(q); err != nil {
			return fmt.Errorf("--jq: %w", err)
		}
	}
	if o.template != "" {
		t, err := template.New("template").Funcs(templateFuncs(o.clock())).Parse(o.template)
		if err != nil {
			return fmt.Errorf("--template: %w", err)
		}
		o.tmpl = t
	}
	return nil
}

func (o *jsonOutput) clock() func() time.Time {
	if o.now == nil {
		return time.Now
	}
	return o.now
}

// write prints v as indented JSON; with --jq, each result on its own line
// (strings raw, other values as compact JSON); with --template, the
// template run on v's JSON form (so fields go by their JSON names:
// {{.id}}, {{.created_at}}). Text from jq and templates reaches the
// terminal without control sequences.
func (o *jsonOutput) write(w io.Writer, v any) error {
	if o.code == nil && o.tmpl == nil {
		if err := o.compile(); err != nil {
			return &UsageError{Err: err}
		}
	}
	switch {
	case o.code != nil:
		data, err := jsonValue(v)
		if err != nil {
			return err
		}
		return runJQ(w, o.code, data)
	case o.tmpl != nil:
		data, err := jsonValue(v)
		if err != nil {
			return err
		}
		return runTemplate(w, o.tmpl, data)
	}
	return writeJSON(w, v)
}

// writeJSON prints v as indented JSON.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// jsonValue is v as jq and templates see it: its JSON form decoded into
// maps, slices and json.Numbers.
func jsonValue(v any) (any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var out any
	err = dec.Decode(&out)
	return out, err
}

func runJQ(w io.Writer, code *gojq.Code, data any) error {
	iter := code.Run(data)
	for {
		v, ok := iter.Next()
		if !ok {
			return nil
		}
		if err, ok := v.(error); ok {
			var halt *gojq.HaltError
			if errors.As(err, &halt) && halt.Value() == nil {
				return nil
			}
			return fmt.Errorf("--jq: %w", err)
		}
		var line string
		if s, ok := v.(string); ok {
			line = s
		} else {
			b, err := gojq.Marshal(v)
			if err != nil {
				return err
			}
			line = string(b)
		}
		if _, err := io.WriteString(w, inert.Text(line)+"\n"); err != nil {
			return err
		}
	}
}

func runTemplate(w io.Writer, t *template.Template, data any) error {
	var buf bytes.Buffer
	tw := tabwriter.NewWriter(&buf, 0, 4, 2, ' ', 0)
	t = template.Must(t.Clone()).Funcs(template.FuncMap{
		"tablerow": func(fields ...any) (string, error) {
			parts := make([]string, len(fields))
			for i, f := range fields {
				parts[i] = strings.ReplaceAll(fmt.Sprint(f), "\t", " ")
			}
			_, err := fmt.Fprintln(tw, strings.Join(parts, "\t"))
			return "", err
		},
		"tablerender": func() (string, error) { return "", tw.Flush() },
	})
	if err := t.Execute(&buf, inertValue(data)); err != nil {
		return fmt.Errorf("--template: %w", err)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// inertValue is a JSON value with every string made safe for a terminal,
// so a template prints server text literally while its own tabs and line
// breaks stay.
func inertValue(v any) any {
	switch v := v.(type) {
	case string:
		return inert.Text(v)
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = inertValue(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[inert.Line(k)] = inertValue(e)
		}
		return out
	}
	return v
}

// templateFuncs are the functions gh offers its templates, minus colour.
func templateFuncs(now func() time.Time) template.FuncMap {
	return template.FuncMap{
		"json": func(v any) (string, error) {
			b, err := json.Marshal(v)
			return string(b), err
		},
		"join": func(sep string, list []any) string {
			parts := make([]string, len(list))
			for i, v := range list {
				parts[i] = fmt.Sprint(v)
			}
			return strings.Join(parts, sep)
		},
		"pluck": func(field string, list []any) []any {
			var out []any
			for _, v := range list {
				if m, ok := v.(map[string]any); ok {
					out = append(out, m[field])
				}
			}
			return out
		},
		"truncate": func(n int, v any) string {
			return ansi.Truncate(fmt.Sprint(v), n, "…")
		},
		"timefmt": func(layout string, v any) (string, error) {
			t, err := time.Parse(time.RFC3339Nano, fmt.Sprint(v))
			return t.Local().Format(layout), err
		},
		"timeago": func(v any) (string, error) {
			t, err := time.Parse(time.RFC3339Nano, fmt.Sprint(v))
			return age(now(), t), err
		},
		// tablerow and tablerender are bound per run to the output.
		"tablerow":    func(...any) string { return "" },
		"tablerender": func() string { return "" },
	}
}
