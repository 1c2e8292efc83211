package apidot

import "fmt"

// Credits is an amount in APIDot credits; one credit is half a US cent.
type Credits int

// DollarsPerCredit is the catalog's exchange rate.
const DollarsPerCredit = 0.005

// EstimateNote labels every price soratui shows.
const EstimateNote = "estimate from the APIDot catalog"

// Dollars converts credits to US dollars.
func (c Credits) Dollars() float64 { return float64(c) * DollarsPerCredit }

// String reads "448 credits ($2.24)".
func (c Credits) String() string {
	return fmt.Sprintf("%d credits ($%.2f)", int(c), c.Dollars())
}

// Per-second catalog prices.
var (
	standardPerSecond = Credits(12)
	proPerSecond      = map[string]Credits{"720p": 48, "1024p": 80, "1080p": 112}
)

// Price estimates what r costs from the APIDot catalog, after the defaults
// soratui sends (4 s, Pro at 720p). It is 0 for a model or resolution the
// catalog does not list.
func Price(r Request) Credits {
	r = r.WithDefaults()
	switch r.Model {
	case ModelStandard:
		return standardPerSecond * Credits(r.Duration)
	case ModelPro:
		return proPerSecond[r.Resolution] * Credits(r.Duration)
	}
	return 0
}
