package apidot_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/soratui/soratui/apidot"
	"github.com/soratui/soratui/apidot/apidottest"
)

func TestStatusReadsCreditsAmount(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		amount string // the raw JSON value; "" leaves the field out
		want   int    // -1: no amount
	}{
		{"number", `240`, 240},
		{"numeric string", `"96"`, 96},
		{"refunded", `0`, 0},
		{"absent", ``, -1},
		{"null", `null`, -1},
		{"negative", `-5`, -1},
		{"text", `"lots"`, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			field := ""
			if tt.amount != "" {
				field = `,"credits_amount":` + tt.amount
			}
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.Write([]byte(`{"code":200,"data":{"task_id":"t1","status":"finished"` + field + `}}`))
			}))
			defer srv.Close()
			c := apidot.NewClient("sk-test", apidot.WithBaseURL(srv.URL))
			task, err := c.Status(context.Background(), "t1")
			if err != nil {
				t.Fatal(err)
			}
			got := -1
			if task.CreditsAmount != nil {
				got = *task.CreditsAmount
			}
			if got != tt.want {
				t.Errorf("credits amount = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestSimulatorReportsChargesAndRefunds(t *testing.T) {
	t.Parallel()
	s := apidottest.NewTestServer(t, apidottest.Options{CreditsFactor: 0.5})
	c := newClient(t, s)
	for _, tt := range []struct {
		prompt string
		want   int
	}{{"a lighthouse", 24}, {"a duel [fail]", 0}} {
		_, got := submitAndStatus(t, c, tt.prompt)
		if got.CreditsAmount == nil || *got.CreditsAmount != tt.want {
			t.Errorf("%s: credits amount %v, want %d", tt.prompt, got.CreditsAmount, tt.want)
		}
	}
}
