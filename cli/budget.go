package cli

import (
	"errors"
	"fmt"
	"io"

	"github.com/soratui/soratui/apidot"
	"github.com/soratui/soratui/ledger"
)

// estimate is the catalog price of reqs together.
func estimate(reqs []apidot.Request) int {
	total := 0
	for _, r := range reqs {
		total += int(apidot.Price(r.WithDefaults()))
	}
	return total
}

// checkBudget refuses, before anything is recorded or sent, a submit
// whose estimate would take this month past monthly_budget; overBudget
// (--over-budget) lets it through on purpose and says so on stderr.
func (a *app) checkBudget(reqs []apidot.Request, overBudget bool, stderr io.Writer) error {
	return a.checkBudgetFor(estimate(reqs), overBudget, stderr)
}

// checkBudgetFor is checkBudget for an estimate in credits.
func (a *app) checkBudgetFor(credits int, overBudget bool, stderr io.Writer) error {
	eff, err := a.settings()
	if err != nil || eff.MonthlyBudget <= 0 {
		return err
	}
	store, err := a.openStore()
	if err != nil {
		return err
	}
	month, err := ledger.Month(store, a.env.now())
	if err != nil {
		return err
	}
	err = ledger.CheckBudget(eff.MonthlyBudget, month, credits)
	if err == nil {
		return nil
	}
	if overBudget {
		fmt.Fprintf(stderr, "soratui: %v; sent anyway (--over-budget)\n", err)
		return nil
	}
	return budgetError(err)
}

// budgetError is the usage error (exit 2) of a refused budget, with the
// ways forward.
func budgetError(err error) error {
	var over *ledger.OverBudgetError
	if !errors.As(err, &over) {
		return err
	}
	return &UsageError{Err: fmt.Errorf("%w; nothing was sent", err),
		Help: "Raise monthly_budget in config.toml (see 'soratui config'), or add --over-budget to send it anyway."}
}
