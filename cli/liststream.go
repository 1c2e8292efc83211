package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"

	"github.com/soratui/soratui/history"
)

// streams reports whether list prints its jobs one by one, holding none
// but the current one: every job (--limit 0) as rows for a pipe or as a
// plain JSON array. A terminal table needs all rows for its column widths
// and total, and --jq and --template need the whole array.
func (o listOptions) streams(d display) bool {
	return o.limit == 0 && o.out.code == nil && o.out.tmpl == nil && (o.out.enabled() || !d.tty)
}

// streamList prints the jobs of q as they are read, through a buffer, in
// the same bytes writeJobRows or writeJSON would print for the whole list.
func streamList(ctx context.Context, w io.Writer, store *history.Store, q history.Query, asJSON bool) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	if !asJSON {
		err := store.Each(ctx, q, func(j history.Job) error {
			return writeJobRows(bw, []history.Job{j})
		})
		if err != nil {
			return err
		}
		return bw.Flush()
	}
	var elem bytes.Buffer
	enc := json.NewEncoder(&elem)
	enc.SetEscapeHTML(false)
	enc.SetIndent("  ", "  ")
	n := 0
	err := store.Each(ctx, q, func(j history.Job) error {
		elem.Reset()
		if n == 0 {
			elem.WriteString("[\n  ")
		} else {
			elem.WriteString(",\n  ")
		}
		n++
		if err := enc.Encode(j); err != nil {
			return err
		}
		_, err := bw.Write(bytes.TrimSuffix(elem.Bytes(), []byte("\n")))
		return err
	})
	if err != nil {
		return err
	}
	if n == 0 {
		bw.WriteString("[]\n")
	} else {
		bw.WriteString("\n]\n")
	}
	return bw.Flush()
}
