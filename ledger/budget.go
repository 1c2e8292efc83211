package ledger

import (
	"fmt"

	"github.com/soratui/soratui/apidot"
)

// OverBudgetError refuses a submit whose estimate would take this month's
// committed credits past the monthly budget.
type OverBudgetError struct {
	Budget   int    // the monthly budget
	Month    Totals // this month so far
	Estimate int    // what the refused submit would cost
}

func (e *OverBudgetError) Error() string {
	spent := e.Month.Committed()
	left := max(e.Budget-spent, 0)
	s := fmt.Sprintf("over the monthly budget: %s this month (%d billed", apidot.Credits(spent), e.Month.Billed)
	if e.Month.Pending > 0 {
		s += fmt.Sprintf(", %d running", e.Month.Pending)
	}
	if e.Month.Maybe > 0 {
		s += fmt.Sprintf(", %d maybe", e.Month.Maybe)
	}
	return s + fmt.Sprintf(") + %d estimated = %d, past the budget of %d (%d left)",
		e.Estimate, spent+e.Estimate, e.Budget, left)
}

// CheckBudget returns an *OverBudgetError when budget is set (> 0) and
// month's committed credits plus estimate pass it.
func CheckBudget(budget int, month Totals, estimate int) error {
	if budget <= 0 || month.Committed()+estimate <= budget {
		return nil
	}
	return &OverBudgetError{Budget: budget, Month: month, Estimate: estimate}
}

// Left is what the budget still allows this month; 0 when spent.
func Left(budget int, month Totals) int { return max(budget-month.Committed(), 0) }
