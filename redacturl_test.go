package pluggy

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestRedactedURL(t *testing.T) {
	for raw, want := range map[string]string{
		"":                                  "",
		"https://hooks.example.com/pluggy":  "https://hooks.example.com/pluggy",
		"https://u:pw@hooks.example.com/p":  "https://[redacted]@hooks.example.com/p",
		"https://hooks.example.com/p?tok=x": "https://hooks.example.com/p?[redacted]",
		"https://hooks.example.com/p?":      "https://hooks.example.com/p?[redacted]",
		"https://hooks.example.com/p#frag":  "https://hooks.example.com/p",
		"myapp://back?code=x":               "myapp://back?[redacted]",
		"mailto:someone@example.com":        "mailto:[redacted]",
		"/relative?x=1":                     "/relative?[redacted]",
		"https://h/%zz":                     "[unparsable URL redacted]",
	} {
		assert.Equal(t, want, redactedURL(raw), raw)
	}
}
