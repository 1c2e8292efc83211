package ledger_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/soratui/soratui/history"
	"github.com/soratui/soratui/ledger"
)

func charged(n int) *int { return &n }

func TestClassify(t *testing.T) {
	tests := []struct {
		name    string
		job     history.Job
		kind    ledger.Kind
		credits int
	}{
		{"finished with the server's figure", history.Job{Status: history.StatusFinished, Credits: 96, CreditsCharged: charged(80)}, ledger.Billed, 80},
		{"finished without it: the estimate", history.Job{Status: history.StatusFinished, Credits: 96}, ledger.Billed, 96},
		{"failed and refunded", history.Job{Status: history.StatusFailed, Credits: 96, CreditsCharged: charged(0)}, ledger.Billed, 0},
		{"failed without a figure", history.Job{Status: history.StatusFailed, Credits: 96}, ledger.Maybe, 96},
		{"unconfirmed", history.Job{Status: history.StatusUnconfirmed, Credits: 48}, ledger.Maybe, 48},
		{"expired without a figure", history.Job{Status: "expired", Credits: 48}, ledger.Maybe, 48},
		{"rejected", history.Job{Status: history.StatusRejected, Credits: 48}, ledger.None, 0},
		{"submitting", history.Job{Status: history.StatusSubmitting, Credits: 48}, ledger.None, 0},
		{"running", history.Job{Status: history.StatusRunning, Credits: 48}, ledger.Pending, 48},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kind, n := ledger.Classify(tt.job)
			if kind != tt.kind || n != tt.credits {
				t.Errorf("Classify = %v, %d; want %v, %d", kind, n, tt.kind, tt.credits)
			}
		})
	}
}

func TestCheckBudget(t *testing.T) {
	month := ledger.Totals{Billed: 900, Pending: 50, Maybe: 10}
	tests := []struct {
		budget, estimate int
		over             bool
	}{
		{0, 1 << 30, false}, {1000, 40, false}, {1000, 41, true}, {500, 1, true},
	}
	for _, tt := range tests {
		err := ledger.CheckBudget(tt.budget, month, tt.estimate)
		var over *ledger.OverBudgetError
		if errors.As(err, &over) != tt.over {
			t.Errorf("budget %d estimate %d: %v, want over=%v", tt.budget, tt.estimate, err, tt.over)
		}
		if tt.over && !strings.Contains(err.Error(), "budget") {
			t.Errorf("message lacks the word budget: %v", err)
		}
	}
	if got := ledger.Left(1000, month); got != 40 {
		t.Errorf("Left = %d, want 40", got)
	}
}
