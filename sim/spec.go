package sim

import "strings"

// ParseSpec splits a "kind:p1,p2,..." specification of a random variable,
// the form in which latency models (ParseLatency) and churn distributions
// (churn.ParseDist) are written, into its kind and its parameters, each
// trimmed of surrounding spaces. ok is false if s has no colon. What the
// kind and the parameters mean, and the messages for bad ones, are the
// caller's.
func ParseSpec(s string) (kind string, params []string, ok bool) {
	kind, rest, ok := strings.Cut(strings.TrimSpace(s), ":")
	if !ok {
		return "", nil, false
	}
	params = strings.Split(rest, ",")
	for i := range params {
		params[i] = strings.TrimSpace(params[i])
	}
	return kind, params, true
}
