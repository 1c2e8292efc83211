package apidot

import (
	"fmt"
	"slices"
	"strings"
)

// API model names.
const (
	ModelStandard = "sora-2-official"
	ModelPro      = "sora-2-pro-official"
)

// Allowed values of the request fields, in the order a form offers them.
var (
	Durations    = []int{4, 8, 12, 16, 20}
	Resolutions  = []string{"720p", "1024p", "1080p"}
	AspectRatios = []string{"16:9", "9:16", "auto"}
)

// Defaults soratui always sends explicitly, so the estimate is the price.
const (
	DefaultDuration   = 4
	DefaultResolution = "720p"
)

// ParseModel accepts "standard", "pro" or an API model name, in any case,
// and returns the API name.
func ParseModel(s string) (string, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "standard", ModelStandard:
		return ModelStandard, nil
	case "pro", ModelPro:
		return ModelPro, nil
	}
	return "", fmt.Errorf("unknown model %q: use standard or pro", s)
}

// ModelLabel is the short name a person reads: Standard or Pro.
func ModelLabel(model string) string {
	switch model {
	case ModelStandard:
		return "Standard"
	case ModelPro:
		return "Pro"
	}
	return model
}

// IsPro reports whether model is the Pro model.
func IsPro(model string) bool { return model == ModelPro }

// Variant is one arm of a comparison: a model and, for Pro, a resolution.
type Variant struct {
	Name       string // as the user wrote it, normalised: standard, pro-720p, …
	Model      string
	Resolution string // empty for Standard
}

// Label names the variant for a person: "Standard 720p", "Pro 1080p".
func (v Variant) Label() string { return VariantLabel(v.Model, v.Resolution) }

// VariantLabel names a model and resolution for a person: "Standard 720p",
// "Pro 1080p". Standard is always 720p; Pro without a resolution gets the
// default soratui sends.
func VariantLabel(model, resolution string) string {
	if !IsPro(model) || resolution == "" {
		resolution = DefaultResolution
	}
	return ModelLabel(model) + " " + resolution
}

// ParseVariant reads one variant name: standard, pro (= pro-720p),
// pro-720p, pro-1024p or pro-1080p.
func ParseVariant(s string) (Variant, error) {
	name := strings.ToLower(strings.TrimSpace(s))
	switch name {
	case "standard", ModelStandard:
		return Variant{Name: "standard", Model: ModelStandard}, nil
	case "pro", ModelPro:
		return Variant{Name: "pro-720p", Model: ModelPro, Resolution: "720p"}, nil
	}
	if res, ok := strings.CutPrefix(name, "pro-"); ok && slices.Contains(Resolutions, res) {
		return Variant{Name: name, Model: ModelPro, Resolution: res}, nil
	}
	return Variant{}, fmt.Errorf("unknown variant %q: use standard, pro, pro-720p, pro-1024p or pro-1080p", s)
}

// ParseVariants reads a comma list of variants. It needs at least one, and
// refuses a variant named twice.
func ParseVariants(s string) ([]Variant, error) {
	var out []Variant
	for part := range strings.SplitSeq(s, ",") {
		if strings.TrimSpace(part) == "" {
			continue
		}
		v, err := ParseVariant(part)
		if err != nil {
			return nil, err
		}
		if slices.ContainsFunc(out, func(o Variant) bool { return o.Name == v.Name }) {
			return nil, fmt.Errorf("variant %q is listed twice", v.Name)
		}
		out = append(out, v)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no variants given: use a comma list such as standard,pro-1080p")
	}
	return out, nil
}

// Apply returns r with the variant's model and resolution.
func (v Variant) Apply(r Request) Request {
	r.Model = v.Model
	r.Resolution = v.Resolution
	return r
}
