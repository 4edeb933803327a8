// Package text holds the server's texts.
package text

// Tool texts.
const (
	Prefix   = "Weather"
	ToolName = "forecast"
	Days     = 7
)

// Disclaimer is never reassigned, so its initializer is its value.
var Disclaimer = "Forecasts are estimates."

// Level is an enumeration.
type Level int

// Levels.
const (
	Low Level = iota + 1
	High
)

func (l Level) String() string {
	if l == High {
		return "high"
	}
	return "low"
}
